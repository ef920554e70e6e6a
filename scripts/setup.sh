#!/usr/bin/env bash
# Installs whatever distviz needs that is missing; skips what is already
# installed at the right version. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# No questions from apt: CI has no one to answer them.
export DEBIAN_FRONTEND=noninteractive

command -v cargo >/dev/null || { echo "Rust is missing: install the Rust toolchain with rustup, then run this again." >&2; exit 1; }
command -v npm >/dev/null || { say "installing Node.js and npm"; as_root apt-get update -qq; as_root apt-get install -y -qq nodejs npm; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "building Trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # Not --locked: its lock file names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# binaryen's wasm-opt (Debian's is too old for Rust 1.95 output), playwright-core
# and axe-core (the accessibility checks), at the versions in package-lock.json.
if ! node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 132' || [ ! -d node_modules/playwright-core ] \
    || [ "$(node -p 'require("./node_modules/axe-core/package.json").version' 2>/dev/null)" != "$(node -p 'require("./package.json").devDependencies["axe-core"]')" ]; then
  say "installing npm packages (binaryen, playwright-core, axe-core)"
  npm ci --no-audit --no-fund
fi

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium for the browser tests"
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium chromium-driver
fi
say "everything is installed"
