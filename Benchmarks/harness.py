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
                "REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS": "true", "REELBASE_OUTBOUND_HTTP_HOSTS": "127.0.0.1"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start(args, env=None, name="proc"):
    logfile = open(os.path.join("/tmp", f"bench-{name}-{os.getpid()}.log"), "a")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT)
    PROCS.append(proc)
    return proc


def wait_http(url, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start_simulator(binary, latency, video_bytes=None, name="sim"):
    port = free_port()
    args = [binary, "provider-sim", "--port", str(port), "--latency", str(latency), "--balance", "1000000"]
    if video_bytes:
        args += ["--video-bytes", str(video_bytes)]
    start(args, name=name)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/_sim/stats")
    return url


def start_server(binary, env, name="serve"):
    port = free_port()
    env = dict(env, REELBASE_PORT=str(port))
    proc = start([binary, "serve"], env=env, name=name)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/readyz")
    return url, proc


def api(url, path, key, method="GET", body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def sim_stats(sim_url):
    with urllib.request.urlopen(sim_url + "/_sim/stats") as r:
        return json.loads(r.read())


def sim_faults(sim_url, rules):
    req = urllib.request.Request(sim_url + "/_sim/faults", data=json.dumps(rules).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def team_with_account(binary, env, server_url, sim_url, concurrency=100):
    line = sh(binary, "team", "create", "--name", "Bench", "--owner-email", f"bench{random.randint(0, 10**9)}@example.com", env=env)
    key = json.loads(line)["api_key"]
    api(server_url, "/api/v1/provider-accounts", key, "POST",
        {"provider": "segmind", "name": "sim", "api_key": "bench-key-123456", "base_url": sim_url, "concurrency_limit": concurrency})
    return key


def sql(database_url, query):
    return sh("psql", database_url, "-tAc", query)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


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
