#!/usr/bin/env bash
# Builds and runs Chatalot with zero configuration: SQLite database, keys and secrets
# are created under ./data on first run (override with CHATALOT_DATA_DIR or any
# variable from .env.example). Open the printed address in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

# The web client: built from client-ui/ (needs Node.js >= 20.19 and npm).
if [[ -z "${STATIC_FILES_PATH:-}" ]]; then
  if command -v npm >/dev/null; then
    (cd client-ui && npm ci --no-audit --no-fund && npm run build)
  else
    echo "npm not found: serving the API without the web client (install Node.js to build it)" >&2
  fi
  if [[ -f client-ui/build/index.html ]]; then
    export STATIC_FILES_PATH=client-ui/build
  fi
fi

exec cargo run --release --locked -p chatalot-server -- quickstart "$@"
