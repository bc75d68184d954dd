#!/usr/bin/env bash
# Fuzzes the core (fuzz/fuzz_targets/chunked.rs) for a set time:
#   bash scripts/fuzz.sh [SECONDS]   (default 300)
# Needs cargo-fuzz (installed here if missing). cargo-fuzz wants nightly
# flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus/chunked
# Seed the corpus with the fixtures and reference cases (2 control bytes first).
for f in tests/fixtures/*/input.csv tests/reference_cases/*/input.csv; do
  name=$(echo "$f" | tr '/' '_')
  [ -f "fuzz/corpus/chunked/$name" ] || { printf '\x07\x03'; cat "$f"; } > "fuzz/corpus/chunked/$name"
done
export RUSTC_BOOTSTRAP=1
cargo fuzz run chunked fuzz/corpus/chunked -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=8192 2>&1 | tee /tmp/adagg-fuzz.log | grep -E "^#[0-9]+ +(DONE|pulse)|ERROR|panicked|Done" || true
tail -n 3 /tmp/adagg-fuzz.log
