#!/usr/bin/env bash
# Makes the desktop app's Linux installers from an already built binary with the Tauri
# CLI (pinned in src-tauri/package.json). Build first:
#   cargo build --release -p chatalot-desktop    (or without --release, then pass --debug)
#
#   scripts/bundle-desktop.sh [--debug] [BUNDLE...]   BUNDLE: deb (default), rpm, appimage
#
# Prints the path of each bundle made (under $CARGO_TARGET_DIR/<profile>/bundle/).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"

profile=release
flags=()
if [[ "${1:-}" == "--debug" ]]; then
  profile=debug
  flags+=(--debug)
  shift
fi
bundles=("${@:-deb}")
binary="$CARGO_TARGET_DIR/$profile/chatalot-desktop"
[[ -x "$binary" ]] || { echo "error: $binary is not built (cargo build -p chatalot-desktop)" >&2; exit 1; }

(cd src-tauri && npm ci --no-audit --no-fund --silent)

# The CLI reads tauri.conf.json beside the crate and resolves its paths from there; the
# app's configuration is at the repository root with root-relative paths. Give the CLI
# a copy with the paths rewritten (generated, git-ignored).
python3 - <<'PY'
import json
with open("tauri.conf.json") as f:
    config = json.load(f)
config["build"]["frontendDist"] = "../" + config["build"]["frontendDist"]
config["bundle"]["icon"] = ["../" + icon for icon in config["bundle"]["icon"]]
config["bundle"]["macOS"]["infoPlist"] = "Info.plist"
with open("src-tauri/tauri.conf.json", "w") as f:
    json.dump(config, f, indent=2)
PY

rm -rf "$CARGO_TARGET_DIR/$profile/bundle"
(cd src-tauri && npx --no-install tauri bundle "${flags[@]}" --bundles "${bundles[@]}")
find "$CARGO_TARGET_DIR/$profile/bundle" -mindepth 2 -maxdepth 2
