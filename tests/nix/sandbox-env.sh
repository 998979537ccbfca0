#!/usr/bin/env bash
# The environment of the flake's nextest check against what the tests read:
#   1. the BINGO_TEST_* variables nix/sandbox-services.sh exports are exactly the ones the Rust
#      sources name (every "BINGO_TEST_..." string literal under crates/: env::var, var_os, consts);
#   2. nix/checks.nix exports none of its own, names none the tests do not read, and sources
#      nix/sandbox-services.sh in the nextest check's preCheck;
#   3. sourced for real (as an ordinary user: PostgreSQL refuses root), the script starts
#      PostgreSQL and Redis on unix sockets, exports exactly those variables, and the URLs work
#      the way the tests use them: psql on "$BINGO_TEST_PG/<database>" after CREATE DATABASE,
#      Redis through the socket of BINGO_TEST_REDIS, pg_dump in BINGO_TEST_PG_BIN_DIR.
# Needs PostgreSQL's server tools (initdb, pg_ctl: PATH or Debian's /usr/lib/postgresql/*/bin),
# psql, redis-server, redis-cli, and setpriv (util-linux) when run as root.
set -uo pipefail

# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" sandbox-env
cd "$repo" || exit 1
chmod 755 "$work"
stop_services() { # if a failed check left them running
  if [ -n "${services:-}" ] && [ -d "$services" ]; then
    as_build_user env PATH="${pgbin:+$pgbin:}/usr/bin:/bin" pg_ctl --pgdata="$services/pg" --mode=immediate stop >/dev/null 2>&1
    redis-cli -s "$services/redis.sock" shutdown nosave >/dev/null 2>&1
  fi
}
trap 'stop_services; cleanup' EXIT
words() { printf '%s' "$1" | tr '\n' ' '; }

# 1. and 2.: names.
read_names="$(grep -rhoE '"BINGO_TEST_[A-Z0-9_]+"' --include='*.rs' crates | tr -d '"' | sort -u)"
exported="$(grep -oE '^[[:space:]]*export[[:space:]]+BINGO_TEST_[A-Z0-9_]+' nix/sandbox-services.sh |
  grep -oE 'BINGO_TEST_[A-Z0-9_]+' | sort -u)"
if [ -z "$read_names" ]; then
  bad "the Rust sources name no BINGO_TEST_* variable (the grep is broken?)"
elif [ "$read_names" = "$exported" ]; then
  ok "nix/sandbox-services.sh exports exactly what the tests read: $(words "$read_names")"
else
  bad "exported by nix/sandbox-services.sh ($(words "$exported")) != read by the tests ($(words "$read_names"))"
  diff <(echo "$read_names") <(echo "$exported") | sed 's/^/       /'
fi

if grep -nE 'export[[:space:]]+BINGO_' nix/checks.nix; then
  bad "nix/checks.nix exports variables itself (nix/sandbox-services.sh does)"
else
  ok "nix/checks.nix exports no variable of its own"
fi
unknown="$(grep -oE 'BINGO_TEST_[A-Z0-9_]+' nix/checks.nix nix/sandbox-services.sh | cut -d: -f2 | sort -u |
  comm -23 - <(echo "$read_names"))"
if [ -z "$unknown" ]; then
  ok "nix/checks.nix and nix/sandbox-services.sh name no variable the tests do not read"
else
  bad "named in nix/ but read by no test: $(words "$unknown")"
fi
if grep -qE 'source \$\{\./sandbox-services\.sh\}' nix/checks.nix && grep -q 'bingo_sandbox_services_stop' nix/checks.nix; then
  ok "nix/checks.nix sources nix/sandbox-services.sh (preCheck) and stops the services (postCheck)"
else
  bad "nix/checks.nix does not source \${./sandbox-services.sh} / call bingo_sandbox_services_stop"
fi

# 3.: for real.
# The directory of PostgreSQL's server tools (on PATH, or Debian's newest).
if command -v initdb >/dev/null; then
  pgbin="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
fi
for t in initdb pg_ctl postgres psql pg_dump redis-server redis-cli; do
  if ! PATH="${pgbin:+$pgbin:}$PATH" command -v "$t" >/dev/null; then
    bad "required tool '$t' is not installed (PostgreSQL server and Redis)"
    stop
  fi
done
if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null; then
  bad "setpriv (util-linux) is needed to run PostgreSQL as nobody"
  stop
fi

services="$work/services"
mkdir -p "$services" "$work/tmp"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$services" "$work/tmp"
# Only the script's PATH and a TMPDIR: what it exports is what it made.
if out="$(as_build_user env -i PATH="${pgbin:+$pgbin:}/usr/bin:/bin" HOME=/homeless-shelter TMPDIR="$work/tmp" \
  bash -euo pipefail -c '
    source "$1" "$2"
    env | grep -oE "^BINGO_TEST_[A-Z0-9_]+=" | tr -d = | sort -u > "$TMPDIR/names"
    db="bingo_env_check_$$"
    psql "$BINGO_TEST_PG/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
    [ "$(psql "$BINGO_TEST_PG/$db" -Atc "select current_database()")" = "$db" ]
    psql "$BINGO_TEST_PG/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE $db"
    case "$BINGO_TEST_REDIS" in unix://*) ;; *) echo "not a unix:// URL: $BINGO_TEST_REDIS"; exit 1 ;; esac
    [ "$(redis-cli -s "${BINGO_TEST_REDIS#unix://}" ping)" = PONG ]
    [ -x "$BINGO_TEST_PG_BIN_DIR/pg_dump" ] && [ -x "$BINGO_TEST_PG_BIN_DIR/pg_restore" ]
    bingo_sandbox_services_stop
    ! [ -S "${BINGO_TEST_REDIS#unix://}" ]
  ' _ "$repo/nix/sandbox-services.sh" "$services" 2>&1)"; then
  ok "nix/sandbox-services.sh starts PostgreSQL and Redis on unix sockets; the URLs work as the tests use them"
else
  bad "nix/sandbox-services.sh, sourced as the sandbox would"
  printf '%s\n' "$out" | sed 's/^/       /' | tail -n 40
fi
if [ -f "$work/tmp/names" ] && [ "$(cat "$work/tmp/names")" = "$read_names" ]; then
  ok "sourced, it sets exactly the BINGO_TEST_* variables the tests read"
else
  bad "sourced, it sets $(words "$(cat "$work/tmp/names" 2>/dev/null)") (the tests read $(words "$read_names"))"
fi

finish
