#!/usr/bin/env bash
# `npm run bench`: sets up whatever is missing (idempotent), then measures
# adagg in the browser and natively against its floors, DuckDB-WASM and Polars.
#
#   bash bench/run.sh           # full run (~10+ min): bench-results/latest.{json,md}
#   bash bench/run.sh --smoke   # 10 MB file, 1 run each, no DuckDB/Polars/4 GB (~15 s)
#
# BENCH_RUNS=5 raises the number of runs per case (default 3). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '[bench] %s\n' "$*" >&2; }

smoke=0
case "${1:-}" in
  --smoke) smoke=1 ;;
  "") ;;
  *) echo "usage: bash bench/run.sh [--smoke]" >&2; exit 2 ;;
esac

bash scripts/setup.sh
# build-web.sh always re-runs wasm-opt: only call it when www/pkg is older than the sources.
if [ ! -f www/pkg/adagg_bg.wasm ] || [ -n "$(find src Cargo.toml Cargo.lock -newer www/pkg/adagg_bg.wasm -print -quit)" ]; then
  log "building www/pkg"
  bash scripts/build-web.sh
fi
cargo build --release --quiet --bins
if [ ! -x /usr/bin/time ]; then
  log "installing Debian's time (peak RSS of native runs)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi

if [ $smoke = 1 ]; then
  f=bench-data/smoke/ad_data_10m.csv
  if [ ! -s $f ]; then
    mkdir -p bench-data/smoke
    target/release/gen --rows 260000 --campaigns 50 --seed 1 --output $f.tmp >/dev/null && mv $f.tmp $f
  fi
  [ -s $f.gz ] || { gzip -6 -c $f > $f.gz.tmp && mv $f.gz.tmp $f.gz; }
  x=bench-data/smoke/ad_data_10k.xlsx
  [ -s $x ] || { target/release/gen --rows 10000 --campaigns 50 --seed 1 --xlsx --output $x.tmp >/dev/null && mv $x.tmp $x; }
  for fmt in ndjson csv; do
    c=bench-data/smoke/clicks_10m.$fmt
    [ -s $c ] || { target/release/gen --kind clicks --format $fmt --rows 40000 --seed 1 --quiet --output $c.tmp && mv $c.tmp $c; }
  done
else
  bash scripts/gen-data.sh
  # 4 GB: the 1 GB file's data rows 4 times, its header once.
  f=bench-data/ad_data_4g.csv
  if [ ! -s $f ]; then
    log "writing $f"
    { head -n 1 bench-data/ad_data.csv; for _ in 1 2 3 4; do tail -n +2 bench-data/ad_data.csv; done; } >$f.tmp
    mv $f.tmp $f
  fi
  if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
    log "installing bench/node_modules (DuckDB-WASM, Perspective for its download size)"
    (cd bench && npm ci --no-audit --no-fund --loglevel=error)
  fi
  venv=bench-data/venv
  if [ ! -f $venv/installed ] || [ bench/requirements.txt -nt $venv/installed ]; then
    log "installing Polars into $venv"
    [ -x $venv/bin/python ] || python3 -m venv $venv
    $venv/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
    touch $venv/installed
  fi
fi

node bench/main.mjs "$@"
