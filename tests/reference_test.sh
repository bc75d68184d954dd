#!/usr/bin/env bash
# Checks tests/reference.py against the hand-computed cases in tests/reference_cases/.
#
# Each case directory holds input.csv and either
#   expected_ctr.csv + expected_cpa.csv (+ optional expected_counts: "read N skipped M"), or
#   expected_error: words that must all appear on stderr, with exit status 1.
#
#   tests/reference_test.sh            # all cases
#   tests/reference_test.sh rounding   # some cases
set -euo pipefail
cd "$(dirname "$0")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(ls reference_cases))

fail=0
for name in "${cases[@]}"; do
  dir=reference_cases/$name
  out=$tmp/$name
  status=0
  python3 reference.py --input "$dir/input.csv" --output "$out" 2>"$tmp/$name.err" || status=$?
  ok=1
  if [ -f "$dir/expected_error" ]; then
    if [ "$status" -ne 1 ]; then
      echo "  $name: expected exit status 1, got $status"; ok=0
    fi
    while IFS= read -r word; do
      [ -z "$word" ] || grep -qF -- "$word" "$tmp/$name.err" || { echo "  $name: stderr lacks '$word'"; ok=0; }
    done <"$dir/expected_error"
  else
    if [ "$status" -ne 0 ]; then
      echo "  $name: exit status $status"; sed 's/^/    /' "$tmp/$name.err"; ok=0
    else
      for t in ctr cpa; do
        if ! cmp -s "$dir/expected_$t.csv" "$out/top10_$t.csv"; then
          echo "  $name: top10_$t.csv differs from expected_$t.csv:"
          diff <(od -c "$dir/expected_$t.csv") <(od -c "$out/top10_$t.csv") | head -20 | sed 's/^/    /'
          ok=0
        fi
      done
      if [ -f "$dir/expected_counts" ]; then
        read -r _ want_read _ want_skipped <"$dir/expected_counts"
        if ! grep -q "rows read $want_read, aggregated $((want_read - want_skipped)), skipped $want_skipped," "$tmp/$name.err"; then
          echo "  $name: expected read $want_read skipped $want_skipped, got: $(cat "$tmp/$name.err")"; ok=0
        fi
      fi
    fi
  fi
  if [ $ok = 1 ]; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
done
exit $fail
