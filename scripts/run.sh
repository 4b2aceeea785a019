#!/usr/bin/env bash
# Builds and runs Chatalot with zero configuration: SQLite database, keys and secrets
# are created under ./data on first run (override with CHATALOT_DATA_DIR or any
# variable from .env.example). Open the printed address in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${STATIC_FILES_PATH:-}" && -f client-ui/build/index.html ]]; then
  export STATIC_FILES_PATH=client-ui/build
fi

exec cargo run --release --locked -p chatalot-server -- quickstart "$@"
