#!/bin/sh
# The DHCP client script of tests/rehearsal/hotspot.sh's phone. busybox udhcpc calls it with the
# event as $1 and the lease in the environment (interface, ip, mask, subnet, router, dns, lease).
# It sets the address, writes the phone's own resolv.conf at $RESOLV_OUT (its
# /etc/netns/<namespace>/resolv.conf, which `ip netns exec` binds over /etc/resolv.conf; never
# the machine's) and the lease at $LEASE_OUT for the test to check. No default route: the phone
# only needs its LAN, and traffic must not leave the namespaces.
# shellcheck disable=SC2154 # interface, ip, ...: set by udhcpc
set -eu
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    : >"$RESOLV_OUT"
    for server in ${dns:-}; do echo "nameserver $server" >>"$RESOLV_OUT"; done
    printf 'ip=%s\nmask=%s\nrouter=%s\ndns=%s\nlease=%s\n' "$ip" "${mask:-}" "${router:-}" "${dns:-}" "${lease:-}" >"$LEASE_OUT"
    ;;
esac
