#!/usr/bin/env bash
# Runs every check and test of the web client (client-ui/): dependencies (npm ci), the
# generated API types' freshness against the server's OpenAPI document, svelte-check,
# ESLint + Prettier, Vitest, the production build, and the Playwright end-to-end tests
# against the real server binary in headless Chromium.
#
#   CHATALOT_SERVER_BIN  server binary (default: ${CARGO_TARGET_DIR:-~/.cache/chatalot/target}/debug/chatalot-server)
#   CHROMIUM_PATH        browser for Playwright (default: /usr/bin/chromium)
#   CHATALOT_VOICE_PROBE_BIN  the native call engine as a process, for the interop test
#                        (default: ${CARGO_TARGET_DIR:-~/.cache/chatalot/target}/debug/voice-probe)
#   CI=true              a missing server binary or Chromium fails instead of being skipped
#
# Idempotent and non-interactive. It never runs cargo: build the server first
# (./scripts/test.sh or cargo build -p chatalot-server).
set -euo pipefail
cd "$(dirname "$0")/../client-ui"

ci="${CI:-false}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"
export CHATALOT_SERVER_BIN="${CHATALOT_SERVER_BIN:-$CARGO_TARGET_DIR/debug/chatalot-server}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export NO_COLOR=1 FORCE_COLOR=0 npm_config_fund=false npm_config_audit=false

banner() { printf '\n==================== %s ====================\n' "$*"; }
missing() {
  if [[ "$ci" == "true" ]]; then
    echo "error: $1" >&2
    exit 1
  fi
  banner "SKIPPED: $1"
}

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (Node.js >= 20.19 is needed)" >&2; exit 1; }
done

banner "npm ci (client-ui)"
npm ci --no-audit --no-fund

banner "API types are up to date"
npm run --silent api:check

banner "svelte-check"
npm run --silent check

banner "eslint + prettier"
npm run --silent lint

banner "vitest"
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json

banner "build"
npm run --silent build

e2e=true
if [[ ! -x "$CHATALOT_SERVER_BIN" ]]; then
  missing "chatalot-server not found at $CHATALOT_SERVER_BIN: Playwright e2e tests cannot run (build the server or set CHATALOT_SERVER_BIN)"
  e2e=false
fi
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  missing "Chromium not found at $CHROMIUM_PATH: Playwright e2e tests cannot run (apt-get install -y chromium)"
  e2e=false
fi

if [[ "$e2e" == "true" ]]; then
  banner "playwright e2e (server: $CHATALOT_SERVER_BIN)"
  rm -rf test-results/screenshots
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json \
    npx playwright test --reporter=list,json
fi

# One closing line with the totals of both runners.
node -e '
  const fs = require("node:fs");
  const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : null);
  const v = read("test-results/vitest.json");
  const p = process.argv[1] === "true" ? read("test-results/playwright.json") : null;
  let passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0);
  let failed = (v?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0) + (p?.stats?.flaky ?? 0);
  let skipped = (v?.numPendingTests ?? 0) + (p?.stats?.skipped ?? 0);
  console.log(`\nweb client: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$e2e"
