"""Schemathesis hooks for scripts/test-api-fuzz.sh.

Every request comes from one process, but the server's per-IP rate limits are meant
for people, not for a fuzzer: the test server trusts 127.0.0.1 as a proxy
(TRUSTED_PROXIES), and each request names its own client in X-Forwarded-For, so the
limits apply per request (as the browser tests do per simulated person) and the run
exercises the endpoints instead of collecting 429s. A 429 is still documented and
still accepted when it happens (per-account limits, lockouts).
"""

import itertools

import schemathesis

_counter = itertools.count(1)


@schemathesis.hook
def before_call(context, case, kwargs):
    n = next(_counter)
    # 198.18.0.0/15 is reserved for benchmarking; only a header value, never an address
    # that is contacted.
    ip = f"198.{18 + (n >> 16) % 2}.{(n >> 8) & 0xFF}.{n & 0xFF}"
    if case.headers is None:
        case.headers = {}
    case.headers["X-Forwarded-For"] = ip
