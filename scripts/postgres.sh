#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL cluster under .data/pg on 127.0.0.1, installing Debian's
# postgresql package first when it is missing. Idempotent.
# The port is REELBASE_PG_PORT when set; otherwise one derived from this checkout's path (so two
# clones on one machine never share a cluster), moved on to the next free one if another program
# holds it, and remembered in .data/pg_port. The chosen port is printed on stderr.
# Usage: scripts/postgres.sh [start|fresh NAME|stop|url|port]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/.data/pg"
PORT_FILE="$ROOT/.data/pg_port"

port_in_use() {
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: sys.exit(0)
sys.exit(1)' "$1"
}

our_cluster_running() {
  [ -f "$DATA/postmaster.pid" ] && [ "$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null)" = "$1" ] \
    && kill -0 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null
}

choose_port() {
  if [ -n "${REELBASE_PG_PORT:-}" ]; then echo "$REELBASE_PG_PORT"; return; fi
  local port
  if [ -s "$PORT_FILE" ]; then port=$(cat "$PORT_FILE"); else
    port=$(( 40000 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 20000 ))
  fi
  local tries=0
  while port_in_use "$port" && ! our_cluster_running "$port"; do
    port=$(( port + 1 )); tries=$(( tries + 1 ))
    [ "$tries" -lt 200 ] || { echo "postgres: no free port near $port" >&2; exit 1; }
  done
  mkdir -p "$ROOT/.data"; echo "$port" > "$PORT_FILE"
  echo "$port"
}
PORT=$(choose_port)
LOG="$ROOT/.data/postgres.log"
USER_NAME=reelbase
PASSWORD=reelbase

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v initdb)")"; return 0; }
  return 1
}

install_postgres() {
  echo "postgres: initdb not found; installing Debian's postgresql package (needs root or sudo)..." >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib >&2
}

# PostgreSQL refuses to run as root: as root, run it as the `postgres` user Debian creates.
as_owner() {
  # (from / so the postgres user is not left in a directory it may not enter)
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

url() { echo "postgres://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/${1:-reelbase}"; }

start() {
  BIN=$(find_bin) || { install_postgres; BIN=$(find_bin); }
  mkdir -p "$ROOT/.data"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ROOT/.data"; then
    # The postgres user cannot reach this checkout (e.g. under /root): keep the cluster
    # where it can, and point .data/pg at it.
    local outside="/var/tmp/reelbase-pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"
    mkdir -p "$outside"
    [ -L "$DATA" ] || { rm -rf "$DATA"; ln -s "$outside/pg" "$DATA"; }
    LOG="$outside/postgres.log"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "postgres: creating a private cluster in $DATA" >&2
    mkdir -p "$(readlink -f "$DATA" 2>/dev/null || echo "$DATA")"
    local real; real=$(readlink -f "$DATA")
    local pwfile; pwfile=$(mktemp); echo "$PASSWORD" > "$pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$real" "$pwfile" "$(dirname "$real")"; fi
    as_owner "$BIN/initdb" -D "$real" -U "$USER_NAME" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  local real; real=$(readlink -f "$DATA")
  if ! as_owner "$BIN/pg_ctl" -D "$real" status >/dev/null 2>&1; then
    touch "$LOG"; [ "$(id -u)" -eq 0 ] && chown postgres "$LOG"
    as_owner "$BIN/pg_ctl" -D "$real" -l "$LOG" -w -t 60 \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=1000 -c fsync=off -c synchronous_commit=off" start >/dev/null \
      || { echo "postgres: failed to start; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  fi
  echo "postgres: private cluster for $ROOT on 127.0.0.1:$PORT" >&2
  # The main database for `make run`.
  PGPASSWORD=$PASSWORD "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'reelbase'" | grep -q 1 \
    || PGPASSWORD=$PASSWORD "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" reelbase
}

# Drops and recreates a database, for a clean test run.
fresh() {
  start
  PGPASSWORD=$PASSWORD "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
  PGPASSWORD=$PASSWORD "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" "$1"
}

stop() {
  BIN=$(find_bin) || exit 0
  [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$(readlink -f "$DATA")" -m fast stop || true
}

case "${1:-start}" in
  start) start >&2; url ;;
  fresh) fresh "${2:?database name}" >&2; url "$2" ;;
  stop) stop ;;
  url) url "${2:-reelbase}" ;;
  port) echo "$PORT" ;;
  *) echo "usage: $0 [start|fresh NAME|stop|url|port]" >&2; exit 2 ;;
esac
