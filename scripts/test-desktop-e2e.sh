#!/usr/bin/env bash
# GUI end-to-end tests of the desktop app (src-tauri/tests/e2e/desktop_e2e.py): the
# built app under Xvfb, driven by tauri-driver + WebKitWebDriver, inside a private
# D-Bus session with an unlocked GNOME Keyring and temporary XDG folders (the user's
# own keyring and app data are never touched). Screenshots and logs go to
# test-results/desktop/ (not committed).
#
# Needs the web client built (client-ui/build) and the server binary; builds the app and
# its .deb (scripts/bundle-desktop.sh), whose contents are checked.
# Missing tools skip the tests with a banner, except under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"
results="$PWD/test-results/desktop"

banner() { printf '\n==================== %s ====================\n' "$*"; }
skip() {
  if [[ "${CI:-false}" == "true" ]]; then
    echo "error: desktop e2e cannot run: $*" >&2
    exit 1
  fi
  banner "DESKTOP E2E SKIPPED: $*"
  exit 0
}

if [[ "${1:-}" != "--inside" ]]; then
  missing=()
  for tool in Xvfb WebKitWebDriver dbus-run-session gnome-keyring-daemon secret-tool python3 gdbus \
    chromedriver turnserver; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  /usr/bin/python3 -c 'import gi' 2>/dev/null || missing+=("python3-gi")
  ((${#missing[@]} == 0)) || skip "missing ${missing[*]} (see docs/desktop.md for the packages; chromedriver: chromium-driver, turnserver: coturn)"
  if ! command -v tauri-driver >/dev/null; then
    echo "installing tauri-driver"
    cargo install tauri-driver --locked --quiet || skip "tauri-driver could not be installed"
  fi
  [[ -f client-ui/build/index.html ]] && ! grep -q 'chatalot-desktop placeholder' client-ui/build/index.html ||
    skip "the web client is not built (cd client-ui && npm run build)"
  cargo build -p chatalot-desktop -p chatalot-server --locked
  rm -rf "$results"
  mkdir -p "$results"

  # The Linux installer, from the binary just built: it must hold the app and its entry.
  banner "desktop: .deb bundle"
  ./scripts/bundle-desktop.sh --debug deb
  deb="$(find "$CARGO_TARGET_DIR/debug/bundle/deb" -maxdepth 1 -name '*.deb' | head -n1)"
  [[ -n "$deb" ]] || { echo "error: no .deb was made" >&2; exit 1; }
  contents="$(dpkg-deb --contents "$deb")"
  for path in usr/bin/chatalot-desktop usr/share/applications/Chatalot.desktop; do
    grep -qE " (\./)?$path\$" <<<"$contents" || { echo "error: $deb lacks $path" >&2; exit 1; }
  done
  depends="$(dpkg-deb --field "$deb" Depends)"
  [[ "$depends" == *libwebkit2gtk-4.1* ]] || { echo "error: $deb does not depend on WebKitGTK: $depends" >&2; exit 1; }
  echo "bundle ok: $deb ($(du -h "$deb" | cut -f1); Depends: $depends)"
  exec dbus-run-session -- "$0" --inside
fi

# Inside the private session bus.
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets)"
[[ -n "${GNOME_KEYRING_PID:-}" ]] && pids+=("$GNOME_KEYRING_PID")

# A tray host, as desktop panels provide: the app's tray item registers with it and the
# tests read the item's menu over D-Bus.
export TRAY_ITEMS="$tmp/tray-items.txt"
/usr/bin/python3 src-tauri/tests/e2e/status_notifier_watcher.py "$TRAY_ITEMS" >"$results/tray-watcher.log" 2>&1 &
pids+=($!)

# A notification server, as desktops provide: it records what the app announces.
export NOTIFICATIONS="$tmp/notifications.jsonl"
/usr/bin/python3 src-tauri/tests/e2e/notification_server.py "$NOTIFICATIONS" >"$results/notification-server.log" 2>&1 &
pids+=($!)

# A free display number.
display=99
while [[ -e "/tmp/.X11-unix/X$display" || -e "/tmp/.X$display-lock" ]]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x1024x24 -nolisten tcp >"$results/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=":$display"
# The app's call engine plays a 440 Hz test tone instead of a microphone and plays
# nothing: no sound card here (docs/desktop.md, "Calls").
export CHATALOT_FAKE_AUDIO=tone:440
# ...and a test pattern as its camera.
export CHATALOT_FAKE_CAMERA=pattern
tauri-driver >"$results/tauri-driver.log" 2>&1 &
pids+=($!)
# Wait (up to 30 s) until tauri-driver answers; stop with a clear error otherwise.
python3 - <<'PY' || { echo "error: tauri-driver did not answer on 127.0.0.1:4444 within 30 s; see $results/tauri-driver.log" >&2; exit 1; }
import time, urllib.request
deadline = time.monotonic() + 30
while True:
    try:
        urllib.request.urlopen("http://127.0.0.1:4444/status", timeout=1)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise SystemExit(1)
        time.sleep(0.1)
PY

export CHATALOT_DESKTOP_BIN="$CARGO_TARGET_DIR/debug/chatalot-desktop"
export CHATALOT_SERVER_BIN="$CARGO_TARGET_DIR/debug/chatalot-server"
export RESULTS_DIR="$results"
python3 src-tauri/tests/e2e/desktop_e2e.py
