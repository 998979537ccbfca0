# Throw-away PostgreSQL clusters for the rehearsals: each in $work/NAME, owned by the postgres
# user, reachable only on its own Unix socket in that directory (no TCP at all), trust
# authentication (the socket directory is the only way in). Stopped (immediate) by pg_stop_all,
# which the rehearsal calls from its EXIT trap before lib.sh's teardown removes $work.
#
# Usage (after tests/rehearsal/lib.sh):   . tests/rehearsal/pg.sh
#   pg_new NAME          initdb + start; role bingo (CREATEDB, as the module grants) and database bingo
#   pg_url NAME          the BINGO_DATABASE_URL of database bingo as role bingo
#   pg_start NAME / pg_stop NAME        the fault: the database becomes unreachable, then comes back
#   pg_sql NAME SQL      run SQL as the superuser (database bingo)
#   $pg_bin              Debian's /usr/lib/postgresql/<newest>/bin (BINGO_PG_BIN_DIR)
# shellcheck shell=bash
# shellcheck disable=SC2154 # $work and skip come from tests/rehearsal/lib.sh

pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  bad "needs PostgreSQL's server binaries (Debian: postgresql)"; finish; exit 1
fi
id postgres >/dev/null 2>&1 || { bad "needs the postgres user (Debian: postgresql)"; finish; exit 1; }
pg_clusters=()

# The postgres user must reach its directories below $work (mktemp -d made it 0700).
chmod 0711 "$work"

as_postgres() { setpriv --reuid postgres --regid postgres --init-groups --reset-env -- "$@"; }

pg_new() {
  local dir="$work/$1"
  install -d -o postgres -g postgres -m 0700 "$dir"
  as_postgres "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log"; return 1; }
  pg_clusters+=("$1")
  pg_start "$1" || return 1
  pg_sql "$1" "CREATE ROLE bingo LOGIN CREATEDB" postgres >/dev/null &&
    pg_sql "$1" "CREATE DATABASE bingo OWNER bingo" postgres >/dev/null
}

pg_start() {
  local dir="$work/$1"
  as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-k $dir -c listen_addresses='' -c fsync=off" start >/dev/null
}

pg_stop() { as_postgres "$pg_bin/pg_ctl" -D "$work/$1/data" -m fast -w -t 30 stop >/dev/null; }

pg_url() { echo "postgres:///bingo?host=$work/$1&user=bingo"; }

pg_sql() { # pg_sql NAME SQL [DATABASE]
  as_postgres "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$work/$1" -U postgres -d "${3:-bingo}" -c "$2"
}

pg_stop_all() {
  local c
  for c in "${pg_clusters[@]}"; do
    as_postgres "$pg_bin/pg_ctl" -D "$work/$c/data" -m immediate -w -t 10 stop >/dev/null 2>&1
  done
}
