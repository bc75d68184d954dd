#!/usr/bin/env bash
# `npm pack` / `npm publish` run this first: the package must carry the
# WebAssembly module built from the sources it is packed with. Builds
# www/pkg unless it is newer than every source it is made of; fails loudly
# (and so stops the pack) when it cannot build or the build is incomplete.
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=1
for f in www/pkg/adagg.js www/pkg/adagg_wasm.js www/pkg/adagg_bg.wasm; do
  [ -f "$f" ] || fresh=0
done
if [ "$fresh" = 1 ] && [ -n "$(find src Cargo.toml Cargo.lock .cargo scripts/build-web.sh -newer www/pkg/adagg_wasm.js -print -quit 2>/dev/null)" ]; then
  fresh=0
fi
if [ "$fresh" = 0 ]; then
  echo "prepack: building the WebAssembly module (scripts/build-web.sh)" >&2
  if ! bash scripts/build-web.sh; then
    echo "prepack: FAILED to build www/pkg; the package would have no WebAssembly module. Run 'bash scripts/setup.sh' (Rust, wasm-pack, npm packages), then pack again." >&2
    exit 1
  fi
fi
for f in www/pkg/adagg.js www/pkg/adagg_wasm.js www/pkg/adagg_bg.wasm; do
  if [ ! -s "$f" ]; then
    echo "prepack: $f is missing after the build; not packing an incomplete package." >&2
    exit 1
  fi
done
if grep -q "new URL('adagg_bg.wasm', import.meta.url)" www/pkg/adagg.js; then
  echo "prepack: www/pkg/adagg.js still refers to adagg_bg.wasm by URL (bundlers would copy it); rebuild with scripts/build-web.sh." >&2
  exit 1
fi
