#!/bin/sh
# RUSTC_WRAPPER for fuzz builds (scripts/fuzz.sh): csv-core is built
# without comparison tracing. Every Aggregator and every header sniff
# builds a csv-core parser (ReaderBuilder::build fills a DFA), and with
# libFuzzer's hooks on each of its loop tests that was a fifth of every
# execution. csv-core's edges are still covered; adagg's comparisons are
# still traced. (A profile `rustflags` cannot do this: cargo puts those
# before RUSTFLAGS, whose -sanitizer-coverage-trace-compares wins.)
rustc=$1
shift
case " $* " in
*" --crate-name csv_core "*) exec "$rustc" "$@" -Cllvm-args=-sanitizer-coverage-trace-compares=false ;;
*) exec "$rustc" "$@" ;;
esac
