#!/usr/bin/env bash
# `npm test`: sets up whatever is missing, then runs every test.
#   1. cargo test: core unit + property tests, the CLI against hand-computed
#      cases and the independent Python reference (tests/reference.py)
#   2. tests/reference_test.sh: the Python reference against the hand cases
#   3. wasm-pack test --headless --chrome: the wasm API on real Blobs in a worker
#   4. tsc --noEmit: the TypeScript declarations of the widget and JS API
#   5. bench/run.sh --smoke: the benchmark runs end to end on 10 MB
#   6. node --test tests/e2e/: the page and the embeddable widget in Chromium
#   7. node --test tests/portal/: the npm tarball in a Vite + React and a
#      webpack 5 portal, built for production, under /portal/ with a strict CSP
#      (npm installs from the registry into ~/.cache/adagg-portal-npm: the
#      first run downloads ~60 MB, later ones are offline)
#   8. node --test tests/engines/: the core cases in Chromium, Firefox ESR and WebKitGTK
#   9. pytest spark/tests (local[2] SparkSession): the Spark jobs against the CLI
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "== cargo test"
cargo test --release --quiet
echo "== reference implementation"
bash tests/reference_test.sh
echo "== wasm build"
bash scripts/build-web.sh
echo "== wasm tests in headless Chromium"
wasm-pack test --headless --chrome --release
echo "== TypeScript declarations"
tsc -p tsconfig.json --noEmit
echo "== benchmark smoke run (10 MB; figures not asserted)"
bash bench/run.sh --smoke
echo "== end-to-end tests in headless Chromium"
cargo build --release --quiet --bins
node --test tests/e2e/
echo "== portal fixtures: the npm tarball in Vite + React and webpack builds"
node --test tests/portal/
echo "== the page and the widget in Chromium, Firefox ESR and WebKitGTK"
node --test tests/engines/
echo "== the Spark jobs against the CLI (pytest, local[2])"
(cd spark && ADAGG_BIN="$PWD/../target/release/adagg" ../.venv-spark/bin/python -m pytest -q -p no:cacheprovider)
