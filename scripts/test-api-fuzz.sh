#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI document: schemathesis (pinned, in a
# venv) generates requests from /api/openapi.json of the real server binary, on
# SQLite and on PostgreSQL, and fails on any 5xx answer, any status the document
# does not list for the operation, any body that does not match the documented
# schema, and any undocumented content type. Used by scripts/test.sh.
#
#   CHATALOT_SERVER_BIN  server binary (default: ${CARGO_TARGET_DIR:-~/.cache/chatalot/target}/debug/chatalot-server)
#   TEST_DATABASE_URL    PostgreSQL server URL whose user may create databases; the
#                        PostgreSQL run is skipped when unset
#   FUZZ_MAX_EXAMPLES    generated test cases per operation in the fuzzing phase
#                        (default 50; the coverage phase adds its boundary cases)
#   FUZZ_SEED            random seed (default 1212; fixed so runs are repeatable)
#   FUZZ_ARGS            more schemathesis `run` options, e.g. "--mode positive
#                        --checks positive_data_acceptance" while working on schemas
#   FUZZ_KEEP=1          keep the run's folder (server logs, HAR files, reports)
#   CI=true              a missing server binary, schemathesis, PostgreSQL or psql
#                        fails instead of being skipped
#
# Idempotent and non-interactive. It never runs cargo: build the server first
# (./scripts/test.sh or cargo build -p chatalot-server --bin chatalot-server).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

ci="${CI:-false}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"
bin="${CHATALOT_SERVER_BIN:-$CARGO_TARGET_DIR/debug/chatalot-server}"
schemathesis_version="4.32.5"
venv="$HOME/.cache/chatalot/venv-fuzz"
max_examples="${FUZZ_MAX_EXAMPLES:-50}"
seed="${FUZZ_SEED:-1212}"
read -r -a extra_args <<<"${FUZZ_ARGS:-}"

banner() { printf '\n==================== %s ====================\n' "$*"; }
missing() {
  if [[ "$ci" == "true" ]]; then
    echo "error: $1" >&2
    exit 1
  fi
  banner "SKIPPED: $1"
}

if [[ ! -x "$bin" ]]; then
  missing "chatalot-server not found at $bin: API fuzzing cannot run (build the server or set CHATALOT_SERVER_BIN)"
  echo "api-fuzz: 0 passed, 0 failed, 2 skipped"
  exit 0
fi

# The pinned schemathesis in its own venv (reinstalled when the pin changes).
st="$venv/bin/schemathesis"
if [[ ! -x "$st" ]] || [[ "$("$st" --version 2>/dev/null)" != *" $schemathesis_version" ]]; then
  echo "installing schemathesis $schemathesis_version into $venv"
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" \
    && "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"; }; then
    rm -rf "$venv"
    missing "cannot install schemathesis $schemathesis_version from PyPI: API fuzzing cannot run"
    echo "api-fuzz: 0 passed, 0 failed, 2 skipped"
    exit 0
  fi
fi

work="$(mktemp -d)"
pid=""
pg_admin_url=""
pg_db=""
stop_server() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
cleanup() {
  stop_server
  if [[ -n "$pg_db" ]]; then
    psql "$pg_admin_url" -qAt -c "DROP DATABASE IF EXISTS \"$pg_db\"" >/dev/null 2>&1 || true
  fi
  if [[ -n "${FUZZ_KEEP:-}" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Starts the server on a free port; sets $pid and $base. $1: label, $2: DATABASE_URL or "".
start_server() {
  local label="$1" database_url="$2" dir="$work/$1"
  mkdir -p "$dir/static"
  local log="$dir/server.log"
  # An empty environment (plus PATH) so nothing from the developer's shell leaks in.
  local env=(
    PATH="$PATH"
    LISTEN_ADDR=127.0.0.1:0
    STATIC_FILES_PATH="$dir/static"
    REGISTRATION_MODE=open
    COMMUNITY_CREATION_MODE=anyone
    TRUSTED_PROXIES=127.0.0.1
    RUST_LOG=chatalot_server=warn,tower_http=warn
  )
  [[ -n "$database_url" ]] && env+=(DATABASE_URL="$database_url")
  env -i "${env[@]}" "$bin" quickstart --data-dir "$dir/data" >"$log" 2>&1 &
  pid=$!
  if ! grep -q -m1 '^Press Ctrl+C to stop' < <(timeout 60 tail -n +1 -F --pid="$pid" "$log" 2>/dev/null); then
    echo "api fuzz ($label): the server did not start; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  local addr
  addr="$(sed -n 's/^Chatalot is listening on \([0-9.:]*\) .*/\1/p' "$log")"
  base="http://$addr"
  curl -fsS "$base/api/health" >/dev/null
}

# Registers the accounts and creates the objects that path parameters point at
# (scripts/api-fuzz-fixtures.py); writes the token and schemathesis.toml to the run's
# folder.
prepare() {
  local dir="$1"
  "$venv/bin/python" "$root/scripts/api-fuzz-fixtures.py" "$base" "$dir"
  token="$(cat "$dir/token")"
}

# Runs schemathesis against the server at $base with the given filters.
st_run() {
  local dir="$1"
  shift
  # From the run's folder: schemathesis keeps a replay cache in the working directory.
  (cd "$dir" && SCHEMATHESIS_HOOKS="$root/scripts/api-fuzz-hooks.py" \
    "$st" --config-file "$dir/schemathesis.toml" run "$base/api/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --generation-database none \
    --request-timeout 40 \
    --no-color \
    "${extra_args[@]}" \
    "$@")
}

# Fuzzes every operation; returns non-zero when any check failed. The operations
# that end the fuzzing session (logout, account deletion, ending a session by ID,
# which schemathesis finds in GET /api/account/sessions) or hand the instance over
# (after which the owner-only operations would only answer 403) run in a second,
# last pass, so the first pass runs as the signed-in instance owner throughout.
fuzz() {
  local dir="$work/$1" status=0
  local last=(transfer_instance revoke_session logout delete_account)
  local exclude=() include=() op
  for op in "${last[@]}"; do
    exclude+=(--exclude-operation-id "$op")
    include+=(--include-operation-id "$op")
  done
  # One worker: with two threads, Python 3.11's ast.parse (which hypothesis runs to
  # describe schemathesis' filters) can fail with "AST constructor recursion depth
  # mismatch", a CPython race that ended a CI run with a crash of the fuzzer itself.
  st_run "$dir" --workers 1 "${exclude[@]}" \
    --report junit,har --report-junit-path "$dir/junit.xml" --report-har-path "$dir/requests.har" \
    || status=$?
  st_run "$dir" --workers 1 "${include[@]}" \
    --report junit,har --report-junit-path "$dir/junit-last.xml" --report-har-path "$dir/requests-last.har" \
    || status=$?
  return "$status"
}

results=()
passed=0
failed=0
skipped=0
run_backend() {
  local label="$1" database_url="$2" started=$SECONDS
  banner "API fuzzing: $label"
  mkdir -p "$work/$label"
  start_server "$label" "$database_url"
  prepare "$work/$label"
  local ok=true
  fuzz "$label" || ok=false
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "api fuzz ($label): the server is no longer running" >&2
    ok=false
  fi
  if [[ "$ok" == true ]]; then
    passed=$((passed + 1))
    results+=("$label: passed in $((SECONDS - started)) s")
  else
    failed=$((failed + 1))
    results+=("$label: FAILED after $((SECONDS - started)) s")
    echo "---- server log ($label, errors and warnings) ----"
    cat "$work/$label/server.log"
  fi
  stop_server
}

run_backend sqlite ""

if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  missing "TEST_DATABASE_URL is unset: API fuzzing on PostgreSQL"
  skipped=$((skipped + 1))
elif ! command -v psql >/dev/null; then
  missing "psql is not installed: API fuzzing on PostgreSQL"
  skipped=$((skipped + 1))
else
  pg_admin_url="$TEST_DATABASE_URL"
  pg_db="chatalot_fuzz_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "$pg_admin_url" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$pg_db\"" >/dev/null
  # The same server URL with the fresh database's name as its path.
  pg_url="$(python3 -c '
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$pg_admin_url" "$pg_db")"
  run_backend postgres "$pg_url"
  psql "$pg_admin_url" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE \"$pg_db\"" >/dev/null
  pg_db=""
fi

banner "API fuzzing results"
printf '%s\n' "${results[@]}"
echo "api-fuzz: $passed passed, $failed failed, $skipped skipped"
[[ "$failed" == 0 ]]
