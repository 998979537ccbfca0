# hotspot: the box is the venue's Wi-Fi, for halls without a usable network. hostapd runs the
# access point, dnsmasq gives phones an address and answers every DNS name with the box, and
# Caddy answers the phones' captive-portal probes with a redirect to the join page
# (modules/hotspot/probes.nix, rendered by modules/caddy/render.nix), so joining the network
# opens the game.
#
# Rehearsed by tests/rehearsal/hotspot.sh: dnsmasq with these very settings, Caddy and bingo on
# a box, and a phone that gets its address by DHCP, resolves every name to the box, is redirected
# by each probe and plays a game. NOT rehearsed: the radio (hostapd). There is no Wi-Fi card
# there; its settings follow nixpkgs' nixos/modules/services/networking/hostapd.nix
# (radios/networks; read at a version before nixos-26.05) and are checked only by evaluation.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  bcfg = config.services.bingo;
  cfg = bcfg.hotspot;

  parts = lib.splitString "/" cfg.address;
  ip = lib.head parts;
  prefixLength = lib.toInt (lib.elemAt parts 1);
  subnet24 = lib.concatStringsSep "." (lib.take 3 (lib.splitString "." ip));
in
{
  options.services.bingo.hotspot = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Make this machine a Wi-Fi access point for the players (hostapd on
        {option}`services.bingo.hotspot.interface`), with DHCP and a DNS server that answers
        every name with this machine (dnsmasq), and captive-portal answers: a phone that joins
        the network is shown the join page. There is no internet on that network. Turns iwd off
        (the access point owns the Wi-Fi card) and keeps Wi-Fi cards' kernel names (wlan0).
      '';
    };
    interface = mkOption {
      type = types.str;
      default = "wlan0";
      description = "The Wi-Fi card that becomes the access point (`ip link` shows it).";
    };
    ssid = mkOption {
      type = types.str;
      default = "Bingo";
      description = "Name of the Wi-Fi network.";
    };
    passphraseFile = mkOption {
      type = types.nullOr (types.strMatching "/.+");
      default = null;
      example = "/var/lib/bingo-secrets/wifi-passphrase";
      description = ''
        File (outside the Nix store, read by root when hostapd starts) holding the WPA2
        passphrase, 8 to 63 printable ASCII characters. `null`: an open network.
        WPA2-Personal with SHA-1 (`WPA-PSK`), which every phone supports; hostapd's WPA3 modes
        leave older phones out.
      '';
    };
    channel = mkOption {
      type = types.ints.between 1 13;
      default = 6;
      description = "2.4 GHz channel (1 to 11 are allowed everywhere).";
    };
    countryCode = mkOption {
      type = types.nullOr (types.strMatching "[A-Z][A-Z]");
      default = null;
      example = "GB";
      description = "Country of the venue (ISO 3166-1), for the radio's legal channels and power (IEEE 802.11d/h).";
    };
    address = mkOption {
      type = types.strMatching "[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+/[0-9]+";
      # NetworkManager's default for a shared (hotspot) connection.
      default = "10.42.0.1/24";
      description = "This machine's address and prefix on the hotspot's network.";
    };
    dhcpRange = mkOption {
      type = types.str;
      default = "${subnet24}.10,${subnet24}.250,12h";
      defaultText = lib.literalExpression ''"<first three parts of address>.10,<...>.250,12h"'';
      description = "dnsmasq's `dhcp-range`: first and last address handed out, and the lease time.";
    };
    portalUrl = mkOption {
      type = types.str;
      default = "${bcfg.publicUrl}/player/";
      defaultText = lib.literalExpression ''"''${services.bingo.publicUrl}/player/"'';
      description = "Where the captive-portal probes are redirected: the Player app's join page.";
    };
  };

  config = lib.mkIf (bcfg.enable && cfg.enable) {
    assertions = [
      {
        assertion = bcfg.proxy.enable && bcfg.proxy.tls == "off";
        message = "services.bingo.hotspot needs services.bingo.proxy with tls = \"off\" (phones probe for captive portals over plain HTTP, and the hotspot has no internet for ACME).";
      }
      {
        assertion = cfg.passphraseFile == null || !lib.hasPrefix builtins.storeDir cfg.passphraseFile;
        message = "services.bingo.hotspot.passphraseFile must not be in the Nix store, which is world-readable.";
      }
    ];

    # nixos/modules/services/networking/hostapd.nix: one radio, one network named like it.
    services.hostapd = {
      enable = true;
      radios.${cfg.interface} = {
        band = "2g";
        inherit (cfg) channel countryCode;
        # Plain 20 MHz 802.11n: hostapd refuses to start with a capability the card lacks
        # (the module's default asks for HT40), and 802.11ac is not a 2.4 GHz mode.
        wifi4.capabilities = [ ];
        wifi5.enable = false;
        networks.${cfg.interface} = {
          inherit (cfg) ssid;
          # Phones reach the box, not each other.
          apIsolate = true;
          # wpaPasswordFile is copied at start into /run/hostapd (its "20-wpaPasswordFile" script,
          # UMask 0077), never into the Nix store.
          authentication =
            if cfg.passphraseFile == null then { mode = "none"; }
            else { mode = "wpa2-sha1"; wpaPasswordFile = cfg.passphraseFile; };
        };
      };
    };

    # nixos/modules/services/networking/dnsmasq.nix. resolveLocalQueries off: the box's own
    # lookups must not get its own address for every name.
    services.dnsmasq = {
      enable = true;
      resolveLocalQueries = false;
      settings = import ../hotspot/dnsmasq.nix { inherit (cfg) interface dhcpRange; address = ip; };
    };

    # nixos/modules/tasks/network-interfaces.nix; a static address also keeps dhcpcd off it
    # (nixos/modules/services/networking/dhcpcd.nix, ignoredInterfaces).
    networking.interfaces.${cfg.interface} = {
      useDHCP = false;
      ipv4.addresses = [{ address = ip; inherit prefixLength; }];
    };

    # nixos/modules/services/networking/firewall.nix: DHCP and DNS on the hotspot only (HTTP on
    # 80 and mDNS are open on every interface already).
    networking.firewall.interfaces.${cfg.interface} = {
      allowedUDPPorts = [ 53 67 ];
      allowedTCPPorts = [ 53 ];
    };

    # iwd would take the card back as a client (nixos/modules/services/networking/iwd.nix). Its
    # link rule kept wlan0 as wlan0; keep that name without it (.link files apply without
    # systemd-networkd: nixos/modules/system/boot/networkd.nix).
    networking.wireless.iwd.enable = lib.mkForce false;
    systemd.network.links."80-bingo-hotspot-wlan" = {
      matchConfig.Type = "wlan";
      linkConfig.NamePolicy = "keep kernel";
    };
  };
}
