#!/usr/bin/env bash
# Remakes server/code-layout.txt: the server's functions that run while clients
# connect, read history, send, type, change presence and idle, which release builds
# place together (server/build.rs). It runs the load generator's `idle`, `mixed` and
# `history --older` scenarios (small, on SQLite and PostgreSQL) against the release
# server under valgrind's callgrind, which records every function that runs;
# start-up's are left out, as the server unmaps start-up's code once it serves. Run it after changing the serving path:
# functions missing from the list are placed with the rest, so a stale list costs
# memory, not correctness. Needs valgrind (apt-get install -y valgrind) and, for
# PostgreSQL, BENCH_DATABASE_URL as the load generator takes it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chatalot/target}"
command -v valgrind >/dev/null || { echo "error: valgrind is needed" >&2; exit 1; }

# Each on its own, as scripts/run.sh and the Docker image build the server: built
# together, Cargo may enable more features of the crates they share, which changes
# the names of those crates' functions, and the list would not match.
cargo build --release --locked -p chatalot-server
cargo build --release --locked -p chatalot-loadgen
release="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The load generator starts this in place of the server: the server under callgrind,
# its counts dumped once it prints that it listens (start-up) and at exit (the rest).
cat >"$work/server" <<WRAPPER
#!/usr/bin/env bash
exec valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/callgrind.%p" \\
  "$release/chatalot-server" "\$@" > >(
    while IFS= read -r line; do
      printf '%s\n' "\$line"
      [[ "\$line" == "Chatalot is listening on "* ]] && callgrind_control --dump "\$\$" >/dev/null
    done
  )
WRAPPER
chmod +x "$work/server"

# Under callgrind the server runs some fifty times slower: the scenarios' own
# latency checks may fail, but every request they make still ran.
for backend in sqlite postgres; do
  loadgen() { "$release/chatalot-loadgen" --server-bin "$work/server" --backend "$backend" "$@" || true; }
  loadgen idle --connections 20
  loadgen mixed --users 30 --watchers 5 --messages-per-s 2 --typing-per-s 2 \
    --presence-per-s 2 --reads-per-s 5 --seconds 10
  loadgen history --messages 1000 --clients 2 --seconds 3 --older
done

python3 scripts/code-layout-symbols.py "$work" >"$work/code-layout.txt"
mv "$work/code-layout.txt" server/code-layout.txt
echo "server/code-layout.txt: $(wc -l <server/code-layout.txt) functions"
