# services.dnsmasq.settings of the hotspot (modules/bingo/hotspot.nix): DHCP for the phones, and
# DNS that answers every name with the box, with no upstream server (there is no internet).
# Builtins only, so that tests/rehearsal/hotspot.sh runs dnsmasq with exactly these settings
# (rendered by ./dnsmasq-conf.nix) without nixpkgs' lib.
{ interface, address, dhcpRange }:
{
  # Only the hotspot's interface: not the venue's cable LAN, not loopback (the box itself keeps
  # its own resolver). bind-dynamic: hostapd brings the interface up after dnsmasq may start.
  inherit interface;
  except-interface = "lo";
  bind-dynamic = true;

  dhcp-range = dhcpRange;
  # The only DHCP server on its own network: answer at once, and re-lease after a box restart.
  dhcp-authoritative = true;

  # Every name is the box ("/#/" matches all domains), so each captive-portal probe reaches Caddy.
  address = "/#/${address}";
  # Other types (AAAA) get an empty answer at once instead of REFUSED: since dnsmasq 2.86 they
  # would be forwarded (dnsmasq(8), --address), and there is nowhere to forward them.
  local = "/#/";
  # No forwarding (no upstream, /etc/resolv.conf not read), and /etc/hosts not served
  # (it maps the host name to 127.0.0.2 on NixOS).
  no-resolv = true;
  no-hosts = true;
}
