#!/usr/bin/env python3
"""Loopback Web Push endpoint for the server's Rust tests.

It plays the part of a browser's push service: it hands out subscriptions,
and checks every push sent to them the way a real push service does (VAPID
JWT per RFC 8292, aes128gcm encryption per RFC 8291) before it accepts it.
The test can script the answer per subscription to act out a gone browser
(404/410) or an outage (5xx/429).

Usage:
    pip install -r tests/push/requirements.txt
    python3 tests/push/receiver.py --port 0 [--expect-key <base64url key>]

    --port N        listen on 127.0.0.1:N (0 picks a free port)
    --expect-key K  also require the VAPID public key `k` to be K

The receiver prints `READY <port>` once it listens, and runs until its
standard input closes: the test owns the process through that pipe.

Standard output carries only these lines, one per event, flushed:
    READY <port>
    RECEIVED <id> {"payload":...,"ttl":N,"urgency":S|null,"topic":S|null}
    REJECTED <id> <reason>     (reason: one word, e.g. aud, exp, decrypt)
    GONE <id>
    FAILED <id> <status>
Details of a rejection go to standard error.

HTTP interface:
    POST /subscriptions       -> 201 {"id","endpoint","keys":{"p256dh","auth"}}
    POST /push/<id>           -> the push endpoint
    POST /control/<id>        {"status": N} -> 204; scripts that subscription
    POST /control/all         {"status": N} -> 204; default for unscripted ones
    GET  /deliveries/<id>     -> 200 [delivery, ...] in arrival order
"""

import argparse
import base64
import binascii
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

HOST = "127.0.0.1"
# RFC 8030 push services cap the encrypted body at 4096 bytes; a sender
# that goes over it would fail against a real browser's service too.
MAX_BODY = 4096
# RFC 8292 section 2: a push service may reject an `exp` more than 24h ahead.
MAX_EXP_AHEAD = 24 * 60 * 60


class Rejected(Exception):
    """A push that a real push service would refuse."""

    def __init__(self, status, reason, detail=""):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail


class Subscription:
    def __init__(self, sub_id):
        self.id = sub_id
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.status = None  # scripted answer; None means the shared default
        self.gone_status = None  # 404/410 once the "browser" went away
        self.deliveries = []

    def public_info(self, port):
        p256dh = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint,
        )
        return {
            "id": self.id,
            "endpoint": f"http://{HOST}:{port}/push/{self.id}",
            "keys": {"p256dh": b64url_encode(p256dh), "auth": b64url_encode(self.auth_secret)},
        }


class State:
    """Everything the handler threads share, behind one lock."""

    def __init__(self, expect_key):
        self.lock = threading.Lock()
        self.out_lock = threading.Lock()
        self.subs = {}
        self.default_status = 201
        self.message_count = 0
        self.expect_key = expect_key
        self.port = None

    def emit(self, line):
        # One lock so that lines from concurrent pushes never interleave.
        with self.out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    # Senders differ on padding (RFC 7515 says none); accept both.
    text = text.strip().rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_vapid_header(value):
    """Split `vapid t=<jwt>, k=<key>` into (jwt, key); any order, any spacing."""
    if value is None:
        raise Rejected(401, "auth-header", "no Authorization header")
    scheme, _, params = value.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise Rejected(401, "auth-header", f"scheme {scheme!r} is not vapid")
    fields = {}
    for part in params.split(","):
        name, sep, val = part.strip().partition("=")
        if sep:
            # partition keeps any '=' padding of the key inside the value.
            fields[name.strip().lower()] = val.strip()
    if "t" not in fields or "k" not in fields:
        raise Rejected(401, "auth-header", f"need t= and k= in {value!r}")
    return fields["t"], fields["k"]


def load_public_key(raw):
    if len(raw) != 65 or raw[0] != 4:
        raise ValueError("not a 65-byte uncompressed P-256 point")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


def verify_vapid(state, header_value):
    """Check the VAPID JWT as a push service would (RFC 8292)."""
    token, key_text = parse_vapid_header(header_value)
    try:
        key_raw = b64url_decode(key_text)
        public_key = load_public_key(key_raw)
    except (ValueError, binascii.Error) as err:
        raise Rejected(401, "key", f"bad k: {err}")
    if state.expect_key is not None and key_raw != state.expect_key:
        raise Rejected(403, "key-mismatch", f"k={key_text} is not the expected key")

    parts = token.split(".")
    if len(parts) != 3:
        raise Rejected(401, "jwt", "JWT does not have three parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, binascii.Error) as err:
        raise Rejected(401, "jwt", f"undecodable JWT: {err}")
    if not isinstance(header, dict) or header.get("alg") != "ES256":
        raise Rejected(401, "jwt-alg", f"header {header!r}")

    # JWS ES256 signatures are raw r||s; cryptography wants DER.
    if len(signature) != 64:
        raise Rejected(401, "jwt-signature", f"{len(signature)}-byte signature")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    try:
        public_key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Rejected(401, "jwt-signature", "signature does not verify with k")

    check_claims(state, claims)


def check_claims(state, claims):
    if not isinstance(claims, dict):
        raise Rejected(401, "jwt", "claims are not an object")
    # The audience is the endpoint's origin, port included.
    expected_aud = f"http://{HOST}:{state.port}"
    if claims.get("aud") != expected_aud:
        raise Rejected(401, "aud", f"aud {claims.get('aud')!r} != {expected_aud!r}")
    exp = claims.get("exp")
    now = time.time()
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise Rejected(401, "exp", f"exp {exp!r} is not a number")
    if exp <= now or exp > now + MAX_EXP_AHEAD:
        raise Rejected(401, "exp", f"exp is {exp - now:.0f}s from now")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
        raise Rejected(401, "sub", f"sub {sub!r}")


def check_headers(headers):
    """TTL and Content-Encoding, as RFC 8030/8291 require; returns the TTL."""
    ttl = headers.get("TTL")
    if ttl is None or not re.fullmatch(r"\d+", ttl.strip()):
        raise Rejected(400, "ttl", f"TTL header {ttl!r}")
    encoding = headers.get("Content-Encoding")
    if encoding is None or encoding.strip().lower() != "aes128gcm":
        raise Rejected(400, "encoding", f"Content-Encoding {encoding!r}")
    return int(ttl)


def decrypt(sub, body):
    if len(body) > MAX_BODY:
        raise Rejected(413, "too-large", f"{len(body)}-byte body")
    try:
        plain = http_ece.decrypt(
            body, private_key=sub.private_key, auth_secret=sub.auth_secret, version="aes128gcm"
        )
    except Exception as err:  # http_ece raises several types; all mean the same here
        raise Rejected(400, "decrypt", f"{type(err).__name__}: {err}")
    text = plain.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so keep-alive clients (reqwest/hyper) behave as with a real service.
    protocol_version = "HTTP/1.1"
    server_version = "push-receiver"
    state = None  # set in main()

    def log_message(self, format, *args):
        # Stdout is for the test's protocol lines only; keep http.server quiet.
        pass

    def read_body(self):
        # Always drain the body, even for a request about to be rejected,
        # so the next request on a kept-alive connection parses cleanly.
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, body=b"", content_type="text/plain; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 204:
            self.wfile.write(body)

    def reply_json(self, status, value, headers=()):
        self.reply(status, json.dumps(value), "application/json", headers)

    def route(self):
        """The path's segments, e.g. ["push", "<id>"]."""
        return [p for p in self.path.split("?", 1)[0].split("/") if p]

    def do_GET(self):
        parts = self.route()
        if len(parts) == 2 and parts[0] == "deliveries":
            with self.state.lock:
                sub = self.state.subs.get(parts[1])
                deliveries = list(sub.deliveries) if sub else None
            if deliveries is None:
                return self.reply(404, "unknown subscription\n")
            return self.reply_json(200, deliveries)
        self.reply(404, "not found\n")

    def do_POST(self):
        body = self.read_body()
        parts = self.route()
        if parts == ["subscriptions"]:
            return self.create_subscription()
        if len(parts) == 2 and parts[0] == "push":
            return self.push(parts[1], body)
        if len(parts) == 2 and parts[0] == "control":
            return self.control(parts[1], body)
        self.reply(404, "not found\n")

    def create_subscription(self):
        state = self.state
        with state.lock:
            sub_id = os.urandom(8).hex()
            sub = state.subs[sub_id] = Subscription(sub_id)
        self.reply_json(201, sub.public_info(state.port))

    def control(self, target, body):
        try:
            status = json.loads(body)["status"]
            if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
                raise ValueError(status)
        except (ValueError, KeyError, TypeError):
            return self.reply(400, 'want {"status": <100..599>}\n')
        state = self.state
        with state.lock:
            if target == "all":
                state.default_status = status
            elif target in state.subs:
                sub = state.subs[target]
                sub.status = status
                # A fresh script revives a gone subscription, so one test can
                # act out "gone" and then "back" without a new subscription.
                sub.gone_status = None
            else:
                return self.reply(404, "unknown subscription\n")
        self.reply(204)

    def push(self, sub_id, body):
        state = self.state
        with state.lock:
            sub = state.subs.get(sub_id)
            gone_status = sub.gone_status if sub else None
        if sub is None:
            state.emit(f"REJECTED {sub_id} unknown")
            return self.reply(404, "unknown subscription\n")
        if gone_status is not None:
            state.emit(f"GONE {sub_id}")
            return self.reply(gone_status, "subscription gone\n")

        try:
            ttl = check_headers(self.headers)
            verify_vapid(state, self.headers.get("Authorization"))
            payload = decrypt(sub, body)
        except Rejected as err:
            print(f"push {sub_id} rejected: {err.reason}: {err.detail}", file=sys.stderr, flush=True)
            state.emit(f"REJECTED {sub_id} {err.reason}")
            return self.reply(err.status, f"{err.reason}: {err.detail}\n")

        self.answer_push(sub, ttl, payload)

    def answer_push(self, sub, ttl, payload):
        """Answer a valid push as the test scripted it."""
        state = self.state
        with state.lock:
            status = sub.status if sub.status is not None else state.default_status
            if status in (404, 410):
                sub.gone_status = status
            elif 200 <= status < 300:
                delivery = {
                    "payload": payload,
                    "ttl": ttl,
                    "urgency": self.headers.get("Urgency"),
                    "topic": self.headers.get("Topic"),
                }
                sub.deliveries.append(delivery)
                state.message_count += 1
                message = state.message_count
        if 200 <= status < 300:
            # Compact, ASCII-escaped JSON: always exactly one line.
            state.emit(f"RECEIVED {sub.id} {json.dumps(delivery, separators=(',', ':'))}")
            return self.reply(status, headers=[("Location", f"/message/{message}")])
        if status in (404, 410):
            state.emit(f"GONE {sub.id}")
            return self.reply(status, "subscription gone\n")
        state.emit(f"FAILED {sub.id} {status}")
        self.reply(status, "scripted failure\n")


def watch_stdin(server):
    """Shut the server down when the test closes our stdin (or dies)."""
    while sys.stdin.buffer.read1(4096):
        pass
    server.shutdown()


def main():
    parser = argparse.ArgumentParser(description="Loopback Web Push endpoint for tests.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: pick one)")
    parser.add_argument("--expect-key", help="required VAPID public key (base64url)")
    args = parser.parse_args()

    expect_key = None
    if args.expect_key:
        expect_key = b64url_decode(args.expect_key)
        load_public_key(expect_key)  # fail at start, not at the first push

    state = State(expect_key)
    Handler.state = state
    server = ThreadingHTTPServer((HOST, args.port), Handler)
    server.daemon_threads = True  # idle keep-alive connections must not block exit
    state.port = server.server_address[1]

    threading.Thread(target=watch_stdin, args=(server,), daemon=True).start()
    state.emit(f"READY {state.port}")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
