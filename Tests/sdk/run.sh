#!/usr/bin/env bash
# Runs the official Segmind Python SDK (1.3.0) against the provider simulator.
#   REELBASE_BIN=.build/debug/reelbase Tests/sdk/run.sh     # starts `reelbase provider-sim`
#   SIM_URL=http://127.0.0.1:9090 Tests/sdk/run.sh          # uses a simulator already running
# SIM_HISTORY_LAG (default 3) is the simulator's --history-lag in seconds; the tests move its clock past it.
# With REELBASE_BIN it also starts `reelbase serve` (worker on, its default Segmind account on the
# simulator, a fresh database from scripts/postgres.sh) and runs test_gateway_sdk.py: the same SDK
# pointed at Reelbase's gateway.
# The venv lives in .build/sdk-venv and is reused. Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.build/sdk-venv"

if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import segmind, sys; sys.exit(segmind.__version__ != "1.3.0")' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "segmind==1.3.0" pytest
fi

export SIM_HISTORY_LAG="${SIM_HISTORY_LAG:-3}"
sim_pid=""
server_pid=""
work="$(mktemp -d)"
cleanup() {
    for pid in $server_pid $sim_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${SIM_URL:-}" ]; then
    bin="${REELBASE_BIN:?set REELBASE_BIN to the reelbase binary, or SIM_URL to a running simulator}"
    port="${SIM_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
    "$bin" provider-sim --port "$port" --latency 1 --history-lag "$SIM_HISTORY_LAG" &
    sim_pid=$!
    SIM_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 300); do  # a debug build can take a few seconds to start
        if curl -fsS "$SIM_URL/_sim/stats" >/dev/null 2>&1; then break; fi
        if ! kill -0 "$sim_pid" 2>/dev/null; then echo "provider-sim exited early" >&2; exit 1; fi
        sleep 0.1
    done
fi

export SIM_URL
"$venv/bin/pytest" -q "$root/Tests/sdk/test_segmind_sdk.py"

if [ -n "${REELBASE_BIN:-}" ]; then
    echo "== the same SDK against Reelbase's Segmind-compatible gateway"
    curl -fsS -X POST "$SIM_URL/_sim/reset" >/dev/null
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export DATABASE_URL="$("$root/scripts/postgres.sh" fresh reelbase_sdk)"
    export REELBASE_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
    REELBASE_PORT="$port" REELBASE_BCRYPT_COST=4 LOG_LEVEL=warning \
    REELBASE_SEGMIND_API_KEY=sdk-sim-key REELBASE_SEGMIND_BASE_URL="$SIM_URL" REELBASE_SEGMIND_MODE=async \
    REELBASE_WORKER_IDLE_POLL_MS=100 REELBASE_WORKER_EXPECTED_SECONDS=1 REELBASE_SEGMIND_HISTORY_URL="$SIM_URL/inference-request/request-history" \
        "$REELBASE_BIN" serve > "$work/serve.log" 2>&1 &
    server_pid=$!
    export REELBASE_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        if curl -fsS "$REELBASE_URL/readyz" >/dev/null 2>&1; then break; fi
        if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/serve.log" >&2; echo "reelbase serve exited early" >&2; exit 1; fi
        sleep 0.1
    done
    team="$(REELBASE_BCRYPT_COST=4 "$REELBASE_BIN" team create --name "SDK" --owner-email "sdk-$RANDOM@example.com")"
    export REELBASE_KEY="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["api_key"])' "$team")"
    status=0
    "$venv/bin/pytest" -q "$root/Tests/sdk/test_gateway_sdk.py" || status=$?
    if [ $status -ne 0 ]; then tail -50 "$work/serve.log" >&2; fi
    exit $status
fi
