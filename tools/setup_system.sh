#!/usr/bin/env bash
# Install the system packages the pipeline needs (ffmpeg, Apertium and its language
# pairs) from Debian's packages, only if something is missing. Idempotent.
set -euo pipefail

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v apertium >/dev/null 2>&1 || need+=(apertium)
modes="$(apertium -l 2>/dev/null || true)"
grep -q 'eng-spa' <<<"$modes" || need+=(apertium-eng-spa)
grep -q 'fr-es' <<<"$modes" || need+=(apertium-fr-es)
# through Catalan: the better en<->fr route where tools/measure_routes.py measured it so
grep -q 'eng-cat' <<<"$modes" || need+=(apertium-eng-cat)
grep -q 'fra-cat' <<<"$modes" || need+=(apertium-fra-cat)
# --browser: what `make test` needs besides: Debian's Chromium for the browser tests,
# espeak-ng to synthesize the interpreter channels of the interpreted test event
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: ffmpeg and apertium (eng-spa, fr-es, eng-cat, fra-cat)${1:+, chromium and espeak-ng} present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing from Debian: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${need[@]}" >/dev/null
apertium -l | grep -q eng-spa && apertium -l | grep -q fr-es && apertium -l | grep -q eng-cat \
  && apertium -l | grep -q fra-cat
echo "system packages installed"
