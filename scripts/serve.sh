#!/usr/bin/env bash
# Installs what is missing, builds the release app and serves it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
printf '\n== Serving mTLS Lab on http://127.0.0.1:8080 (Ctrl-C to stop)\n'
exec trunk serve --release --offline "$@"
