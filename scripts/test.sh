#!/usr/bin/env bash
# Installs what is missing, then runs every test: formatting and lints, the core natively,
# openssl interop, the core in headless Chromium, and the built app end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

say "cargo fmt --check"
cargo fmt --check

say "cargo clippy (native and wasm32)"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --quiet -- -D warnings

say "cargo deny check: advisories, bans, licenses, sources"
if [ -n "${MTLS_LAB_ADVISORY_DB:-}" ]; then
  # A local clone of the RustSec database. cargo-deny looks for it in a folder named after the
  # database's URL under its db-path, so give it one that points at the clone.
  advisory_root="$(mktemp -d)"
  ln -s "$(cd "$MTLS_LAB_ADVISORY_DB" && pwd)" "$advisory_root/advisory-db-3157b0e258782691"
  awk -v root="$advisory_root" '{ print } /^\[advisories\]$/ { print "db-path = \"" root "\"" }' \
    deny.toml > "$advisory_root/deny.toml"
  echo "advisories from the local database in $MTLS_LAB_ADVISORY_DB, last changed $(git -C "$MTLS_LAB_ADVISORY_DB" log -1 --format=%cs)"
  cargo deny --offline --config "$advisory_root/deny.toml" check
elif ! cargo deny check; then
  echo "test.sh: cargo deny failed. Without a network, point MTLS_LAB_ADVISORY_DB at a clone of the RustSec advisory database." >&2
  exit 1
fi

say "native tests: core units, workshop, openssl interop (cargo nextest), then the doc tests"
# The fuzz targets build in their own folder meanwhile, on the core the waiting tests leave
# free. Should that build fail, fuzz.sh below builds again and shows why.
fuzz_build_log="$(mktemp)"
./scripts/fuzz.sh --build-only > "$fuzz_build_log" 2>&1 &
fuzz_build=$!
trap 'kill "$fuzz_build" 2>/dev/null || true; rm -f "$fuzz_build_log"' EXIT
cargo nextest run --cargo-quiet
cargo test --doc --quiet
wait "$fuzz_build" || true

say "fuzzing every parser briefly (scripts/fuzz.sh 8, two targets at a time)"
./scripts/fuzz.sh 8

say "wasm tests in headless Chromium"
# chromedriver leaves its browser profile (about 100 MB) in TMPDIR; give it one to remove after.
# Without debug info the test module builds and binds in about half the time (19 s against
# 36 s from a fresh clone); a failure still names its test and assertion.
wasm_tmp="$(mktemp -d)"
TMPDIR="$wasm_tmp" CARGO_PROFILE_DEV_DEBUG=0 cargo test --target wasm32-unknown-unknown --test wasm
rm -rf "$wasm_tmp"

say "release build (trunk)"
# Both modules in one cargo run, so their link-time optimisation runs on both cores; trunk then
# finds them built and only binds and shrinks them.
cargo build --release --target wasm32-unknown-unknown --bin mtls-lab --bin mtls-core
trunk build --release --offline

say "end-to-end tests (Playwright + Chromium), three files at a time"
# Each file has its own server and browser; most of a test's time is waiting on the page.
node --test --test-concurrency=3 tests/e2e/
