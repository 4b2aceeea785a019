#!/usr/bin/env bash
# Creates coturn's self-signed TLS certificate on first boot and keeps it afterwards
# (the `turn-certs` service of the `turn` compose profile; in the image as
# /usr/local/bin/chatalot-turn-certs).
#
#   CERT_DIR      folder for turn.crt and turn.key (default /certs)
#   CERT_OWNER    uid:gid that must own the key, e.g. coturn's 65534:65534 (default:
#                 leave ownership as created; needs root when set)
#   TURN_CERT_CN  the certificate's common name (default chatalot-turn)
#   TURN_CERT_DAYS validity in days (default 3650)
#
# Idempotent: when both files exist nothing is touched. A half pair (one file missing)
# is replaced. To rotate, delete both files (or the chatalot_turn_certs volume).
set -euo pipefail

cert_dir="${CERT_DIR:-/certs}"
cert="$cert_dir/turn.crt"
key="$cert_dir/turn.key"
cn="${TURN_CERT_CN:-chatalot-turn}"
days="${TURN_CERT_DAYS:-3650}"

if [[ -s "$cert" && -s "$key" ]]; then
  echo "turn-certs: keeping the existing certificate in $cert_dir"
  exit 0
fi
if [[ ! "$days" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: TURN_CERT_DAYS: \"$days\" is not a whole number of days" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "error: openssl is required" >&2; exit 1; }

san="DNS:$cn"
[[ "$cn" =~ ^[0-9.]+$ || "$cn" == *:* ]] && san="IP:$cn"

mkdir -p -- "$cert_dir"
tmp="$(mktemp -d "$cert_dir/.turn-certs.XXXXXX")"
trap 'rm -rf -- "$tmp"' EXIT
(
  umask 077
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days "$days" -subj "/CN=$cn" -addext "subjectAltName=$san" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$tmp/turn.key" -out "$tmp/turn.crt" 2>"$tmp/openssl.log" \
    || { cat "$tmp/openssl.log" >&2; exit 1; }
)
chmod 0644 "$tmp/turn.crt"
chmod 0640 "$tmp/turn.key"
if [[ -n "${CERT_OWNER:-}" ]]; then
  chown "$CERT_OWNER" "$tmp/turn.key" "$tmp/turn.crt"
fi
# The key first: a crash in between leaves a half pair, which the next run replaces.
mv -f -- "$tmp/turn.key" "$key"
mv -f -- "$tmp/turn.crt" "$cert"
echo "turn-certs: created a self-signed certificate for CN=$cn in $cert_dir (valid $days days)"
