#!/usr/bin/env bash
# Entrypoint of the Chatalot image (/usr/local/bin/docker-entrypoint).
#
# 1. Secrets from files: for each NAME below, NAME_FILE=/path reads the file (trailing
#    newlines removed) into NAME and unsets NAME_FILE. NAME and NAME_FILE both set, or
#    an unreadable file, is a configuration error: one line on stderr, exit 2.
# 2. Serving (`chatalot-server` or `chatalot-server serve`):
#    - DATABASE_URL unset or empty: `chatalot-server quickstart --data-dir
#      "${CHATALOT_DATA_DIR:-/app/data}"` (SQLite database, JWT key pair and TOTP key
#      created in the data folder on first run);
#    - a postgres:// URL: waits until its host:port accepts TCP connections, at most
#      DB_WAIT_TIMEOUT seconds (default 60; 0 = do not wait), then serves;
#    - FILE_STORAGE_PATH is created when missing.
# 3. Any other command (chatalot-updater, chatalot-server backup/restore/health, sh…)
#    runs after step 1 only. Always through `exec`, so signals reach the process.
#
# Secret values are never printed.
set -euo pipefail

readonly SECRET_VARIABLES=(
  DB_PASSWORD TOTP_ENCRYPTION_KEY SMTP_PASSWORD OIDC_CLIENT_SECRET VAPID_PRIVATE_KEY
  TURN_AUTH_SECRET GIPHY_API_KEY GITHUB_API_TOKEN CLOUDFLARE_TUNNEL_TOKEN UPDATER_TOKEN
)
# The image's JWT paths (Docker secrets); without those secrets, quickstart supplies keys.
readonly IMAGE_JWT_PRIVATE=/run/secrets/jwt_private_key
readonly IMAGE_JWT_PUBLIC=/run/secrets/jwt_public_key

config_error() {
  printf 'configuration error: %s\n' "$1" >&2
  exit 2
}

# --- 1. NAME_FILE -> NAME ------------------------------------------------------------
load_secret_files() {
  local name file_var file value
  for name in "${SECRET_VARIABLES[@]}"; do
    file_var="${name}_FILE"
    file="${!file_var:-}"
    # Empty counts as unset, as for every Chatalot variable.
    [[ -n "$file" ]] || { unset "$file_var"; continue; }
    if [[ -n "${!name:-}" ]]; then
      config_error "$file_var: $name is set too; set only one of them"
    fi
    if [[ ! -e "$file" ]]; then
      config_error "$file_var: cannot read $file: no such file"
    elif [[ -d "$file" ]]; then
      config_error "$file_var: cannot read $file: it is a directory"
    elif [[ ! -r "$file" ]]; then
      config_error "$file_var: cannot read $file: permission denied (running as uid $(id -u))"
    fi
    if ! value="$(<"$file")"; then
      config_error "$file_var: cannot read $file"
    fi
    export "$name=$value"
    unset "$file_var"
  done
}

# --- 2. serving ----------------------------------------------------------------------
# Variables the quickstart data folder supplies: empty ones must be unset (the server
# would otherwise see an empty value, not the folder's default).
prepare_quickstart_environment() {
  local name
  for name in DATABASE_URL JWT_PRIVATE_KEY_PATH JWT_PUBLIC_KEY_PATH TOTP_ENCRYPTION_KEY \
    FILE_STORAGE_PATH; do
    [[ -n "${!name:-}" ]] || unset "$name"
  done
  # The image points the JWT paths at Docker secrets; with neither secret mounted, the
  # data folder's key pair is used instead.
  if [[ "${JWT_PRIVATE_KEY_PATH:-}" == "$IMAGE_JWT_PRIVATE" && ! -e "$IMAGE_JWT_PRIVATE" &&
    "${JWT_PUBLIC_KEY_PATH:-}" == "$IMAGE_JWT_PUBLIC" && ! -e "$IMAGE_JWT_PUBLIC" ]]; then
    unset JWT_PRIVATE_KEY_PATH JWT_PUBLIC_KEY_PATH
  fi
}

ensure_file_storage() {
  if [[ -n "${FILE_STORAGE_PATH:-}" && ! -d "$FILE_STORAGE_PATH" ]]; then
    # A failure is left to the server, which names FILE_STORAGE_PATH in its error.
    mkdir -p -- "$FILE_STORAGE_PATH" 2>/dev/null || true
  fi
}

# Sets DB_HOST and DB_PORT from a postgres URL
# (postgres://user:pass@host:port/db, [IPv6] hosts, first host of a list).
parse_postgres_address() {
  local url="$1" rest authority hostport
  rest="${url#*://}"
  authority="${rest%%[/?#]*}"
  hostport="${authority##*@}"
  hostport="${hostport%%,*}"
  if [[ "$hostport" == \[* ]]; then
    DB_HOST="${hostport#\[}"
    DB_HOST="${DB_HOST%%\]*}"
    local after="${hostport#*\]}"
    DB_PORT="${after#:}"
  elif [[ "$hostport" == *:* ]]; then
    DB_HOST="${hostport%%:*}"
    DB_PORT="${hostport#*:}"
  else
    DB_HOST="$hostport"
    DB_PORT=""
  fi
  DB_PORT="${DB_PORT:-5432}"
}

tcp_open() { # host port
  # Expanded by the inner bash (host as $0, port as $1), not here.
  # shellcheck disable=SC2016
  local probe='exec 3<>"/dev/tcp/$0/$1"'
  if command -v timeout >/dev/null 2>&1; then
    timeout 3 bash -c "$probe" "$1" "$2" 2>/dev/null
  else
    bash -c "$probe" "$1" "$2" 2>/dev/null
  fi
}

wait_for_database() {
  local timeout="${DB_WAIT_TIMEOUT:-60}"
  if [[ ! "$timeout" =~ ^[0-9]+$ ]]; then
    config_error "DB_WAIT_TIMEOUT: \"$timeout\" is not valid; expected a whole number of seconds"
  fi
  timeout=$((10#$timeout))
  parse_postgres_address "$DATABASE_URL"
  # No host (a Unix socket given as a query parameter) or no waiting wanted.
  [[ -n "$DB_HOST" && "$timeout" -gt 0 ]] || return 0
  if [[ ! "$DB_PORT" =~ ^[0-9]+$ ]]; then
    return 0 # malformed: the server reports DATABASE_URL itself
  fi
  local address="$DB_HOST:$DB_PORT"
  [[ "$DB_HOST" == *:* ]] && address="[$DB_HOST]:$DB_PORT"
  local deadline=$((SECONDS + timeout)) announced=false
  until tcp_open "$DB_HOST" "$DB_PORT"; do
    if ! $announced; then
      echo "waiting for the database at $address"
      announced=true
    fi
    if ((SECONDS >= deadline)); then
      printf 'error: the database at %s did not answer within %s s (DATABASE_URL)\n' \
        "$address" "$timeout" >&2
      exit 1
    fi
    sleep 1
  done
}

main() {
  load_secret_files

  if [[ $# -eq 0 ]]; then
    set -- chatalot-server
  elif [[ "$1" == -* || "$1" =~ ^(serve|quickstart|openapi|health|backup|restore)$ ]]; then
    # `docker run IMAGE serve|--help|…` means the server.
    set -- chatalot-server "$@"
  fi

  if [[ "${1##*/}" == chatalot-server ]]; then
    if [[ $# -eq 1 || ($# -eq 2 && "$2" == serve) ]]; then
      if [[ -z "${DATABASE_URL:-}" ]]; then
        prepare_quickstart_environment
        ensure_file_storage
        exec "$1" quickstart --data-dir "${CHATALOT_DATA_DIR:-/app/data}"
      fi
      case "$DATABASE_URL" in
        postgres://* | postgresql://*) wait_for_database ;;
      esac
      ensure_file_storage
    elif [[ "${2:-}" == quickstart ]]; then
      prepare_quickstart_environment
    fi
  fi
  exec "$@"
}

main "$@"
