# Hosts for the deployment rehearsals: network namespaces on one LAN (a bridge in a namespace of
# its own), made by the rehearsal and removed when it ends, whatever happens. Traffic stays inside
# them: addresses come from 198.51.100.0/24 (TEST-NET-2, documentation only), and no namespace
# has a route anywhere else.
#
# Usage: . tests/rehearsal/lib.sh NAME
#   host_add box 198.51.100.1      a host on the LAN with that address (name: its role)
#   on box CMD...                  run CMD on a host
#   start box LOG CMD...           start CMD in the background on a host (stopped at the end)
#   wait_until SECONDS CMD...      poll CMD every 0.2 s until it succeeds or time runs out
#   render_caddyfile ARGS OUT      the module's own renderer (modules/caddy/render.nix)
# plus tests/nix/lib.sh: ok, bad, assert, skip, finish, $work, $repo.
# shellcheck shell=bash

# Every rehearsal is bounded: the script runs itself again once, under timeout(1), with
# REHEARSAL_LIMIT seconds (set before sourcing this file; default 300). On the deadline its TERM
# trap counts a failure and the EXIT trap still removes every namespace.
if [ -z "${REHEARSAL_TIMEOUT:-}" ]; then
  export REHEARSAL_TIMEOUT="${REHEARSAL_LIMIT:-300}"
  exec timeout -k 30 "$REHEARSAL_TIMEOUT" bash "$0"
fi

# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../nix/lib.sh" "$1"
trap 'bad "the rehearsal took longer than $REHEARSAL_TIMEOUT s"; finish; exit 1' TERM

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null || skip "needs ip (iproute2)"

prefix="r$$"                  # unique per run; short: "<prefix>-<host>" names a veth (<= 15 bytes)
lan="$prefix-lan"
hosts=()
pids=()

teardown() {
  local p h
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for h in "${hosts[@]}" lan; do
    ip netns pids "$prefix-$h" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$prefix-$h" 2>/dev/null
  done
  cleanup
}
trap teardown EXIT

ip netns add "$lan" || skip "cannot make a network namespace"
ip -n "$lan" link add lan type bridge
ip -n "$lan" link set lan up
# No IPv6 autoconfiguration noise on the test LAN.
ip netns exec "$lan" sysctl -qw net.ipv6.conf.all.disable_ipv6=1

# host_add NAME [ADDRESS/24]: a namespace joined to the LAN (without an address: DHCP's job).
host_add() {
  local name="$1" address="${2:-}" ns="$prefix-$1"
  ip netns add "$ns"
  hosts+=("$name")
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip link add "$prefix-$name" type veth peer name eth0 netns "$ns"
  ip link set "$prefix-$name" netns "$lan"
  ip -n "$lan" link set "$prefix-$name" master lan up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  [ -z "$address" ] || ip -n "$ns" addr add "$address/24" dev eth0
}

on() { local h="$1"; shift; ip netns exec "$prefix-$h" "$@"; }

# start HOST LOG CMD...: in the background; its PID is stopped at the end.
start() {
  local h="$1" log="$2"; shift 2
  ip netns exec "$prefix-$h" "$@" >"$log" 2>&1 &
  pids+=("$!")
}

wait_until() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# render_caddyfile 'NIX ARGS' OUT: the Caddyfile exactly as modules/bingo/proxy.nix renders it.
render_caddyfile() {
  nix-instantiate --eval --strict --json --expr "import $repo/modules/caddy/render.nix ($1)" |
    python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' >"$2"
}
