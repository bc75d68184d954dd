#!/usr/bin/env bash
# Builds the WebAssembly package into www/pkg (adagg.js + adagg_bg.wasm).
#
# node_modules/.bin comes first on PATH so that wasm-pack runs npm's binaryen
# wasm-opt (pinned in package.json), never Debian's: its wasm-opt 108
# miscompiles wasm-bindgen 0.2.130 output.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "build-web: node_modules/.bin/wasm-opt is missing; run 'npm ci' (or scripts/setup.sh) first" >&2
  exit 1
fi
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

wasm-pack build --target web --out-dir www/pkg --out-name adagg --release "$@"
# wasm-pack writes a .gitignore and package.json into the out dir; they are
# harmless, but the out dir is ignored at the top level anyway.
ls -l www/pkg/adagg.js www/pkg/adagg_bg.wasm >&2
