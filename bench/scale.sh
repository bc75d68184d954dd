#!/usr/bin/env bash
# `npm run scale`: issue 4's limits end to end (a 10 GB file, a 100 MB line)
# through the CLI and the real page; see bench/scale.mjs. ~11 GB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
if [ ! -f www/pkg/adagg_bg.wasm ] || [ -n "$(find src Cargo.toml Cargo.lock -newer www/pkg/adagg_bg.wasm -print -quit)" ]; then
  bash scripts/build-web.sh
fi
cargo build --release --quiet --bins
bash scripts/gen-data.sh
node bench/scale.mjs
