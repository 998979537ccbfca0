#!/usr/bin/env bash
# Alerts that reach a receiver: the alert rules, Prometheus and Alertmanager as the NixOS module
# deploys them (services.bingo.observability.alerting), made to fire by real faults.
#
# "box" (198.51.100.1) runs, each on loopback as on the NixOS host:
#   - bingo A on SQLite (127.0.0.1:8080) and bingo B on PostgreSQL (127.0.0.1:8081, a throw-away
#     cluster, tests/rehearsal/pg.sh): two scrape targets of job bingo, as in split mode;
#   - Debian's Prometheus with the prometheus.yml of modules/prometheus/render.nix (the module's
#     scrape and evaluation intervals, Alertmanager target 127.0.0.1:9093) and the repository's
#     rules (modules/observability/rules, unchanged: BingoDown's `for: 2m` is waited out for real);
#   - Debian's Alertmanager with the alertmanager.yml of modules/alertmanager/render.nix (the
#     module's default timings: tests/nix/eval.nix checks that the module deploys this very text),
#     its webhook pointing at "ops" (198.51.100.2, tests/rehearsal/webhook-receiver.py).
# Faults, both at once:
#   1. bingo A is stopped: BingoDown (instance 127.0.0.1:8080) must reach ops, firing, not before
#      its for: + group_wait and not after for: + scrape + evaluation interval + group_wait (+15 s),
#      computed from the rendered files; started again, the resolved notice must arrive within
#      scrape + evaluation interval + group_interval (+15 s).
#   2. bingo B's PostgreSQL is stopped while something probes B's /ready (as a load balancer
#      would): BingoDatabaseUnreachable must arrive with its labels (severity critical, the
#      instance, the node) and annotations (summary naming the instance, runbook link); with the
#      database back, B answers /ready again without a restart.
#   No other alert may be notified.
#
# Takes about 4.5 minutes (the real for: durations; stopped after 8). Needs root (network
# namespaces), Debian's prometheus, prometheus-alertmanager and postgresql, nix-instantiate,
# python3 (PyYAML), curl.
# SKIPPED only without root. Usage: bash tests/rehearsal/alerts.sh (BINGO_BIN=/path/to/bingo)
set -uo pipefail
REHEARSAL_LIMIT=480   # seconds; lib.sh bounds the run
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/rehearsal/lib.sh
. "$here/lib.sh" alerts
# shellcheck source=tests/rehearsal/pg.sh
. "$here/pg.sh"
# (stderr closed: no "Killed" job notices after the closing line)
trap 'exec 2>/dev/null; pg_stop_all; teardown' EXIT

bingo="${BINGO_BIN:-$repo/target/debug/bingo}"
for t in "$bingo" nix-instantiate python3 curl prometheus prometheus-alertmanager timeout; do
  command -v "$t" >/dev/null || { bad "needs $t"; finish; exit 1; }
done
python3 -c 'import yaml' 2>/dev/null || { bad "needs PyYAML"; finish; exit 1; }
received() { python3 "$here/alerts-received.py" "$work/received.jsonl" "$@"; }
now() { date +%s.%N; }

host_add box 198.51.100.1
host_add ops 198.51.100.2

# --- the files the module deploys -------------------------------------------------------------
render() { # render modules/X/render.nix 'ARGS' OUT
  nix-instantiate --eval --strict --json --expr "import $repo/$1 ($2)" |
    python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' >"$3"
}
render modules/prometheus/render.nix "{ node = \"box\"; rulesDir = \"$repo/modules/observability/rules\";
  bingoTargets = [ \"127.0.0.1:8080\" \"127.0.0.1:8081\" ]; alertmanagerTargets = [ \"127.0.0.1:9093\" ]; }" "$work/prometheus.yml" ||
  { bad "render prometheus.yml"; finish; exit 1; }
render modules/alertmanager/render.nix '{ webhookUrl = "http://198.51.100.2:9099/alerts"; }' "$work/alertmanager.yml" ||
  { bad "render alertmanager.yml"; finish; exit 1; }
# The unit runs the file through envsubst; with no `$` in it (asserted by the module) that is a copy.
assert "alertmanager.yml has nothing for envsubst" sh -c "! grep -q '\\\$' '$work/alertmanager.yml'"
if command -v amtool >/dev/null; then
  assert "amtool check-config alertmanager.yml" sh -c "amtool check-config '$work/alertmanager.yml' >/dev/null"
fi

# The bounds, from the rendered files.
read -r scrape evaluation group_wait group_interval for_down for_db < <(python3 - "$work/prometheus.yml" "$work/alertmanager.yml" "$repo/modules/observability/rules" <<'PY'
import glob, re, sys, yaml
def secs(d):
    return sum(int(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[u] for n, u in re.findall(r"(\d+)(ms|s|m|h|d)", d))
prom, am = (yaml.safe_load(open(f)) for f in sys.argv[1:3])
rules = {r["alert"]: r for f in glob.glob(sys.argv[3] + "/*.yml") for g in yaml.safe_load(open(f))["groups"] for r in g["rules"] if "alert" in r}
print(*(int(x) for x in (
    secs(prom["global"]["scrape_interval"]), secs(prom["global"]["evaluation_interval"]),
    secs(am["route"]["group_wait"]), secs(am["route"]["group_interval"]),
    secs(rules["BingoDown"]["for"]), secs(rules["BingoDatabaseUnreachable"]["for"]))))
PY
)
[ -n "${for_db:-}" ] || { bad "read the intervals from the rendered files"; finish; exit 1; }
slack=15 probe=15 # delivery and timer slack; a /ready probe is answered within 15 s (pool timeout ~10 s)
down_min=$((for_down + group_wait))
down_max=$((scrape + evaluation + for_down + group_wait + slack))
resolved_max=$((scrape + evaluation + group_interval + slack))
db_max=$((probe + 2 * scrape + evaluation + for_db + group_wait + slack))
echo "# scrape ${scrape}s, evaluation ${evaluation}s, group_wait ${group_wait}s, group_interval ${group_interval}s; BingoDown for ${for_down}s, BingoDatabaseUnreachable for ${for_db}s"
echo "# bounds: BingoDown in [${down_min}, ${down_max}] s, resolved within ${resolved_max} s, BingoDatabaseUnreachable within ${db_max} s"

# --- the box and the operators' end -------------------------------------------------------------
passfile="$work/admin-passphrase"
printf '%s\n' "rehearsal-passphrase-$$" >"$passfile"
pg_new db || { bad "PostgreSQL for bingo B"; finish; exit 1; }
mkdir -p "$work/a" "$work/b" "$work/prometheus" "$work/alertmanager"
start ops "$work/receiver.log" python3 "$here/webhook-receiver.py" 198.51.100.2 9099 "$work/received.jsonl" "$REHEARSAL_TIMEOUT"
serve_a() {
  start box "$work/a/bingo.log" env -i PATH=/usr/bin:/bin BINGO_DATA_DIR="$work/a" BINGO_LISTEN=127.0.0.1:8080 \
    BINGO_ADMIN_PASSPHRASE_FILE="$passfile" BINGO_LOG_FORMAT=json "$bingo" serve
  pid_a="${pids[-1]}"
}
serve_a
start box "$work/b/bingo.log" env -i PATH=/usr/bin:/bin BINGO_DATA_DIR="$work/b" BINGO_LISTEN=127.0.0.1:8081 \
  BINGO_DATABASE_URL="$(pg_url db)" BINGO_ADMIN_PASSPHRASE_FILE="$passfile" BINGO_LOG_FORMAT=json "$bingo" serve
# As the NixOS units run them (nixos/modules/services/monitoring/prometheus/default.nix and
# alertmanager.nix): loopback, the module's ports, no Alertmanager cluster.
start box "$work/prometheus.log" prometheus --config.file="$work/prometheus.yml" \
  --storage.tsdb.path="$work/prometheus" --web.listen-address=127.0.0.1:9090
start box "$work/alertmanager.log" prometheus-alertmanager --config.file="$work/alertmanager.yml" \
  --storage.path="$work/alertmanager" --web.listen-address=127.0.0.1:9093 --cluster.listen-address=

q() { on box curl -sf -m 5 "http://127.0.0.1:9090/api/v1/$1"; }
up_count() { q 'query?query=sum(up%7Bjob%3D%22bingo%22%7D)' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and r[0]["value"][1] == sys.argv[1] else 1)' "$1"; }
am_active() { q alertmanagers | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["data"]["activeAlertmanagers"] else 1)'; }
assert "bingo A (SQLite) and B (PostgreSQL) answer /ready" wait_until 60 sh -c \
  "ip netns exec $prefix-box curl -sf http://127.0.0.1:8080/ready && ip netns exec $prefix-box curl -sf http://127.0.0.1:8081/ready"
assert "Prometheus scrapes both bingo targets (up == 1)" wait_until 60 up_count 2
assert "Prometheus sends to the Alertmanager (api/v1/alertmanagers)" wait_until 30 am_active
assert "Alertmanager is ready" wait_until 30 on box curl -sf http://127.0.0.1:9093/-/ready
assert "the receiver on ops is reachable from the box" wait_until 10 on box curl -s -o /dev/null -X POST -d '{}' http://198.51.100.2:9099/probe
[ "$failed" = 0 ] || { tail -n 5 "$work"/*.log; finish; exit 1; }

# --- the faults ----------------------------------------------------------------------------------
# Times: t_kill before the fault (no alert can arrive earlier than for: + group_wait after it),
# t_down once bingo A has exited, t_db once PostgreSQL has stopped (the upper bounds count from
# these).
t_kill="$(now)"
kill "$pid_a"
wait "$pid_a" 2>/dev/null
t_down="$(now)"
pg_stop db
t_db="$(now)"
echo "# $(date -u +%T) bingo A stopped, bingo B's database stopped"
# Something probes B's /ready, as a load balancer or an uptime check would (bounded).
# shellcheck disable=SC2016 # expanded by the probing shell
on box sh -c 'for i in $(seq 1 40); do curl -s -m 15 -o /dev/null http://127.0.0.1:8081/ready; sleep 1; done' &
prober=$!

arrived() { # arrived ALERTNAME STATUS SINCE DEADLINE LABEL=VALUE...: poll once a second until
  # SINCE + DEADLINE (unix times); prints what alerts-received.py found
  local name="$1" status="$2" since="$3" deadline="$4"
  shift 4
  local end=$((SECONDS + ${since%.*} + deadline - $(date +%s) + 1))
  until received first "$name" "$status" "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 1
  done
}
after() { python3 -c 'import sys; print(f"{float(sys.argv[1]) - float(sys.argv[2]):.1f}")' "${1%% *}" "$2"; }
field() { python3 -c 'import json,sys; a=json.loads(sys.argv[1].split(" ",1)[1]); print(eval(sys.argv[2], {}, {"a": a}))' "$1" "$2"; }
gap() { # gap LINE startsAt|endsAt: seconds from that time of the alert (Prometheus' clock) to its arrival
  python3 -c '
import datetime, json, re, sys
received, alert = sys.argv[1].split(" ", 1)
t = re.sub(r"(\.\d{6})\d*", r"\1", json.loads(alert)[sys.argv[2]]).replace("Z", "+00:00")
print(f"{float(received) - datetime.datetime.fromisoformat(t).timestamp():.1f}")' "$1" "$2"
}
within() { python3 -c 'import sys; x, lo, hi = map(float, sys.argv[1:]); sys.exit(0 if lo - 1 <= x <= hi else 1)' "$@"; }

# 2. the database (the shorter for:, so it comes first)
if db="$(arrived BingoDatabaseUnreachable firing "$t_db" "$db_max" instance=127.0.0.1:8081)"; then
  took="$(after "$db" "$t_db")"
  ok "BingoDatabaseUnreachable reached the receiver, firing, ${took} s after the database stopped (bound ${db_max} s)"
  held="$(gap "$db" startsAt)"
  assert "  Alertmanager held it for group_wait: ${held} s from Prometheus firing it (startsAt) to the notice" within "$held" "$group_wait" $((group_wait + slack))
  assert "  labels: severity critical, instance 127.0.0.1:8081, node box" test \
    "$(field "$db" 'a["labels"]["severity"], a["labels"]["instance"], a["labels"]["node"]')" = "('critical', '127.0.0.1:8081', 'box')"
  assert "  summary names the instance" test "$(field "$db" 'a["annotations"]["summary"]')" = "the database is unreachable (seen by 127.0.0.1:8081)"
  assert "  description and runbook link" test "$(field "$db" 'bool(a["annotations"]["description"]), a["annotations"]["runbook_url"]')" = "(True, 'docs/OBSERVABILITY.md#bingodatabaseunreachable')"
  assert "  to the receiver operators, at the webhook's path" test "$(field "$db" 'a["receiver"], a["path"]')" = "('operators', '/alerts')"
else
  bad "BingoDatabaseUnreachable did not reach the receiver within ${db_max} s"
fi
kill "$prober" 2>/dev/null
wait "$prober" 2>/dev/null
pg_start db
assert "with its database back, bingo B answers /ready again without a restart" wait_until 30 on box curl -sf -m 12 http://127.0.0.1:8081/ready

# 1. bingo A down, then up again
if down="$(arrived BingoDown firing "$t_down" "$down_max" instance=127.0.0.1:8080 job=bingo)"; then
  took="$(after "$down" "$t_down")"
  assert "BingoDown reached the receiver, firing, ${took} s after bingo A stopped (bound ${down_max} s)" within "$took" 0 "$down_max"
  assert "  not before its for: + group_wait (${down_min} s) after the fault" within "$(after "$down" "$t_kill")" "$down_min" 1e9
  held="$(gap "$down" startsAt)"
  assert "  Alertmanager held it for group_wait: ${held} s from Prometheus firing it (startsAt) to the notice" within "$held" "$group_wait" $((group_wait + slack))
  assert "  labels: severity critical, node box; summary and runbook link" test \
    "$(field "$down" 'a["labels"]["severity"], a["labels"]["node"], a["annotations"]["summary"], a["annotations"]["runbook_url"]')" = \
    "('critical', 'box', 'bingo instance 127.0.0.1:8080 is down', 'docs/OBSERVABILITY.md#bingodown')"
else
  bad "BingoDown did not reach the receiver within ${down_max} s"
fi
t1="$(now)"
serve_a
assert "bingo A is back" wait_until 60 on box curl -sf http://127.0.0.1:8080/ready
if res="$(arrived BingoDown resolved "$t1" "$resolved_max" instance=127.0.0.1:8080)"; then
  ok "the resolved notice of BingoDown arrived $(after "$res" "$t1") s after bingo A started again (bound ${resolved_max} s)"
  assert "  with its end time" test "$(field "$res" 'a["endsAt"] > a["startsAt"]')" = True
  held="$(gap "$res" endsAt)"
  assert "  sent at the group's next tick: ${held} s after Prometheus resolved it (at most group_interval)" within "$held" 0 $((group_interval + slack))
else
  bad "no resolved notice of BingoDown within ${resolved_max} s"
fi

names="$(received names | tr '\n' ' ')"
assert "no other alert was notified (got: ${names})" test "$names" = "BingoDatabaseUnreachable BingoDown "
[ "$failed" = 0 ] || { echo "# Alertmanager's log:"; tail -n 20 "$work/alertmanager.log"; echo "# received:"; cut -c1-300 "$work/received.jsonl"; }

finish
