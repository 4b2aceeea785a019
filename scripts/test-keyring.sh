#!/usr/bin/env bash
# Runs the desktop app's real-keyring test against a Secret Service: a private D-Bus
# session with an unlocked GNOME Keyring in temporary folders (nothing touches the
# user's own keyring). Without dbus-run-session or gnome-keyring-daemon the test is
# skipped with a banner; under CI=true that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"

banner() { printf '\n==================== %s ====================\n' "$*"; }

if [[ "${1:-}" != "--inside" ]]; then
  missing=()
  for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    if [[ "${CI:-false}" == "true" ]]; then
      echo "error: ${missing[*]} missing; install dbus and gnome-keyring" >&2
      exit 1
    fi
    banner "KEYRING TEST SKIPPED: ${missing[*]} not installed (apt-get install dbus gnome-keyring)"
    exit 0
  fi
  exec dbus-run-session -- "$0" --inside
fi

# Inside the private session bus.
tmp="$(mktemp -d)"
trap 'kill "${keyring_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" HOME_KEYRING="$tmp"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets)"
keyring_pid="${GNOME_KEYRING_PID:-}"
export CHATALOT_REQUIRE_KEYRING=1
# --workspace, like the main test run, so the build is reused rather than redone with
# another feature set.
cargo test --workspace --locked --test keyring_platform -- --nocapture
