#!/usr/bin/env bash
# Checks that server/code-layout.txt still names the functions of the release server
# that the README's run command built (server/build.rs places them together). A change
# to the serving path renames some of them (closures are numbered, generic code is
# named after its types); the ones missing are placed with the rest, so a stale list
# costs memory, not correctness: with 91 % of the names present an idle server kept
# 17.0 MiB (goal 15, docs/performance.md). Fails below 97 %: run
# scripts/code-layout.sh to remake the list. Used by scripts/test.sh after the run
# command, which builds the server on its own as the list expects.
set -euo pipefail
cd "$(dirname "$0")/.."

# server/build.rs applies the list to x86-64 Linux builds only.
if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
  echo "code layout: check SKIPPED: the list applies to x86-64 Linux builds only" >&2
  exit 0
fi

bin="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}/release/chatalot-server"
[[ -x "$bin" ]] || { echo "code layout: $bin is not built (scripts/run.sh builds it)" >&2; exit 1; }
command -v nm >/dev/null || { echo "code layout: nm (binutils) is needed" >&2; exit 1; }

listed="$(sort -u server/code-layout.txt | wc -l)"
present="$(comm -12 <(sort -u server/code-layout.txt) \
  <(nm --defined-only "$bin" | awk '{print $3}' | sort -u) | wc -l)"
echo "code layout: $present of the $listed functions listed are in $bin"
if (( present * 100 < listed * 97 )); then
  echo "code layout: fewer than 97 % of the listed functions are in the release server;" \
    "run scripts/code-layout.sh to remake server/code-layout.txt" >&2
  exit 1
fi
