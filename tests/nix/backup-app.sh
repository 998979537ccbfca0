#!/usr/bin/env bash
# Tests nix/backup-app.sh (`nix run .#backup`) with stand-ins for systemctl, id and bingo on
# PATH: on a services.bingo host it runs the backup unit and names the database, the file and
# the status; it refuses arguments there and asks for root; elsewhere it backs up ./data's
# SQLite (or BINGO_DATABASE_URL) with `bingo backup` and says so.
set -uo pipefail
# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" backup-app

app="$repo/nix/backup-app.sh"
bin="$work/bin"
mkdir -p "$bin" "$work/backups"
# A host with the module: `systemctl cat` finds the unit; `start --wait` writes a backup set.
# (#! by absolute path: the Nix build sandbox, which runs this too, has no /usr/bin/env.)
cat > "$bin/systemctl" <<STUB
#!$(command -v bash)
case "\$1" in
  cat) [ -e "$work/has-unit" ] ;;
  show) echo "BINGO_DATA_DIR=/var/lib/bingo BINGO_BACKUP_DIR=$work/backups BINGO_BACKUP_STATUS_FILE=$work/status BINGO_DATABASE_URL=postgres:///bingo?host=/run/postgresql" ;;
  start) echo "\$*" > "$work/started"
    [ -e "$work/unit-fails" ] && { echo "x FAILED: the backup did not complete (exit-code)" > "$work/status"; exit 1; }
    touch "$work/backups/bingo-20261205T120000Z.pgdump.manifest.json"
    echo "2026-12-05T12:00:01Z ok: bingo-20261205T120000Z.pgdump copied to the backup stick /dev/sdb1 (BINGOBACKUP)" > "$work/status" ;;
esac
STUB
# shellcheck disable=SC2016 # expanded by the stand-in
printf '#!/bin/sh\necho "${FAKE_UID:-0}"\n' > "$bin/id"
printf '#!/bin/sh\necho "bingo $*" > %s/bingo-args\n' "$work" > "$bin/bingo"
chmod +x "$bin"/*
run() { PATH="$bin:$PATH" bash "$app" "$@" > "$work/out" 2>&1; }
says() { grep -q -- "$1" "$work/out" || { sed 's/^/       /' "$work/out"; return 1; }; }

touch "$work/has-unit"
run
assert "services.bingo host: runs the backup unit and waits for it" grep -q "start --wait bingo-backup.service" "$work/started"
assert "services.bingo host: names the database it backed up" says "Backing up this host's PostgreSQL database"
assert "services.bingo host: names the file" says "Backed up to: $work/backups/bingo-20261205T120000Z.pgdump"
assert "services.bingo host: shows the status (stick copy)" says "Status: .*copied to the backup stick"
run --dir /tmp/x
assert "services.bingo host: arguments refused (exit 2), not silently applied to ./data" test "$?" = 2
FAKE_UID=1000 run
assert "services.bingo host, not root: asks for sudo (exit 1)" sh -c "grep -q 'sudo nix run .#backup' '$work/out'"
touch "$work/unit-fails"
run
rc=$?
assert "services.bingo host: a failed backup exits 1 with the status and where to look" \
  sh -c "[ $rc = 1 ] && grep -q 'FAILED' '$work/out' && grep -q 'journalctl -u bingo-backup.service' '$work/out'"

rm "$work/has-unit"
run
assert "no service: says it backs up the embedded SQLite database in ./data" says "embedded SQLite database in ./data"
assert "no service: bingo backup --dir ./backups" grep -qx "bingo backup --dir ./backups" "$work/bingo-args"
BINGO_DATABASE_URL=postgres:///x run --dir /tmp/b
assert "no service, BINGO_DATABASE_URL: says so, passes the arguments" \
  sh -c "grep -q 'PostgreSQL database of BINGO_DATABASE_URL' '$work/out' && grep -qx 'bingo backup --dir /tmp/b' '$work/bingo-args'"
finish
