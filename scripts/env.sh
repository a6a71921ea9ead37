# Sourced by scripts/run.sh and scripts/test.sh: fills in what a fresh machine lacks.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$ROOT/.data"

# The key that encrypts provider keys at rest: generated once, kept in .data/.
if [ -z "${REELBASE_SECRET_KEY:-}" ]; then
  if [ ! -s "$ROOT/.data/secret_key" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 > "$ROOT/.data/secret_key")
  fi
  export REELBASE_SECRET_KEY=$(cat "$ROOT/.data/secret_key")
fi

# Debian's ffmpeg for poster frames (installed with apt when missing, as PostgreSQL is).
"$ROOT/scripts/ffmpeg.sh" || echo "ffmpeg: could not be installed; posters will be placeholders" >&2
