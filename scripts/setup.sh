#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: everything `npm start`, `npm test`
# and `npm run bench` need. A second run installs nothing and takes ~1 s.
#
#   - wasm32-unknown-unknown target (rustup)
#   - wasm-bindgen-cli pinned to the version in Cargo.lock, and wasm-pack
#     (built in parallel: they are the slow part of a fresh run)
#   - Debian's chromium + chromium-driver (headless browser tests)
#   - Debian's firefox-esr, webkit2gtk-driver and xvfb (scripts/setup-engines.sh:
#     the cross-engine tests and bench rows)
#   - npm packages (playwright-core, puppeteer-core, selenium-webdriver, binaryen for wasm-opt)
#   - a Python venv .venv-test/ with datasketches (the click-log interop test)
#   - Debian's openjdk-17-jre-headless and a venv .venv-spark/ with PySpark,
#     pytest and datasketches pinned by spark/requirements.txt (the Spark jobs)
#
# Not Debian's binaryen: its wasm-opt 108 silently corrupts wasm-bindgen
# 0.2.130 output. npm's binaryen is used through node_modules/.bin instead.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
WASM_PACK_VERSION=0.15.1
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

pids=()
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: the registry here lacks one of its locked dependencies.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force >/tmp/adagg-setup-wasm-bindgen.log 2>&1 &
  pids+=($!)
fi
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  log "building wasm-pack $WASM_PACK_VERSION (a few minutes, once)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force >/tmp/adagg-setup-wasm-pack.log 2>&1 &
  pids+=($!)
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing Debian's chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/tmp/adagg-setup-apt.log 2>&1 \
    || { cat /tmp/adagg-setup-apt.log >&2; exit 1; }
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/setup-engines.sh

# The click-log interop test (tests/clicks/interop.py, run by
# tests/clicks_reference.rs): Apache DataSketches' Python package in a
# project venv, pinned.
DATASKETCHES_VERSION=5.2.0
if ! .venv-test/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('datasketches') != '$DATASKETCHES_VERSION')" 2>/dev/null; then
  log "installing datasketches==$DATASKETCHES_VERSION into .venv-test/ (click-log interop test)"
  [ -x .venv-test/bin/python ] || python3 -m venv .venv-test
  .venv-test/bin/pip install --quiet --disable-pip-version-check "datasketches==$DATASKETCHES_VERSION"
fi

# The Spark jobs (spark/, issue 19): Java 17 or later, and PySpark pinned in
# its own venv (~500 MB, once; pip's cache makes a second clone fast).
if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
  log "installing Debian's openjdk-17-jre-headless (Spark)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/tmp/adagg-setup-java.log 2>&1 \
    || { cat /tmp/adagg-setup-java.log >&2; exit 1; }
fi
if ! cmp -s spark/requirements.txt .venv-spark/installed-requirements.txt; then
  log "installing spark/requirements.txt into .venv-spark/ (PySpark, once)"
  [ -x .venv-spark/bin/python ] || python3 -m venv .venv-spark
  .venv-spark/bin/pip install --quiet --disable-pip-version-check -r spark/requirements.txt
  cp spark/requirements.txt .venv-spark/installed-requirements.txt
fi

status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
if [ "$status" != 0 ]; then
  tail -n 30 /tmp/adagg-setup-*.log >&2
  log "a cargo install failed (logs above)"
  exit 1
fi
# A geckodriver on PATH makes `wasm-pack test --chrome` pick the wrong driver.
if command -v geckodriver >/dev/null; then
  log "warning: geckodriver on PATH ($(command -v geckodriver)); wasm-pack test may try Firefox"
fi
log "ok: wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), wasm-pack $(wasm-pack --version | awk '{print $2}'), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
