#!/usr/bin/env bash
# `npm start`: sets up whatever is missing, builds the wasm package and
# serves the page on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-web.sh
exec node scripts/serve.mjs
