#!/usr/bin/env bash
# The API's published contract, checked by a machine: schemathesis (pinned, from PyPI) over the
# OpenAPI document that `reelbase serve` serves, with `not_a_server_error` and
# `response_schema_conformance`. Real ids (campaign, prompt, asset, seed, generation...) are fed to
# the id routes so they are reached rather than answered 404.
#   REELBASE_BIN=.build/debug/reelbase Tests/contract/run.sh
#   CONTRACT_EXAMPLES=10 (fuzzed cases per operation; more for a deeper run)
# The venv lives in .build/contract-venv and is reused. Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/Tests/contract"
venv="$root/.build/contract-venv"
version="4.32.5"   # works with Python 3.11; bump deliberately, failures may change with it

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

bin="${REELBASE_BIN:?set REELBASE_BIN to the reelbase binary}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="$("$root/scripts/postgres.sh" fresh reelbase_contract)"
export REELBASE_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
export REELBASE_DEMO=on REELBASE_RUN_WORKER=false REELBASE_BCRYPT_COST=4 LOG_LEVEL=warning
# The worker is off: the gateway's synchronous call answers its 504 (still running) after a second.
export REELBASE_GATEWAY_MAX_WAIT_SECONDS=1
# The seeded provider account and webhook endpoint point at a loopback address, as an operator allows for the simulator.
export REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS=true REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS=true REELBASE_OUTBOUND_HTTP_HOSTS=127.0.0.1
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
REELBASE_PORT="$port" "$bin" serve > "$work/serve.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
    if curl -fsS "$url/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/serve.log" >&2; echo "reelbase serve exited early" >&2; exit 1; fi
    sleep 0.1
done

team="$("$bin" team create --name "Contract" --owner-email "contract-$RANDOM@example.com")"
export REELBASE_KEY="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["api_key"])' "$team")"
# The objects the id routes act on; exported as CONTRACT_* for schemathesis.toml.
ids="$(python3 "$here/seed_ids.py" "$url" "$REELBASE_KEY")"  # a failure here stops the run (set -e)
eval "$ids"
# An alert to resolve: the worker raises them, and it is off here.
team_id="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["team_id"])' "$team")"
export CONTRACT_ALERT="$(psql "$DATABASE_URL" -tAc "INSERT INTO alerts (team_id, account_key, kind, message) VALUES ('$team_id', '$CONTRACT_ACCOUNT', 'auth', 'contract') RETURNING id" | head -1)"

cd "$work"  # schemathesis and hypothesis keep their caches in the working directory
status=0
"$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$url/api/v1/openapi.json" \
    --url "$url" --max-examples "${CONTRACT_EXAMPLES:-10}" --seed "${CONTRACT_RANDOM_SEED:-1}" \
    --report junit --report-dir "$work/report" --no-color > "$work/out.txt" 2>&1 || status=$?
cat "$work/out.txt"
if grep -qi "internal server error\|panic\|fatal" "$work/serve.log"; then
    echo "the server logged a crash:" >&2; grep -i "internal server error\|panic\|fatal" "$work/serve.log" | head -20 >&2; status=1
fi
python3 "$here/summary.py" "$work/out.txt" "$work/report" || status=1
exit $status
