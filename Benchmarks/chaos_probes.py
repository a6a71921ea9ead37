"""The chaos run's probes of the doors rather than the pipes: another team's ids on every id
route of the OpenAPI document and on every list route, and secrets (API keys, provider keys)
anywhere but in the one answer that created them."""
import glob, re, uuid
from harness import *

# Which of team A's objects an id route acts on, by the path segment after /api/v1/.
RESOURCE = {"campaigns": "CAMPAIGN", "prompts": "PROMPT", "prompt-versions": "PROMPT_VERSION", "assets": "ASSET", "seeds": "SEED",
            "generations": "GENERATION", "provider-accounts": "ACCOUNT", "api-keys": "SPARE_KEY", "alerts": "ALERT",
            "members": "MEMBER", "storyboards": "STORYBOARD", "webhook-endpoints": "WEBHOOK", "reconciliations": "RECONCILIATION"}
# Query filters that take an id, and the object of A's to try them with.
FILTERS = {"campaign_id": "CAMPAIGN", "prompt_id": "PROMPT", "prompt_version_id": "PROMPT_VERSION", "asset_id": "ASSET",
           "seed_id": "SEED", "account_id": "ACCOUNT"}


def call(url, method, path, key, body=None):
    """(status, error code or None, text) without raising on 4xx."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, None, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        try:
            code = json.loads(text)["error"]["code"]
        except Exception:
            code = "?"
        return e.code, code, text


def cross_team(c, lib_a, key_b, doc, seen):
    """Team B with A's ids answers exactly like a random id; A's objects survive B's writes."""
    probes = mismatches = 0
    notes = []
    for path, methods in sorted(doc["paths"].items()):
        if "{id}" not in path:
            continue
        resource = path.split("/")[3]
        own = lib_a.get(RESOURCE.get(resource, ""), None)
        if own is None:
            notes.append(f"no object for {path}")
            continue
        for method in methods:
            body = {} if method in ("post", "put", "patch") else None
            fill = lambda ident: path.replace("{id}", ident).replace("{version}", "1").replace("{name}", "production")
            theirs = call(c.server, method.upper(), fill(own), key_b, body)
            random_id = call(c.server, method.upper(), fill(str(uuid.uuid4())), key_b, body)
            seen.extend([theirs[2], random_id[2]])
            probes += 1
            if theirs[:2] != random_id[:2]:
                mismatches += 1
                notes.append(f"{method.upper()} {path}: A's id {theirs[:2]}, random {random_id[:2]}")
    for name, ident in lib_a.items():
        resource = next((r for r, n in RESOURCE.items() if n == name), None)
        if resource and resource not in ("api-keys", "alerts", "members") and call(c.server, "GET", f"/api/v1/{resource}/{ident}", c.key)[0] != 200:
            mismatches += 1
            notes.append(f"A's {resource} {ident} is gone after team B's probes")
    return probes, mismatches, notes


def lists(c, lib_a, key_b, doc, seen):
    """Every list route (and its id filters, given A's ids) as team B shows nothing of A's."""
    a_ids = [v for k, v in lib_a.items() if k != "secrets"] + [c.team["team_id"], c.account["id"]]
    probes = leaks = 0
    notes = []
    for path, methods in sorted(doc["paths"].items()):
        if "{" in path or "get" not in methods or not path.startswith("/api/v1/") or path.endswith("openapi.json"):
            continue
        if "text/event-stream" in methods["get"].get("responses", {}).get("200", {}).get("content", {}):
            continue  # a stream never ends by itself; EventStreamTests checks team B never sees A's events
        queries = [""] + [f"?{p['name']}={lib_a[FILTERS[p['name']]]}" for p in methods["get"].get("parameters", []) if p["name"] in FILTERS]
        for query in queries:
            status, _, text = call(c.server, "GET", path + query, key_b)
            seen.append(text)
            probes += 1
            found = [i for i in a_ids if i.lower() in text.lower()]
            if found:
                leaks += 1
                notes.append(f"GET {path}{query} ({status}) shows A's {found}")
    return probes, leaks, notes


def secrets_seen(c, secrets, texts):
    """Log lines of every replica and every answer fetched here, searched for each secret."""
    # Reelbase's replicas only: the simulator stands in for the provider, which must see the key.
    logs = glob.glob(f"/tmp/bench-chaos-serve-{os.getpid()}.log") + glob.glob(f"/tmp/bench-chaos-w*-{os.getpid()}.log")
    lines = hits = 0
    notes = []
    for path in logs:
        with open(path, errors="replace") as f:
            for line in f:
                lines += 1
                for secret in secrets:
                    if secret in line:
                        hits += 1
                        notes.append(f"{os.path.basename(path)}: {line.strip()[:160]}")
    for text in texts:
        for secret in secrets:
            if secret in text:
                hits += 1
                notes.append(f"an answer carries {secret[:6]}…: {text[:120]}")
    return len(logs), lines, hits, notes


def run(c):
    lib_a = library(c.server, c.key, shade=40)
    lib_a["ALERT"] = sql(c.db, f"INSERT INTO alerts (team_id, account_key, kind, message) VALUES ('{c.team['team_id']}', "
                               f"'{c.account['id']}', 'auth', 'chaos probe') RETURNING id").split()[0]
    team_b = json.loads(sh(c.binary, "team", "create", "--name", "Chaos B", "--owner-email", f"b{random.randint(0, 10**9)}@example.com", env=c.env))
    key_b = team_b["api_key"]
    lib_b = library(c.server, key_b, shade=60)
    with urllib.request.urlopen(c.server + "/api/v1/openapi.json") as r:
        doc = json.loads(r.read())
    seen = []
    probes, mismatches, notes = cross_team(c, lib_a, key_b, doc, seen)
    list_probes, leaks, list_notes = lists(c, lib_a, key_b, doc, seen)
    for key in (c.key, key_b):  # each team reads everything of its own once more
        for path in ("/api/v1/api-keys", "/api/v1/provider-accounts", "/api/v1/audit?limit=200", "/api/v1/me", "/api/v1/members"):
            seen.append(call(c.server, "GET", path, key)[2])
    secrets = [c.key, key_b, c.account_key] + lib_a["secrets"] + lib_b["secrets"]
    files, lines, hits, secret_notes = secrets_seen(c, secrets, seen)
    for note in (notes + list_notes + secret_notes)[:20]:
        log(f"     {note}")
    return [
        ("cross-team probes on every id route", f"{probes} id-route probes as team B with team A's ids and with random ids", 0, 0, mismatches,
         f"answers differing from a random id's, or A's objects changed: {mismatches}"),
        ("cross-team probes on every list route", f"{list_probes} list reads as team B (with A's ids as filters)", 0, 0, leaks,
         f"lists showing any of A's ids: {leaks}"),
        ("secrets in logs and answers", f"{len(secrets)} issued keys searched in {lines} log lines of {files} processes (debug level) and {len(seen)} answers",
         0, 0, hits, f"sightings {hits}"),
    ]
