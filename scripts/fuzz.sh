#!/usr/bin/env bash
# Fuzzes the core (fuzz/fuzz_targets/chunked.rs) for a set time:
#   bash scripts/fuzz.sh [SECONDS]   (default 300)
# and prints the total executions and executions per second at the end.
#
#   FUZZ_KEEP_GOING=1   go on past crashes (libFuzzer fork mode, 1 worker),
#                       saving each one in fuzz/artifacts/chunked/
#   FUZZ_SANITIZER=address
#                       build with AddressSanitizer (about 3x slower). The
#                       default is none: the core is safe Rust (its one
#                       `unsafe` block, SSE2 loads from a [u8; 64], cannot
#                       go out of bounds), bounds and overflow checks stay on
#                       (debug assertions), and ASan would cost two thirds of
#                       every execution.
#
# Needs cargo-fuzz (installed here if missing). cargo-fuzz wants nightly
# flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
sanitizer=${FUZZ_SANITIZER:-none}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus/chunked
# Seed the corpus with the fixtures and reference cases (2 control bytes first).
for f in tests/fixtures/*/input.csv tests/reference_cases/*/input.csv; do
  name=$(echo "$f" | tr '/' '_')
  [ -f "fuzz/corpus/chunked/$name" ] || { printf '\x07\x03'; cat "$f"; } > "fuzz/corpus/chunked/$name"
done
export RUSTC_BOOTSTRAP=1
# csv-core without comparison tracing (see the wrapper).
export RUSTC_WRAPPER="$PWD/fuzz/rustc-wrapper.sh"
cargo fuzz build -s "$sanitizer" chunked
bin=fuzz/target/x86_64-unknown-linux-gnu/release/chunked

# Known failures, kept as regression inputs: say which still fail.
for f in fuzz/regressions/chunked/*; do
  [ -f "$f" ] || continue
  if "$bin" -runs=1 "$f" >/tmp/adagg-fuzz-regression.log 2>&1; then
    echo "regression $(basename "$f"): passes"
  else
    echo "regression $(basename "$f"): FAILS: $(grep -m1 -A3 'panicked' /tmp/adagg-fuzz-regression.log | tail -n 3 | tr -s ' \n' ' ')"
  fi
done

extra=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && extra=(-fork=1 -ignore_crashes=1)
start=$(date +%s)
cargo fuzz run -s "$sanitizer" chunked fuzz/corpus/chunked -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 "${extra[@]}" 2>&1 \
  | tee /tmp/adagg-fuzz.log | grep -E "^#[0-9]+:?[[:space:]]+(DONE|pulse|INITED)|^#[0-9]+: cov|ERROR|panicked|assertion|^ +(left|right)|Done|crash-" || true
elapsed=$(( $(date +%s) - start ))
# Totals: libFuzzer's own count ("Done N runs in S second(s)", or the last
# "#N" status line in fork mode or after a crash).
awk -v wall="$elapsed" '
  /^Done [0-9]+ runs in [0-9]+ second/ { done = $2; secs = $5 }
  /^#[0-9]+/ { n = substr($1, 2); sub(/:$/, "", n); last = n
               for (i = 1; i < NF; i++) {
                 if ($i == "time:") { t = $(i + 1); sub(/s$/, "", t) }
                 if ($i == "oom/timeout/crash:") { split($(i + 1), f, "/"); forked = f[3] }
               } }
  match($0, /crash-[0-9a-f]+/) { seen[substr($0, RSTART, RLENGTH)] = 1 }
  END {
    crashes = 0
    for (c in seen) crashes++
    if (forked > crashes) crashes = forked
    if (done == "") { done = last; secs = (t != "" ? t : wall) }
    if (secs < 1) secs = 1
    printf "total executions: %d in %d s: %d exec/s; crashes: %d (fuzz/artifacts/chunked/)\n", done, secs, done / secs, crashes
  }' /tmp/adagg-fuzz.log
