"""`make chaos`: three replicas (`serve` + two `worker`) on one PostgreSQL and the provider
simulator, put through faults. Each scenario prints what it tried and what was lost, duplicated
or leaked; every one of those figures must be 0. CHAOS_SMALL=1 is the short run `make test` uses; CHAOS_ONLY=sigterm,probes runs some.

lost        generations that did not end as they must (succeeded, or failed where a fault
            makes failing right), or a success without its video
duplicated  generations billed twice by the simulator, or with two ledger rows
leaked      leases still held, money still reserved once all is settled, or (secrets) a key
            seen where it must not be"""
import random, sys, time
from harness import *
import chaos_probes

SMALL = os.environ.get("CHAOS_SMALL") == "1"
N = 8 if SMALL else 24
OUTAGE = 8 if SMALL else 60
LEASE = 3


class Cluster:
    def __init__(self, binary):
        self.binary = binary
        self.db = fresh_database("reelbase_chaos")
        self.sim_port = free_port()
        self.sim = self.start_sim()
        self.env = base_env(self.db, REELBASE_WORKER_LEASE_SECONDS=LEASE, REELBASE_WORKER_EXPECTED_SECONDS=1,
                            REELBASE_WORKER_IDLE_POLL_MS=200, REELBASE_WORKER_SLOTS=8, REELBASE_DB_POOL_SIZE=6, LOG_LEVEL="debug")
        self.server, self.serve_proc = start_server(binary, self.env, name="chaos-serve")
        self.port = int(self.server.rsplit(":", 1)[1])
        self.workers = [start([binary, "worker"], env=self.env, name=f"chaos-w{i}") for i in range(2)]
        line = sh(binary, "team", "create", "--name", "Chaos A", "--owner-email", f"a{random.randint(0, 10**9)}@example.com", env=self.env)
        self.team = json.loads(line)
        self.key = self.team["api_key"]
        self.account_key = "chaos-provider-key-123456"
        self.account = api(self.server, "/api/v1/provider-accounts", self.key, "POST",
                           {"provider": "segmind", "name": "sim", "api_key": self.account_key, "base_url": self.sim, "concurrency_limit": 50})
        self.batches = 0

    def start_sim(self):
        self.sim_proc = start([self.binary, "provider-sim", "--port", str(self.sim_port), "--latency", "2", "--balance", "1000000"], name="chaos-sim")
        url = f"http://127.0.0.1:{self.sim_port}"
        wait_http(url + "/_sim/stats")
        return url

    def replicas(self):
        return [self.serve_proc] + self.workers

    def restart_replicas(self):
        self.serve_proc = start([self.binary, "serve"], env=dict(self.env, REELBASE_PORT=str(self.port)), name="chaos-serve")
        wait_http(self.server + "/readyz")
        self.workers = [start([self.binary, "worker"], env=self.env, name=f"chaos-w{i}") for i in range(2)]

    def queue(self, n, label):
        """n generations with distinct seeds and a prompt naming the scenario."""
        self.batches += 1
        prompt = f"chaos {label} {self.batches}"
        api(self.server, "/api/v1/generations/batch", self.key, "POST",
            {"base": {"model": "veo-3.1-fast", "prompt": prompt, "duration": 4}, "seeds": list(range(1, n + 1))})
        return prompt

    def count(self, where):
        return int(sql(self.db, f"SELECT count(*) FROM generations WHERE {where}"))

    def wait_settled(self, prompt, timeout=240):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.count(f"prompt_text = '{prompt}' AND state IN ('queued','submitting','submitted','cancel_requested')") == 0:
                return True
            time.sleep(0.5)
        return False

    def verdict(self, prompt, n, billed_before, may_fail=False):
        """(lost, duplicated, leaked) for one scenario's generations."""
        mine = f"prompt_text = '{prompt}'"
        ok_states = "('succeeded','failed')" if may_fail else "('succeeded')"
        settled = self.count(f"{mine} AND state IN {ok_states}")
        no_video = self.count(f"{mine} AND state = 'succeeded' AND video_blob_id IS NULL")
        lost = n - settled + no_video
        succeeded = self.count(f"{mine} AND state = 'succeeded'")
        billed = sim_stats(self.sim)["completed"] - billed_before
        ledger_twice = int(sql(self.db, f"SELECT count(*) FROM (SELECT l.generation_id FROM spend_ledger l JOIN generations g ON g.id = l.generation_id "
                                        f"WHERE g.{mine} GROUP BY 1 HAVING count(*) > 1) t"))
        duplicated = max(0, billed - succeeded) + ledger_twice
        held = self.count(f"{mine} AND lease_token IS NOT NULL")
        reserved = float(api(self.server, "/api/v1/team", self.key)["reserved_usd"])
        return lost, duplicated, held + (1 if reserved > 0 else 0)


RESULTS = []


def report(name, tried, lost, duplicated, leaked, figures=""):
    ok = lost == 0 and duplicated == 0 and leaked == 0
    RESULTS.append((name, ok))
    log(f"{'PASS' if ok else 'FAIL'} {name}: {tried}")
    log(f"     lost {lost}, duplicated {duplicated}, leaked {leaked}{'; ' + figures if figures else ''}")


def pg_ctl(action):
    subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), action], cwd=ROOT, check=True, capture_output=True)


def readyz(url):
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return 0


def postgres_restart(c):
    billed = sim_stats(c.sim)["completed"]
    prompt = c.queue(N, "pg-restart")
    time.sleep(1.5)
    pg_ctl("stop")
    down_status = readyz(c.server)
    time.sleep(3)
    pg_ctl("start")
    started = time.time()
    while readyz(c.server) != 200 and time.time() - started < 60:
        time.sleep(0.2)
    recovered = time.time() - started
    alive = sum(1 for p in c.replicas() if p.poll() is None)
    c.wait_settled(prompt)
    lost, dup, leaked = c.verdict(prompt, N, billed)
    report("PostgreSQL restarted mid-run", f"{N} generations, cluster stopped 3 s while they ran", lost, dup, leaked + (3 - alive),
           f"/readyz during the outage {down_status}, ready again {recovered:.1f} s after the restart; replicas still running {alive}/3")


def frozen_worker(c):
    billed = sim_stats(c.sim)["completed"]
    sim_faults(c.sim, {"route": "status", "fault": "slow", "delay_seconds": LEASE + 2, "count": 4})
    prompt = c.queue(N, "sigstop")
    # Freeze a replica while it holds a lease (leased_by is "host-pid"), in the middle of a slow poll.
    victim, held, deadline = None, 0, time.time() + 30
    while victim is None and time.time() < deadline:
        holders = sql(c.db, f"SELECT leased_by FROM generations WHERE prompt_text = '{prompt}' AND lease_token IS NOT NULL").split()
        for proc in c.workers:
            held = sum(1 for h in holders if h.endswith(f"-{proc.pid}"))
            if held:
                victim = proc
                break
        time.sleep(0.05)
    victim = victim or c.workers[0]
    victim.send_signal(signal.SIGSTOP)
    time.sleep(LEASE * 3)
    done_while_frozen = c.count(f"prompt_text = '{prompt}' AND state = 'succeeded'")
    victim.send_signal(signal.SIGCONT)
    c.wait_settled(prompt)
    time.sleep(LEASE)  # the woken worker's late writes land now, or never
    lost, dup, leaked = c.verdict(prompt, N, billed)
    report("worker frozen with SIGSTOP past its lease", f"{N} generations, one worker stopped {LEASE * 3} s (lease {LEASE} s) then resumed",
           lost, dup, leaked, f"leases the frozen worker held {held}; finished by the others while it slept {done_while_frozen}")


def rate_limit_storm(c):
    billed = sim_stats(c.sim)["completed"]
    reset = 5
    sim_faults(c.sim, {"route": "submit", "fault": "429", "reset_after_seconds": reset})
    prompt = c.queue(N, "429")
    deadline = time.time() + 30
    while sim_stats(c.sim)["faults_injected"] == 0 and time.time() < deadline:
        time.sleep(0.05)
    first = time.time()
    submits_at_first = sim_stats(c.sim)["submits"]
    time.sleep(0.5)  # requests already on the wire when the 429 came back
    early_from = sim_stats(c.sim)["submits"]
    time.sleep(max(0, reset - 0.5 - (time.time() - first) - 0.3))
    early = sim_stats(c.sim)["submits"] - early_from
    clear_faults(c.sim)
    c.wait_settled(prompt)
    lost, dup, leaked = c.verdict(prompt, N, billed)
    report("429 storm with a reset time", f"{N} generations, every submit answered 429 (reset in {reset} s)", lost, dup, leaked + early,
           f"POSTs between the first 429 and the reset {early} (answered 429 before the pause took hold: {early_from - submits_at_first + 1})")


def server_error_storm(c):
    billed = sim_stats(c.sim)["completed"]
    storm = 5 if SMALL else 10
    before = sim_stats(c.sim)
    sim_faults(c.sim, [{"route": "submit", "fault": "500"}, {"route": "status", "fault": "502"}])
    prompt = c.queue(N, "5xx")
    time.sleep(storm)
    during = sim_stats(c.sim)
    clear_faults(c.sim)
    c.wait_settled(prompt)
    submits, polls = during["submits"] - before["submits"], during["polls"] - before["polls"]
    delays = sql(c.db, f"""SELECT round(extract(epoch FROM a2.at - a1.at)::numeric, 2) FROM generation_attempts a1
        JOIN generation_attempts a2 ON a2.generation_id = a1.generation_id AND a2.attempt = a1.attempt + 1 AND a2.phase = 'submit'
        JOIN generations g ON g.id = a1.generation_id WHERE g.prompt_text = '{prompt}' AND a1.phase = 'submit' AND a1.attempt = 1""").split()
    spread = (max(map(float, delays)) - min(map(float, delays))) if len(delays) > 1 else 0
    hot = 1 if submits > N * 6 else 0
    lost, dup, leaked = c.verdict(prompt, N, billed, may_fail=True)
    report("5xx storm", f"{N} generations, {storm} s of JSON 500 on every submit and 502 on every poll", lost, dup, leaked + hot,
           f"submit POSTs during the storm {submits} ({submits / N:.1f} per generation, hot loop would be hundreds); "
           f"retry delays after attempt 1 spread over {spread:.2f} s (jitter)")


def simulator_unreachable(c):
    billed = sim_stats(c.sim)["completed"]
    c.sim_proc.kill()
    c.sim_proc.wait()
    prompt = c.queue(N, "unreachable")
    time.sleep(OUTAGE)
    failed_during = c.count(f"prompt_text = '{prompt}' AND state = 'failed'")
    c.sim = c.start_sim()
    c.wait_settled(prompt)
    lost, dup, leaked = c.verdict(prompt, N, billed)
    report("simulator unreachable", f"{N} generations queued while the provider was down for {OUTAGE} s", lost, dup, leaked,
           f"failed during the outage {failed_during}")


def download_cut(c):
    billed = sim_stats(c.sim)["completed"]
    sim_faults(c.sim, {"route": "result", "fault": "truncate", "count": N})
    prompt = c.queue(N, "cut")
    c.wait_settled(prompt)
    cut = sim_stats(c.sim)["faults_injected"]
    lost, dup, leaked = c.verdict(prompt, N, billed)
    sizes = sql(c.db, f"SELECT DISTINCT video_size FROM generations WHERE prompt_text = '{prompt}' AND state = 'succeeded'").split()
    report("video download cut half-way", f"{N} generations, {N} results cut after half their bytes", lost, dup, leaked,
           f"archived sizes {sizes} (never the half); faults fired so far {cut}")


def sigterm(c):
    billed = sim_stats(c.sim)["completed"]
    sim_faults(c.sim, {"route": "submit", "fault": "slow", "delay_seconds": 0.5})
    prompt = c.queue(N, "sigterm")
    deadline = time.time() + 15
    while c.count(f"prompt_text = '{prompt}' AND state = 'submitting'") == 0 and time.time() < deadline:
        time.sleep(0.05)
    in_flight = c.count(f"prompt_text = '{prompt}' AND state IN ('submitting', 'submitted')")
    began = time.time()
    procs = c.replicas()
    for p in procs:
        p.send_signal(signal.SIGTERM)
    exits = []
    for name, p in zip(("serve", "worker 1", "worker 2"), procs):
        try:
            p.wait(timeout=max(1, 35 - (time.time() - began)))
        except subprocess.TimeoutExpired:
            p.kill()
        exits.append(f"{name} {time.time() - began:.1f} s")
    slowest = time.time() - began
    submitting = c.count(f"prompt_text = '{prompt}' AND state = 'submitting'")
    unknown = c.count(f"prompt_text = '{prompt}' AND state = 'submit_unknown'")
    clear_faults(c.sim)
    c.restart_replicas()
    c.wait_settled(prompt)
    lost, dup, leaked = c.verdict(prompt, N, billed)
    late = 1 if slowest > 30 else 0
    report("SIGTERM with work in flight", f"{N} generations, SIGTERM to all three replicas during slowed submits", lost, dup,
           leaked + submitting + unknown + late, f"in flight at SIGTERM {in_flight}; exited: {', '.join(exits)}; left submitting {submitting}, submit_unknown {unknown}")


def clear_faults(sim):
    urllib.request.urlopen(urllib.request.Request(sim + "/_sim/faults", method="DELETE")).read()


def main():
    binary = build()
    c = Cluster(binary)
    log(f"chaos ({'small' if SMALL else 'full'} run): serve + 2 workers, lease {LEASE} s, {N} generations per scenario")
    only = os.environ.get("CHAOS_ONLY", "").split(",")  # e.g. CHAOS_ONLY=sigterm,probes
    for scenario in (postgres_restart, frozen_worker, rate_limit_storm, server_error_storm, simulator_unreachable, download_cut, sigterm):
        if only == [""] or scenario.__name__ in only:
            scenario(c)
    if only == [""] or "probes" in only:
        for name, tried, lost, dup, leaked, figures in chaos_probes.run(c):
            report(name, tried, lost, dup, leaked, figures)
    passed = sum(1 for _, ok in RESULTS if ok)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if passed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
