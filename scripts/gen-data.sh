#!/usr/bin/env bash
# Generates the benchmark / acceptance data sets (deterministic, ~1 GB each) if missing:
#
#   ad_data.csv     26,843,544 rows,        50 campaigns, seed 1  (1,027,755,861 bytes)
#   ad_data_1m.csv  24,400,000 rows, 1,000,000 campaigns, seed 2  (same ~1 GB budget: the
#                   7-digit ids make rows ~42 bytes instead of ~38)
#
#   scripts/gen-data.sh [DIR]     # DIR defaults to bench-data/ (gitignored)
#
# Idempotent: existing files are kept (a file is written under a temporary name and renamed
# when complete, so an interrupted run leaves nothing that looks finished).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

dir=${1:-bench-data}
mkdir -p "$dir"

log() { printf '[gen-data] %s\n' "$*" >&2; }

# name rows campaigns seed
sets=(
  "ad_data.csv 26843544 50 1"
  "ad_data_1m.csv 24400000 1000000 2"
)

built=0
for s in "${sets[@]}"; do
  read -r name rows campaigns seed <<<"$s"
  target=$dir/$name
  if [ -s "$target" ]; then
    log "$target exists, kept"
    continue
  fi
  if [ $built = 0 ]; then
    log "building gen (release)"
    cargo build --release --quiet --bin gen
    built=1
  fi
  log "writing $target ($rows rows, $campaigns campaigns, seed $seed)"
  rm -f "$target.tmp"
  target/release/gen --rows "$rows" --campaigns "$campaigns" --seed "$seed" --output "$target.tmp"
  mv "$target.tmp" "$target"
done
