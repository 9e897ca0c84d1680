#!/usr/bin/env bash
# Starts the private PostgreSQL server that the Postgres store's tests use, unless it already runs,
# and prints its admin URL on the last line (tests create a database of their own per suite through
# it: test/support/postgres.ts). The server is Debian's PostgreSQL (.ci/run installs the package),
# bound to 127.0.0.1 only, with password (SCRAM) authentication over TCP. Its files live in
# $PORTICO_PG_ROOT (default /tmp/portico-postgres): test data only, gone with the machine.
set -euo pipefail

ROOT="${PORTICO_PG_ROOT:-/tmp/portico-postgres}"
DATA="$ROOT/data"
URL_FILE="$ROOT/url"

find_bindir() {
  local dir
  for dir in "${PORTICO_PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}
BIN="$(find_bindir)" || { echo "PostgreSQL server binaries not found (install Debian's postgresql package, or set PORTICO_PG_BINDIR)" >&2; exit 1; }

# initdb and postgres refuse to run as root; as root they run as Debian's postgres user.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
  [[ -f "$URL_FILE" && -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

if running; then
  tail -n1 "$URL_FILE"
  exit 0
fi

mkdir -p "$ROOT"
if [[ "$(id -u)" == 0 ]]; then chown postgres: "$ROOT"; fi
chmod 700 "$ROOT"

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  pwfile="$ROOT/pwfile"
  printf '%s\n' "$password" > "$pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$pwfile"; fi
  as_owner "$BIN/initdb" -D "$DATA" -U portico --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
  rm -f "$pwfile"
  printf '%s\n' "$password" > "$ROOT/password"
  chmod 600 "$ROOT/password"
fi

# A port below the kernel's ephemeral range (outgoing connections never take it) that is free now.
port=""
for candidate in 15432 15433 15434 15435 15436 15437 15438 15439; do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port="$candidate"; break; fi
done
[[ -n "$port" ]] || { echo "no free port for PostgreSQL in 15432-15439" >&2; exit 1; }

mkdir -p "$ROOT/socket"
if [[ "$(id -u)" == 0 ]]; then chown postgres: "$ROOT/socket"; fi
as_owner "$BIN/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$ROOT/socket -c max_connections=400 -c fsync=on" start >/dev/null

password="$(cat "$ROOT/password")"
echo "postgres://portico:$password@127.0.0.1:$port/postgres" > "$URL_FILE"
chmod 600 "$URL_FILE"
tail -n1 "$URL_FILE"
