# Sourced by the scripts: the tools on PATH and Trunk kept offline.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export TRUNK_OFFLINE=true
