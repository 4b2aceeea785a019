#!/usr/bin/env bash
# Tests of the Docker deployment files (docker/), without a Docker engine:
#
#   1. hadolint on docker/Dockerfile (+ its paths agree with the compose files), and
#      `shellcheck` on the scripts
#   2. `docker-compose config` of both compose files for every combination of the
#      profiles turn/tunnel/updater, with a .env written by setup.sh; the rendered
#      model is checked, and missing required variables must fail by name
#   3. docker/setup.sh: idempotence, never overwriting secrets, errors, JWT key pair
#   4. docker/entrypoint.sh run directly with a fake chatalot-server, then once with
#      the real server binary (quickstart on SQLite until /api/health answers)
#   5. docker/turn-certs.sh: a valid self-signed certificate, kept on the next run
#
#   HADOLINT            default ~/.cache/chatalot/venv-docker/bin/hadolint
#                       (pip install -r tests/docker/requirements.txt)
#   DOCKER_COMPOSE      default docker-compose (1.29 works without an engine); may be
#                       "docker compose"
#   DOCKER_TEST_PYTHON  a Python with PyYAML, default the venv's python
#   CHATALOT_SERVER_BIN default $CARGO_TARGET_DIR/debug/chatalot-server
#                       (CARGO_TARGET_DIR default ~/.cache/chatalot/target)
#   CHATALOT_UPDATER_BIN default: chatalot-updater next to the server binary
#   CI=true             a missing tool or binary fails instead of being skipped
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"

ci="${CI:-false}"
venv="$HOME/.cache/chatalot/venv-docker"
HADOLINT="${HADOLINT:-$venv/bin/hadolint}"
DOCKER_COMPOSE="${DOCKER_COMPOSE:-docker-compose}"
read -r -a compose_cmd <<<"$DOCKER_COMPOSE"
PYTHON="${DOCKER_TEST_PYTHON:-$venv/bin/python}"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"
SERVER_BIN="${CHATALOT_SERVER_BIN:-$CARGO_TARGET_DIR/debug/chatalot-server}"
UPDATER_BIN="${CHATALOT_UPDATER_BIN:-$(dirname "$SERVER_BIN")/chatalot-updater}"

work="$(mktemp -d "${TMPDIR:-/tmp}/chatalot-docker-tests.XXXXXX")"
# Processes a check starts in the background, stopped when the check ends.
background_pids=()
stop_background() {
  local pid
  for pid in ${background_pids[@]+"${background_pids[@]}"}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  background_pids=()
}
trap 'rm -rf -- "$work"' EXIT

passed=() failed=() skipped=()

banner() { printf '\n==================== %s ====================\n' "$*"; }

# A check runs in a subshell with errexit: the first failing assertion ends it.
# Exit status 77 means skipped (only outside CI, see skip()).
run_check() { # name, function
  local name="$1" status
  shift
  printf '\n--- %s\n' "$name"
  set +e
  (
    set -euo pipefail
    trap stop_background EXIT
    "$@"
  )
  status=$?
  set -e
  case "$status" in
    0) echo "PASS: $name"; passed+=("$name") ;;
    77) skipped+=("$name") ;;
    *) echo "FAIL: $name"; failed+=("$name") ;;
  esac
}

skip() { # reason
  if [[ "$ci" == "true" ]]; then
    echo "error (CI=true): $*" >&2
    exit 1
  fi
  banner "SKIPPED: $*"
  exit 77
}

fail() {
  echo "assertion failed: $*" >&2
  exit 1
}

assert_eq() { # actual, expected, what
  [[ "$1" == "$2" ]] || fail "$3: expected [$2], got [$1]"
}

assert_contains() { # haystack, needle, what
  [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in: $1"
}

assert_not_contains() { # haystack, needle, what
  [[ "$1" != *"$2"* ]] || fail "$3: [$2] must not appear in: $1"
}

# Files under a folder with content hash, mtime, mode and owner: equal snapshots mean
# nothing was changed.
snapshot() { # folder
  (cd "$1" && find . -print0 | sort -z | while IFS= read -r -d '' f; do
    if [[ -f "$f" ]]; then
      printf '%s %s %s\n' "$f" "$(stat -c '%Y.%y %a %u:%g %s' -- "$f")" \
        "$(sha256sum <"$f" | cut -d' ' -f1)"
    else
      printf '%s %s\n' "$f" "$(stat -c '%F %a %u:%g' -- "$f")"
    fi
  done)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

have_python_yaml() {
  if [[ ! -x "$PYTHON" ]] || ! "$PYTHON" -c 'import yaml' 2>/dev/null; then
    if python3 -c 'import yaml' 2>/dev/null; then
      PYTHON=python3
    else
      return 1
    fi
  fi
}

# A deployment folder like docker/ after `./setup.sh`, without the checkout's own
# .env or secrets.
new_deployment() { # folder
  local dest="$1"
  mkdir -p "$dest/secrets"
  cp "$repo/docker/docker-compose.yml" "$repo/docker/docker-compose.sqlite.yml" \
    "$repo/docker/setup.sh" "$dest/"
  cp -r "$repo/docker/coturn" "$dest/coturn"
  cp "$repo/docker/secrets/registry_creds.example" "$dest/secrets/"
}

# --------------------------------------------------------------------------- 1. lint
check_hadolint() {
  [[ -x "$HADOLINT" ]] || skip "hadolint not found at $HADOLINT (pip install -r tests/docker/requirements.txt)"
  "$HADOLINT" --version
  "$HADOLINT" docker/Dockerfile
  # Every rule exception carries a reason on the comment lines just above it.
  local line prev=""
  while IFS= read -r line; do
    if [[ "$line" == "# hadolint ignore="* && "$prev" != "#"* ]]; then
      fail "Dockerfile: '$line' has no reason comment above it"
    fi
    prev="$line"
  done <docker/Dockerfile
}

check_dockerfile_contract() {
  local df
  df="$(<docker/Dockerfile)"
  # The paths and names the compose files, the entrypoint and the docs rely on.
  # The server on its own: built with another package, Cargo may enable more features
  # of shared crates, which renames their functions and undoes the server's code
  # layout (server/build.rs).
  assert_contains "$df" "cargo build --release --locked -p chatalot-server \\" "Dockerfile builds the server on its own"
  assert_contains "$df" "&& cargo build --release --locked -p chatalot-updater \\" "then the updater"
  assert_contains "$df" "FROM --platform=\$BUILDPLATFORM node:" "web client built on the build platform"
  assert_contains "$df" "rust:\${RUST_VERSION}-\${DEBIAN_RELEASE}" "Rust stage"
  assert_contains "$df" "ARG RUST_VERSION=1.95" "Rust version"
  assert_contains "$df" "target=/usr/local/cargo/registry" "cargo registry cache mount"
  assert_contains "$df" "target=/src/target" "target folder cache mount"
  assert_contains "$df" "FROM debian:\${DEBIAN_RELEASE}-slim AS runtime" "runtime base"
  assert_contains "$df" "ARG DEBIAN_RELEASE=bookworm" "Debian release"
  assert_contains "$df" "--uid 10001 --gid 10001" "user chatalot 10001"
  assert_contains "$df" "USER 10001:10001" "non-root runtime user"
  assert_contains "$df" "/usr/local/bin/" "binaries in /usr/local/bin"
  assert_contains "$df" "COPY --from=web /src/client-ui/build /app/static" "web client at /app/static"
  assert_contains "$df" "COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/docker-entrypoint" "entrypoint"
  assert_contains "$df" "COPY --chmod=0755 docker/turn-certs.sh /usr/local/bin/chatalot-turn-certs" "turn-certs script"
  assert_contains "$df" 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint"]' "ENTRYPOINT"
  assert_contains "$df" 'CMD ["chatalot-server"]' "CMD"
  assert_contains "$df" 'CMD ["chatalot-server", "health"]' "HEALTHCHECK"
  assert_contains "$df" "EXPOSE 8080" "EXPOSE"
  assert_contains "$df" "WORKDIR /app" "WORKDIR"
  local env
  for env in LISTEN_ADDR=0.0.0.0:8080 STATIC_FILES_PATH=/app/static \
    FILE_STORAGE_PATH=/app/data/files JWT_PRIVATE_KEY_PATH=/run/secrets/jwt_private_key \
    JWT_PUBLIC_KEY_PATH=/run/secrets/jwt_public_key; do
    assert_contains "$df" "$env" "ENV default"
  done
  assert_contains "$(<client-ui/svelte.config.js)" "pages: 'build'" "the web client builds into client-ui/build"
  # The compose files call the image's scripts by these paths.
  local f
  for f in docker/docker-compose.yml docker/docker-compose.sqlite.yml; do
    assert_contains "$(<"$f")" "/usr/local/bin/chatalot-turn-certs" "$f turn-certs entrypoint"
    assert_contains "$(<"$f")" "dockerfile: docker/Dockerfile" "$f build"
  done
  # The build context keeps instance data, secrets and build outputs out.
  local ignore
  ignore="$(<.dockerignore)"
  for f in "**/target" "**/node_modules" "docker/.env" "docker/secrets" "**/.env" "data" "secrets" ".git"; do
    grep -qxF -- "$f" .dockerignore || fail ".dockerignore lacks $f: $ignore"
  done
}

check_shellcheck() {
  if ! command -v shellcheck >/dev/null; then
    skip "shellcheck is not installed (apt-get install shellcheck; .ci/run installs it)"
  fi
  shellcheck docker/entrypoint.sh docker/setup.sh docker/turn-certs.sh tests/docker/run.sh
}

# --------------------------------------------------------------------------- 2. compose
write_compose_checker() {
  cat >"$work/check_compose.py" <<'PY'
"""Checks a `docker-compose config` rendering against what the deployment promises."""
import sys
import yaml

rendered, variant, profiles, env_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
profiles = set(filter(None, profiles.split(",")))
env = {}
for line in open(env_path, encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("#") and "=" in line:
        key, value = line.split("=", 1)
        env[key.strip()] = value.strip()
model = yaml.safe_load(open(rendered, encoding="utf-8"))
errors = []


def check(cond, message):
    if not cond:
        errors.append(message)


def environment(service):
    value = service.get("environment") or {}
    if isinstance(value, list):
        value = dict(item.split("=", 1) if "=" in item else (item, None) for item in value)
    return {k: ("" if v is None else str(v)) for k, v in value.items()}


def secret_targets(service):
    targets = {}
    for item in service.get("secrets") or []:
        if isinstance(item, str):
            item = {"source": item}
        target = item.get("target") or item["source"]
        if not target.startswith("/"):
            target = "/run/secrets/" + target
        targets[item["source"]] = target
    return targets


def ports(service):
    """(published, target, protocol) triples, ranges expanded."""
    out = set()
    for item in service.get("ports") or []:
        if isinstance(item, str):
            spec, _, proto = item.partition("/")
            proto = proto or "tcp"
            parts = spec.split(":")
            published, target = parts[-2], parts[-1]
            def expand(r):
                a, _, b = r.partition("-")
                return list(range(int(a), int(b or a) + 1))
            for p, t in zip(expand(published), expand(target)):
                out.add((p, t, proto))
        else:
            proto = item.get("protocol", "tcp")
            published = str(item.get("published", item["target"]))
            target = str(item["target"])
            if "-" in target:
                a, b = map(int, target.split("-"))
                pa = int(published.split("-")[0])
                for i in range(b - a + 1):
                    out.add((pa + i, a + i, proto))
            else:
                out.add((int(published), int(target), proto))
    return out


def volumes(service):
    out = []
    for item in service.get("volumes") or []:
        if isinstance(item, str):
            parts = item.split(":")
            out.append((parts[0], parts[1], "ro" in parts[2:]))
        else:
            out.append((item.get("source"), item["target"], bool(item.get("read_only"))))
    return out


services = model.get("services") or {}
active = {
    name for name, svc in services.items()
    if not svc.get("profiles") or profiles & set(svc.get("profiles"))
}
expected = {"chatalot"} | ({"postgres"} if variant == "postgres" else set())
if "turn" in profiles:
    expected |= {"turn-certs", "coturn"}
if "tunnel" in profiles:
    expected |= {"cloudflared"}
if "updater" in profiles:
    expected |= {"updater"}
check(active == expected, f"services with profiles {sorted(profiles)}: {sorted(active)} != {sorted(expected)}")
check("name" not in model, "no top-level name: (docker-compose 1.29 refuses it)")

image = "ghcr.io/chatalot/chatalot:latest"
app = services.get("chatalot", {})
app_env = environment(app)
check(app.get("image") == image, f"chatalot image: {app.get('image')}")
check(app.get("container_name") == "chatalot", "chatalot container_name")
check(app.get("restart") == "unless-stopped", "chatalot restart policy")
build = app.get("build") or {}
check(str(build.get("dockerfile", "")).endswith("docker/Dockerfile"), f"chatalot build: {build}")
check((8080, 8080, "tcp") in ports(app), f"chatalot publishes 8080: {ports(app)}")
check(("data", "/app/data", False) in volumes(app), f"chatalot data volume: {volumes(app)}")
targets = secret_targets(app)
for name in ("smtp_password", "updater_token"):
    check(targets.get(name) == f"/run/secrets/{name}", f"chatalot secret {name}: {targets}")
check(app_env.get("UPDATER_URL") == "http://updater:9090", "UPDATER_URL")
check(app_env.get("UPDATER_TOKEN_FILE") == targets.get("updater_token"), "UPDATER_TOKEN_FILE is the mounted secret")
check(app_env.get("LISTEN_ADDR") == "0.0.0.0:8080", "LISTEN_ADDR")
check(app_env.get("FILE_STORAGE_PATH") == "/app/data/files", "FILE_STORAGE_PATH")
check(app_env.get("PUBLIC_URL") == env.get("PUBLIC_URL"), "PUBLIC_URL from .env")
check(app_env.get("TURN_AUTH_SECRET") == env.get("TURN_AUTH_SECRET"), "TURN_AUTH_SECRET from .env")
check(app_env.get("REGISTRATION_MODE") == env.get("REGISTRATION_MODE", ""), "REGISTRATION_MODE from .env")
for key in ("SMTP_HOST", "OIDC_CLIENT_SECRET", "VAPID_PRIVATE_KEY", "GIPHY_API_KEY", "GITHUB_API_TOKEN",
            "TURN_URLS", "ICE_SERVERS", "TRUSTED_PROXIES", "CLOUDFLARE_TUNNEL_TOKEN"):
    check(key in app_env, f"chatalot passes {key}")
if variant == "postgres":
    db = services.get("postgres", {})
    db_env = environment(db)
    password = env.get("DB_PASSWORD")
    check(bool(password), ".env has DB_PASSWORD")
    check(app_env.get("DATABASE_URL") == f"postgres://chatalot:{password}@postgres:5432/chatalot",
          f"DATABASE_URL carries DB_PASSWORD: {app_env.get('DATABASE_URL')}")
    check(db_env.get("POSTGRES_PASSWORD") == password, "POSTGRES_PASSWORD is DB_PASSWORD")
    check(db_env.get("POSTGRES_USER") == "chatalot" and db_env.get("POSTGRES_DB") == "chatalot", "postgres user/db")
    check("pg_isready" in str((db.get("healthcheck") or {}).get("test")), "postgres pg_isready healthcheck")
    check(str(db.get("image", "")).startswith("postgres:"), "postgres image")
    check(any(t == "/var/lib/postgresql/data" for _, t, _ in volumes(db)), "postgres volume")
    deps = app.get("depends_on") or {}
    check(isinstance(deps, dict) and (deps.get("postgres") or {}).get("condition") == "service_healthy",
          f"chatalot waits for healthy postgres: {deps}")
    check(app_env.get("TOTP_ENCRYPTION_KEY") == env.get("TOTP_ENCRYPTION_KEY"), "TOTP_ENCRYPTION_KEY from .env")
    for name in ("jwt_private_key", "jwt_public_key"):
        check(targets.get(name) == f"/run/secrets/{name}", f"chatalot secret {name}: {targets}")
    check(app_env.get("JWT_PRIVATE_KEY_PATH") == targets.get("jwt_private_key"), "JWT_PRIVATE_KEY_PATH is the mounted secret")
    check(app_env.get("JWT_PUBLIC_KEY_PATH") == targets.get("jwt_public_key"), "JWT_PUBLIC_KEY_PATH is the mounted secret")
    check("postgres_data" in (model.get("volumes") or {}), "postgres_data volume")
else:
    for key in ("DATABASE_URL", "TOTP_ENCRYPTION_KEY", "JWT_PRIVATE_KEY_PATH", "JWT_PUBLIC_KEY_PATH"):
        check(key not in app_env, f"SQLite variant leaves {key} to quickstart")
    check("postgres" not in services, "no postgres service in the SQLite variant")
    check(app_env.get("CHATALOT_DATA_DIR") == "/app/data", "CHATALOT_DATA_DIR")
    check(not app.get("depends_on"), "no depends_on in the SQLite variant")
for name in ("data", "turn_certs"):
    check(name in (model.get("volumes") or {}), f"volume {name}")
secret_files = model.get("secrets") or {}
for name in secret_targets(app):
    check(str((secret_files.get(name) or {}).get("file", "")).endswith(f"secrets/{name}"), f"secret {name} file")

if "turn" in profiles:
    turn = services["coturn"]
    certs = services["turn-certs"]
    command = turn.get("command") or []
    check(str(turn.get("image", "")).startswith("coturn/coturn"), "coturn image")
    check(f"--static-auth-secret={env.get('TURN_AUTH_SECRET')}" in command, f"coturn secret from .env: {command}")
    lport = int(env.get("TURN_LISTENING_PORT") or 3478)
    tport = int(env.get("TURN_TLS_PORT") or 5349)
    check(f"--listening-port={lport}" in command, f"--listening-port: {command}")
    check(f"--tls-listening-port={tport}" in command, f"--tls-listening-port: {command}")
    check(f"--external-ip={env.get('TURN_EXTERNAL_IP', '')}" in command, f"--external-ip: {command}")
    check("--cert=/etc/coturn/certs/turn.crt" in command and "--pkey=/etc/coturn/certs/turn.key" in command,
          f"coturn certificate paths: {command}")
    published = ports(turn)
    for port in (lport, tport):
        for proto in ("tcp", "udp"):
            check((port, port, proto) in published, f"coturn publishes {port}/{proto}")
    for port in range(49152, 49201):
        check((port, port, "udp") in published, f"relay port {port}/udp published")
    check(not any(p in range(49152, 49201) and proto == "tcp" for p, _, proto in published), "relay range is UDP only")
    tvols = volumes(turn)
    check(any(s.endswith("coturn/turnserver.conf") and t == "/etc/coturn/turnserver.conf" and ro for s, t, ro in tvols),
          f"turnserver.conf mounted read-only: {tvols}")
    check(("turn_certs", "/etc/coturn/certs", True) in tvols, f"coturn reads turn_certs: {tvols}")
    check((turn.get("depends_on") or {}).get("turn-certs", {}).get("condition") == "service_completed_successfully",
          "coturn waits for turn-certs")
    check(certs.get("image") == image, "turn-certs runs the Chatalot image")
    check(certs.get("entrypoint") == ["/usr/local/bin/chatalot-turn-certs"], "turn-certs entrypoint")
    check(("turn_certs", "/certs", False) in volumes(certs), "turn-certs writes turn_certs")
    check(environment(certs).get("CERT_DIR") == "/certs", "turn-certs CERT_DIR")
    check(str(certs.get("restart", "no")) in ("no", "False"), "turn-certs is one-shot")

if "tunnel" in profiles:
    tunnel = services["cloudflared"]
    check(str(tunnel.get("image", "")).startswith("cloudflare/cloudflared"), "cloudflared image")
    check(tunnel.get("command") == ["tunnel", "--no-autoupdate", "run"], f"cloudflared command: {tunnel.get('command')}")
    check(environment(tunnel).get("TUNNEL_TOKEN") == env.get("CLOUDFLARE_TUNNEL_TOKEN", ""), "TUNNEL_TOKEN from .env")
    check(not tunnel.get("ports"), "cloudflared publishes nothing")

if "updater" in profiles:
    up = services["updater"]
    up_env = environment(up)
    check(up.get("image") == image, "updater runs the Chatalot image")
    check(up.get("command") == ["chatalot-updater"], f"updater command: {up.get('command')}")
    check(up.get("container_name") == "chatalot-updater", "updater container_name")
    check(str(up.get("user")) == "0:0", "updater runs as root (Docker socket)")
    check(not up.get("ports"), "updater publishes nothing")
    want = {
        "UPDATER_LISTEN_ADDR": "0.0.0.0:9090",
        "UPDATER_TOKEN_FILE": "/run/secrets/updater_token",
        "CHATALOT_CONTAINER": "chatalot",
        "BACKUP_DIR": "/app/data/backups",
        "DOCKER_HOST": "unix:///var/run/docker.sock",
        "UPDATE_FEED_URL": env.get("UPDATE_FEED_URL", ""),
    }
    for key, value in want.items():
        check(up_env.get(key) == value, f"updater {key}: {up_env.get(key)!r} != {value!r}")
    check(secret_targets(up) == {"registry_creds": "/run/secrets/registry_creds", "updater_token": "/run/secrets/updater_token"},
          f"updater secrets: {secret_targets(up)}")
    uvols = volumes(up)
    check(("/var/run/docker.sock", "/var/run/docker.sock", False) in uvols, f"updater Docker socket: {uvols}")
    check(("data", "/app/data", False) in uvols, f"updater shares the data volume: {uvols}")
    check(services["chatalot"].get("container_name") == up_env.get("CHATALOT_CONTAINER"), "CHATALOT_CONTAINER names the server")

if errors:
    print("\n".join("  - " + e for e in errors))
    sys.exit(1)
PY
}

compose_config() { # compose file, env file, profiles (comma separated) -> stdout; stderr kept
  local file="$1" env_file="$2" profiles="$3" args=() p
  IFS=, read -r -a ps <<<"$profiles"
  for p in ${ps[@]+"${ps[@]}"}; do args+=(--profile "$p"); done
  # A clean environment: only .env decides (an exported DB_PASSWORD would win over it).
  env -i PATH="$PATH" HOME="$HOME" "${compose_cmd[@]}" -f "$file" --env-file "$env_file" \
    ${args[@]+"${args[@]}"} config
}

check_compose_profiles() {
  have_python_yaml || skip "no Python with PyYAML (pip install -r tests/docker/requirements.txt)"
  command -v "${compose_cmd[0]}" >/dev/null || skip "$DOCKER_COMPOSE not found (apt-get install docker-compose)"
  "${compose_cmd[@]}" version 2>&1 | sed -n 1p
  write_compose_checker
  local deploy="$work/compose" variant file combo profiles n=0
  new_deployment "$deploy"
  bash "$deploy/setup.sh" --dir "$deploy" --non-interactive --public-url https://chat.example.test >/dev/null
  for variant in postgres sqlite; do
    file="$deploy/docker-compose.yml"
    [[ "$variant" == sqlite ]] && file="$deploy/docker-compose.sqlite.yml"
    for combo in 0 1 2 3 4 5 6 7; do
      profiles=""
      ((combo & 1)) && profiles+="turn,"
      ((combo & 2)) && profiles+="tunnel,"
      ((combo & 4)) && profiles+="updater,"
      profiles="${profiles%,}"
      compose_config "$file" "$deploy/.env" "$profiles" >"$work/rendered.yml" \
        || fail "$variant [${profiles:-no profile}]: config failed"
      "$PYTHON" "$work/check_compose.py" "$work/rendered.yml" "$variant" "$profiles" "$deploy/.env" \
        || fail "$variant [${profiles:-no profile}]: rendered model is wrong"
      echo "ok: $(basename "$file") [${profiles:-no profile}]"
      n=$((n + 1))
    done
  done
  assert_eq "$n" 16 "combinations checked"
}

check_compose_variables() {
  have_python_yaml || skip "no Python with PyYAML (pip install -r tests/docker/requirements.txt)"
  command -v "${compose_cmd[0]}" >/dev/null || skip "$DOCKER_COMPOSE not found (apt-get install docker-compose)"
  write_compose_checker
  local deploy="$work/compose-vars" out
  new_deployment "$deploy"
  bash "$deploy/setup.sh" --dir "$deploy" --non-interactive --public-url https://chat.example.test >/dev/null

  # Overridden TURN ports, external IP and the web port reach coturn's command line and
  # the published ports.
  cp "$deploy/.env" "$work/custom.env"
  printf '%s\n' TURN_LISTENING_PORT=3479 TURN_TLS_PORT=5350 TURN_EXTERNAL_IP=203.0.113.7 \
    CHATALOT_PORT=9000 CLOUDFLARE_TUNNEL_TOKEN=tunnel-token-123 UPDATE_FEED_URL=https://feed.example.test/x \
    >>"$work/custom.env"
  compose_config "$deploy/docker-compose.yml" "$work/custom.env" turn,tunnel,updater >"$work/custom.yml"
  sed -i 's/^CHATALOT_PORT=.*//' "$work/custom.env" # the checker expects 8080 otherwise
  out="$(<"$work/custom.yml")"
  assert_contains "$out" "published: 9000" "CHATALOT_PORT publishes the web port"
  assert_contains "$out" "TUNNEL_TOKEN: tunnel-token-123" "CLOUDFLARE_TUNNEL_TOKEN reaches cloudflared"
  assert_contains "$out" "UPDATE_FEED_URL: https://feed.example.test/x" "UPDATE_FEED_URL reaches the updater"
  assert_contains "$out" "--external-ip=203.0.113.7" "TURN_EXTERNAL_IP reaches coturn"
  assert_contains "$out" "--listening-port=3479" "TURN_LISTENING_PORT reaches coturn"
  assert_contains "$out" "--tls-listening-port=5350" "TURN_TLS_PORT reaches coturn"
  for p in "3479/udp" "3479/tcp" "5350/udp" "5350/tcp"; do
    "$PYTHON" - "$work/custom.yml" "$p" <<'PY' || fail "coturn does not publish $p"
import sys, yaml
port, proto = sys.argv[2].split("/")
svc = yaml.safe_load(open(sys.argv[1]))["services"]["coturn"]
ok = False
for item in svc["ports"]:
    if isinstance(item, str):
        ok |= item in (f"{port}:{port}/{proto}",) or (item == f"{port}:{port}" and proto == "tcp")
    else:
        ok |= str(item.get("published")) == port and str(item["target"]) == port and item.get("protocol", "tcp") == proto
sys.exit(0 if ok else 1)
PY
  done

  # coturn's wrapper drops an empty --external-ip (turnserver refuses it) and keeps the
  # rest: run the rendered entrypoint with a fake turnserver.
  mkdir -p "$work/fakebin-turn"
  cat >"$work/fakebin-turn/turnserver" <<'SH'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done
SH
  chmod +x "$work/fakebin-turn/turnserver"
  local env_file rendered args
  for env_file in "$deploy/.env" "$work/custom.env"; do
    compose_config "$deploy/docker-compose.yml" "$env_file" turn >"$work/turn.yml"
    "$PYTHON" - "$work/turn.yml" >"$work/turn.argv" <<'PY'
import sys, yaml
svc = yaml.safe_load(open(sys.argv[1]))["services"]["coturn"]
# Compose keeps `$$` (a literal `$`) in its rendering; the container sees `$`.
entry = [part.replace("$$", "$") for part in svc["entrypoint"]]
sys.stdout.write("".join(part + "\0" for part in entry + svc["command"]))
PY
    local -a argv=()
    while IFS= read -r -d '' part; do argv+=("$part"); done <"$work/turn.argv"
    rendered="$(PATH="$work/fakebin-turn:$PATH" "${argv[@]}" 2>"$work/turn.stderr")"
    assert_contains "$rendered" "--static-auth-secret=" "coturn gets the secret"
    assert_contains "$rendered" "--cert=/etc/coturn/certs/turn.crt" "coturn gets its certificate"
    assert_contains "$rendered" "/etc/coturn/turnserver.conf" "coturn reads its config file"
    if [[ "$env_file" == "$deploy/.env" ]]; then
      assert_not_contains "$rendered" "--external-ip" "empty TURN_EXTERNAL_IP is dropped"
      assert_contains "$(<"$work/turn.stderr")" "TURN_EXTERNAL_IP is not set" "warning without TURN_EXTERNAL_IP"
    else
      assert_contains "$rendered" "--external-ip=203.0.113.7" "TURN_EXTERNAL_IP is passed"
    fi
  done
  echo "ok: overridden ports and addresses; coturn's argument wrapper"

  # Required variables fail `config` by name.
  local variable file profile
  for variable in DB_PASSWORD TOTP_ENCRYPTION_KEY TURN_AUTH_SECRET; do
    grep -v "^$variable=" "$deploy/.env" >"$work/missing.env"
    for file in docker-compose.yml docker-compose.sqlite.yml; do
      profile=""
      [[ "$variable" == TURN_AUTH_SECRET ]] && profile=turn
      if [[ "$file" == docker-compose.sqlite.yml && "$variable" != TURN_AUTH_SECRET ]]; then
        compose_config "$deploy/$file" "$work/missing.env" "$profile" >/dev/null \
          || fail "$file must not need $variable"
        echo "ok: $file does not need $variable"
        continue
      fi
      if compose_config "$deploy/$file" "$work/missing.env" "$profile" >/dev/null 2>"$work/err"; then
        fail "$file [${profile:-no profile}] accepted a .env without $variable"
      fi
      assert_contains "$(<"$work/err")" "$variable" "$file error names $variable"
      echo "ok: $file [${profile:-no profile}] without $variable fails: ...$(tail -c 120 "$work/err" | tr '\n' ' ')"
    done
  done
}

# --------------------------------------------------------------------------- 3. setup.sh
check_setup() {
  local d="$work/setup" out status
  new_deployment "$d"

  # Non-interactive without a URL: exit 2 naming PUBLIC_URL, and nothing written.
  set +e
  out="$(env -u PUBLIC_URL bash "$d/setup.sh" --dir "$d" --non-interactive 2>&1 </dev/null)"
  status=$?
  set -e
  assert_eq "$status" 2 "exit status without a URL"
  assert_contains "$out" "PUBLIC_URL" "error names PUBLIC_URL"
  [[ ! -e "$d/.env" ]] || fail ".env written although setup failed"
  [[ -z "$(find "$d/secrets" -type f ! -name registry_creds.example)" ]] || fail "secrets written although setup failed"
  # No TTY on stdin means non-interactive too.
  set +e
  out="$(env -u PUBLIC_URL bash "$d/setup.sh" --dir "$d" 2>&1 </dev/null)"
  status=$?
  set -e
  assert_eq "$status" 2 "exit status without a URL and without a TTY"
  # Invalid URLs.
  local bad
  # shellcheck disable=SC2016 # a literal $ in a URL
  for bad in "chat.example.test" "ftp://chat.example.test" "https://" "https://exa mple.test" 'https://a.test/$x'; do
    set +e
    out="$(bash "$d/setup.sh" --dir "$d" --non-interactive --public-url "$bad" 2>&1 </dev/null)"
    status=$?
    set -e
    assert_eq "$status" 2 "exit status for PUBLIC_URL [$bad]"
    assert_contains "$out" "PUBLIC_URL" "error for [$bad] names PUBLIC_URL"
  done
  echo "ok: missing or invalid PUBLIC_URL fails with exit 2 and writes nothing"

  # First run: PUBLIC_URL from the environment.
  PUBLIC_URL=https://chat.example.test/ bash "$d/setup.sh" --dir "$d" --non-interactive </dev/null
  local envf
  envf="$(<"$d/.env")"
  assert_contains "$envf" $'\nPUBLIC_URL=https://chat.example.test\n' "PUBLIC_URL written (trailing / removed)"
  assert_contains "$envf" $'\nCOMPOSE_PROJECT_NAME=chatalot\n' "COMPOSE_PROJECT_NAME"
  assert_contains "$envf" $'\nREGISTRATION_MODE=invite_only\n' "REGISTRATION_MODE default"
  assert_contains "$envf" $'\nCOMMUNITY_CREATION_MODE=admin_only\n' "COMMUNITY_CREATION_MODE default"
  local key value
  for key in DB_PASSWORD TOTP_ENCRYPTION_KEY TURN_AUTH_SECRET; do
    value="$(grep "^$key=" "$d/.env" | cut -d= -f2-)"
    [[ "$value" =~ ^[0-9a-f]{64}$ ]] || fail "$key is not 64 hex digits: [$value]"
  done
  [[ "$(grep -c '^DB_PASSWORD=' "$d/.env")" == 1 ]] || fail "DB_PASSWORD appears more than once"
  [[ "$(<"$d/secrets/updater_token")" =~ ^[0-9a-f]{64}$ ]] || fail "updater_token is not 64 hex digits"
  [[ ! -s "$d/secrets/smtp_password" && -f "$d/secrets/smtp_password" ]] || fail "smtp_password must exist and be empty"
  [[ ! -s "$d/secrets/registry_creds" && -f "$d/secrets/registry_creds" ]] || fail "registry_creds must exist and be empty"
  assert_eq "$(stat -c %a "$d/.env")" 600 ".env mode"
  assert_eq "$(stat -c %a "$d/secrets")" 700 "secrets/ mode"
  local f
  for f in jwt_private_key jwt_public_key updater_token smtp_password registry_creds; do
    if [[ "$(id -u)" -eq 0 ]]; then
      assert_eq "$(stat -c '%a %u:%g' "$d/secrets/$f")" "600 10001:10001" "secrets/$f as root"
    else
      assert_eq "$(stat -c '%a' "$d/secrets/$f")" 644 "secrets/$f as a user"
    fi
  done
  # Every variable the compose files read from .env is documented in it.
  local var
  while IFS= read -r var; do
    case "$var" in CHATALOT_IMAGE | POSTGRES_IMAGE | COTURN_IMAGE | CLOUDFLARED_IMAGE) continue ;; esac
    grep -qE "^#? ?$var=" "$d/.env" || fail ".env does not document $var"
  done < <(grep -hv '^ *#' "$d/docker-compose.yml" "$d/docker-compose.sqlite.yml" |
    grep -oE '[$][{][A-Z_]+' | cut -c3- | sort -u)
  echo "ok: first run wrote .env and secrets"

  # The JWT pair: Ed25519, PKCS#8 private key, SPKI public key that belongs to it.
  head -n 1 "$d/secrets/jwt_private_key" | grep -qx -- '-----BEGIN PRIVATE KEY-----' || fail "private key is not PKCS#8 PEM"
  head -n 1 "$d/secrets/jwt_public_key" | grep -qx -- '-----BEGIN PUBLIC KEY-----' || fail "public key is not SPKI PEM"
  openssl pkey -in "$d/secrets/jwt_private_key" -noout -text 2>/dev/null | grep -q "ED25519" || fail "private key is not Ed25519"
  assert_eq "$(openssl pkey -in "$d/secrets/jwt_private_key" -pubout)" "$(<"$d/secrets/jwt_public_key")" \
    "public key derived from the private key"
  echo "ok: JWT key pair"

  # Second and third runs change nothing (bytes, mtimes, modes, owners).
  local before after
  before="$(snapshot "$d")"
  out="$(bash "$d/setup.sh" --dir "$d" --non-interactive </dev/null 2>&1)"
  after="$(snapshot "$d")"
  assert_eq "$after" "$before" "second run changed files"
  assert_contains "$out" "kept    .env" "second run reports the kept .env"
  out="$(bash "$d/setup.sh" --dir "$d" --non-interactive --public-url https://other.example.test </dev/null 2>&1)"
  assert_eq "$(snapshot "$d")" "$before" "a run with another URL changed files"
  assert_contains "$out" "PUBLIC_URL stays" "another URL is reported, not written"
  echo "ok: re-runs change nothing"

  # Existing secrets and .env values are never overwritten; missing keys are appended.
  local e="$work/setup-existing"
  new_deployment "$e"
  openssl genpkey -algorithm ed25519 -out "$e/secrets/jwt_private_key" 2>/dev/null
  printf 'my-own-updater-token-0123456789abcdef\n' >"$e/secrets/updater_token"
  printf 'smtp-pass' >"$e/secrets/smtp_password"
  printf 'DB_PASSWORD=keep-this-password\nPUBLIC_URL=https://mine.example.test\nREGISTRATION_MODE=open' >"$e/.env"
  local private_before env_before token_before
  private_before="$(sha256sum <"$e/secrets/jwt_private_key")"
  token_before="$(sha256sum <"$e/secrets/updater_token")"
  env_before="$(<"$e/.env")"
  out="$(bash "$e/setup.sh" --dir "$e" --non-interactive </dev/null 2>&1)"
  assert_eq "$(sha256sum <"$e/secrets/jwt_private_key")" "$private_before" "existing private key kept"
  assert_eq "$(sha256sum <"$e/secrets/updater_token")" "$token_before" "existing updater_token kept"
  assert_eq "$(<"$e/secrets/smtp_password")" "smtp-pass" "existing smtp_password kept"
  assert_eq "$(openssl pkey -in "$e/secrets/jwt_private_key" -pubout)" "$(<"$e/secrets/jwt_public_key")" \
    "missing public key derived from the existing private key"
  envf="$(<"$e/.env")"
  [[ "$envf" == "$env_before"$'\n'* ]] || fail "existing .env lines changed: $envf"
  assert_contains "$envf" $'\nPUBLIC_URL=https://mine.example.test\n' "existing PUBLIC_URL kept"
  assert_eq "$(grep -c '^DB_PASSWORD=' "$e/.env")" 1 "DB_PASSWORD not added again"
  assert_contains "$envf" $'\nREGISTRATION_MODE=open\n' "the last line without a newline stays intact"
  for key in COMPOSE_PROJECT_NAME TOTP_ENCRYPTION_KEY TURN_AUTH_SECRET; do
    grep -q "^$key=" "$e/.env" || fail "missing $key not appended"
  done
  assert_contains "$out" "updated .env (added COMPOSE_PROJECT_NAME TOTP_ENCRYPTION_KEY TURN_AUTH_SECRET)" "the update is reported"
  before="$(snapshot "$e")"
  bash "$e/setup.sh" --dir "$e" --non-interactive </dev/null >/dev/null
  assert_eq "$(snapshot "$e")" "$before" "run after appending changed files"
  echo "ok: existing secrets and values kept, missing keys appended once"

  # A public key without its private key is refused, not replaced.
  local h="$work/setup-half"
  new_deployment "$h"
  cp "$d/secrets/jwt_public_key" "$h/secrets/jwt_public_key"
  set +e
  out="$(bash "$h/setup.sh" --dir "$h" --non-interactive --public-url https://chat.example.test </dev/null 2>&1)"
  status=$?
  set -e
  assert_eq "$status" 1 "exit status with half a key pair"
  assert_contains "$out" "jwt_private_key" "half a key pair is reported"
  cmp -s "$h/secrets/jwt_public_key" "$d/secrets/jwt_public_key" || fail "public key changed"
  echo "ok: half a key pair is refused"

  # Interactive: asks again after an invalid answer (a pseudo-terminal via script(1)).
  if command -v script >/dev/null; then
    local i="$work/setup-tty"
    new_deployment "$i"
    printf 'not a url\nhttps://typed.example.test\n' |
      env -u PUBLIC_URL script -qec "bash '$i/setup.sh' --dir '$i'" /dev/null >"$work/tty.out" 2>&1 || true
    grep -q '^PUBLIC_URL=https://typed.example.test$' "$i/.env" 2>/dev/null \
      || fail "interactive answer not written: $(cat "$work/tty.out")"
    assert_contains "$(<"$work/tty.out")" "not an absolute http" "an invalid answer is explained"
    echo "ok: interactive prompt"
  else
    echo "note: script(1) not installed: the interactive prompt is not tested"
  fi

  # Under sudo: .env and a new secrets/ belong to the operator, the secrets to 10001.
  if [[ "$(id -u)" -eq 0 ]]; then
    local o="$work/setup-sudo"
    new_deployment "$o"
    rm -rf "$o/secrets"
    SUDO_UID=65534 SUDO_GID=65534 bash "$o/setup.sh" --dir "$o" --non-interactive \
      --public-url https://chat.example.test </dev/null >/dev/null
    assert_eq "$(stat -c '%a %u:%g' "$o/.env")" "600 65534:65534" ".env under sudo"
    assert_eq "$(stat -c '%a %u:%g' "$o/secrets")" "700 65534:65534" "secrets/ under sudo"
    assert_eq "$(stat -c '%a %u:%g' "$o/secrets/jwt_private_key")" "600 10001:10001" "a secret under sudo"
    echo "ok: ownership under sudo"
  fi

  # Without root: mode 644 inside the 700 folder, with a note.
  if [[ "$(id -u)" -eq 0 ]] && command -v setpriv >/dev/null; then
    local u="$work/setup-user"
    new_deployment "$u"
    chown -R 65534:65534 "$u"
    chmod 755 "$work"
    out="$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp \
      bash "$u/setup.sh" --dir "$u" --non-interactive --public-url https://chat.example.test </dev/null 2>&1)"
    assert_eq "$(stat -c '%a %u' "$u/secrets/jwt_private_key")" "644 65534" "secret mode as a user"
    assert_eq "$(stat -c '%a' "$u/secrets")" 700 "secrets/ mode as a user"
    assert_contains "$out" "not running as root" "note about the permissions"
    echo "ok: permissions when run as a user"
  fi
}

# --------------------------------------------------------------------------- 4. entrypoint
readonly RECORDED_VARIABLES=(
  DB_PASSWORD TOTP_ENCRYPTION_KEY SMTP_PASSWORD OIDC_CLIENT_SECRET VAPID_PRIVATE_KEY
  TURN_AUTH_SECRET GIPHY_API_KEY GITHUB_API_TOKEN CLOUDFLARE_TUNNEL_TOKEN UPDATER_TOKEN
  DATABASE_URL JWT_PRIVATE_KEY_PATH JWT_PUBLIC_KEY_PATH FILE_STORAGE_PATH CHATALOT_DATA_DIR
)

make_fake_binaries() {
  local bin="$work/fakebin" name
  mkdir -p "$bin"
  for name in chatalot-server chatalot-updater; do
    cat >"$bin/$name" <<'SH'
#!/usr/bin/env bash
# Records how it was started, for tests/docker/run.sh.
{
  printf 'pid=%s\n' "$$"
  printf 'cmd=%s\n' "$(basename "$0")"
  for arg in "$@"; do printf 'arg=%s\n' "$arg"; done
  for name in $FAKE_VARIABLES; do
    if [[ -v $name ]]; then printf 'env %s=%s\n' "$name" "${!name}"; else printf 'unset %s\n' "$name"; fi
    if [[ -v ${name}_FILE ]]; then printf 'env %s_FILE=set\n' "$name"; fi
  done
} >"$FAKE_RECORD"
SH
    chmod +x "$bin/$name"
  done
}

# Runs the entrypoint in a clean environment with the fake binaries first on PATH.
entry() { # VAR=value… -- command…
  local vars=()
  while [[ "$1" != -- ]]; do vars+=("$1"); shift; done
  shift
  rm -f "$work/record"
  local how=()
  # ENTRY_EXEC=1 (in a background job): the job's own process becomes the entrypoint.
  [[ "${ENTRY_EXEC:-}" == 1 ]] && how=(exec)
  ${how[@]+"${how[@]}"} env -i PATH="$work/fakebin:/usr/bin:/bin" HOME="$HOME" FAKE_RECORD="$work/record" \
    FAKE_VARIABLES="${RECORDED_VARIABLES[*]}" ${vars[@]+"${vars[@]}"} \
    bash "$repo/docker/entrypoint.sh" "$@"
}

record() { cat "$work/record" 2>/dev/null || true; }

# The recorded command line as "cmd|arg|arg…".
recorded_argv() {
  [[ -e "$work/record" ]] || { echo "(not started)"; return; }
  sed -n 's/^cmd=//p; s/^arg=//p' "$work/record" | paste -sd'|'
}

check_entrypoint_secrets() {
  make_fake_binaries
  local s="$work/secret-files" name vars=() rec
  mkdir -p "$s"
  for name in DB_PASSWORD TOTP_ENCRYPTION_KEY SMTP_PASSWORD OIDC_CLIENT_SECRET VAPID_PRIVATE_KEY \
    TURN_AUTH_SECRET GIPHY_API_KEY GITHUB_API_TOKEN CLOUDFLARE_TUNNEL_TOKEN UPDATER_TOKEN; do
    printf 'value of %s with spaces\n' "$name" >"$s/$name"
    vars+=("${name}_FILE=$s/$name")
  done
  entry "${vars[@]}" -- chatalot-updater --flag "two words"
  rec="$(record)"
  assert_eq "$(recorded_argv)" "chatalot-updater|--flag|two words" "the updater is exec'd with its arguments"
  for name in DB_PASSWORD TOTP_ENCRYPTION_KEY SMTP_PASSWORD OIDC_CLIENT_SECRET VAPID_PRIVATE_KEY \
    TURN_AUTH_SECRET GIPHY_API_KEY GITHUB_API_TOKEN CLOUDFLARE_TUNNEL_TOKEN UPDATER_TOKEN; do
    assert_contains "$rec" $'\n'"env $name=value of $name with spaces"$'\n' "$name from ${name}_FILE (newline stripped)"
    assert_not_contains "$rec" "env ${name}_FILE=" "${name}_FILE is unset afterwards"
  done
  assert_contains "$rec" "unset DATABASE_URL" "other commands get no quickstart"
  echo "ok: every NAME_FILE lands in NAME"

  # An empty NAME_FILE counts as unset.
  entry DB_PASSWORD=direct DB_PASSWORD_FILE= -- chatalot-updater
  assert_contains "$(record)" "env DB_PASSWORD=direct" "empty DB_PASSWORD_FILE ignored"

  # Both set, or an unreadable file: one line, exit 2, nothing exec'd, no value printed.
  local out status
  for case in both missing directory; do
    case "$case" in
      both) vars=(TOTP_ENCRYPTION_KEY=inline-secret-value "TOTP_ENCRYPTION_KEY_FILE=$s/TOTP_ENCRYPTION_KEY") ;;
      missing) vars=("TOTP_ENCRYPTION_KEY_FILE=$s/does-not-exist") ;;
      directory) vars=("TOTP_ENCRYPTION_KEY_FILE=$s") ;;
    esac
    set +e
    out="$(entry "${vars[@]}" -- chatalot-server 2>&1 >/dev/null)"
    status=$?
    set -e
    assert_eq "$status" 2 "exit status ($case)"
    assert_eq "$(printf '%s\n' "$out" | wc -l)" 1 "one line ($case): $out"
    [[ "$out" == "configuration error: TOTP_ENCRYPTION_KEY_FILE: "* ]] || fail "message ($case): $out"
    assert_not_contains "$out" "inline-secret-value" "no secret value in the message"
    assert_not_contains "$out" "value of" "no file content in the message"
    [[ ! -e "$work/record" ]] || fail "the server was started although ${case}"
    echo "ok: $case -> $out"
  done
}

check_entrypoint_commands() {
  make_fake_binaries
  local rec data="$work/qs-data"
  # No DATABASE_URL: quickstart in CHATALOT_DATA_DIR, /app/data by default.
  entry "CHATALOT_DATA_DIR=$data" -- chatalot-server
  assert_eq "$(recorded_argv)" "chatalot-server|quickstart|--data-dir|$data" "quickstart with CHATALOT_DATA_DIR"
  entry -- chatalot-server serve
  assert_eq "$(recorded_argv)" "chatalot-server|quickstart|--data-dir|/app/data" "chatalot-server serve -> quickstart in /app/data"
  entry -- # no command at all: the image's CMD
  assert_eq "$(recorded_argv)" "chatalot-server|quickstart|--data-dir|/app/data" "no command -> quickstart"
  # Empty variables the data folder supplies are unset; the image's JWT secret paths
  # are dropped when those secrets are not mounted; explicit paths stay.
  [[ ! -e /run/secrets/jwt_private_key ]] || skip "/run/secrets/jwt_private_key exists on this machine"
  entry DATABASE_URL= TOTP_ENCRYPTION_KEY= "FILE_STORAGE_PATH=$data/files" \
    JWT_PRIVATE_KEY_PATH=/run/secrets/jwt_private_key JWT_PUBLIC_KEY_PATH=/run/secrets/jwt_public_key -- chatalot-server
  rec="$(record)"
  assert_eq "$(recorded_argv)" "chatalot-server|quickstart|--data-dir|/app/data" "empty DATABASE_URL -> quickstart"
  for name in DATABASE_URL TOTP_ENCRYPTION_KEY JWT_PRIVATE_KEY_PATH JWT_PUBLIC_KEY_PATH; do
    assert_contains "$rec" "unset $name" "$name unset for quickstart"
  done
  [[ -d "$data/files" ]] || fail "FILE_STORAGE_PATH not created"
  entry JWT_PRIVATE_KEY_PATH=/keys/private.pem JWT_PUBLIC_KEY_PATH=/keys/public.pem -- chatalot-server
  assert_contains "$(record)" "env JWT_PRIVATE_KEY_PATH=/keys/private.pem" "explicit JWT path kept"
  echo "ok: quickstart without DATABASE_URL"

  # SQLite URL: served as is, FILE_STORAGE_PATH created.
  entry "DATABASE_URL=sqlite://$work/db.sqlite" "FILE_STORAGE_PATH=$work/sqlite-files" -- chatalot-server
  rec="$(record)"
  assert_eq "$(recorded_argv)" "chatalot-server" "sqlite URL: served without arguments"
  assert_contains "$rec" "env DATABASE_URL=sqlite://$work/db.sqlite" "DATABASE_URL kept"
  [[ -d "$work/sqlite-files" ]] || fail "FILE_STORAGE_PATH not created"
  echo "ok: sqlite URL"

  # Other commands are exec'd untouched (no quickstart, no waiting).
  entry "DATABASE_URL=postgres://u:p@nonexistent.invalid/db" -- chatalot-server backup /app/data/backups/b1
  assert_eq "$(recorded_argv)" "chatalot-server|backup|/app/data/backups/b1" "backup untouched"
  entry -- chatalot-server restore /app/data/backups/b1 --yes
  assert_eq "$(recorded_argv)" "chatalot-server|restore|/app/data/backups/b1|--yes" "restore untouched"
  entry -- chatalot-server health
  assert_eq "$(recorded_argv)" "chatalot-server|health" "health untouched"
  entry -- chatalot-updater
  rec="$(record)"
  assert_eq "$(recorded_argv)" "chatalot-updater" "updater untouched"
  assert_contains "$rec" "unset DATABASE_URL" "updater: no DATABASE_URL invented"
  entry -- health
  assert_eq "$(recorded_argv)" "chatalot-server|health" "a bare subcommand means chatalot-server"
  rm -f "$work/record"
  local out
  out="$(entry -- sh -c 'echo shell-ran')"
  assert_eq "$out" "shell-ran" "sh is exec'd"
  echo "ok: other commands untouched"
}

# Reads lines from a file descriptor until one matches or the deadline passes.
wait_for_line() { # fd, pattern (bash glob), seconds, log file
  local fd="$1" pattern="$2" deadline=$((SECONDS + $3)) line
  while ((SECONDS < deadline)); do
    if IFS= read -r -t $((deadline - SECONDS)) line <&"$fd"; then
      printf '%s\n' "$line" >>"$4"
      # shellcheck disable=SC2053 # a glob on purpose
      [[ "$line" == $pattern ]] && return 0
    else
      return 1 # timeout or end of output
    fi
  done
  return 1
}

check_entrypoint_database_wait() {
  make_fake_binaries
  local port out status started elapsed
  port="$(free_port)"

  # Nothing listens and DB_WAIT_TIMEOUT=2: one waiting line, one error line, exit 1.
  started=$SECONDS
  set +e
  out="$(entry DB_WAIT_TIMEOUT=2 "DATABASE_URL=postgres://chatalot:s3cr%40t@127.0.0.1:$port/chatalot?sslmode=disable" \
    -- chatalot-server 2>"$work/wait.err")"
  status=$?
  set -e
  elapsed=$((SECONDS - started))
  assert_eq "$status" 1 "exit status after the timeout"
  assert_eq "$out" "waiting for the database at 127.0.0.1:$port" "one waiting line"
  assert_eq "$(<"$work/wait.err")" \
    "error: the database at 127.0.0.1:$port did not answer within 2 s (DATABASE_URL)" "timeout message"
  ((elapsed >= 2 && elapsed <= 10)) || fail "gave up after ${elapsed}s instead of about 2s"
  [[ ! -e "$work/record" ]] || fail "the server was started although the database never answered"
  assert_not_contains "$out$(<"$work/wait.err")" "s3cr" "no password in the output"
  echo "ok: timeout after ${elapsed}s"

  # Default port, IPv6 literal, bad DB_WAIT_TIMEOUT.
  set +e
  entry DB_WAIT_TIMEOUT=1 "DATABASE_URL=postgresql://u@nonexistent.invalid/db" -- chatalot-server >/dev/null 2>"$work/wait.err"
  set -e
  assert_contains "$(<"$work/wait.err")" "database at nonexistent.invalid:5432 did not answer within 1 s" "default port 5432"
  set +e
  entry DB_WAIT_TIMEOUT=1 "DATABASE_URL=postgres://u:p@[::1]:$port/db" -- chatalot-server >/dev/null 2>"$work/wait.err"
  set -e
  assert_contains "$(<"$work/wait.err")" "database at [::1]:$port did not answer" "IPv6 host"
  set +e
  out="$(entry DB_WAIT_TIMEOUT=soon "DATABASE_URL=postgres://u@127.0.0.1:$port/db" -- chatalot-server 2>&1)"
  status=$?
  set -e
  assert_eq "$status" 2 "bad DB_WAIT_TIMEOUT exit status"
  assert_contains "$out" "configuration error: DB_WAIT_TIMEOUT:" "bad DB_WAIT_TIMEOUT message"
  echo "ok: default port, IPv6, DB_WAIT_TIMEOUT validation"

  # The database comes up while the entrypoint waits: it then execs the server.
  mkfifo "$work/entry.out" "$work/listener.out"
  ENTRY_EXEC=1 entry DB_WAIT_TIMEOUT=60 "DATABASE_URL=postgres://chatalot:pw@127.0.0.1:$port/chatalot" \
    -- chatalot-server >"$work/entry.out" 2>&1 &
  local entry_pid=$!
  background_pids+=("$entry_pid")
  exec {entry_fd}<"$work/entry.out"
  wait_for_line "$entry_fd" "waiting for the database at 127.0.0.1:$port" 20 "$work/entry.log" \
    || fail "no waiting line: $(cat "$work/entry.log" 2>/dev/null)"
  python3 -u -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
print("listening", flush=True)
while True:
    conn, _ = s.accept()
    conn.close()
' "$port" >"$work/listener.out" &
  background_pids+=("$!")
  exec {listener_fd}<"$work/listener.out"
  wait_for_line "$listener_fd" "listening" 20 "$work/listener.log" || fail "the test listener did not start"
  # The entrypoint's output ends when the fake server (exec'd in its place) exits.
  while IFS= read -r -t 30 line <&"$entry_fd"; do printf '%s\n' "$line" >>"$work/entry.log"; done
  wait "$entry_pid" || fail "entrypoint failed: $(cat "$work/entry.log")"
  exec {entry_fd}<&- {listener_fd}<&-
  local rec
  rec="$(record)"
  assert_eq "$(recorded_argv)" "chatalot-server" "server exec'd once the database answers"
  assert_contains "$rec" "pid=$entry_pid"$'\n' "exec: the server replaced the entrypoint (same pid)"
  assert_eq "$(grep -c '^waiting for the database' "$work/entry.log")" 1 "exactly one waiting line"
  echo "ok: waits, then execs the server when the database answers"
}

check_entrypoint_real_server() {
  if [[ ! -x "$SERVER_BIN" ]]; then
    skip "no server binary at $SERVER_BIN (cargo build -p chatalot-server, or set CHATALOT_SERVER_BIN)"
  fi
  local run="$work/real" port bin_dir server_fd
  mkdir -p "$run/static" "$run/cwd"
  mkfifo "$run/out"
  port="$(free_port)"
  bin_dir="$(dirname "$SERVER_BIN")"
  # As in the image: the JWT paths point at Docker secrets that are not mounted, so the
  # data folder supplies the keys. The working folder has no .env.
  (
    cd "$run/cwd"
    exec env -i PATH="$bin_dir:/usr/bin:/bin" HOME="$HOME" \
      CHATALOT_DATA_DIR="$run/data" LISTEN_ADDR="127.0.0.1:$port" STATIC_FILES_PATH="$run/static" \
      JWT_PRIVATE_KEY_PATH=/run/secrets/jwt_private_key JWT_PUBLIC_KEY_PATH=/run/secrets/jwt_public_key \
      RUST_LOG=warn bash "$repo/docker/entrypoint.sh" chatalot-server
  ) >"$run/out" 2>&1 &
  local pid=$!
  background_pids+=("$pid")
  # The banner's last line comes once the server listens.
  exec {server_fd}<"$run/out"
  wait_for_line "$server_fd" "Press Ctrl+C to stop." 90 "$run/server.log" \
    || fail "the server did not start within 90 s: $(cat "$run/server.log")"
  local f health
  health="$(curl -fsS "http://127.0.0.1:$port/api/health")" || fail "/api/health does not answer 200"
  echo "ok: /api/health answers: $health"
  for f in chatalot.db secrets/jwt_private.pem secrets/jwt_public.pem secrets/totp_key; do
    [[ -s "$run/data/$f" ]] || fail "quickstart did not create $f"
  done
  echo "ok: the data folder holds the database and secrets"
  LISTEN_ADDR="0.0.0.0:$port" "$SERVER_BIN" health || fail "chatalot-server health reports unhealthy"
  echo "ok: chatalot-server health (0.0.0.0 asks 127.0.0.1)"
  kill -TERM "$pid"
  wait "$pid" || true
  if LISTEN_ADDR="127.0.0.1:$port" "$SERVER_BIN" health 2>/dev/null; then
    fail "chatalot-server health reports healthy with no server"
  fi
  echo "ok: chatalot-server health fails with no server"
  exec {server_fd}<&-
}

check_entrypoint_real_updater() {
  if [[ ! -x "$UPDATER_BIN" ]]; then
    skip "no updater binary at $UPDATER_BIN (cargo build -p chatalot-updater, or set CHATALOT_UPDATER_BIN)"
  fi
  # As in the compose files: the token from UPDATER_TOKEN_FILE (the entrypoint turns it
  # into UPDATER_TOKEN), an empty registry_creds file (anonymous pulls).
  local u="$work/updater" port line
  mkdir -p "$u"
  port="$(free_port)"
  openssl rand -hex 32 >"$u/updater_token"
  : >"$u/registry_creds"
  mkfifo "$u/out"
  (
    cd "$u"
    exec env -i PATH="$(dirname "$UPDATER_BIN"):/usr/bin:/bin" HOME="$HOME" \
      UPDATER_TOKEN_FILE="$u/updater_token" REGISTRY_CREDS_PATH="$u/registry_creds" \
      UPDATER_LISTEN_ADDR="127.0.0.1:$port" DOCKER_HOST="unix://$u/no-docker.sock" \
      BACKUP_DIR="$u/backups" CHATALOT_CONTAINER=chatalot RUST_LOG=info \
      bash "$repo/docker/entrypoint.sh" chatalot-updater
  ) >"$u/out" 2>&1 &
  background_pids+=("$!")
  exec {updater_fd}<"$u/out"
  wait_for_line "$updater_fd" "*listening on 127.0.0.1:$port*" 30 "$u/log" \
    || fail "chatalot-updater did not start: $(cat "$u/log")"
  grep -q "anonymous pulls" "$u/log" || fail "an empty registry_creds should mean anonymous pulls: $(cat "$u/log")"
  echo "ok: chatalot-updater starts through the entrypoint with UPDATER_TOKEN_FILE"
  stop_background
  exec {updater_fd}<&-
}

# --------------------------------------------------------------------------- 5. turn-certs
check_turn_certs() {
  local c="$work/certs/sub" out before
  out="$(CERT_DIR="$c" bash docker/turn-certs.sh)"
  assert_contains "$out" "created a self-signed certificate" "first run creates"
  [[ -s "$c/turn.crt" && -s "$c/turn.key" ]] || fail "certificate or key missing"
  openssl x509 -in "$c/turn.crt" -noout -subject | grep -q "CN *= *chatalot-turn" || fail "subject"
  openssl x509 -in "$c/turn.crt" -noout -checkend $((5 * 365 * 86400)) >/dev/null || fail "valid for less than 5 years"
  openssl verify -CAfile "$c/turn.crt" "$c/turn.crt" >/dev/null || fail "not a valid self-signed certificate"
  assert_eq "$(openssl x509 -in "$c/turn.crt" -noout -pubkey)" "$(openssl pkey -in "$c/turn.key" -pubout)" \
    "the key belongs to the certificate"
  assert_eq "$(stat -c %a "$c/turn.key")" 640 "key mode"
  assert_eq "$(stat -c %a "$c/turn.crt")" 644 "certificate mode"
  [[ -z "$(find "$c" -name '.turn-certs.*')" ]] || fail "temporary files left behind"
  before="$(snapshot "$c")"
  out="$(CERT_DIR="$c" bash docker/turn-certs.sh)"
  assert_contains "$out" "keeping the existing certificate" "second run keeps"
  assert_eq "$(snapshot "$c")" "$before" "second run changed the certificate"
  echo "ok: created once, then kept byte for byte"

  # Half a pair is replaced by a fresh pair; CERT_OWNER and an IP common name.
  rm "$c/turn.crt"
  if [[ "$(id -u)" -eq 0 ]]; then
    CERT_DIR="$c" CERT_OWNER=65534:65534 TURN_CERT_CN=203.0.113.7 bash docker/turn-certs.sh >/dev/null
    assert_eq "$(stat -c %u:%g "$c/turn.key")" "65534:65534" "CERT_OWNER owns the key"
  else
    CERT_DIR="$c" TURN_CERT_CN=203.0.113.7 bash docker/turn-certs.sh >/dev/null
  fi
  assert_eq "$(openssl x509 -in "$c/turn.crt" -noout -pubkey)" "$(openssl pkey -in "$c/turn.key" -pubout)" \
    "the replaced key belongs to the replaced certificate"
  openssl x509 -in "$c/turn.crt" -noout -ext subjectAltName | grep -q "IP Address:203.0.113.7" || fail "IP subjectAltName"
  echo "ok: half a pair replaced; CERT_OWNER; IP names"
}

# --------------------------------------------------------------------------- run
banner "Docker deployment tests"
run_check "1. hadolint docker/Dockerfile" check_hadolint
run_check "1. Dockerfile paths, names and .dockerignore" check_dockerfile_contract
run_check "1. shellcheck" check_shellcheck
run_check "2. compose config: both files x every profile combination" check_compose_profiles
run_check "2. compose config: overrides, coturn wrapper, required variables" check_compose_variables
run_check "3. setup.sh" check_setup
run_check "4. entrypoint: secrets from files" check_entrypoint_secrets
run_check "4. entrypoint: commands and quickstart" check_entrypoint_commands
run_check "4. entrypoint: waiting for PostgreSQL" check_entrypoint_database_wait
run_check "4. entrypoint with the real server binary" check_entrypoint_real_server
run_check "4. entrypoint with the real updater binary" check_entrypoint_real_updater
run_check "5. turn-certs.sh" check_turn_certs

banner "summary"
for name in ${passed[@]+"${passed[@]}"}; do echo "PASS     $name"; done
for name in ${skipped[@]+"${skipped[@]}"}; do echo "SKIPPED  $name"; done
for name in ${failed[@]+"${failed[@]}"}; do echo "FAIL     $name"; done
if ((${#failed[@]})); then
  echo "${#failed[@]} check(s) failed" >&2
  exit 1
fi
echo "all Docker deployment checks passed (${#skipped[@]} skipped)"
