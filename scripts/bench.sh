#!/usr/bin/env bash
# Builds the release app and measures it, in one sitting, against the browser libraries a user
# would pick instead and the seed's own openssl commands (../shared/peer-bench, or PEER_BENCH);
# writes BENCHMARKS.md. A benchmark, not a test: nothing here fails on a slow figure.
# BENCH_RUNS, BENCH_RSA_RUNS and PEER_RUNS set the repetitions; PEER_BENCH=none leaves the peers
# out, and the table then says they were not measured.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
say "release build"
trunk build --release --offline
peers=${PEER_BENCH:-../shared/peer-bench}
if [ "$peers" != none ]; then
  [ -f "$peers/bench.mjs" ] || { echo "no peer-bench at $peers (set PEER_BENCH=none to leave the peers out)" >&2; exit 1; }
  say "the peers and the seed's openssl commands, in this sitting"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$peers" "$work/pb"
  (
    cd "$work/pb"
    npm install --no-audit --no-fund --loglevel=error
    node build.mjs > /dev/null
    node bench.mjs --variants=peculiar-ec,peculiar-rsa --runs="${PEER_RUNS:-9}" --mode=fresh --out=results > /dev/null
    ./openssl-bench.sh "${BENCH_OPENSSL_RUNS:-3}" results/openssl
  )
  export PEER_RESULTS="$work/pb/results"
fi
say "measuring"
node bench/run.mjs
