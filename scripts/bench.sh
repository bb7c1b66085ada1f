#!/usr/bin/env bash
# Builds the release app and measures it against the seed's openssl commands; writes BENCHMARKS.md.
# A benchmark, not a test: nothing here fails on a slow figure. BENCH_RUNS, BENCH_RSA_RUNS and
# BENCH_OPENSSL_RUNS set the repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
say "release build"
trunk build --release --offline
say "the seed's openssl commands for the RSA tree"
cargo run --quiet --example openssl_script -- seed > target-bench-seed.sh
say "measuring"
node bench/run.mjs
rm -f target-bench-seed.sh
