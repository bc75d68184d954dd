#!/usr/bin/env bash
# Generates the benchmark / acceptance data sets (deterministic, ~1 GB each) if missing:
#
#   ad_data.csv     26,843,544 rows,        50 campaigns, seed 1  (1,027,755,861 bytes)
#   ad_data_1m.csv  24,400,000 rows, 1,000,000 campaigns, seed 2  (same ~1 GB budget: the
#                   7-digit ids make rows ~42 bytes instead of ~38)
#   ad_data_ids8.csv   20,000,000 rows, 5,000,000 campaigns, seed 3, 8-digit ids  (0.80 GB)
#   ad_data_ids17.csv  the same rows with 17-digit ids, like Meta's and TikTok's   (0.98 GB)
#   ad_data_revenue.csv  ad_data.csv's rows with a revenue column (gen --revenue)      (1.23 GB)
#   ad_data.csv.gz  ad_data.csv, gzip -6 (issue 18)
#   ad_data_1m.xlsx 1,000,000 rows, 50 campaigns, seed 1, a workbook (gen --xlsx; issue 18)
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

# name rows campaigns seed [more gen options]
sets=(
  "ad_data.csv 26843544 50 1"
  "ad_data_1m.csv 24400000 1000000 2"
  "ad_data_ids8.csv 20000000 5000000 3 --id-digits 8"
  "ad_data_ids17.csv 20000000 5000000 3 --id-digits 17"
  "ad_data_revenue.csv 26843544 50 1 --revenue"
)

built=0
for s in "${sets[@]}"; do
  read -r name rows campaigns seed more <<<"$s"
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
  log "writing $target ($rows rows, $campaigns campaigns, seed $seed${more:+, $more})"
  rm -f "$target.tmp"
  # shellcheck disable=SC2086 # $more: options, split on purpose
  target/release/gen --rows "$rows" --campaigns "$campaigns" --seed "$seed" ${more:-} --output "$target.tmp"
  mv "$target.tmp" "$target"
done

# The click logs (issue 17): ~1 GB NDJSON and ~1 GB CSV, 10,000 ads, 2 M
# users, 2% retries, 1% bot user agents, 20 velocity bursts (gen's defaults).
for spec in "clicks_1g.ndjson 3910000 ndjson" "clicks_1g.csv 5925000 csv"; do
  read -r name rows format <<<"$spec"
  target=bench-data/$name
  [ -s "$target" ] && continue
  cargo build --release --quiet --bin gen
  log "writing $target ($rows click rows, $format)"
  target/release/gen --kind clicks --format "$format" --rows "$rows" --seed 1 --quiet --output "$target.tmp"
  mv "$target.tmp" "$target"
done

# Issue 18: the 1 GB file gzipped (gzip's default level, as exports are),
# and a workbook of 1,000,000 rows (an .xlsx holds at most 1,048,576).
target=$dir/ad_data.csv.gz
if [ ! -s "$target" ]; then
  log "writing $target (gzip -6 of ad_data.csv)"
  gzip -6 -c "$dir/ad_data.csv" > "$target.tmp"
  mv "$target.tmp" "$target"
fi
target=$dir/ad_data_1m.xlsx
if [ ! -s "$target" ]; then
  cargo build --release --quiet --bin gen
  log "writing $target (1,000,000 rows, a workbook)"
  target/release/gen --rows 1000000 --campaigns 50 --seed 1 --xlsx --output "$target.tmp"
  mv "$target.tmp" "$target"
fi
