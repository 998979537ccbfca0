#!/usr/bin/env bash
# Rehearsal 2: the box as the venue's Wi-Fi (services.bingo.hotspot), without the radio. The box
# runs dnsmasq with the settings modules/bingo/hotspot.nix gives services.dnsmasq
# (modules/hotspot/dnsmasq.nix, written out as nixpkgs' dnsmasq module writes it:
# modules/hotspot/dnsmasq-conf.nix) on its LAN interface instead of the Wi-Fi card, Caddy with the
# captive-portal routes, and the platform (stack.sh). A phone with no address gets one by DHCP,
# finds every name at the box, is redirected to the join page by every captive-portal probe
# (modules/hotspot/probes.nix), and plays a game. hostapd is not rehearsed (no Wi-Fi card here).
#   sudo bash tests/rehearsal/hotspot.sh   (last line: "hotspot: N passed, M failed"; SKIPPED without root)
# Needs: dnsmasq (dnsmasq-base), udhcpc, dig (bind9-dnsutils), caddy, redis-server,
# postgresql-client and a PostgreSQL on /var/run/postgresql (user postgres, trust), curl,
# nix-instantiate, python3-websockets, a built bingo (BINGO_BIN, default target/debug/bingo).
set -uo pipefail
# shellcheck source=tests/rehearsal/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" hotspot
# shellcheck source=tests/rehearsal/stack.sh
. "$repo/tests/rehearsal/stack.sh"
for c in dnsmasq:dnsmasq-base udhcpc:udhcpc dig:bind9-dnsutils caddy:caddy redis-server:redis-server \
  redis-cli:redis-tools psql:postgresql-client curl:curl getent:libc-bin ss:iproute2 nix-instantiate:nix-bin; do
  need "${c%%:*}" "${c#*:}"
done
need_done

box_ip=198.51.100.1
portal=http://bingo.local/player/
nix_json() { nix-instantiate --eval --strict --json --expr "$1"; }

# dnsmasq.conf: the module's settings for a box whose hotspot interface is eth0 with address
# 198.51.100.1/24 (dhcp-range is hotspot.nix's default for it), with resolveLocalQueries off as
# the module sets it. Rehearsal only: the lease file under $work.
settings="(import $repo/modules/hotspot/dnsmasq.nix { interface = \"eth0\"; address = \"$box_ip\"; dhcpRange = \"198.51.100.10,198.51.100.250,12h\"; }) // { dhcp-leasefile = \"$work/dnsmasq.leases\"; }"
nix_json "import $repo/modules/hotspot/dnsmasq-conf.nix { resolveLocalQueries = false; settings = $settings; }" |
  python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' >"$work/dnsmasq.conf"
mapfile -t probes < <(nix_json "(import $repo/modules/hotspot/probes.nix).urls" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')

host_etc box resolv.conf "# no DNS server: the box has no upstream"
host_add box "$box_ip"
# The phone: no address until DHCP gives one; names from DNS only (like a phone without mDNS);
# its resolv.conf is written by the DHCP client script (it must exist to be bound).
host_etc phone nsswitch.conf "hosts: files dns"
host_etc phone resolv.conf "# no DNS server yet: the DHCP client writes it"
host_add phone

# The box's other network (the venue's cable, if any): a veth pair of its own, where dnsmasq
# must not answer (TEST-NET-1; both ends in the box, nothing is sent anywhere).
on box ip link add cable0 type veth peer name cable1
on box ip addr add 192.0.2.1/24 dev cable0
on box ip link set cable0 up

# The module's unit runs `dnsmasq --test` first, then `dnsmasq -k --enable-dbus --user=dnsmasq -C`.
dnsmasq_test() { on box dnsmasq --test -C "$work/dnsmasq.conf" >"$work/dnsmasq-test.log" 2>&1; }
assert "dnsmasq --test accepts the rendered dnsmasq.conf" dnsmasq_test
start box "$work/dnsmasq.log" dnsmasq -k --user=root --pid-file="$work/dnsmasq.pid" --log-facility=- --log-dhcp -C "$work/dnsmasq.conf"
wait_until 10 sh -c "ip netns exec $prefix-box ss -lnu | grep -q ' $box_ip:53 '"
on box ss -lnut >"$work/listening"
assert "dnsmasq: DNS on the hotspot interface's address ($box_ip:53)" grep -q " $box_ip:53 " "$work/listening"
assert "dnsmasq: not on loopback (the box keeps its own resolver)" sh -c "! grep -q ' 127.0.0.1:53 ' '$work/listening'"
assert "dnsmasq: not on the box's other network" sh -c "! grep -q ' 192.0.2.1:53 ' '$work/listening'"

box_up_or_stop box "{ domain = \"bingo.local\"; apiUpstream = \"127.0.0.1:8080\"; realtimeUpstreams = [ \"127.0.0.1:8080\" ]; captivePortal = \"$portal\"; }" "with the captive-portal routes"

# DHCP.
assert "phone: no address before DHCP" sh -c "[ -z \"\$(ip -n $prefix-phone -4 -o addr show dev eth0)\" ]"
install -m 0755 "$repo/tests/rehearsal/udhcpc-script.sh" "$work/udhcpc-script"
if on phone env RESOLV_OUT="/etc/netns/$prefix-phone/resolv.conf" LEASE_OUT="$work/lease" \
  timeout 30 udhcpc -i eth0 -f -q -n -t 5 -T 2 -s "$work/udhcpc-script" >"$work/udhcpc.log" 2>&1; then
  ok "phone: udhcpc got a lease ($(tr '\n' ' ' <"$work/lease"))"
else
  bad "phone: no DHCP lease"; sed 's/^/       /' "$work/udhcpc.log" "$work/dnsmasq.log"
fi
addr="$(ip -n "$prefix-phone" -4 -o addr show dev eth0 | awk '{ print $4 }')"
in_range() { local last="${addr%/*}"; last="${last##*.}"; [[ "$addr" == 198.51.100.*/24 ]] && [ "$last" -ge 10 ] && [ "$last" -le 250 ]; }
assert "phone: address $addr is in the range 198.51.100.10-250/24" in_range
assert "phone: the lease names the box as router and DNS server" grep -qx "router=$box_ip" "$work/lease"
assert "phone: DNS server $box_ip" grep -qx "dns=$box_ip" "$work/lease"

# Every name is the box, through the phone's resolver (getent: nsswitch + the DHCP resolv.conf)
# and asked directly (dig).
for name in bingo.local connectivitycheck.gstatic.com captive.apple.com www.msftconnecttest.com example.org; do
  got="$(on phone getent hosts "$name" | awk '{ print $1 }') / $(on phone dig +short +time=2 +tries=1 "$name" A)"
  if [ "$got" = "$box_ip / $box_ip" ]; then ok "phone: $name is the box (getent / dig: $got)"; else bad "phone: $name gives '$got', not the box"; fi
done
aaaa="$(on phone dig +time=2 +tries=1 example.org AAAA)"
if grep -q 'status: NOERROR' <<<"$aaaa" && grep -q 'ANSWER: 0' <<<"$aaaa"; then
  ok "phone: AAAA answered at once with no address (phones fall back to IPv4)"
else
  bad "phone: AAAA example.org: $(grep -E 'status|ANSWER' <<<"$aaaa" | tr '\n' ' ')"
fi

# Every captive-portal probe: a 302 to the join page, which is the Player.
for url in "${probes[@]}"; do
  got="$(on phone curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}' "$url")"
  page="$(player_page phone "$url")"
  if [ "$got" = "302 $portal" ] && [ "$page" = "200 Bingo — Player" ]; then
    ok "probe $url: 302 to $portal, then the Player"
  else
    bad "probe $url: '$got', then '$page'"
  fi
done

# The box's own name keeps working, and its API is not redirected.
page="$(player_page phone http://bingo.local/player/)"
if [ "$page" = "200 Bingo — Player" ]; then ok "phone: http://bingo.local/player/ ($page)"; else bad "http://bingo.local/player/ gave '$page'"; fi
got="$(on phone curl -s --max-time 10 http://bingo.local/api/v1/web/config)"
if [[ "$got" == *'"public_url":"http://bingo.local"'* ]]; then ok "phone: /api/v1/web/config is the API's ($got)"; else bad "web/config: '$got'"; fi
if play phone http://bingo.local; then
  ok "phone plays a game through http://bingo.local: $(grep '^play: ok' "$work/play.out")"
else
  bad "phone: play.py through http://bingo.local"; sed 's/^/       /' "$work/play.out"
fi
assert "dnsmasq: the phone's lease is recorded" grep -q " ${addr%/*} " "$work/dnsmasq.leases"

finish
