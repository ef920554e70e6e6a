#!/usr/bin/env bash
# Installs what is missing, builds the release site, then serves it on
# http://127.0.0.1:8080 (PORT=…) with the strict Content Security Policy a
# host should set (README, "Hosting"). Not `trunk serve`: its live-reload
# script is inline, which that policy blocks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release --offline
exec node scripts/serve-dist.mjs
