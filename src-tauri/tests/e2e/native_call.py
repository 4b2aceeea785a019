"""GUI test of a call in the desktop app's native engine (VOICE-4, DESK-4), run by
desktop_e2e.py: a server with TURN credentials for a real coturn on loopback; the app
(whose engine plays CHATALOT_FAKE_AUDIO's 440 Hz test tone and sends
CHATALOT_FAKE_CAMERA's test pattern, set by scripts/test-desktop-e2e.sh) signs in and joins a voice channel from its window; a
headless Chromium (chromedriver, fake microphone playing 660 Hz) joins the same call
through the web client. The app's call view shows the browser participant speaking
(the engine's voice activity detection on the audio it received), the tray shows the
call, the browser's getStats() shows the engine's audio arriving; the browser's camera
is drawn in the app (the engine's decoded pictures on a canvas), and the app's camera
plays in the browser and on the app's own tile; muting in the app
shows in the browser; leaving ends the call on both sides.
"""
import math
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import wave

from desktop_e2e import (
    RESULTS, WAIT, Window, button, connect_and_sign_in, free_port, http, ok, start_server, wait_for_tray,
)

CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BROWSER_TONE = 660


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_coturn(folder):
    """coturn with REST credentials on loopback (allowing loopback peers, which
    production refuses): returns the process, its TURN URL and secret."""
    port = free_udp_port()
    relay = 49152 + (os.getpid() * 53) % 15000
    secret = os.urandom(16).hex()
    config = os.path.join(folder, "turnserver.conf")
    with open(config, "w") as f:
        f.write("\n".join([
            "listening-ip=127.0.0.1", f"listening-port={port}", "relay-ip=127.0.0.1",
            f"min-port={relay}", f"max-port={relay + 39}", "realm=chatalot-test", "use-auth-secret",
            f"static-auth-secret={secret}", "fingerprint", "allow-loopback-peers", "no-multicast-peers",
            "no-tls", "no-dtls", "no-cli", "no-rfc5780", "log-file=stdout", "simple-log",
            f"pidfile={folder}/turnserver.pid", f"userdb={folder}/turndb", "",
        ]))
    log = open(os.path.join(RESULTS, "turnserver.log"), "w")
    proc = subprocess.Popen(["turnserver", "-c", config], stdout=subprocess.PIPE, stderr=log, text=True)
    servers = database = False
    deadline = time.monotonic() + WAIT
    for line in proc.stdout:
        log.write(line)
        servers = servers or "Total General servers" in line
        database = database or "DB connection success" in line
        if servers and database:
            break
        assert time.monotonic() < deadline, "coturn did not start; see turnserver.log"
    else:
        raise AssertionError("coturn exited; see turnserver.log")
    # Keep reading its output so it never blocks on a full pipe.
    threading.Thread(target=lambda: [log.write(l) for l in proc.stdout], daemon=True).start()
    return proc, f"turn:127.0.0.1:{port}?transport=udp", secret


def tone_wav(path, hz, seconds=2):
    """A mono 48 kHz 16-bit WAV of a sine tone (Chromium loops it as its microphone)."""
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48_000)
        frames = b"".join(
            struct.pack("<h", int(12_000 * math.sin(2 * math.pi * hz * i / 48_000))) for i in range(48_000 * seconds)
        )
        w.writeframes(frames)


# Every peer connection the page makes, for reading its statistics.
RECORD_PEER_CONNECTIONS = """
(() => {
  const Original = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    window.__peerConnections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
})();
"""

# Audio received on the page's open peer connections: packets and total energy.
INBOUND_AUDIO = """
const done = arguments[arguments.length - 1];
(async () => {
  let packets = 0, energy = 0;
  for (const pc of window.__peerConnections || []) {
    if (pc.connectionState !== 'connected') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        packets += s.packetsReceived || 0;
        energy += s.totalAudioEnergy || 0;
      }
    });
  }
  return { packets, energy };
})().then(done, (e) => done({ error: String(e) }));
"""


class Browser:
    """A headless Chromium through chromedriver, driven like the app's window."""

    def __init__(self, wav):
        port = free_port()
        self.log = open(os.path.join(RESULTS, "chromedriver.log"), "w")
        self.driver = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=self.log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if http("GET", f"{base}/status")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "chromedriver did not answer"
            time.sleep(0.1)
        args = [
            "--headless=new", "--no-sandbox", "--window-size=1280,800",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}", "--autoplay-policy=no-user-gesture-required",
        ]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}}
        self.page = Window.attach(base, ok("POST", f"{base}/session", caps)["value"]["sessionId"])
        self.page.cmd("POST", "/goog/cdp/execute", {
            "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": RECORD_PEER_CONNECTIONS},
        })

    def inbound_audio(self):
        return self.page.cmd("POST", "/execute/async", {"script": INBOUND_AUDIO, "args": []})

    def close(self):
        try:
            self.page.quit()
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=30)


def setup_call(url):
    """Two accounts, a community with a voice channel, both members: (ids, tokens)."""
    ann = ok("POST", f"{url}/api/auth/register", {"username": "ann", "password": "ann-password-123"})
    ben = ok("POST", f"{url}/api/auth/register", {"username": "ben", "password": "ben-password-123"})
    owner = ann["access_token"]
    community = ok("POST", f"{url}/api/communities", {"name": "Calls"}, owner)
    group = ok("POST", f"{url}/api/communities/{community['id']}/groups", {"name": "General"}, owner)
    channel = ok("POST", f"{url}/api/groups/{group['id']}/channels", {"name": "Lounge", "kind": "voice"}, owner)
    invite = ok("POST", f"{url}/api/communities/{community['id']}/invites", {"max_uses": 1, "expires_in_hours": 1}, owner)
    ok("POST", f"{url}/api/invites/{invite['code']}/accept", None, ben["access_token"])
    return community["id"], channel["id"], ann["user"]["id"], ben["user"]["id"]


JOIN = "//button[normalize-space(.)='Join voice' or @aria-label='Join voice']"


def tile_speaking(w, user_id):
    return w.js(
        "const t = document.querySelector(`[data-testid=voice-tile][data-kind=camera][data-user-id='${arguments[0]}']`);"
        "return t ? t.dataset.speaking : null",
        user_id,
    )


def video_size(b, user_id):
    """The size of the video the browser plays in `user_id`'s camera tile (None: no video)."""
    return b.js(
        "const v = document.querySelector(`[data-testid=voice-tile][data-kind=camera][data-user-id='${arguments[0]}'] video`);"
        "return v ? [v.videoWidth, v.videoHeight] : null",
        user_id,
    )


def native_pictures(w, user_id):
    """What the app's camera tile of `user_id` drew of the engine's pictures."""
    return w.js(
        "const c = document.querySelector(`[data-testid=voice-tile][data-kind=camera][data-user-id='${arguments[0]}'] canvas`);"
        "if (!c) return {pictures: 0};"
        "const r = c.getBoundingClientRect();"
        "return {pictures: Number(c.dataset.pictures || 0), width: c.width, height: c.height,"
        " visible: getComputedStyle(c).visibility === 'visible' && r.width > 0 && r.height > 0};",
        user_id,
    )


def test_native_call():
    assert CHROMEDRIVER, "chromedriver is not installed (Debian package chromium-driver)"
    with tempfile.TemporaryDirectory() as folder:
        turn, turn_url, secret = start_coturn(folder)
        wav = os.path.join(folder, f"tone-{BROWSER_TONE}.wav")
        tone_wav(wav, BROWSER_TONE)
        here = os.path.dirname(os.path.abspath(__file__))
        web = os.path.normpath(os.path.join(here, "..", "..", "..", "client-ui", "build"))
        env = {"TURN_AUTH_SECRET": secret, "TURN_URLS": turn_url, "STATIC_FILES_PATH": web,
               "COMMUNITY_CREATION_MODE": "anyone"}
        server, url = start_server(os.path.join(folder, "data"), extra_env=env, log_name="call-server.log")
        browser = None
        w = None
        try:
            community, channel, ann_id, ben_id = setup_call(url)
            channel_path = f"/c/{community}/{channel}"

            # The app: sign in as ann and join the voice channel from its window.
            w = Window()
            connect_and_sign_in(w, url, "ann", "ann-password-123")
            w.click(css=f"a[href$='/c/{community}']")
            w.click(css=f"a[href$='{channel_path}']")
            w.click(xpath=JOIN)
            w.wait("the app's call connected", lambda: "Voice connected" in w.page_text())
            wait_for_tray(w, "Call: just you")

            # The browser participant joins through the web client.
            browser = Browser(wav)
            b = browser.page
            b.cmd("POST", "/url", {"url": f"{url}/login"})
            b.type("input[name=username]", "ben")
            b.type("input[name=password]", "ben-password-123")
            b.click(xpath=button("Sign in"))
            b.wait("ben signed in", lambda: "ben" in b.page_text() and not b.find(css="input[name=password]"))
            b.cmd("POST", "/url", {"url": f"{url}{channel_path}"})
            b.click(xpath=JOIN)
            b.wait("the browser's call connected", lambda: "Voice connected" in b.page_text())

            # The app's call view: ben speaking (heard by the native engine), tray shows two.
            w.wait("ben speaking in the app's call view", lambda: tile_speaking(w, ben_id) == "true", timeout=60)
            wait_for_tray(w, "Call: 2 people")
            w.screenshot("native-call-browser-speaking")
            # The browser receives the engine's audio and shows the app's user speaking.
            b.wait("ann speaking in the browser", lambda: tile_speaking(b, ann_id) == "true", timeout=60)
            first = b.wait("audio from the engine in getStats()", lambda: browser.inbound_audio()["packets"] > 0 and browser.inbound_audio())
            b.wait("the engine's audio energy growing", lambda: browser.inbound_audio()["energy"] > first["energy"])
            print("PASS native call: the app's engine hears the browser (speaking shown) and the browser hears it")

            # The browser turns its (fake) camera on: the app draws its pictures in ben's tile.
            b.click(css="[aria-label='Call controls'] button[aria-label=Camera]")
            w.wait("ben's camera drawn in the app", lambda: native_pictures(w, ben_id)["pictures"] >= 10, timeout=60)
            seen = native_pictures(w, ben_id)
            assert seen["width"] >= 160 and seen["height"] >= 90, seen
            assert seen["visible"], seen
            w.screenshot("native-call-browser-camera")
            print(f"PASS native call: the browser's camera drawn in the app ({seen})")
            b.click(css="[aria-label='Call controls'] button[aria-label=Camera]")

            # The app turns its camera (the test pattern) on: the browser plays it in
            # ann's tile at the engine's size, and the app shows it on ann's own tile.
            w.click(css="[aria-label='Call controls'] button[aria-label=Camera]")
            b.wait("ann's camera playing in the browser", lambda: video_size(b, ann_id) == [320, 240], timeout=60)
            w.wait("ann's own camera in the app", lambda: native_pictures(w, ann_id)["pictures"] >= 10)
            w.screenshot("native-call-own-camera")
            w.click(css="[aria-label='Call controls'] button[aria-label=Camera]")
            b.wait("ann's camera off in the browser", lambda: video_size(b, ann_id) is None)
            print("PASS native call: the app's camera plays in the browser and on its own tile")

            # Mute in the app: the browser sees ann muted and quiet.
            w.click(css="button[aria-label=Mute]")
            b.wait("ann quiet in the browser", lambda: tile_speaking(b, ann_id) == "false")
            wait_for_tray(w, "Call: 2 people, muted")

            # Leaving from the app: its call ends, the browser's tile of ann goes.
            w.click(css="button[aria-label='Leave call']")
            wait_for_tray(w, "Call: none")
            b.wait("ann's tile gone", lambda: tile_speaking(b, ann_id) is None)
            print("PASS native call: mute and leave from the app reach the browser and the tray")
        finally:
            if w:
                w.quit()
            if browser:
                browser.close()
            server.terminate()
            server.wait(timeout=30)
            turn.terminate()
            turn.wait(timeout=30)
