#!/usr/bin/env bash
# The backup drill: back up a live game's PostgreSQL database with the very command line the
# NixOS backup unit runs, then restore it on a fresh box and play on there.
#
#   1. "box" (198.51.100.1) runs `bingo serve` on its own PostgreSQL (a throw-away cluster,
#      tests/rehearsal/pg.sh). A caller on the LAN (198.51.100.9) plays: two players join, balls
#      are drawn, a claim is accepted (tests/rehearsal/game.py).
#   2. While balls are still being drawn, the unit's ExecStart, rendered from
#      modules/bingo/backup-command.nix exactly as modules/bingo/backup.nix renders it (with
#      bingo = target/debug/bingo), runs with the unit's environment (database URL,
#      BINGO_PG_BIN_DIR, BINGO_BACKUP_METRICS_FILE; an empty PATH: the tools come from
#      BINGO_PG_BIN_DIR), then modules/bingo/backup-report.sh as the unit's ExecStopPost does.
#      Checked: exit 0, the dump with its manifest and checksums (sha256sum -c), the metrics file
#      (promtool check metrics), the status line "ok: <dump> in <dir>".
#   3. The same command against an unreachable database: it fails, leaves no new file, and the
#      report says FAILED.
#   4. A fresh box (198.51.100.3, a new namespace with a NEW empty database, migrated as its
#      bingo-migrate unit would at boot) gets the three files. `bingo restore FILE --yes` refuses
#      while its server runs; with the server stopped it restores. Its server starts and the game
#      continues: the events are the original's (same seq and hashes) up to the backup, every
#      ball called before the backup and the accepted claim are there, both players' tokens still
#      open their cards, and the next draw continues the sequence (the seeded draw order: the
#      very ball the original box drew next, seq and hash chain continuing).
#
# Needs root (network namespaces), Debian's postgresql (server binaries and the postgres user),
# nix-instantiate, python3, curl; promtool optional. SKIPPED only without root.
# Usage: bash tests/rehearsal/backup.sh   (BINGO_BIN=/path/to/bingo, default target/debug/bingo)
set -uo pipefail
REHEARSAL_LIMIT=300   # seconds; lib.sh bounds the run
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/rehearsal/lib.sh
. "$here/lib.sh" backup
# shellcheck source=tests/rehearsal/pg.sh
. "$here/pg.sh"
# (stderr closed: no "Killed" job notices after the closing line)
trap 'exec 2>/dev/null; pg_stop_all; teardown' EXIT

bingo="${BINGO_BIN:-$repo/target/debug/bingo}"
for t in "$bingo" nix-instantiate python3 curl setpriv sha256sum timeout; do
  command -v "$t" >/dev/null || { bad "needs $t"; finish; exit 1; }
done
game=(timeout 120 python3 "$here/game.py")

passfile="$work/admin-passphrase"
printf '%s\n' "rehearsal-passphrase-$$" >"$passfile"
pass="$(cat "$passfile")"
mkdir -p "$work/box" "$work/box2/incoming" "$work/nopath"

host_add box 198.51.100.1
host_add box2 198.51.100.3
host_add caller 198.51.100.9

# The environment of every bingo unit (modules/bingo/common.nix, local PostgreSQL), here with the
# throw-away cluster's socket and Debian's PostgreSQL binaries.
unit_env() { # unit_env HOST PGCLUSTER
  echo "BINGO_DATA_DIR=$work/$1/state"
  echo "BINGO_PUBLIC_URL=http://bingo.local"
  echo "BINGO_LOG_FORMAT=json"
  echo "BINGO_LOG_LEVEL=info"
  echo "BINGO_BACKUP_DIR=$work/$1/backup"
  echo "BINGO_BACKUP_RETENTION_DAYS=30"
  echo "BINGO_PG_BIN_DIR=$pg_bin"
  echo "BINGO_DATABASE_URL=$(pg_url "$2")"
  echo "BINGO_ADMIN_PASSPHRASE_FILE=$passfile"
}
serve() { # serve HOST PGCLUSTER ADDRESS LOG
  local -a env
  mapfile -t env < <(unit_env "$1" "$2")
  start "$1" "$4" env -i PATH=/usr/bin:/bin "${env[@]}" BINGO_LISTEN="$3:8080" "$bingo" serve
  serve_pid="${pids[-1]}"
  wait_until 60 on caller curl -sf "http://$3:8080/ready"
}
stop_serve() { kill "$serve_pid" && wait "$serve_pid" 2>/dev/null; true; }

# --- 1. the box, a game in play ----------------------------------------------------------------
pg_new box || { bad "PostgreSQL for the box"; finish; exit 1; }
pg_new box2 || { bad "PostgreSQL for the fresh box"; finish; exit 1; }
mkdir -p "$work/box/state" "$work/box2/state"
if ! serve box box 198.51.100.1 "$work/box/bingo.log"; then
  bad "bingo serve on the box (PostgreSQL)"; tail -n 20 "$work/box/bingo.log"; finish; exit 1
fi
base=http://198.51.100.1:8080
assert "a game is played on the box: two players joined, a claim accepted" on caller "${game[@]}" play "$base" "$pass" "$work/state.json"
[ -s "$work/state.json" ] || { finish; exit 1; }
on caller "${game[@]}" snapshot "$base" "$pass" "$work/state.json" "$work/before.json"

# --- 2. the unit's command, while balls are being drawn ----------------------------------------
# Rendered as modules/bingo/backup.nix renders ExecStart, ExecStopPost's arguments and the
# command's own environment.
backup_dir="$work/box/backup"
nix-instantiate --eval --strict --json --expr "import $repo/modules/bingo/backup-command.nix {
  bingo = \"$bingo\"; dir = \"$backup_dir\"; retentionDays = 30;
  metricsFile = \"$work/box/state/bingo_backup.prom\"; statusFile = \"$work/box/status\"; }" >"$work/unit.json" ||
  { bad "render modules/bingo/backup-command.nix"; finish; exit 1; }
# ExecStart is split as systemd splits it (shell-like quoting), not run through a shell.
mapfile -d '' -t exec_start < <(python3 -c 'import json,shlex,sys; [print(a, end="\0") for a in shlex.split(json.load(open(sys.argv[1]))["command"])]' "$work/unit.json")
mapfile -d '' -t report_args < <(python3 -c 'import json,sys; [print(a, end="\0") for a in json.load(open(sys.argv[1]))["reportArgs"]]' "$work/unit.json")
mapfile -t cmd_env < <(python3 -c 'import json,sys; [print(f"{k}={v}") for k, v in json.load(open(sys.argv[1]))["environment"].items()]' "$work/unit.json")
echo "# ExecStart: ${exec_start[*]}"
echo "# ExecStopPost: backup-report.sh ${report_args[*]}"

run_unit() { # run_unit PGCLUSTER-or-URL OUT ERR: ExecStart with the unit's environment, PATH empty
  local -a env
  mapfile -t env < <(unit_env box "$1")
  on box env -i PATH="$work/nopath" "${env[@]}" "${cmd_env[@]}" \
    BINGO_BACKUP_STATUS_FILE="$work/box/status" "${exec_start[@]}" >"$2" 2>"$3"
}
report() { # report SERVICE_RESULT: ExecStopPost, as root, with systemd's SERVICE_RESULT
  on box env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SERVICE_RESULT="$1" bash "$repo/modules/bingo/backup-report.sh" "${report_args[@]}"
}

on caller "${game[@]}" draw "$base" "$pass" "$work/state.json" 12 0.25 >"$work/drawer.log" 2>&1 &
drawer=$!
sleep 1 # some balls are drawn before, during and after the dump
on caller "${game[@]}" snapshot "$base" "$pass" "$work/state.json" "$work/at-start.json"
run_unit box "$work/backup.out" "$work/backup.err"
rc=$?
wait "$drawer"
drawer_rc=$?
assert "balls were drawn while the backup ran (12 draws)" test "$drawer_rc" = 0
# And two after it, so that the original box certainly has balls the dump does not.
on caller "${game[@]}" draw "$base" "$pass" "$work/state.json" 2 0 >/dev/null
if [ "$rc" = 0 ]; then ok "the unit's command exits 0: $(tail -n 1 "$work/backup.out")"; else bad "the unit's command failed ($rc)"; tail -n 5 "$work/backup.err"; fi
dump="$(find "$backup_dir" -maxdepth 1 -name 'bingo-*.pgdump' | sort | tail -n 1)"
assert "a dump with its manifest and checksums: $(basename "${dump:-none}")" test -s "${dump:-/nonexistent}" -a -s "$dump.manifest.json" -a -s "$dump.sha256"
assert "sha256sum -c of the dump and manifest" sh -c "cd '$backup_dir' && sha256sum --quiet -c '$(basename "${dump:-x}").sha256'"
assert "metrics file: bingo_backup_last_success_timestamp_seconds" grep -q '^bingo_backup_last_success_timestamp_seconds ' "$work/box/state/bingo_backup.prom"
if command -v promtool >/dev/null; then
  assert "metrics file passes promtool check metrics" sh -c "promtool check metrics < '$work/box/state/bingo_backup.prom'"
fi
report success >/dev/null
status="$(cat "$work/box/status" 2>/dev/null)"
echo "# status: $status"
assert "ExecStopPost's status line: ok: <dump> in <dir>" grep -Eq "^[0-9T:-]+Z ok: $(basename "${dump:-x}") in $backup_dir\$" "$work/box/status"

# --- 3. the same command against an unreachable database --------------------------------------
files_before="$(find "$backup_dir" -maxdepth 1 -type f | sort)"
run_unit gone "$work/fail.out" "$work/fail.err"
rc=$?
assert "an unreachable database fails the command (exit $rc): $(grep -m1 '^error:' "$work/fail.err" | cut -c1-110)" \
  sh -c "[ $rc != 0 ] && grep -q '^error:' '$work/fail.err'"
assert "a failed backup leaves no new file and deletes nothing" test "$(find "$backup_dir" -maxdepth 1 -type f | sort)" = "$files_before"
report exit-code >/dev/null
assert "status line after a failure: FAILED" grep -q ' FAILED: the backup did not complete (exit-code)' "$work/box/status"

on caller "${game[@]}" snapshot "$base" "$pass" "$work/state.json" "$work/original.json"
stop_serve

# --- 4. a fresh box restores and plays on ------------------------------------------------------
cp "$dump" "$dump.manifest.json" "$dump.sha256" "$work/box2/incoming/"
file="$work/box2/incoming/$(basename "$dump")"
restore() {
  local -a env
  mapfile -t env < <(unit_env box2 box2)
  on box2 env -i PATH="$work/nopath" "${env[@]}" "$bingo" restore "$file" --yes
}
mig_env() { unit_env box2 box2; }
mapfile -t env2 < <(mig_env)
assert "the fresh box's database is migrated at boot (bingo migrate)" on box2 env -i PATH="$work/nopath" "${env2[@]}" "$bingo" migrate
if serve box2 box2 198.51.100.3 "$work/box2/bingo-boot.log"; then
  restore >"$work/restore-refused.out" 2>&1
  rc=$?
  assert "restore refuses while the fresh box's server runs (exit $rc): stop the bingo server first, nothing was changed" \
    sh -c "[ $rc != 0 ] && grep '^error:' '$work/restore-refused.out' | grep 'stop the bingo server first' | grep -q 'nothing was changed'"
  stop_serve
else
  bad "bingo serve on the fresh box (before the restore)"
fi
if restore >"$work/restore.out" 2>&1; then
  ok "bingo restore FILE --yes on the fresh box: $(grep -v '^ ' "$work/restore.out" | tail -n 1)"
else
  bad "bingo restore on the fresh box"; tail -n 10 "$work/restore.out"
fi
if ! serve box2 box2 198.51.100.3 "$work/box2/bingo.log"; then
  bad "bingo serve on the fresh box after the restore"; tail -n 20 "$work/box2/bingo.log"; finish; exit 1
fi
base2=http://198.51.100.3:8080
on caller "${game[@]}" snapshot "$base2" "$pass" "$work/state.json" "$work/restored.json"
assert "the players' tokens still open their cards on the fresh box" on caller "${game[@]}" phone "$base2" "$work/state.json"
assert "the next draw on the fresh box works" on caller "${game[@]}" next "$base2" "$pass" "$work/state.json" "$work/next.json"

# The comparisons, one line each (python prints "ok|FAIL<TAB>description").
while IFS=$'\t' read -r verdict what; do
  if [ "$verdict" = ok ]; then ok "$what"; else bad "$what"; fi
done < <(python3 - "$work" <<'PY'
import json, sys, pathlib
w = pathlib.Path(sys.argv[1])
load = lambda n: json.loads((w / n).read_text()) if (w / n).exists() else None
before, at_start, orig, rest, nxt = (load(n) for n in ("before.json", "at-start.json", "original.json", "restored.json", "next.json"))
def say(cond, what):
    print(("ok" if cond else "FAIL") + "\t" + what)
if not (before and orig and rest):
    say(False, "snapshots of the game (before, original, restored)"); sys.exit()
ev = lambda s: [(e["seq"], e["hash"], e["prev_hash"], e["kind"]) for e in s["events"]]
o, r = ev(orig), ev(rest)
say(len(r) > 0 and r == o[:len(r)], f"the restored events are the original's, seq and hash ({len(r)} of {len(o)}; the rest were drawn after the dump's snapshot)")
say(len(r) >= len(ev(at_start)), f"every event committed before the backup started is restored (seq {ev(at_start)[-1][0]} <= {r[-1][0] if r else 0})")
calls = lambda s: s["game"]["game"]["calls"]
say(calls(rest)[:len(calls(at_start))] == calls(at_start), f"every ball called before the backup is there ({len(calls(at_start))} balls, in order)")
acc = lambda s: [c for c in s["claims"] if c["type"] == "claim_accepted"]
say(acc(before) and acc(rest) == acc(before), f"the accepted claim is there (card {acc(before)[0]['serial'] if acc(before) else '?'})")
g = lambda s: {k: s["game"]["game"][k] for k in ("stage", "results")}
say(g(rest) == g(orig) and g(rest)["stage"] == 1, f"the game is at the same stage (full house) with the same results ({json.dumps(g(rest))[:200]})")
say(sorted(p["nickname"] for p in rest["players"]["players"]) == ["table-1", "table-2"], "both players are in the restored game")
say(rest["game"]["game"]["state"] == "running", "the restored game is running")
if nxt:
    balls = [e for e in nxt["events"] if e.get("type") == "ball_called"]
    b = balls[0] if balls else {}
    k = len(calls(rest))
    same = k < len(calls(orig)) and b.get("number") == calls(orig)[k]
    seqs = [e.get("seq") for e in nxt["events"]]
    say(seqs == list(range(r[-1][0] + 1, r[-1][0] + 1 + len(seqs))) and b.get("call") == k + 1 and b.get("number") not in calls(rest),
        f"the next ball continues the sequence: call {b.get('call')}, seq {b.get('seq')}, ball {b.get('number')} not called before")
    say(same, f"it is the ball the original box drew as call {k + 1} (the seeded draw order: {calls(orig)[k] if k < len(calls(orig)) else 'none drawn there'})")
PY
)
# The next ball's event chains onto the restored log (prev_hash = the last restored hash).
on caller "${game[@]}" snapshot "$base2" "$pass" "$work/state.json" "$work/after-next.json"
assert "the hash chain continues on the fresh box" python3 -c '
import json, sys
r, a = (json.load(open(f)) for f in sys.argv[1:3])
last = r["events"][-1]
nxt = [e for e in a["events"] if e["seq"] == last["seq"] + 1]
sys.exit(0 if nxt and nxt[0]["prev_hash"] == last["hash"] else 1)' "$work/restored.json" "$work/after-next.json"
stop_serve

finish
