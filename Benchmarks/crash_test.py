"""Crash test: three `reelbase worker` processes drain 200 generations from a simulator with
latency while one of them is killed with SIGKILL 30 times (during submits and polls) and
restarted each time. Reports generations lost (must be 0), POSTs per generation (must be at
most 1: an interrupted submit goes to submit_unknown and is never resubmitted) and the time
to drain. Exits non-zero when an invariant breaks."""
import random, sys, time
from harness import *

N, KILLS, WORKERS = int(os.environ.get("CRASH_N", 200)), int(os.environ.get("CRASH_KILLS", 30)), 3


def main(binary=None):
    binary = binary or build()
    db = fresh_database("reelbase_crash")
    sim = start_simulator(binary, latency=2, name="crash-sim")
    # Slow submits a little so that kills land during submits as well as polls.
    sim_faults(sim, {"route": "submit", "fault": "slow", "delay_seconds": 0.3})
    env = base_env(db, REELBASE_WORKER_LEASE_SECONDS=3, REELBASE_WORKER_EXPECTED_SECONDS=2,
                   REELBASE_WORKER_IDLE_POLL_MS=100, REELBASE_WORKER_SLOTS=16, REELBASE_DB_POOL_SIZE=8)
    server, _ = start_server(binary, dict(env, REELBASE_RUN_WORKER="false"), name="crash-api")
    key = team_with_account(binary, env, server, sim, concurrency=60)

    workers = [start([binary, "worker"], env=env, name=f"crash-w{i}") for i in range(WORKERS)]
    started = time.time()
    for offset in range(0, N, 500):
        api(server, "/api/v1/generations/batch", key, "POST", {
            "base": {"model": "veo-3.1-fast", "prompt": "crash test", "duration": 4},
            "seeds": list(range(offset + 1, min(N, offset + 500) + 1))})
    log(f"queued {N} generations; killing a worker {KILLS} times")

    for kill in range(KILLS):
        time.sleep(random.uniform(0.2, 1.0))
        i = random.randrange(WORKERS)
        workers[i].kill()
        workers[i].wait()
        workers[i] = start([binary, "worker"], env=env, name=f"crash-w{i}")
    log("kills done; waiting for the queue to drain")

    deadline = time.time() + 600
    while time.time() < deadline:
        open_jobs = int(sql(db, "SELECT count(*) FROM generations WHERE state IN ('queued','submitting','submitted','cancel_requested')"))
        if open_jobs == 0:
            break
        time.sleep(0.5)
    drained = time.time() - started
    stats = sim_stats(sim)

    # SIGTERM: workers stop claiming, finish what they hold within 30 s, and leave nothing ambiguous.
    unknown_before = int(sql(db, "SELECT count(*) FROM generations WHERE state = 'submit_unknown'"))
    api(server, "/api/v1/generations/batch", key, "POST", {
        "base": {"model": "veo-3.1-fast", "prompt": "graceful stop", "duration": 4}, "seeds": list(range(N + 1, N + 21))})
    time.sleep(0.15)  # while the (slowed) submits are in flight
    term_started = time.time()
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)
    stop_seconds = time.time() - term_started
    unknown_after_term = int(sql(db, "SELECT count(*) FROM generations WHERE state = 'submit_unknown'")) - unknown_before
    held = int(sql(db, "SELECT count(*) FROM generations WHERE lease_token IS NOT NULL"))
    workers = [start([binary, "worker"], env=env, name=f"crash-w{i}") for i in range(WORKERS)]
    while int(sql(db, "SELECT count(*) FROM generations WHERE state IN ('queued','submitting','submitted')")) and time.time() < deadline:
        time.sleep(0.5)
    graceful_done = int(sql(db, "SELECT count(*) FROM generations WHERE prompt_text = 'graceful stop' AND state = 'succeeded'"))

    states = dict(line.split("|") for line in sql(db, "SELECT state, count(*) FROM generations WHERE prompt_text = 'crash test' GROUP BY state").splitlines())
    total = int(sql(db, "SELECT count(*) FROM generations WHERE prompt_text = 'crash test'"))
    settled = sum(int(states.get(s, 0)) for s in ("succeeded", "failed", "expired", "cancelled", "submit_unknown"))
    unknown = int(states.get("submit_unknown", 0))
    per_body = stats["by_body_sha256"].values()
    final_max_per_body = sim_stats(sim)["max_per_body"]
    resubmitted = sum(1 for c in per_body if c > 1)
    ledger = int(sql(db, "SELECT count(*) FROM spend_ledger l JOIN generations g ON g.id = l.generation_id WHERE g.prompt_text = 'crash test'"))
    succeeded = int(states.get("succeeded", 0))

    print()
    print("crash test results")
    print(f"  generations requested     {N}")
    print(f"  rows in the database      {total}")
    print(f"  final states              {states}")
    print(f"  lost (not settled)        {N - settled}")
    print(f"  submit POSTs              {stats['submits']}  ({stats['submits'] / N:.3f} per generation)")
    print(f"  max POSTs for one body    {stats['max_per_body']}  (bodies sent twice: {resubmitted})")
    print(f"  left in submit_unknown    {unknown}")
    print(f"  billed by the simulator   {stats['completed']}; succeeded and on the books {succeeded}; ledger rows {ledger}")
    print(f"  time to drain             {drained:.1f} s")
    print(f"  SIGTERM: workers stopped in {stop_seconds:.1f} s; leases still held {held}; new submit_unknown {unknown_after_term}; "
          f"the 20 jobs queued before it succeeded after restart: {graceful_done}")
    expired = int(states.get("expired", 0))
    ok = (total == N and settled == N and stats["max_per_body"] <= 1 and ledger == succeeded + expired
          and final_max_per_body <= 1 and stop_seconds <= 31 and held == 0 and unknown_after_term == 0 and graceful_done == 20)
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
