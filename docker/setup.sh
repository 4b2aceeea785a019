#!/usr/bin/env bash
# Prepares a new Chatalot instance for Docker Compose: writes .env and secrets/ next to
# docker-compose.yml (docs/docker.md).
#
#   ./setup.sh [--public-url URL] [--non-interactive] [--dir DIR]
#
#   --public-url URL    the instance's public address (absolute http(s) URL); default:
#                       the PUBLIC_URL environment variable, else asked on the terminal
#   --non-interactive   never ask (also when stdin is not a terminal); a missing
#                       PUBLIC_URL is then an error (exit 2)
#   --dir DIR           where .env and secrets/ go (default: this script's folder)
#
# Creates what is missing and nothing else: running it again changes no file. It never
# overwrites a secret file or a value in .env; keys missing from an existing .env are
# appended. Requires openssl.
#
#   .env                    COMPOSE_PROJECT_NAME=chatalot, DB_PASSWORD, TOTP_ENCRYPTION_KEY,
#                           TURN_AUTH_SECRET, PUBLIC_URL and the documented defaults
#   secrets/jwt_private_key Ed25519 private key, PKCS#8 PEM
#   secrets/jwt_public_key  its public key, SPKI PEM
#   secrets/updater_token   shared by the server and the updater sidecar
#   secrets/smtp_password   empty (fill in to send email with SMTP_HOST/EMAIL_FROM)
#   secrets/registry_creds  empty = anonymous image pulls (see registry_creds.example)
#
# Compose mounts secret files as they are on the host, and the server runs as uid 10001
# in the container. As root, the files are given to 10001:10001 with mode 600 (under
# sudo, .env and a new secrets/ belong to the user who ran sudo). Otherwise they get mode 644 inside secrets/,
# whose mode 700 keeps other host users out.
set -euo pipefail

readonly CONTAINER_UID=10001 CONTAINER_GID=10001

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

die() { # exit code, message
  printf 'error: %s\n' "$2" >&2
  exit "$1"
}

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
dir="$script_dir"
public_url="${PUBLIC_URL:-}"
interactive=true
[[ -t 0 ]] || interactive=false

while (($#)); do
  case "$1" in
    --dir) [[ $# -ge 2 ]] || die 2 "--dir needs a folder"; dir="$2"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --public-url) [[ $# -ge 2 ]] || die 2 "--public-url needs a URL"; public_url="$2"; shift 2 ;;
    --public-url=*) public_url="${1#*=}"; shift ;;
    --non-interactive) interactive=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die 2 "unknown argument: $1" ;;
  esac
done

[[ -d "$dir" ]] || die 2 "--dir: $dir is not a folder"
command -v openssl >/dev/null || die 1 "openssl is required (apt-get install openssl)"
cd -- "$dir"

env_file=.env
secrets_dir=secrets
as_root=false
[[ "$(id -u)" -eq 0 ]] && as_root=true

# --- .env helpers ----------------------------------------------------------------------
env_has() { # key: set (even to empty) by an active line of .env
  [[ -f "$env_file" ]] && grep -Eq "^[[:space:]]*(export[[:space:]]+)?$1=" "$env_file"
}

env_get() { # key: its last value in .env (quotes removed)
  local line
  line="$(grep -E "^[[:space:]]*(export[[:space:]]+)?$1=" "$env_file" | tail -n 1)"
  line="${line#*=}"
  line="${line%\"}"; line="${line#\"}"; line="${line%\'}"; line="${line#\'}"
  printf '%s' "$line"
}

valid_public_url() {
  local url="$1" authority
  # Absolute http(s) URL with a host; no whitespace, quotes or `$` (.env syntax).
  [[ "$url" =~ ^https?://[^/?#@[:space:]]+([/?#][^[:space:]]*)?$ ]] || return 1
  [[ "$url" != *[\"\'\$\`\\]* ]] || return 1
  authority="${url#*://}"
  authority="${authority%%[/?#]*}"
  [[ "$authority" != :* ]]
}

# --- PUBLIC_URL: decided before anything is written ------------------------------------
need_url=true
if env_has PUBLIC_URL; then
  need_url=false
  existing="$(env_get PUBLIC_URL)"
  if [[ -n "$public_url" && "$public_url" != "$existing" ]]; then
    echo "note: PUBLIC_URL stays \"$existing\" as set in $dir/$env_file (edit it there to change it)"
  fi
fi
if $need_url; then
  public_url="${public_url%/}"
  if [[ -z "$public_url" ]] && $interactive; then
    while :; do
      read -r -p "Public URL of this Chatalot instance (e.g. https://chat.example.com): " public_url \
        || die 2 "PUBLIC_URL: no answer (pass --public-url URL)"
      public_url="${public_url%/}"
      valid_public_url "$public_url" && break
      echo "  \"$public_url\" is not an absolute http:// or https:// URL; try again." >&2
    done
  fi
  if [[ -z "$public_url" ]]; then
    die 2 "PUBLIC_URL is required: pass --public-url URL or set the PUBLIC_URL environment variable (non-interactive mode)"
  fi
  valid_public_url "$public_url" \
    || die 2 "PUBLIC_URL: \"$public_url\" is not valid; expected an absolute http:// or https:// URL"
fi

# Under sudo: the operator who then runs `docker compose`.
sudo_owner=""
if $as_root && [[ "${SUDO_UID:-0}" =~ ^[1-9][0-9]*$ && "${SUDO_GID:-}" =~ ^[0-9]+$ ]]; then
  sudo_owner="$SUDO_UID:$SUDO_GID"
fi

# --- secrets/ ----------------------------------------------------------------------------
if [[ ! -d "$secrets_dir" ]]; then
  mkdir -m 700 -- "$secrets_dir"
  [[ -z "$sudo_owner" ]] || chown "$sudo_owner" -- "$secrets_dir"
elif [[ "$(stat -c %a -- "$secrets_dir")" != 700 ]]; then
  chmod 700 -- "$secrets_dir"
fi

created=()
kept=()

# Moves a finished temporary file into place with the secret permissions.
install_secret() { # temp file, final name
  if $as_root; then
    chmod 600 -- "$1"
    chown "$CONTAINER_UID:$CONTAINER_GID" -- "$1"
  else
    chmod 644 -- "$1"
  fi
  mv -f -- "$1" "$secrets_dir/$2"
  created+=("created secrets/$2")
}

new_temp() { # name
  (umask 077 && mktemp "$secrets_dir/.$1.XXXXXX")
}

secret_file() { # name, command that prints the content (empty command = empty file)
  local name="$1" tmp
  shift
  if [[ -e "$secrets_dir/$name" ]]; then
    kept+=("kept    secrets/$name")
    return
  fi
  tmp="$(new_temp "$name")"
  if (($#)); then
    "$@" >"$tmp"
  fi
  install_secret "$tmp" "$name"
}

random_hex() { openssl rand -hex 32; }

jwt_private="$secrets_dir/jwt_private_key"
jwt_public="$secrets_dir/jwt_public_key"
if [[ -e "$jwt_public" && ! -e "$jwt_private" ]]; then
  die 1 "$dir/$jwt_public exists without $dir/$jwt_private: restore the private key, or remove the public key to make a new pair (signed-in sessions end)"
fi
if [[ -e "$jwt_private" ]]; then
  kept+=("kept    secrets/jwt_private_key")
else
  tmp="$(new_temp jwt_private_key)"
  openssl genpkey -algorithm ed25519 -out "$tmp" 2>/dev/null
  install_secret "$tmp" jwt_private_key
fi
if [[ -e "$jwt_public" ]]; then
  kept+=("kept    secrets/jwt_public_key")
else
  tmp="$(new_temp jwt_public_key)"
  openssl pkey -in "$jwt_private" -pubout -out "$tmp"
  install_secret "$tmp" jwt_public_key
fi
secret_file updater_token random_hex
secret_file smtp_password
secret_file registry_creds

# --- .env ----------------------------------------------------------------------------
env_template() {
  cat <<EOF
# Chatalot for Docker Compose: read by docker-compose.yml and docker-compose.sqlite.yml.
# Written by setup.sh; running it again never changes a value, it only adds missing keys.
# Every server variable is described in docs/configuration.md and .env.example;
# docs/docker.md covers this deployment. Empty values count as unset.

# --- Compose: the project name, which prefixes the volumes (chatalot_data,
# chatalot_postgres_data, chatalot_turn_certs).
COMPOSE_PROJECT_NAME=chatalot
# Image and tag to run (default ghcr.io/chatalot/chatalot:latest), host port of the
# web client and API (default 8080).
# CHATALOT_IMAGE=ghcr.io/chatalot/chatalot
# CHATALOT_VERSION=latest
# CHATALOT_PORT=8080

# --- Database: the PostgreSQL password. docker-compose.yml builds DATABASE_URL from it
# (postgres://chatalot:DB_PASSWORD@postgres:5432/chatalot); DATABASE_URL set here is
# not used. PostgreSQL keeps the password it was first started with: changing it here
# alone locks the server out. Not used by docker-compose.sqlite.yml.
DB_PASSWORD=$1
# Seconds the server waits for PostgreSQL to accept connections at start-up.
# DB_WAIT_TIMEOUT=60

# --- JWT signing keys: Ed25519 PEM files secrets/jwt_private_key (PKCS#8) and
# secrets/jwt_public_key (SPKI), mounted at /run/secrets/jwt_private_key and
# /run/secrets/jwt_public_key. Replacing them ends every signed-in session.

# --- TOTP encryption key: 32 bytes as 64 hex digits (generate with: openssl rand -hex 32)
# Required. Encrypts TOTP (2FA) secrets at rest: keep it, or 2FA codes can no longer be
# checked. (docker-compose.sqlite.yml keeps its own in the data volume instead.)
TOTP_ENCRYPTION_KEY=$2

# --- Server
RUST_LOG=chatalot_server=info,tower_http=info
# Proxies whose X-Forwarded-For is believed (IPs or CIDR ranges, comma-separated).
# Default: none. Behind the Cloudflare tunnel or a reverse proxy container, trust the
# Docker networks, e.g. TRUSTED_PROXIES=172.16.0.0/12
# TRUSTED_PROXIES=

# --- Public URL (absolute http(s) URL). Shown in the start-up banner and used by the
# web client for invite links.
PUBLIC_URL=$3

# --- Files: the largest upload (1-1048576 MB) and each user's quota in MB (0 = unlimited).
MAX_FILE_SIZE_MB=100
UPLOAD_QUOTA_MB=500

# --- Registration: open, invite_only or closed
REGISTRATION_MODE=invite_only
# Username granted instance admin at start-up (and when it registers).
ADMIN_USERNAME=
# Who can create communities: anyone or admin_only
COMMUNITY_CREATION_MODE=admin_only

# --- OIDC / SSO: on when issuer, client ID and secret are all set (else off).
# OIDC_REDIRECT_URI default: PUBLIC_URL/auth/oidc/callback.
# OIDC_DISABLE_PASSWORD_LOGIN=true (with SSO on): people sign in only with SSO.
OIDC_ISSUER_URL=
OIDC_CLIENT_ID=
OIDC_CLIENT_SECRET=
OIDC_REDIRECT_URI=
OIDC_DISABLE_PASSWORD_LOGIN=false

# --- Web push (optional; both keys or push is off). Generate a pair with
#   npx web-push generate-vapid-keys
VAPID_PRIVATE_KEY=
VAPID_PUBLIC_KEY=

# --- Outgoing email / SMTP: on only when SMTP_HOST and EMAIL_FROM are both set.
# The password goes in secrets/smtp_password (mounted at /run/secrets/smtp_password)
# or in SMTP_PASSWORD. SMTP_TLS=true requires STARTTLS with a verified certificate.
# SMTP_HOST=smtp.example.com
# SMTP_PORT=587
# SMTP_USERNAME=noreply@example.com
# SMTP_PASSWORD=
# SMTP_TLS=true
# EMAIL_FROM=noreply@example.com
# EMAIL_FROM_NAME=Chatalot

# --- Voice/video TURN relay: the \`turn\` compose profile runs coturn with this shared
# secret (required by the compose files, also without the profile). To hand out TURN
# credentials, also set TURN_URLS and TURN_EXTERNAL_IP (until then the server warns that
# calls get no TURN relay) and open the ports (docs/docker.md).
TURN_AUTH_SECRET=$4
# TURN_URLS=turns:$5:5349,turn:$5:3478
# TURN_EXTERNAL_IP=
# TURN_CREDENTIAL_TTL_SECS=3600
# TURN_LISTENING_PORT=3478
# TURN_TLS_PORT=5349
# ICE_SERVERS= # deprecated JSON array of {urls, username?, credential?}

# --- Cloudflare Tunnel: the token of a named tunnel, for the \`tunnel\` profile.
CLOUDFLARE_TUNNEL_TOKEN=

# --- GIF search: set to turn on the composer's GIF picker (the key stays on the server).
GIPHY_API_KEY=

# --- Feedback as GitHub issues: all three set (a fine-grained token with Issues: write).
# GITHUB_API_TOKEN=
# GITHUB_REPO_OWNER=
# GITHUB_REPO_NAME=

# --- Updater sidecar (\`updater\` profile): where it looks for new releases, how long
# a new version may take to turn healthy before it is rolled back (default 180 s), how
# often the feed is checked (default 21600 s). Registry credentials: secrets/registry_creds.
# UPDATE_FEED_URL=
# HEALTH_TIMEOUT_SECS=180
# UPDATE_CHECK_INTERVAL_SECS=21600
EOF
}

url_host() { # host of an http(s) URL, without port
  local host="${1#*://}"
  host="${host%%[/?#]*}"
  if [[ "$host" == \[* ]]; then host="${host%%\]*}]"; else host="${host%%:*}"; fi
  printf '%s' "$host"
}

if [[ ! -e "$env_file" ]]; then
  tmp="$(umask 077 && mktemp .env.XXXXXX)"
  env_template "$(random_hex)" "$(random_hex)" "$public_url" "$(random_hex)" \
    "$(url_host "$public_url")" >"$tmp"
  [[ -z "$sudo_owner" ]] || chown "$sudo_owner" -- "$tmp"
  mv -f -- "$tmp" "$env_file"
  created+=("created .env")
else
  additions="" added_keys=""
  add() { additions+="$1"$'\n'; added_keys+=" ${1%%=*}"; }
  env_has COMPOSE_PROJECT_NAME || add "COMPOSE_PROJECT_NAME=chatalot"
  if ! env_has DB_PASSWORD; then
    add "DB_PASSWORD=$(random_hex)"
    echo "note: added DB_PASSWORD to .env; an existing PostgreSQL volume keeps its old password"
  fi
  if ! env_has TOTP_ENCRYPTION_KEY; then
    add "TOTP_ENCRYPTION_KEY=$(random_hex)"
    echo "note: added TOTP_ENCRYPTION_KEY to .env; 2FA set up under another key stops working"
  fi
  env_has TURN_AUTH_SECRET || add "TURN_AUTH_SECRET=$(random_hex)"
  $need_url && add "PUBLIC_URL=$public_url"
  if [[ -n "$additions" ]]; then
    # Keep the last line intact when the file lacks a final newline.
    separator=$'\n'
    [[ -n "$(tail -c 1 -- "$env_file")" ]] && separator=$'\n\n'
    printf '%s# --- added by setup.sh (see docs/docker.md)\n%s' "$separator" "$additions" \
      >>"$env_file"
    created+=("updated .env (added${added_keys})")
  else
    kept+=("kept    .env")
  fi
fi

# --- summary (names only, never values) ----------------------------------------------
echo "Chatalot setup in $dir"
for item in ${created[@]+"${created[@]}"} ${kept[@]+"${kept[@]}"}; do echo "  $item"; done
if ((${#created[@]})) && ! $as_root; then
  cat <<EOF
note: not running as root, so the new secret files are readable by everyone who can
      enter $dir/secrets (mode 700: only you and root). The container reads them as
      uid $CONTAINER_UID. For mode 600 instead, run:
        sudo chown $CONTAINER_UID:$CONTAINER_GID $dir/secrets/* && sudo chmod 600 $dir/secrets/*
EOF
fi
if ((${#created[@]})); then
  cat <<EOF
Next: review $dir/.env, then
  cd $dir && docker compose up -d            (PostgreSQL)
  cd $dir && docker compose -f docker-compose.sqlite.yml up -d   (SQLite, smallest hosts)
EOF
fi
