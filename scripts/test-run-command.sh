#!/usr/bin/env bash
# Runs the README's run command (scripts/run.sh) as a new user would, with nothing
# configured but a fresh data folder and a free port, and checks that it serves the
# web client and that the first account can register (with the printed setup code)
# and sign in. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
log="$work/run.log"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "run command: $*" >&2
  echo "---- its output ----" >&2
  cat "$log" >&2
  exit 1
}

# `cargo run` replaces itself with the server, so $pid ends up being the server.
CHATALOT_DATA_DIR="$work/data" LISTEN_ADDR=127.0.0.1:0 ./scripts/run.sh >"$log" 2>&1 &
pid=$!

# Wait for the ready line: `tail --pid` ends if the server exits first, and the first
# run may build the release binary, so it gets 30 minutes.
if ! grep -q -m1 '^Press Ctrl+C to stop' < <(timeout 1800 tail -n +1 -F --pid="$pid" "$log" 2>/dev/null); then
  kill -0 "$pid" 2>/dev/null || fail "exited before it was ready"
  fail "not ready within 30 minutes"
fi

addr="$(sed -n 's/^Chatalot is listening on \([0-9.:]*\) .*/\1/p' "$log")"
code="$(sed -n 's/^Setup code (valid until the owner registers): \(.*\)$/\1/p' "$log")"
[[ -n "$addr" ]] || fail "no listening address printed"
[[ -n "$code" ]] || fail "no setup code printed on a fresh data folder"
base="http://$addr"
for file in chatalot.db secrets/jwt_private.pem secrets/jwt_public.pem secrets/totp_key; do
  [[ -f "$work/data/$file" ]] || fail "did not create $file"
done

page="$(curl -fsS "$base/")"
grep -q 'data-sveltekit' <<<"$page" || fail "GET / is not the web client"

owner='{"username":"owner","password":"a-long-owner-password","invite_code":"'"$code"'"}'
status="$(curl -sS -o "$work/register.json" -w '%{http_code}' -H 'content-type: application/json' \
  -d "$owner" "$base/api/auth/register")"
[[ "$status" == 201 ]] || fail "registering with the setup code answered $status: $(cat "$work/register.json")"

login='{"username":"owner","password":"a-long-owner-password"}'
status="$(curl -sS -o "$work/login.json" -w '%{http_code}' -H 'content-type: application/json' \
  -d "$login" "$base/api/auth/login")"
[[ "$status" == 200 ]] || fail "signing in answered $status: $(cat "$work/login.json")"
token="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <"$work/login.json")"
me="$(curl -fsS -H "authorization: Bearer $token" "$base/api/account/me")"
python3 -c 'import json,sys; me=json.load(sys.stdin); assert me["username"] == "owner", me' <<<"$me" \
  || fail "GET /api/account/me does not show the owner: $me"

echo "run command: served the web client at $base; the owner registered with the setup code and signed in"
