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

say "native tests: core units, workshop, openssl interop"
cargo test --quiet

say "fuzzing every parser briefly (scripts/fuzz.sh 8)"
./scripts/fuzz.sh 8

say "wasm tests in headless Chromium"
cargo test --target wasm32-unknown-unknown --test wasm

say "release build (trunk)"
trunk build --release --offline

say "end-to-end tests (Playwright + Chromium)"
node --test tests/e2e/
