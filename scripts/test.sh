#!/usr/bin/env bash
# Runs every check and test: formatting, lints, the Rust test suites on SQLite and
# PostgreSQL (with the desktop crate), OpenAPI validation, a property-based fuzzer over
# the OpenAPI document against the real server on both backends
# (scripts/test-api-fuzz.sh), the Docker files' checks (tests/docker/run.sh), the
# desktop app's real-keyring test
# (scripts/test-keyring.sh), the web client's checks, unit tests and browser tests
# (scripts/test-web.sh), the README's run command on a fresh data folder
# (scripts/test-run-command.sh) and whether the release server it built still has the
# functions of its code layout (scripts/check-code-layout.sh), and the desktop app's GUI tests
# (scripts/test-desktop-e2e.sh). Used by developers and by .ci/run.
#
#   TEST_DATABASE_URL  PostgreSQL server URL whose user may create databases
#                      (default: postgres://postgres@127.0.0.1:5432/postgres when it answers)
#   CI=true            missing PostgreSQL or tools fail instead of being skipped
set -euo pipefail
cd "$(dirname "$0")/.."

# Builds outlive clean clones: keep the target folder outside the checkout.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"
ci="${CI:-false}"

# Each banner shows the seconds since the start, so a log tells where a slow run went.
banner() { printf '\n==================== %s (at %ds) ====================\n' "$*" "$SECONDS"; }

if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  elif [[ "$ci" == "true" ]]; then
    echo "error: PostgreSQL is not reachable on 127.0.0.1:5432 and TEST_DATABASE_URL is unset" >&2
    exit 1
  else
    banner "PostgreSQL NOT AVAILABLE: its tests will be SKIPPED (set TEST_DATABASE_URL)"
  fi
fi
echo "PostgreSQL for tests: ${TEST_DATABASE_URL:-none (skipped)}"

banner "cargo fmt"
cargo fmt --all -- --check

banner "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

banner "test OpenID provider (npm)"
# SSO tests run against a real OpenID provider on loopback (tests/oidc-provider).
if ! (cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error); then
  if [[ "$ci" == "true" ]]; then echo "error: cannot install the test OpenID provider" >&2; exit 1; fi
  banner "test OpenID provider unavailable: SSO tests will be SKIPPED"
fi

# A virtual environment for a Python test service, remade when its requirements change;
# under CI a failed install fails the run, elsewhere its tests are skipped loudly.
python_service_venv() { # name, requirements file, what it is
  local venv="$HOME/.cache/chatalot/$1" requirements="$2" what="$3"
  local stamp="$venv/requirements.sha256" want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]] && return 0
  rm -rf "$venv"
  if python3 -m venv "$venv" \
    && "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"; then
    echo "$want" >"$stamp"
  else
    rm -rf "$venv"
    if [[ "$ci" == "true" ]]; then echo "error: cannot install the $what" >&2; exit 1; fi
    banner "$what unavailable: its tests will be SKIPPED"
  fi
}

banner "test SMTP relay (Python)"
# Email tests run against a real SMTP relay on loopback and read what arrives with a
# real iCalendar parser (server/tests/common/smtp.rs).
python_service_venv venv-mail tests/smtp/requirements.txt "test SMTP relay"

banner "test push service (Python)"
# Web push tests send to a real push endpoint on loopback that verifies the VAPID
# signature and decrypts the payload (server/tests/common/push_service.rs).
python_service_venv venv-push tests/push/requirements.txt "test push service"

banner "Docker test tools (Python)"
# hadolint (a wheel that carries the real binary) and PyYAML for tests/docker/run.sh.
python_service_venv venv-docker tests/docker/requirements.txt "Docker test tools"

banner "cargo test"
cargo test --workspace --locked
# The native call engine as a process, for the browser interop test (scripts/test-web.sh).
cargo build --locked -p chatalot-native-voice-tests --bin voice-probe

banner "Docker deployment files"
# No Docker engine here: hadolint, `docker-compose config` for every profile
# combination, setup.sh, and the entrypoint run directly (with the binaries just built).
./tests/docker/run.sh

banner "desktop: OS keyring"
./scripts/test-keyring.sh

banner "OpenAPI document"
venv="$HOME/.cache/chatalot/venv"
if [[ ! -x "$venv/bin/openapi-spec-validator" ]]; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check openapi-spec-validator; }; then
    rm -rf "$venv"
    if [[ "$ci" == "true" ]]; then echo "error: cannot install openapi-spec-validator" >&2; exit 1; fi
    banner "openapi-spec-validator unavailable: OpenAPI validation SKIPPED"
  fi
fi
if [[ -x "$venv/bin/openapi-spec-validator" ]]; then
  doc="$(mktemp --suffix=.json)"
  "$CARGO_TARGET_DIR/debug/chatalot-server" openapi >"$doc"
  "$venv/bin/openapi-spec-validator" "$doc"
  rm -f "$doc"
fi

banner "API fuzzing"
./scripts/test-api-fuzz.sh

banner "web client"
./scripts/test-web.sh

banner "the README's run command"
./scripts/test-run-command.sh

banner "code layout of the release server"
./scripts/check-code-layout.sh

banner "desktop app (GUI)"
./scripts/test-desktop-e2e.sh

banner "all checks passed"
