#!/usr/bin/env bash
# Runs the official Segmind Python SDK (1.3.0) against the provider simulator.
#   REELBASE_BIN=.build/debug/reelbase Tests/sdk/run.sh     # starts `reelbase provider-sim`
#   SIM_URL=http://127.0.0.1:9090 Tests/sdk/run.sh          # uses a simulator already running
# SIM_HISTORY_LAG (default 3) is the simulator's --history-lag in seconds; the tests move its clock past it.
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
cleanup() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi; }
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
