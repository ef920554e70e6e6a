#!/usr/bin/env bash
# Installs what is missing, then serves the release build on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
exec trunk serve --release --offline --address 127.0.0.1 --port "${PORT:-8080}"
