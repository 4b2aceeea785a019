#!/usr/bin/env python3
"""GUI end-to-end tests of the built desktop app, driven through tauri-driver
(WebDriver on 127.0.0.1:4444, WebKitWebDriver behind it) with the standard library
only. Run by scripts/test-desktop-e2e.sh, which provides Xvfb, a private D-Bus
session with an unlocked GNOME Keyring, tauri-driver and temporary XDG folders.

1. Host mode (DESK-1/2): first launch -> "Host a server on this computer" -> the
   owner account is created -> the host panel shows the share address and creates an
   invite -> a second client registers with it over HTTP and sends the owner a direct
   message -> the message appears in the app's window and its activity feed.
   Screenshot saved. The tray menu (read over D-Bus) shows "not hosting", then
   "hosting at <share address>". The share address serves the web client to browsers;
   while the window is minimized a direct message becomes an OS notification (recorded
   by the test's notification server); a second launch of the app exits and brings the
   first window back (single instance); the window's Content-Security-Policy blocks
   inline script.
2. Connect mode (DESK-1/3): switch to a separately started server, sign in, restart
   the app: still signed in (token from the OS keyring, nothing in localStorage).
3. Single sign-on (AUTH-8): a server with SSO at a real OpenID provider on loopback
   (tests/oidc-provider); "Sign in with SSO" in the app goes to the provider's page in
   the app's window, comes back into the app signed in, and the session is in the
   keyring.

4. Native call (VOICE-4, DESK-4), in native_call.py: the app joins a voice channel
   from its window with its engine on a test tone; a browser participant's speaking
   shows in the app's call view.

Environment: CHATALOT_DESKTOP_BIN (the app), CHATALOT_SERVER_BIN (the server binary),
RESULTS_DIR (screenshots and logs). Every wait polls for a condition with a deadline.
"""
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid
from http.client import RemoteDisconnected

DRIVER = "http://127.0.0.1:4444"
APP = os.environ["CHATALOT_DESKTOP_BIN"]
SERVER_BIN = os.environ["CHATALOT_SERVER_BIN"]
RESULTS = os.environ.get("RESULTS_DIR", "test-results/desktop")
TRAY_ITEMS = os.environ["TRAY_ITEMS"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
WAIT = 30.0


def http(method, url, body=None, token=None):
    # tauri-driver forwards each command over a pooled keep-alive connection to
    # WebKitWebDriver; when WebKitWebDriver has just closed that idle connection the
    # command is dropped unanswered (tauri-driver logs "connection reset by peer").
    # Such a command is sent again; answered ones, errors included, never are.
    for attempt in range(3):
        try:
            return http_once(method, url, body, token)
        except (RemoteDisconnected, ConnectionResetError) as err:
            if not url.startswith(DRIVER) or attempt == 2:
                raise
            print(f"(WebDriver dropped {method} {url.removeprefix(DRIVER)}: {err}; sending again)")


def http_once(method, url, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw)
        except ValueError:
            return err.code, raw.decode(errors="replace")


def ok(method, url, body=None, token=None):
    status, answer = http(method, url, body, token)
    assert 200 <= status < 300, f"{method} {url}: {status} {answer}"
    return answer


def app_running():
    """Whether a process of the app under test is still alive (exact executable)."""
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.readlink(f"/proc/{pid}/exe") == os.path.realpath(APP):
                    return True
            except OSError:
                continue
    return False


class Window:
    """One WebDriver session = one run of the app (or, through `attach`, a browser)."""

    base = DRIVER

    @classmethod
    def attach(cls, base, session_id):
        """A session of another WebDriver server (e.g. chromedriver at `base`)."""
        window = cls.__new__(cls)
        window.base, window.id = base, session_id
        return window

    def __init__(self):
        # The app is single-instance: a new run starts only after the last one ended.
        deadline = time.monotonic() + WAIT
        while app_running():
            assert time.monotonic() < deadline, "the previous run of the app did not exit"
            time.sleep(0.2)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": APP}}}}
        answer = ok("POST", f"{DRIVER}/session", caps)
        self.id = answer["value"]["sessionId"]

    def cmd(self, method, path, body=None):
        status, answer = http(method, f"{self.base}/session/{self.id}{path}", body)
        if status >= 300:
            raise RuntimeError(f"WebDriver {method} {path}: {status} {answer}")
        return answer["value"] if isinstance(answer, dict) else answer

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, what, condition, timeout=WAIT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except RuntimeError as err:  # e.g. during a page reload
                last = err
            time.sleep(0.2)
        self.screenshot("failure")
        text = self.js("return document.body ? document.body.innerText : ''")
        raise AssertionError(f"timed out waiting for {what}; last error: {last}; page text:\n{text}")

    def find(self, css=None, xpath=None):
        using, value = ("css selector", css) if css else ("xpath", xpath)
        status, answer = http("POST", f"{self.base}/session/{self.id}/elements", {"using": using, "value": value})
        found = answer.get("value", []) if isinstance(answer, dict) and status == 200 else []
        return found[0][ELEMENT] if found else None

    def element(self, css=None, xpath=None):
        return self.wait(css or xpath, lambda: self.find(css=css, xpath=xpath))

    def click(self, css=None, xpath=None):
        self.cmd("POST", f"/element/{self.element(css, xpath)}/click", {})

    def type(self, css, text):
        element = self.element(css)
        self.cmd("POST", f"/element/{element}/clear", {})
        self.cmd("POST", f"/element/{element}/value", {"text": text})

    def text(self, css):
        return self.cmd("GET", f"/element/{self.element(css)}/text")

    def page_text(self):
        return self.js("return document.body ? document.body.innerText : ''")

    def screenshot(self, name):
        os.makedirs(RESULTS, exist_ok=True)
        try:
            # The first capture after a change can predate the last paint: take two.
            self.cmd("GET", "/screenshot")
            png = base64.b64decode(self.cmd("GET", "/screenshot"))
        except RuntimeError as err:
            print(f"screenshot {name} failed: {err}", file=sys.stderr)
            return None
        path = os.path.join(RESULTS, f"{name}.png")
        with open(path, "wb") as f:
            f.write(png)
        print(f"screenshot: {path}")
        return path

    def quit(self):
        # The app may close the connection while it exits; the session is over either way.
        try:
            http("DELETE", f"{self.base}/session/{self.id}")
        except OSError as err:
            print(f"(session end: {err})")


def gdbus(*args):
    done = subprocess.run(["gdbus", "call", "--session", *args], capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise RuntimeError(f"gdbus {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def tray_menu():
    """The labels of the running app's tray menu, read over D-Bus (StatusNotifierItem +
    dbusmenu) from the item that registered last with the test's tray host."""
    with open(TRAY_ITEMS) as f:
        items = f.read().split()
    if len(items) < 2:
        return []
    name, path = items[-2:]
    menu = gdbus(
        "--dest", name, "--object-path", path,
        "--method", "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", "Menu",
    )
    menu_path = re.search(r"'(/[^']*)'", menu).group(1)
    layout = gdbus(
        "--dest", name, "--object-path", menu_path,
        "--method", "com.canonical.dbusmenu.GetLayout", "0", "int32 -1", "@as []",
    )
    return re.findall(r"'label': <'([^']*)'>", layout)


def wait_for_tray(w, label):
    return w.wait(f"the tray menu to show {label!r}", lambda: label in tray_menu())


def button(label):
    return f"//button[contains(normalize-space(.), '{label}')]"


def test_host_mode():
    w = Window()
    try:
        w.element(css="[data-testid=desktop-welcome]")
        w.screenshot("first-launch")
        wait_for_tray(w, "Server: not hosting")
        w.click(xpath=button("Host a server on this computer"))
        w.type("input[name=host_port]", "0")
        w.type("input[name=username]", "owner")
        w.type("input[name=password]", "owner-password-123")
        w.click(xpath=button("Start server"))

        # The owner's one-time recovery code, then the app.
        w.wait("the recovery code", lambda: "Save your recovery code" in w.page_text(), timeout=60)
        w.click(css="input[type=checkbox]")
        w.click(xpath=button("Continue"))
        w.click(css="[data-testid=desktop-toggle]")
        share = w.wait("the share address", lambda: w.text("[data-testid=share-url]")).strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", share), f"share address: {share!r}"
        # The tray shows the host-mode state and where others reach it.
        wait_for_tray(w, f"Server: hosting at {share}")
        assert {"Show Chatalot", "Quit"} <= set(tray_menu()), tray_menu()
        w.click(xpath=button("Create invite"))
        invite = w.wait("an invite code", lambda: w.text("[data-testid=invite-code]")).strip()

        # A second client: registers with the invite and writes to the owner.
        owner = ok("POST", f"{share}/api/auth/login", {"username": "owner", "password": "owner-password-123"})
        assert owner["user"]["instance_role"] == "owner", owner["user"]
        bob = ok(
            "POST",
            f"{share}/api/auth/register",
            {"username": "bob", "password": "bob-password-123", "invite_code": invite},
        )
        dm = ok("POST", f"{share}/api/dms", {"user_ids": [owner["user"]["id"]]}, bob["access_token"])
        text = f"Hello owner, this is Bob ({uuid.uuid4().hex[:8]})"
        ok("POST", f"{share}/api/channels/{dm['id']}/messages", {"content": text}, bob["access_token"])

        w.wait("Bob's message in the window", lambda: text in w.page_text())
        # The chat's own WebSocket reaches the embedded server (not the app's origin).
        w.wait("a live connection", lambda: "Connection lost" not in w.page_text())
        # The DM reached the desktop bar's activity feed (what OS notifications announce).
        latest = "const e = document.querySelector('[data-testid=activity-latest]'); return e ? e.textContent : ''"
        w.wait("Bob's message in the activity feed", lambda: text in w.js(latest))
        assert notifications() == [], "no OS notification while the window has focus"
        assert w.screenshot("host-mode-message"), "screenshot saved"
        print("PASS host mode: owner created, invite made, tray shows the state, message from a second client shown")

        check_guest_web_client(share)
        check_notification_while_unfocused(w, share, bob, dm["id"])
        check_second_launch_exits(w, text)
        check_csp_blocks_inline_script(w)
    finally:
        w.quit()


def check_guest_web_client(share):
    """Guests open the share address in a browser: the server serves the app's own web
    client (written out by the app), with every script the page starts with."""
    with urllib.request.urlopen(f"{share}/", timeout=10) as response:
        page = response.read().decode()
    entries = re.findall(r'import\("(/_app/[^"]+)"\)', page)
    assert entries, f"the web client's index.html at {share}/: {page[:300]!r}"
    for entry in entries:
        with urllib.request.urlopen(f"{share}{entry}", timeout=10) as response:
            assert response.status == 200 and "javascript" in response.headers["content-type"], entry
    print(f"PASS guests: {share}/ serves the web client ({len(entries)} entry scripts)")


def notifications():
    with open(os.environ["NOTIFICATIONS"]) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_notification_while_unfocused(w, share, bob, dm_id):
    """With the window minimized, a direct message becomes an OS notification (the test's
    notification server records it)."""
    w.cmd("POST", "/window/minimize", {})
    w.wait("the window to lose focus", lambda: w.js("return document.hasFocus()") is False)
    text = f"Are you there? ({uuid.uuid4().hex[:8]})"
    ok("POST", f"{share}/api/channels/{dm_id}/messages", {"content": text}, bob["access_token"])
    shown = w.wait("the OS notification", lambda: [n for n in notifications() if n["body"] == text])
    assert shown[0]["summary"] == "bob", shown
    print(f"PASS notifications: a DM while unfocused was announced ({shown[0]})")


def check_second_launch_exits(w, still_shown):
    """Single instance: launching the app again hands over to the running one (which
    comes back to the front) and exits."""
    log = open(os.path.join(RESULTS, "second-launch.log"), "w")
    second = subprocess.Popen([APP], stdout=log, stderr=subprocess.STDOUT)
    try:
        code = second.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        second.kill()
        raise AssertionError("a second launch kept running beside the first")
    assert code == 0, f"the second launch exited with {code}"
    w.wait("the first window back in front", lambda: w.js("return document.hasFocus()") is True)
    assert still_shown in w.page_text(), "the first window is still there, unchanged"
    print("PASS single instance: a second launch exited and brought the first window back")


def check_csp_blocks_inline_script(w):
    """The window's Content-Security-Policy refuses inline script (an XSS foothold): an
    image's inline onerror handler never runs, while a listener added from script does."""
    w.js(
        """
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__inlineHandlerRan = true');
        img.addEventListener('error', () => { window.__imageFailed = true; });
        img.src = 'data:image/png;base64,bm90IGFuIGltYWdl';
        document.body.appendChild(img);
        """
    )
    w.wait("the test image's error event", lambda: w.js("return window.__imageFailed === true"))
    ran = w.js("return window.__inlineHandlerRan === true")
    assert not ran, "an inline event handler ran: the CSP is not in force"
    print("PASS CSP: inline script blocked")


def start_server(data_dir, listen="127.0.0.1:0", extra_env=None, log_name="connect-server.log"):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LISTEN_ADDR": listen,
        "REGISTRATION_MODE": "open",
        "RUST_LOG": "chatalot_server=warn",
        **(extra_env or {}),
    }
    log = open(os.path.join(RESULTS, log_name), "w")
    proc = subprocess.Popen(
        [SERVER_BIN, "quickstart", "--data-dir", data_dir], env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    deadline = time.monotonic() + WAIT
    for line in proc.stdout:
        log.write(line)
        found = re.search(r"listening on (\S+)", line)
        if found:
            return proc, f"http://{found.group(1)}"
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise AssertionError("the separately started server did not report its address")


def signed_in(w, username):
    return (
        w.find(css="[data-testid=desktop-toggle]")
        and not w.find(css="input[name=password]")
        and username in w.page_text()
    )


def connect_to(w, url):
    """Points the app at the server `url` (from its first launch or from another server)."""
    w.wait("the app's first screen", lambda: w.find(css="[data-testid=desktop-welcome]")
           or w.find(css="[data-testid=desktop-toggle]"))
    if not w.find(css="[data-testid=desktop-welcome]"):
        w.click(css="[data-testid=desktop-toggle]")
        w.click(xpath=button("Switch server"))
    w.click(xpath=button("Connect to a server"))
    w.type("input[name=server_url]", url)
    w.click(xpath=button("Connect"))


def connect_and_sign_in(w, url, username, password):
    connect_to(w, url)
    w.type("input[name=username]", username)
    w.type("input[name=password]", password)
    w.click(xpath=button("Sign in"))
    w.wait(f"{username} signed in", lambda: signed_in(w, username))


def test_connect_mode():
    with tempfile.TemporaryDirectory() as data:
        server, url = start_server(data)
        try:
            ok("POST", f"{url}/api/auth/register", {"username": "carol", "password": "carol-password-123"})
            w = Window()
            try:
                # Saved from the host test: the app reopens on this computer's server.
                connect_and_sign_in(w, url, "carol", "carol-password-123")
            finally:
                w.quit()

            # Restart: the session comes back from the OS keyring.
            w = Window()
            try:
                w.wait("carol still signed in after a restart", lambda: signed_in(w, "carol"))
                stored = w.js("return Object.keys(localStorage).filter(k => k.includes('session'))")
                assert stored == [], f"no session in web storage: {stored}"
                w.screenshot("connect-mode-restarted")
            finally:
                w.quit()
            lookup = subprocess.run(
                ["secret-tool", "lookup", "service", "org.chatalot.desktop", "username", f"session:{url}"],
                capture_output=True,
                text=True,
            )
            assert "refreshToken" in lookup.stdout, f"the session is in the keyring: {lookup.stdout!r} {lookup.stderr!r}"
            print("PASS connect mode: signed in, still signed in after restart, tokens in the keyring")
        finally:
            server.terminate()
            server.wait(timeout=30)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_provider(server_port, secret):
    """The test OpenID provider (tests/oidc-provider), with Chatalot as its client."""
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "..", "..", "..", "tests", "oidc-provider", "provider.mjs")
    clients = [{
        "client_id": "chatalot-desktop-test",
        "client_secret": secret,
        "redirect_uris": [f"http://127.0.0.1:{server_port}/auth/oidc/callback"],
    }]
    env = {**os.environ, "OIDC_TEST_PORT": "0", "OIDC_TEST_CLIENTS": json.dumps(clients)}
    log = open(os.path.join(RESULTS, "oidc-provider.log"), "w")
    proc = subprocess.Popen(["node", script], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    for line in proc.stdout:
        if line.startswith("{"):
            issuer = json.loads(line)["issuer"]
            # Keep draining its output so its writes never hit a closed pipe.
            threading.Thread(target=lambda: [log.write(l) for l in proc.stdout], daemon=True).start()
            return proc, issuer
    raise AssertionError("the OpenID provider did not start; see oidc-provider.log")


def test_sso_sign_in():
    port = free_port()
    secret = uuid.uuid4().hex
    provider, issuer = start_provider(port, secret)
    try:
        with tempfile.TemporaryDirectory() as data:
            sso_env = {
                "OIDC_ISSUER_URL": issuer,
                "OIDC_CLIENT_ID": "chatalot-desktop-test",
                "OIDC_CLIENT_SECRET": secret,
                "OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/auth/oidc/callback",
            }
            server, url = start_server(data, f"127.0.0.1:{port}", sso_env, "sso-server.log")
            try:
                config = ok("GET", f"{url}/api/auth/config")
                deadline = time.monotonic() + WAIT
                while not config["sso_available"]:
                    assert time.monotonic() < deadline, f"SSO never became available: {config}"
                    time.sleep(0.2)
                    config = ok("GET", f"{url}/api/auth/config")
                # An owner exists already, so the app offers sign-in, not first-run setup.
                ok("POST", f"{url}/api/auth/register", {"username": "erik", "password": "erik-password-123"})
                w = Window()
                try:
                    connect_to(w, url)
                    w.click(xpath="//a[contains(normalize-space(.), 'Sign in with SSO')]")
                    # The provider's own sign-in page, in the app's window.
                    w.type("input[name=login]", "dora")
                    w.type("input[name=password]", "any-password")
                    w.click(css="button[type=submit]")
                    w.wait("dora signed in through SSO", lambda: signed_in(w, "dora"), timeout=60)
                    origin = w.js("return location.origin")
                    assert not origin.startswith("http://127.0.0.1"), f"back in the app, not on a server page: {origin}"
                    w.screenshot("sso-signed-in")
                finally:
                    w.quit()
                w = Window()
                try:
                    w.wait("dora still signed in after a restart", lambda: signed_in(w, "dora"))
                finally:
                    w.quit()
                lookup = subprocess.run(
                    ["secret-tool", "lookup", "service", "org.chatalot.desktop", "username", f"session:{url}"],
                    capture_output=True,
                    text=True,
                )
                assert "refreshToken" in lookup.stdout, f"the SSO session is in the keyring: {lookup.stdout!r}"
                print("PASS SSO: signed in at the provider from the app, back in the app, session in the keyring")
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        provider.terminate()
        provider.wait(timeout=30)


if __name__ == "__main__":
    os.makedirs(RESULTS, exist_ok=True)
    failures = 0
    from native_call import test_native_call

    tests = (test_host_mode, test_connect_mode, test_sso_sign_in, test_native_call)
    # DESKTOP_E2E_ONLY=test_native_call runs one test (while working on it).
    only = os.environ.get("DESKTOP_E2E_ONLY")
    tests = tuple(t for t in tests if not only or t.__name__ == only)
    for test in tests:
        try:
            test()
        except Exception as err:  # report every test, fail at the end
            failures += 1
            traceback.print_exc()
            print(f"FAIL {test.__name__}: {err}", file=sys.stderr)
    print(f"desktop e2e: {len(tests) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)
