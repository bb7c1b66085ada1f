#!/usr/bin/env bash
# Installs whatever this machine lacks to build, serve and test mTLS Lab, and nothing it has.
# Safe to run again: each step checks first. Sourced by serve.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each heading says how long the script has run, so a slow step shows in the log.
say() { printf '\n== %s (at %ss)\n' "$*" "$SECONDS"; }

# Builds share one cache, so a fresh clone on a warm machine does not rebuild everything.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/mtls-lab/target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH:/usr/sbin"

# clang builds ring for wasm; Chromium and its driver run the browser tests; openssl, unzip, curl
# and nginx are what the interop tests hand the exported files to, with the servers and
# clients below.
need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v curl >/dev/null || need_apt+=(curl)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
command -v tshark >/dev/null || need_apt+=(tshark)
command -v npm >/dev/null || need_apt+=(nodejs npm)
# The servers and clients the "Use the files elsewhere" folders are proven with.
[ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need_apt+=(haproxy)
command -v caddy >/dev/null || need_apt+=(caddy)
command -v stunnel >/dev/null || need_apt+=(stunnel4)
command -v go >/dev/null || need_apt+=(golang-go)
command -v javac >/dev/null || need_apt+=(default-jdk-headless)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
command -v psql >/dev/null || need_apt+=(postgresql-client)
[ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
command -v mosquitto_pub >/dev/null || need_apt+=(mosquitto-clients)
command -v kubectl >/dev/null || need_apt+=(kubernetes-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  # tshark asks whether non-root users may capture; the default answer is fine.
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${need_apt[@]}"
fi

if ! python3 -c 'import requests' 2>/dev/null; then
  say "pip: requests"
  python3 -m pip install --quiet requests || python3 -m pip install --quiet --user requests
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup: wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Tool builds skip LTO: it halves their build time and they are not shipped.
tool_build_env=(env CARGO_TARGET_DIR="$HOME/.cache/mtls-lab/tools-target" CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)

trunk_version="0.22.1"
if [ "$(trunk --version 2>/dev/null)" != "trunk $trunk_version" ]; then
  say "cargo install trunk $trunk_version (15-30 minutes on two cores, once)"
  # trunk declares a newer rust-version than it needs.
  "${tool_build_env[@]}" cargo install --locked --ignore-rust-version trunk --version "$trunk_version"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "cargo install wasm-bindgen-cli $bindgen_version (about 8 minutes, once)"
  # Not --locked: its lockfile names a crate version the registry no longer has.
  "${tool_build_env[@]}" cargo install --force wasm-bindgen-cli --version "$bindgen_version"
fi

if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny 0.20.2" ]; then
  say "cargo install cargo-deny 0.20.2 (about 10 minutes, once)"
  "${tool_build_env[@]}" cargo install --locked cargo-deny --version 0.20.2
fi

# cargo-nextest runs the native tests side by side; 0.9.91 brought the priorities the config uses.
nextest_version="$(cargo nextest --version 2>/dev/null | awk 'NR == 1 { print $2 }')"
if ! printf '0.9.91\n%s\n' "${nextest_version:-0}" | sort -V -C; then
  say "cargo install cargo-nextest 0.9.143 (about 6 minutes, once)"
  "${tool_build_env[@]}" cargo install --locked cargo-nextest --version 0.9.143
fi

# wasm-opt (binaryen 132) and playwright-core come from npm, pinned in package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# Trunk builds with --offline; fetch crates first so that never needs the network mid-build.
cargo fetch --quiet
