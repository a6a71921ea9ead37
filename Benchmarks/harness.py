"""Starts the pieces a benchmark needs on this machine: PostgreSQL (fresh database), the
provider simulator, `reelbase serve` / `reelbase worker`. Loopback only; every process is
killed when the benchmark ends."""
import atexit, base64, json, os, random, signal, socket, subprocess, sys, time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.environ.get("BENCH_CONFIG", "release")
PROCS = []


def log(msg):
    print(msg, flush=True)


def sh(*args, env=None, check=True):
    return subprocess.run(args, cwd=ROOT, env=env, check=check, capture_output=True, text=True).stdout.strip()


def build():
    log(f"building reelbase ({CONFIG}) ...")
    subprocess.run(["swift", "build", "-c", CONFIG, "--product", "reelbase"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(sh("swift", "build", "-c", CONFIG, "--show-bin-path"), "reelbase")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(name):
    return subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), "fresh", name], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def base_env(database_url, **extra):
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "REELBASE_SECRET_KEY": base64.b64encode(os.urandom(32)).decode(),
                "REELBASE_DEMO": "off", "LOG_LEVEL": "warning", "REELBASE_BCRYPT_COST": "4",
                # Team accounts point at the simulator on loopback: the operator allows it.
                "REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS": "true", "REELBASE_OUTBOUND_HTTP_HOSTS": "127.0.0.1",
                "REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS": "true",
                # History look-ups never leave this machine; runs that use them name the simulator's.
                "REELBASE_SEGMIND_HISTORY_URL": "http://127.0.0.1:9/inference-request/request-history"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start(args, env=None, name="proc"):
    logfile = open(os.path.join("/tmp", f"bench-{name}-{os.getpid()}.log"), "a")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT)
    PROCS.append(proc)
    return proc


def wait_http(url, timeout=120, every=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(every)
    raise RuntimeError(f"{url} did not come up")


def start_simulator(binary, latency, video_bytes=None, name="sim", history_lag=None):
    port = free_port()
    args = [binary, "provider-sim", "--port", str(port), "--latency", str(latency), "--balance", "1000000"]
    if video_bytes:
        args += ["--video-bytes", str(video_bytes)]
    if history_lag is not None:
        args += ["--history-lag", str(history_lag)]
    start(args, name=name)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/_sim/stats")
    return url


def start_server(binary, env, name="serve", poll=0.1):
    """`poll`: how often to look at /readyz (the start-up benchmark looks every 5 ms)."""
    port = free_port()
    env = dict(env, REELBASE_PORT=str(port))
    proc = start([binary, "serve"], env=env, name=name)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/readyz", every=poll)
    return url, proc


def api(url, path, key, method="GET", body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "x-api-key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def sim_stats(sim_url):
    with urllib.request.urlopen(sim_url + "/_sim/stats") as r:
        return json.loads(r.read())


def sim_history(sim_url, api_key):
    """Every request the simulator's books hold for `api_key` (yesterday and today, UTC), one per
    request id, read through the history API the Segmind SDK uses; costs as Decimal."""
    import datetime, decimal
    today = datetime.datetime.now(datetime.timezone.utc).date()
    rows, page = {}, 1
    while True:
        query = f"?page={page}&per_page=100&from_date={today - datetime.timedelta(days=1)}&to_date={today}&sort_by=model_created&sort_order=asc"
        req = urllib.request.Request(sim_url + "/inference-request/request-history" + query, headers={"x-api-key": api_key})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = json.loads(r.read(), parse_float=decimal.Decimal, parse_int=decimal.Decimal)
        for row in body["data"]:
            rows[row["request_id"]] = row
        if page >= int(body["total_pages"]):
            return list(rows.values())
        page += 1


def sim_faults(sim_url, rules):
    req = urllib.request.Request(sim_url + "/_sim/faults", data=json.dumps(rules).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


SIM_ACCOUNT_KEY = "bench-key-123456"


def team_with_account(binary, env, server_url, sim_url, concurrency=100):
    line = sh(binary, "team", "create", "--name", "Bench", "--owner-email", f"bench{random.randint(0, 10**9)}@example.com", env=env)
    key = json.loads(line)["api_key"]
    api(server_url, "/api/v1/provider-accounts", key, "POST",
        {"provider": "segmind", "name": "sim", "api_key": SIM_ACCOUNT_KEY, "base_url": sim_url, "concurrency_limit": concurrency})
    return key


def png(shade):
    """A valid 2×2 RGB PNG; `shade` makes distinct bytes (one asset per distinct content)."""
    import struct, zlib
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes([shade, 0, 0]) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload_png(url, key, shade, query=""):
    req = urllib.request.Request(url + "/api/v1/assets" + query, data=png(shade), method="POST",
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "image/png"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def library(url, key, shade=10):
    """One of each object a team owns (and spares to delete), by name: what id routes act on."""
    campaign = api(url, "/api/v1/campaigns", key, "POST", {"name": "Launch", "budget_usd": 1000, "tags": ["launch"]})
    prompt = api(url, "/api/v1/prompts", key, "POST", {"name": "Kite", "text": "a red kite over a {{sea}} sea", "campaign_id": campaign["id"]})
    api(url, f"/api/v1/prompts/{prompt['id']}/versions", key, "POST", {"text": "a blue kite over a {{sea}} sea"})
    api(url, f"/api/v1/prompts/{prompt['id']}/labels/production", key, "PUT", {"version": 1})
    asset = upload_png(url, key, shade, "?role=first_frame")
    spare_asset = upload_png(url, key, shade + 1)
    seed = api(url, "/api/v1/seeds", key, "POST", {"value": 42, "note": "calm sea", "campaign_id": campaign["id"]})
    spare_seed = api(url, "/api/v1/seeds", key, "POST", {"value": 7})
    account = api(url, "/api/v1/provider-accounts", key, "POST", {"provider": "segmind", "name": "library", "api_key": f"library-key-{shade}-123456",
                                                                 "base_url": "http://127.0.0.1:9"})
    spare_account = api(url, "/api/v1/provider-accounts", key, "POST", {"provider": "aimlapi", "name": "spare", "api_key": f"spare-key-{shade}-123456"})
    spare_key = api(url, "/api/v1/api-keys", key, "POST", {"name": "spare", "role": "viewer"})
    member = api(url, "/api/v1/members", key, "POST", {"email": f"member-{shade}@example.com", "role": "viewer"})
    spare_member = api(url, "/api/v1/members", key, "POST", {"email": f"spare-{shade}@example.com", "role": "viewer"})
    generation = api(url, "/api/v1/generations", key, "POST", {"model": "veo-3.1-fast", "prompt": "a red kite over a grey sea", "duration": 4,
                                                               "seed": 42, "campaign_id": campaign["id"]})
    storyboard = api(url, f"/api/v1/campaigns/{campaign['id']}/storyboards", key, "POST", {"name": "Teaser"})
    spare_storyboard = api(url, f"/api/v1/campaigns/{campaign['id']}/storyboards", key, "POST", {"name": "Spare"})
    shot_body = {"prompt": {"text": "a red kite over a grey sea"}, "model": "veo-3.1-fast", "parameters": {"duration": 4}}
    shot = api(url, f"/api/v1/storyboards/{storyboard['id']}/shots", key, "POST", shot_body)
    spare_shot = api(url, f"/api/v1/storyboards/{storyboard['id']}/shots", key, "POST", shot_body)
    # A request through the Segmind-compatible gateway (x-api-key), for /v2/requests/{id}.
    gateway = api(url, "/v2/veo-3.1-fast", key, "POST", {"prompt": "a red kite through the gateway", "duration": 4})
    # A closed loopback port the operator allows (as for the provider account); nothing listens.
    hook = {"url": "http://127.0.0.1:9/reelbase-hooks", "events": ["budget.threshold"]}
    webhook = api(url, "/api/v1/webhook-endpoints", key, "POST", hook)
    spare_webhook = api(url, "/api/v1/webhook-endpoints", key, "POST", hook)
    reconciliation = api(url, "/api/v1/reconciliations", key, "POST", {"account": account["id"]})["runs"][0]
    return {"STORYBOARD": storyboard["id"], "SPARE_STORYBOARD": spare_storyboard["id"], "SHOT": shot["id"], "SPARE_SHOT": spare_shot["id"],
            "GATEWAY_REQUEST": gateway["request_id"], "CAMPAIGN": campaign["id"], "PROMPT": prompt["id"], "PROMPT_VERSION": prompt["latest"]["id"], "ASSET": asset["id"],
            "SPARE_ASSET": spare_asset["id"], "SEED": seed["id"], "SPARE_SEED": spare_seed["id"], "GENERATION": generation["id"],
            "ACCOUNT": account["id"], "SPARE_ACCOUNT": spare_account["id"], "SPARE_KEY": spare_key["api_key"]["id"],
            "MEMBER": member["member"]["user_id"], "SPARE_MEMBER": spare_member["member"]["user_id"],
            "WEBHOOK": webhook["endpoint"]["id"], "RECONCILIATION": reconciliation["id"], "SPARE_WEBHOOK": spare_webhook["endpoint"]["id"],
            "secrets": [spare_key["key"], f"library-key-{shade}-123456", f"spare-key-{shade}-123456", webhook["secret"], spare_webhook["secret"]]}


def sql(database_url, query):
    return sh("psql", database_url, "-tAc", query)


def cpu_by_process():
    """CPU seconds so far of this machine's PostgreSQL backends, Reelbase workers (with their
    ffmpeg children once those have exited), simulator and API processes, by kind."""
    seconds = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline") as f:
                command = f.read().replace("\0", " ")
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        kind = ("postgres" if name == "postgres" else "worker" if "reelbase worker" in command else
                "simulator" if "provider-sim" in command else "serve" if "reelbase serve" in command else None)
        if kind:
            fields = stat[stat.rindex(")") + 2:].split()
            ticks = sum(int(x) for x in fields[11:15])  # utime, stime, and those of waited-for children
            seconds[(pid, kind)] = ticks / os.sysconf("SC_CLK_TCK")
    return seconds


def cpu_spent(before, after):
    """Per kind, what `cpu_by_process` grew by between two looks (processes that started meanwhile count whole)."""
    spent = {}
    for (pid, kind), value in after.items():
        spent[kind] = spent.get(kind, 0) + value - before.get((pid, kind), 0)
    return spent


def drop_database(name):
    """Drops a benchmark's database and checkpoints, so the next part does not run beside its
    autovacuum and dirty pages (a million freshly written rows)."""
    admin = subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), "url", "postgres"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip()
    sql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    sql(admin, "CHECKPOINT")


def machine_cpu_seconds():
    """CPU time every process on the machine has used (not idle, not waiting on disk), in seconds."""
    with open("/proc/stat") as f:
        ticks = list(map(int, f.readline().split()[1:]))
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def stop_started():
    """Kills what earlier steps started, so their leftovers (a worker still making posters)
    do not take CPU from the next measurement."""
    _stop_all()
    PROCS.clear()


@atexit.register
def _stop_all():
    for proc in PROCS:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    for proc in PROCS:
        try:
            proc.wait(timeout=5)
        except Exception:
            pass
