#!/usr/bin/env bash
# Fuzzes every parser that takes user input, SECONDS (default 8) each, with cargo-fuzz on the
# nightly toolchain. A crash stops the run; copy its input into fuzz/regressions/<target>/ and
# tests/fuzz_regressions.rs replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# --build-only installs what is missing and builds the targets, nothing more: the tests start
# it beside the native tests, which mostly wait on the servers and clients they start.
build_only=false
if [ "${1:-}" = --build-only ]; then
  build_only=true
  shift
fi
seconds="${1:-8}"

# Fuzzing needs a nightly toolchain. A run that cannot fuzz fails, unless the user opted out.
if [ "${MTLS_LAB_SKIP_FUZZ:-}" = 1 ]; then
  say "MTLS_LAB_SKIP_FUZZ=1: fuzzing NOT run, as asked (the saved crash inputs still replay in cargo test)"
  exit 0
fi
if ! rustup toolchain list | grep -q '^nightly'; then
  say "rustup: nightly toolchain (cargo-fuzz needs it)"
  if ! rustup toolchain install nightly --profile minimal; then
    echo "fuzz.sh: no nightly Rust toolchain could be installed, so nothing was fuzzed." >&2
    echo "fuzz.sh: set MTLS_LAB_SKIP_FUZZ=1 to run the other tests without fuzzing." >&2
    exit 1
  fi
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz 0.13.2" ]; then
  say "cargo install cargo-fuzz 0.13.2"
  "${tool_build_env[@]}" cargo install --locked cargo-fuzz --version 0.13.2
fi

corpus=fuzz/corpus
if ! $build_only && [ ! -f "$corpus/.complete" ]; then
  say "seed corpus: the workshop's own files, and openssl's"
  rm -rf "$corpus"
  cargo run --quiet --example fuzz_seeds -- "$corpus"
  work="$(mktemp -d)"
  (
    cd "$work"
    openssl genrsa -out rsa.key 2048 2>/dev/null
    openssl req -new -key rsa.key -subj "/C=FR/O=Elsewhere/CN=openssl.example" -out rsa.csr
    openssl req -x509 -key rsa.key -subj "/CN=openssl root" -days 30 -out rsa.crt
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -aes256 -pass pass:fuzz -out ec.key
    openssl rsa -in rsa.key -traditional -out rsa-pkcs1.key 2>/dev/null
    openssl rsa -in rsa.key -traditional -des3 -passout pass:fuzz -out rsa-legacy.key 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -out ec-sec1.key
    openssl ec -in ec-sec1.key -aes128 -passout pass:fuzz -out ec-legacy.key 2>/dev/null
  )
  cp "$work/rsa.csr" "$corpus/csr/openssl-rsa.pem"
  openssl req -in "$work/rsa.csr" -outform DER -out "$corpus/csr/openssl-rsa.der"
  openssl x509 -in "$work/rsa.crt" -outform DER -out "$corpus/certificate/openssl-rsa.der"
  cp "$work/rsa.crt" "$corpus/pem_import/openssl-rsa.crt"
  { printf '\004fuzz'; cat "$work/ec.key"; } > "$corpus/encrypted_key/openssl-ec"
  { printf '\000'; cat "$work/rsa-pkcs1.key"; } > "$corpus/encrypted_key/openssl-rsa-pkcs1"
  { printf '\000'; cat "$work/ec-sec1.key"; } > "$corpus/encrypted_key/openssl-ec-sec1"
  { printf '\004fuzz'; cat "$work/rsa-legacy.key"; } > "$corpus/encrypted_key/openssl-rsa-legacy"
  { printf '\004fuzz'; cat "$work/ec-legacy.key"; } > "$corpus/encrypted_key/openssl-ec-legacy"
  rm -rf "$work"
  touch "$corpus/.complete"
fi

# The seeds come from the tests' build of the example (above); the fuzz targets build apart.
export CARGO_TARGET_DIR="$HOME/.cache/mtls-lab/fuzz-target"
targets=(pem_import csr certificate encrypted_key trace_records saved_workshop form_inputs crl diagnose)
cd fuzz
# Sixteen codegen units build in about half the time on two cores; each target then runs
# about 30 % fewer inputs in its seconds. Build and run must agree, or run builds again.
fuzz_flags=(--release --codegen-units 16)
say "building the fuzz targets"
cargo +nightly fuzz build "${fuzz_flags[@]}"
if $build_only; then
  exit 0
fi

# One target a core: each still fuzzes for its full time, the run takes half as long.
say "fuzzing each target for ${seconds}s, two at a time"
fuzz_one() {
  mkdir -p "corpus/$1"
  cargo +nightly fuzz run "${fuzz_flags[@]}" "$1" "corpus/$1" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|Done|ERROR|panicked|SUMMARY" | sed "s/^/$1: /"
}
failed=()
running=()
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running+=("$!:$target")
  if [ "${#running[@]}" -ge 2 ]; then
    wait "${running[0]%%:*}" || failed+=("${running[0]#*:}")
    running=("${running[@]:1}")
  fi
done
for job in "${running[@]}"; do
  wait "${job%%:*}" || failed+=("${job#*:}")
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz.sh: a crash or an error in: ${failed[*]}" >&2
  exit 1
fi
