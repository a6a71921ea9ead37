#!/usr/bin/env bash
# Installs Debian's ffmpeg (posters are extracted with it, tests check them with ffprobe) when
# missing. Without it Reelbase still runs: takes show a placeholder instead of a poster frame.
set -euo pipefail
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "ffmpeg: not installed and not root; posters will be placeholders (apt-get install ffmpeg)" >&2
    exit 0
  fi
fi
echo "ffmpeg: not found; installing Debian's ffmpeg package..." >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends ffmpeg >&2
