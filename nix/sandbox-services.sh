# shellcheck shell=bash
# Throw-away PostgreSQL and Redis for the tests, on unix sockets only (no TCP port to collide on,
# none needed: the Nix build sandbox has no network), all state in one directory.
#
#   source nix/sandbox-services.sh [DIR]     # DIR defaults to "$TMPDIR/bingo-services"
#   ... run the tests ...
#   bingo_sandbox_services_stop
#
# Exports exactly the variables the tests read (tests/nix/sandbox-env.sh checks the names
# against the Rust sources):
#   BINGO_TEST_PG     a libpq URL base, to which the tests append "/<database>"
#                     (crates/bingo-storage/tests/store/db.rs, crates/bingo-testkit/src/lib.rs):
#                     the socket directory is the host, percent-encoded ("%2Fbuild%2Fx"), a form
#                     libpq reads as a unix-socket directory and the URL parsers in between
#                     (diesel hands the URL to libpq; psql, pg_dump and pg_restore are libpq) keep.
#   BINGO_TEST_REDIS  unix:///DIR/redis.sock (crates/bingo-bus/tests/bus/main.rs, the testkit),
#                     a form the redis crate parses (redis-1.x src/connection.rs, "unix" scheme).
#   BINGO_TEST_PG_BIN_DIR  the directory of the pg_dump and pg_restore on PATH, which
#                     crates/bingo/tests/it/pg_tools.rs hands to `bingo backup --pg-bin-dir`
#                     (its own fallbacks look in Debian's /usr/lib/postgresql first).
#
# Sourced by nix/checks.nix (the nextest check's preCheck, as the build user of the sandbox) and
# by tests/nix/source-build.sh (the rehearsal of that check). Needs on PATH: initdb, pg_ctl,
# postgres, psql, pg_dump (PostgreSQL), redis-server, redis-cli (Redis) and coreutils.
# PostgreSQL refuses to run as root: source it as an ordinary user. Safe under
# `set -euo pipefail` (stdenv's setup.sh runs the phases so).

bingo_services_dir="${1:-${TMPDIR:-/tmp}/bingo-services}"

# Percent-encodes everything but RFC 3986's unreserved characters.
bingo_pct_encode() {
  local LC_ALL=C s="$1" out="" c i # C: one byte at a time
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

bingo_sandbox_services_start() {
  local dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  bingo_services_dir="$dir"
  # A unix socket's path is at most 107 bytes (sun_path); ".s.PGSQL.5432" is the longest name.
  if [ "${#dir}" -gt 90 ]; then
    echo "sandbox-services: $dir is too long for a unix socket path" >&2
    return 1
  fi
  if [ "$(id -u)" = 0 ]; then
    echo "sandbox-services: PostgreSQL does not run as root; source this as an ordinary user" >&2
    return 1
  fi

  initdb --pgdata="$dir/pg" --username=postgres --auth=trust --no-locale --encoding=UTF8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  # max_connections: every test opens a pool of its own (and the servers it starts, theirs), and
  # nextest runs one test per CPU the builder has.
  pg_ctl --pgdata="$dir/pg" --wait --timeout=60 --log="$dir/pg.log" \
    --options="-c listen_addresses='' -c unix_socket_directories='$dir' -c port=5432 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/pg.log" >&2; return 1; }

  redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --dir "$dir" \
    --save "" --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --maxclients 4000
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(redis-cli -s "$dir/redis.sock" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done
  [ "$(redis-cli -s "$dir/redis.sock" ping 2>/dev/null)" = PONG ] || {
    cat "$dir/redis.log" >&2
    return 1
  }

  local host
  host="$(bingo_pct_encode "$dir")"
  export BINGO_TEST_PG="postgres://postgres@$host:5432"
  export BINGO_TEST_REDIS="unix://$dir/redis.sock"
  local pg_dump
  pg_dump="$(command -v pg_dump)" || { echo "sandbox-services: no pg_dump on PATH" >&2; return 1; }
  pg_dump="$(readlink -f "$pg_dump")"
  export BINGO_TEST_PG_BIN_DIR="${pg_dump%/*}"
  # Both answer through exactly the URLs the tests get.
  psql "$BINGO_TEST_PG/postgres" -v ON_ERROR_STOP=1 -Atqc 'select 1' >/dev/null
  echo "sandbox-services: PostgreSQL and Redis on unix sockets in $dir"
  echo "sandbox-services: BINGO_TEST_PG=$BINGO_TEST_PG BINGO_TEST_REDIS=$BINGO_TEST_REDIS BINGO_TEST_PG_BIN_DIR=$BINGO_TEST_PG_BIN_DIR"
}

bingo_sandbox_services_stop() {
  local dir="$bingo_services_dir"
  pg_ctl --pgdata="$dir/pg" --wait --mode=fast stop >/dev/null 2>&1 || true
  redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true
}

bingo_sandbox_services_start "$bingo_services_dir"
