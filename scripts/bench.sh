#!/usr/bin/env bash
# `make bench` / `make crash-test` / `make chaos`: PostgreSQL, the SDK venv (for the polling comparison), then Benchmarks/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
scripts/postgres.sh start >/dev/null
venv=.build/sdk-venv
if ! "$venv/bin/python" -c 'import segmind' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "segmind==1.3.0" pytest
fi
cd Benchmarks
if [ "${1:-}" = crash ]; then exec python3 crash_test.py; fi
if [ "${1:-}" = chaos ]; then exec python3 chaos.py; fi
exec python3 bench.py
