#!/usr/bin/env bash
# Rehearsal 1: the venue with no internet. A box runs the platform as the venue machine does
# (stack.sh: PostgreSQL, Redis, bingo, Caddy with the venue's Caddyfile) and publishes
# bingo.local with avahi-daemon configured as modules/bingo/mdns.nix configures it. Phones on the
# same LAN resolve bingo.local by mDNS (their own avahi-daemon and nss-mdns), open the Player and
# play a whole game (tests/nixos/play.py). The box's bingo and avahi-daemon are restarted and a
# second phone does it again. Phones without mDNS get the box's address from /api/v1/web/config
# (what /screen shows) and reach the Player there.
#   sudo bash tests/rehearsal/venue.sh   (last line: "venue: N passed, M failed"; SKIPPED without root)
# Needs: avahi-daemon, libnss-mdns, caddy, redis-server, postgresql-client and a PostgreSQL on
# /var/run/postgresql (user postgres, trust), curl, python3-websockets, util-linux (unshare,
# nsenter), nix-instantiate (nix-bin), a built bingo (BINGO_BIN, default target/debug/bingo).
set -uo pipefail
# shellcheck source=tests/rehearsal/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" venue
# shellcheck source=tests/rehearsal/stack.sh
. "$repo/tests/rehearsal/stack.sh"
for c in avahi-daemon:avahi-daemon caddy:caddy redis-server:redis-server redis-cli:redis-tools \
  psql:postgresql-client curl:curl getent:libc-bin unshare:util-linux nsenter:util-linux nix-instantiate:nix-bin; do
  need "${c%%:*}" "${c#*:}"
done
ls /lib/*/libnss_mdns4_minimal.so.2 /usr/lib/*/libnss_mdns4_minimal.so.2 >/dev/null 2>&1 || missing+=("libnss-mdns")
need_done

box_ip=198.51.100.1

# avahi-daemon.conf as nixpkgs' nixos/modules/services/networking/avahi-daemon.nix writes it
# (avahiDaemonConf; read at a version before nixos-26.05). For the box, the options
# modules/bingo/mdns.nix sets: hostName = networking.hostName = "bingo", publish.enable,
# publish.addresses, publish.workstation = false; the rest default (ipv6 follows
# networking.enableIPv6, true). A phone: the same module with only nssmdns4 (no publishing).
# Rehearsal only: the trailing [server] enable-dbus=no (no D-Bus in the namespaces).
avahi_conf() { # avahi_conf HOST-NAME PUBLISH(yes|no)
  local disable=yes
  [ "$2" = no ] || disable=no
  cat <<EOF
[server]
host-name=$1
browse-domains=
use-ipv4=yes
use-ipv6=yes


domain-name=local
allow-point-to-point=no


[wide-area]
enable-wide-area=yes

[publish]
disable-publishing=$disable
disable-user-service-publishing=yes
publish-addresses=$2
publish-hinfo=no
publish-workstation=no
publish-domain=no

[reflector]
enable-reflector=no

[server]
enable-dbus=no
EOF
}

declare -A avahi_pid=()
avahi_start() { # avahi_start HOST: its avahi-daemon, up once it has announced its name
  start_in "$1" "$work/$1-avahi.log" avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$work/$1-avahi.conf"
  avahi_pid[$1]="${pids[-1]}"
  wait_until 20 grep -q 'Server startup complete' "$work/$1-avahi.log"
}
avahi_stop() {
  kill "${avahi_pid[$1]}" 2>/dev/null
  wait_until 10 sh -c "! kill -0 ${avahi_pid[$1]} 2>/dev/null"
}

# A phone: nss-mdns in its nsswitch.conf (as Debian's libnss-mdns sets it up), no DNS server
# on this LAN, its own avahi-daemon (started separately).
phone_add() { # phone_add NAME ADDRESS
  host_etc "$1" nsswitch.conf "hosts: files mdns4_minimal [NOTFOUND=return]"
  host_etc "$1" resolv.conf "# no DNS server on this LAN: .local names come from mDNS"
  host_add "$1" "$2"
  private_host "$1"
  avahi_conf "$1" no >"$work/$1-avahi.conf"
}

resolves_to_box() { # resolves_to_box PHONE: getent gives the box's address for bingo.local
  wait_until 20 in_host "$1" getent hosts bingo.local &&
    [ "$(in_host "$1" getent hosts bingo.local | awk '{ print $1 }')" = "$box_ip" ]
}

phone_plays() { # phone_plays PHONE: the Player page and a whole game through http://bingo.local
  local page
  page="$(player_page "$1" http://bingo.local/player)"
  if [ "$page" = "200 Bingo — Player" ]; then ok "$1: http://bingo.local/player is the Player ($page)"; else bad "$1: http://bingo.local/player gave '$page'"; fi
  if play "$1" http://bingo.local; then
    ok "$1 plays a game through http://bingo.local: $(grep '^play: ok' "$work/play.out")"
  else
    bad "$1: play.py through http://bingo.local"; sed 's/^/       /' "$work/play.out"
  fi
}

host_etc box resolv.conf "# no DNS server on this LAN"
host_add box "$box_ip"
private_host box
avahi_conf bingo yes >"$work/box-avahi.conf"
phone_add phone1 198.51.100.21

box_up_or_stop box '{ domain = "bingo.local"; apiUpstream = "127.0.0.1:8080"; realtimeUpstreams = [ "127.0.0.1:8080" ]; }' "venue Caddyfile from render.nix"
assert "box: avahi-daemon (mdns.nix's settings) announces bingo.local" avahi_start box
assert "box: avahi-daemon publishes the LAN address" grep -q "Registering new address record for $box_ip on eth0" "$work/box-avahi.log"

# The control: a phone without mDNS does not find the name (why /screen shows an address).
assert "phone1 without mDNS: bingo.local not found" sh -c "! nsenter -t ${mnt[phone1]} -m -n -- getent hosts bingo.local"
assert "phone1: its avahi-daemon starts" avahi_start phone1
assert "phone1: bingo.local resolves to the box ($box_ip) by mDNS" resolves_to_box phone1
phone_plays phone1

# What /screen shows for phones without mDNS: http://<the box's LAN address>, no port.
if in_host phone1 curl -fsS --max-time 10 http://bingo.local/api/v1/web/config >"$work/config.json" &&
  lan_url="$("$python" -c 'import json,sys; c=json.load(open(sys.argv[1])); print(" ".join(c["lan_urls"]) if c["public_url"] == "http://bingo.local" else "wrong public_url " + c["public_url"])' "$work/config.json")" &&
  [[ " $lan_url " == *" http://$box_ip "* ]]; then
  ok "web/config: public_url http://bingo.local, lan_urls [$lan_url]"
  page="$(player_page phone1 "http://$box_ip/player/")"
  if [ "$page" = "200 Bingo — Player" ]; then ok "phone1 reaches http://$box_ip/player/ ($page)"; else bad "http://$box_ip/player/ gave '$page'"; fi
else
  bad "web/config lan_urls must contain http://$box_ip: $(cat "$work/config.json" 2>/dev/null)"
fi

# The box restarts its platform and its mDNS responder; a phone that was never on the LAN before
# finds it and plays again.
bingo_stop
avahi_stop box
assert "box: bingo restarted (migrate, serve, ready)" bingo_start box
assert "box: avahi-daemon restarted" avahi_start box
phone_add phone2 198.51.100.22
assert "phone2: its avahi-daemon starts" avahi_start phone2
assert "phone2: bingo.local resolves to the box ($box_ip) by mDNS" resolves_to_box phone2
phone_plays phone2

finish
