#!/usr/bin/env bash
# `make test`: the whole suite against a fresh test database on a real PostgreSQL, then the
# official Segmind SDK against the simulator, the API contract (schemathesis), a crash test and a
# small chaos run, then the dashboard in a real headless Chromium.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL=$(scripts/postgres.sh fresh reelbase_test)
fi
export REELBASE_BCRYPT_COST=${REELBASE_BCRYPT_COST:-4}
scripts/embed-migrations.sh
swift build --build-tests
swift test --skip-build

echo "== official segmind SDK against the provider simulator"
REELBASE_BIN="$(swift build --show-bin-path)/reelbase" Tests/sdk/run.sh

echo "== crash test: workers killed with SIGKILL while draining (small run; make crash-test for the full one)"
(cd Benchmarks && BENCH_CONFIG=debug CRASH_N=60 CRASH_KILLS=10 python3 crash_test.py)

echo "== the API contract: schemathesis over the served OpenAPI document"
REELBASE_BIN="$(swift build --show-bin-path)/reelbase" Tests/contract/run.sh

echo "== chaos (small run; make chaos for the full one)"
(cd Benchmarks && BENCH_CONFIG=debug CHAOS_SMALL=1 python3 chaos.py)

if [ -x Tests/e2e/run.sh ]; then
  echo "== dashboard in headless Chromium"
  Tests/e2e/run.sh
fi
