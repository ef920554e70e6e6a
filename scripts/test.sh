#!/usr/bin/env bash
# Installs what is missing, then runs every test: formatting, clippy, the
# native tests, the release site build and the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
step "native tests (core and app logic)"
cargo test --workspace
step "release build: CLI and site"
cargo build --release -p distviz-core
trunk build --release --offline
node scripts/site-size.mjs
step "browser tests (Playwright, Chromium)"
node --test --test-concurrency=1 e2e/
