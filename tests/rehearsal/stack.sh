# The venue box's platform for the rehearsals, as modules/bingo sets it up, on hosts made by
# lib.sh (source that first): PostgreSQL (the machine's, through its socket: a database made for
# the run and dropped at the end), a local Redis on a unix socket (redis.nix), `bingo migrate`
# then `bingo serve` with the environment of common.nix, and Caddy with the module's own
# Caddyfile (render.nix). Also private mount namespaces for hosts whose daemons need their own
# /run (avahi-daemon), and a per-host /etc/nsswitch.conf and resolv.conf (ip-netns(8) binds
# /etc/netns/<namespace>/* over /etc for every `ip netns exec`).
#   need CMD PACKAGE                   fail (not skip) when CMD is missing
#   private_host HOST                  HOST gets a mount namespace with its own /run/avahi-daemon
#   in_host HOST CMD..., start_in HOST LOG CMD...   like on/start, in that mount namespace
#   host_etc HOST FILE CONTENT         /etc/FILE of HOST only
#   box_up HOST 'RENDER ARGS'          PostgreSQL database, Redis, bingo and Caddy on HOST
#   bingo_start HOST, bingo_stop       (again) migrate and serve, or stop serving
#   play HOST URL                      tests/nixos/play.py as a phone; its output in $work/play.out
# shellcheck shell=bash
# shellcheck disable=SC2154 # suite, work, prefix, pids: set by lib.sh

missing=()
need() { command -v "$1" >/dev/null || missing+=("$2 ($1)"); }
need_done() {
  [ "${#missing[@]}" -eq 0 ] && return 0
  bad "missing: ${missing[*]}"
  finish
  exit 1
}

bin="${BINGO_BIN:-$repo/target/debug/bingo}"
[ -x "$bin" ] || missing+=("a built bingo at $bin (cargo build -p bingo)")
python=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import websockets' 2>/dev/null; then python="$p"; break; fi
done
[ -n "$python" ] || missing+=("python3-websockets (play.py)")

db="rehearsal_${suite}_$$"
pg() { psql -h /var/run/postgresql -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
command -v psql >/dev/null && ! pg -d postgres -c 'SELECT 1' >/dev/null 2>&1 &&
  missing+=("a PostgreSQL server on /var/run/postgresql (user postgres)")
declare -A mnt=()
made_run_avahi=""
made_etc_netns=""
etc_dirs=()

# Before lib.sh's teardown: TERM, and up to 10 s to exit (its KILL after 0.2 s would cut
# bingo's graceful shutdown short, and bash would print "Killed" after the closing line).
stack_stop() {
  local p deadline=$((SECONDS + 10))
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  done
}
# After it (every process of the run is gone): the database, the per-host /etc.
stack_cleanup() {
  local d
  pg -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  for d in "${etc_dirs[@]}"; do rm -rf "$d"; done
  [ -z "$made_etc_netns" ] || rmdir /etc/netns 2>/dev/null
  [ -z "$made_run_avahi" ] || rmdir /run/avahi-daemon 2>/dev/null
}
trap 'stack_stop; teardown; stack_cleanup' EXIT

private_host() {
  local h="$1"
  if [ ! -d /run/avahi-daemon ]; then mkdir -p /run/avahi-daemon && made_run_avahi=1; fi
  start "$h" "$work/$h-mnt.log" unshare -m --propagation private \
    sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run/avahi-daemon && exec sleep 900'
  mnt[$h]="${pids[-1]}"
  wait_until 10 grep -q ' /run/avahi-daemon tmpfs ' "/proc/${mnt[$h]}/mounts"
}
in_host() { local h="$1"; shift; nsenter -t "${mnt[$h]}" -m -n -- "$@"; }
start_in() {
  local h="$1" log="$2"; shift 2
  nsenter -t "${mnt[$h]}" -m -n -- "$@" >"$log" 2>&1 &
  pids+=("$!")
}

# Before the host's first `on`/`start`/private_host: they bind the file when they begin.
host_etc() {
  local d="/etc/netns/$prefix-$1"
  [ -d /etc/netns ] || made_etc_netns=1
  [ -d "$d" ] || { mkdir -p "$d" && etc_dirs+=("$d"); }
  printf '%s\n' "$3" >"$d/$2"
}

# The environment modules/bingo/common.nix and service.nix give bingo.service on the venue box
# (single mode, local PostgreSQL and Redis, Caddy on port 80). Differences: paths under $work,
# the machine's PostgreSQL as its superuser instead of peer authentication as `bingo`.
box="$work/box"
passphrase="rehearsal-$RANDOM-$RANDOM-$RANDOM"
bingo_env=(
  BINGO_DATA_DIR="$box/state" BINGO_PUBLIC_URL=http://bingo.local BINGO_LOG_FORMAT=json
  BINGO_LOG_LEVEL=info BINGO_BACKUP_DIR="$box/backup" BINGO_BACKUP_RETENTION_DAYS=30
  BINGO_LAN_PORT=80 BINGO_LISTEN=127.0.0.1:8080 BINGO_NODE_ID=bingo
  BINGO_DATABASE_URL="postgres:///$db?host=/var/run/postgresql&user=postgres"
  BINGO_REDIS_URL="unix://$box/redis.sock"
)
bingo_pid=""

bingo_start() {
  on "$1" env -i PATH="$PATH" "${bingo_env[@]}" "$bin" migrate >>"$work/bingo-migrate.log" 2>&1 || return 1
  start "$1" "$work/bingo.log" env -i PATH="$PATH" "${bingo_env[@]}" "$bin" serve --admin-passphrase-file "$box/admin-passphrase"
  bingo_pid="${pids[-1]}"
  wait_until 60 on "$1" curl -fsS -o /dev/null http://127.0.0.1:8080/ready
}
bingo_stop() {
  kill "$bingo_pid" 2>/dev/null
  wait_until 30 sh -c "! kill -0 $bingo_pid 2>/dev/null"
}

box_up() {
  local h="$1"
  mkdir -p "$box/state" "$box/backup" "$box/caddy"
  printf '%s\n' "$passphrase" >"$box/admin-passphrase"
  pg -d postgres -c "CREATE DATABASE $db" || return 1
  # redis.nix: port 0 (unix socket only), no snapshots, 256 MB LRU.
  start "$h" "$work/redis.log" redis-server --port 0 --unixsocket "$box/redis.sock" --unixsocketperm 660 \
    --save '' --appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru
  wait_until 10 redis-cli -s "$box/redis.sock" ping || return 1
  bingo_start "$h" || return 1
  render_caddyfile "$2" "$work/Caddyfile" || return 1
  start "$h" "$work/caddy.log" env HOME="$box/caddy" XDG_DATA_HOME="$box/caddy" XDG_CONFIG_HOME="$box/caddy" \
    caddy run --adapter caddyfile --config "$work/Caddyfile"
  wait_until 30 on "$h" curl -fsS -o /dev/null http://127.0.0.1/health
}

# box_up_or_stop HOST 'RENDER ARGS' WHAT: box_up, or the logs and the end of the rehearsal.
box_up_or_stop() {
  if ! box_up "$1" "$2"; then
    bad "the box's platform did not start"
    tail -n 20 "$work"/bingo*.log "$work/caddy.log" "$work/redis.log" 2>/dev/null | sed 's/^/       /'
    finish
    exit 1
  fi
  ok "box: PostgreSQL database, Redis, bingo and Caddy ($3) are up"
}

# play HOST URL: a whole game as a phone on HOST (resolving names as HOST does).
play() {
  local h="$1" url="$2" run=(on "$1")
  [ -z "${mnt[$h]:-}" ] || run=(in_host "$h")
  "${run[@]}" timeout 90 "$python" "$repo/tests/nixos/play.py" "$url" "$passphrase" >"$work/play.out" 2>&1 &&
    grep -q '^play: ok: game .*: ball [0-9]* (draw [0-9]*) reached the phone' "$work/play.out"
}

# The page a phone gets at URL (after redirects): status and the Player's title.
player_page() { # player_page HOST URL: "200 Bingo — Player" on success
  local run=(on "$1")
  [ -z "${mnt[$1]:-}" ] || run=(in_host "$1")
  : >"$work/page.html"
  "${run[@]}" curl -sL --max-time 10 -o "$work/page.html" -w '%{http_code}' "$2" >"$work/page.code" 2>/dev/null
  printf '%s %s\n' "$(cat "$work/page.code")" "$(grep -o '<title[^>]*>[^<]*</title>' "$work/page.html" | sed 's/<[^>]*>//g')"
}
