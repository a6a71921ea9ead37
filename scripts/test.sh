#!/usr/bin/env bash
# `make test`: the whole suite against a fresh test database on a real PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL=$(scripts/postgres.sh fresh reelbase_test)
fi
export REELBASE_BCRYPT_COST=${REELBASE_BCRYPT_COST:-4}
swift build --build-tests
swift test --skip-build
