"""`make bench`: read paths beside pgbench, spend reports, index insert costs, end-to-end
generations/s with one and three workers (bench_reads.py), throughput, polling cost against a 60 s job (side by side with the
official SDK's 1 s loop), and server memory while 20 clients stream a 20 MB video. Prints the
figures; the crash test runs last (crash_test.py)."""
import statistics, sys, threading, time, urllib.request
from harness import *
import crash_test
import bench_reads


def throughput(binary, n=200):
    db = fresh_database("reelbase_bench_tp")
    sim = start_simulator(binary, latency=0, name="tp-sim")
    env = base_env(db, REELBASE_WORKER_SLOTS=32, REELBASE_WORKER_EXPECTED_SECONDS=0.05, REELBASE_WORKER_MIN_POLL_MS=10,
                   REELBASE_WORKER_IDLE_POLL_MS=10)
    server, _ = start_server(binary, env, name="tp-serve")
    key = team_with_account(binary, env, server, sim, concurrency=100)
    started = time.time()
    api(server, "/api/v1/generations/batch", key, "POST", {
        "base": {"model": "veo-3.1-fast", "prompt": "throughput", "duration": 4}, "seeds": list(range(1, n + 1))})
    bench_reads.wait_until_succeeded(db, n, started, "throughput run")
    elapsed = bench_reads.finished_at(db) - started
    return {"generations": n, "seconds": round(elapsed, 2), "per_second": round(n / elapsed, 1)}


def polling(binary, jobs=5, latency=60):
    db = fresh_database("reelbase_bench_poll")
    ours, sdks = start_simulator(binary, latency=latency, name="poll-ours"), start_simulator(binary, latency=latency, name="poll-sdk")
    env = base_env(db)  # default cadence: follows the model's typical duration
    server, _ = start_server(binary, env, name="poll-serve")
    key = team_with_account(binary, env, server, ours)
    started = time.time()
    ids = [api(server, "/api/v1/generations", key, "POST", {"model": "veo-3.1", "prompt": f"poll {i}", "duration": 4, "seed": i})["id"]
           for i in range(jobs)]
    # The official SDK, same simulator behaviour, its own 1 s loop.
    sdk = subprocess.Popen([os.path.join(ROOT, ".build/sdk-venv/bin/python"), "-c", f"""
import segmind, threading
c = segmind.SegmindClient(api_key="bench-key-123456", base_url="{sdks}/v1")
jobs = [c.submit_async("veo-3.1", prompt="sdk %d" % i, duration=4, seed=i) for i in range({jobs})]
# Each job waits in its own thread, as separate callers would: the SDK's own 1 s loop each.
threads = [threading.Thread(target=j.wait) for j in jobs]
for t in threads: t.start()
for t in threads: t.join()
"""], cwd=ROOT)
    done = {}
    while len(done) < jobs and time.time() - started < latency * 4:
        for gid in ids:
            if gid not in done:
                g = api(server, f"/api/v1/generations/{gid}", key)
                if g["status"] in ("succeeded", "failed"):
                    done[gid] = time.time() - started
        time.sleep(0.5)
    sdk.wait(timeout=latency * 4)
    ours_stats, sdk_stats = sim_stats(ours), sim_stats(sdks)
    return {"job_seconds": latency, "jobs": jobs,
            "reelbase_polls_per_generation": round(ours_stats["polls"] / jobs, 1),
            "sdk_polls_per_generation": round(sdk_stats["polls"] / jobs, 1),
            "reelbase_seconds_to_archived_median": round(statistics.median(done.values()), 1) if done else None}


def streaming_memory(binary, clients=20, size=20_000_000):
    db = fresh_database("reelbase_bench_mem")
    sim = start_simulator(binary, latency=0, video_bytes=size, name="mem-sim")
    env = base_env(db, REELBASE_WORKER_EXPECTED_SECONDS=0.1)
    server, proc = start_server(binary, env, name="mem-serve")
    key = team_with_account(binary, env, server, sim)
    gid = api(server, "/api/v1/generations", key, "POST", {"model": "veo-3.1-fast", "prompt": "big video", "duration": 4})["id"]
    deadline = time.time() + 120
    while api(server, f"/api/v1/generations/{gid}", key)["status"] != "succeeded":
        if time.time() > deadline:
            raise RuntimeError("the 20 MB video was not archived in 120 s")
        time.sleep(0.2)
    time.sleep(1)
    idle = rss_kib(proc.pid)
    peak, stop, received = [idle], threading.Event(), []

    def sample():
        while not stop.is_set():
            peak.append(rss_kib(proc.pid))
            time.sleep(0.02)

    def download():
        req = urllib.request.Request(f"{server}/api/v1/generations/{gid}/video", headers={"Authorization": f"Bearer {key}"})
        total = 0
        with urllib.request.urlopen(req, timeout=120) as r:
            while chunk := r.read(1 << 16):
                total += len(chunk)
        received.append(total)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.time()
    threads = [threading.Thread(target=download) for _ in range(clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.time() - started
    stop.set(); sampler.join()
    return {"clients": clients, "video_mb": size / 1e6, "all_complete": received == [size] * clients,
            "rss_idle_mb": round(idle / 1024, 1), "rss_peak_mb": round(max(peak) / 1024, 1),
            "rss_growth_mb": round((max(peak) - idle) / 1024, 1), "seconds": round(elapsed, 2),
            "aggregate_mb_per_s": round(clients * size / 1e6 / elapsed, 1)}


def big_png(width, height):
    """A valid RGB PNG of random pixels (barely compressible): about width × height × 3 bytes."""
    import struct, zlib
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def startup_and_uploads(binary, uploads=5):
    """Start to `/readyz` (migrated database), idle memory, and image upload MB/s."""
    db = fresh_database("reelbase_bench_start")
    env = base_env(db, REELBASE_RUN_WORKER="false")
    started = time.time()
    url, proc = start_server(binary, env, name="start-serve", poll=0.005)
    ready_ms = (time.time() - started) * 1000
    time.sleep(2)
    idle = rss_kib(proc.pid)
    key = json.loads(sh(binary, "team", "create", "--name", "Uploads", "--owner-email", "uploads@example.com", env=env))["api_key"]
    images = [big_png(1600, 1600) for _ in range(uploads)]
    started = time.time()
    for image in images:
        req = urllib.request.Request(url + "/api/v1/assets", data=image, method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "image/png"})
        with urllib.request.urlopen(req, timeout=120) as r:
            assert r.status == 201, r.status
    elapsed = time.time() - started
    megabytes = sum(len(i) for i in images) / 1e6
    return {"start_to_readyz_ms": round(ready_ms), "rss_idle_mb": round(idle / 1024, 1), "uploads": uploads,
            "upload_mb_each": round(megabytes / uploads, 1), "upload_mb_per_s": round(megabytes / elapsed, 1)}


def end_to_end(binary):
    """One worker process, then three, each on a quiet machine."""
    one = bench_reads.end_to_end(binary, 1)
    stop_started()
    return [one, bench_reads.end_to_end(binary, 3)]


def main():
    binary = build()
    results = {}
    only = sys.argv[1:]  # e.g. `python3 bench.py polling`
    sizes = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "100000,1000000").split(","))
    for name, run in [("reads", lambda b: bench_reads.reads(b, sizes)),
                      ("end_to_end", end_to_end),
                      ("throughput", throughput), ("polling", polling), ("streaming_memory", streaming_memory),
                      ("startup_and_uploads", startup_and_uploads)]:
        if only and name not in only:
            continue
        log(f"== {name}")
        results[name] = run(binary)
        stop_started()
        log(json.dumps(results[name], indent=2))
    log("\n" + bench_reads.table(results))
    code = 0
    if not only or "crash" in only:
        log("== crash test")
        code = crash_test.main(binary)
    os.makedirs(os.path.join(ROOT, ".build"), exist_ok=True)
    with open(os.path.join(ROOT, ".build/bench-results.json"), "w") as f:
        json.dump(results, f, indent=2)
    return code


if __name__ == "__main__":
    sys.exit(main())
