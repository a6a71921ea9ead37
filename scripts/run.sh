#!/usr/bin/env bash
# `make run`: PostgreSQL (private cluster unless DATABASE_URL is set), a build, then `reelbase serve`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL=$(scripts/postgres.sh start)
fi
scripts/embed-migrations.sh
swift build --product reelbase
BIN="$(swift build --show-bin-path)/reelbase"
echo "Reelbase: http://${REELBASE_HOST:-127.0.0.1}:${REELBASE_PORT:-8080}  (database: ${DATABASE_URL%%@*}@…)" >&2
exec "$BIN" serve
