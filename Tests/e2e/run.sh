#!/usr/bin/env bash
# Real-browser test of the dashboard: builds reelbase, serves it in demo mode (in-process
# provider simulator) on a free port against a fresh database, creates a team, and runs
# Tests/e2e/dashboard_test.py in headless Chromium. Evidence of a failure lands in .build/e2e/;
# E2E_SCREENSHOTS=docs/screenshots also saves each main page at 1366x768 there.
# Usage: Tests/e2e/run.sh        Exits non-zero when any check fails.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mkdir -p .build/e2e

swift build --product reelbase
bin="$(swift build --product reelbase --show-bin-path)/reelbase"

database_url="$(scripts/postgres.sh fresh reelbase_e2e 2>/dev/null)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log=.build/e2e/server.log

export DATABASE_URL="$database_url"
export REELBASE_SECRET_KEY="${REELBASE_SECRET_KEY:-ZTJlLXRlc3Qtc2VjcmV0LWtleS0zMi1ieXRlcy1vayE=}"
export REELBASE_PORT="$port" REELBASE_HOST=127.0.0.1
export REELBASE_DEMO=on REELBASE_WORKER_EXPECTED_SECONDS=1 REELBASE_BCRYPT_COST=4
export REELBASE_MIGRATIONS="$root/migrations" REELBASE_PUBLIC="$root/Public"
# The test's webhook receiver listens on loopback over plain http; an operator allows that on purpose.
export REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS=true REELBASE_OUTBOUND_HTTP_HOSTS=127.0.0.1
unset REELBASE_SEGMIND_API_KEY REELBASE_AIML_API_KEY || true

server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

email="e2e-owner@example.com"
password="e2e-password-$(date +%s)"
"$bin" team create --name "E2E Studio" --owner-email "$email" --owner-password "$password" > .build/e2e/team.json

"$bin" serve > "$log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do  # a debug build can take a few seconds to start
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then echo "reelbase serve exited early; see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    sleep 0.1
done

# Debian's python3-selenium lives in the system interpreter, not in a pyenv or venv one.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
# psql lets the test raise an alert the way the worker would (Debian keeps it off PATH).
psql_bin="$(command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || true)"
E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-}" E2E_BASE_URL="$base" E2E_EMAIL="$email" E2E_PASSWORD="$password" E2E_OUT="$root/.build/e2e" \
    E2E_PSQL="$psql_bin" E2E_DATABASE_URL="$database_url" E2E_TEAM_JSON="$root/.build/e2e/team.json" \
    "$python" "$root/Tests/e2e/dashboard_test.py"
