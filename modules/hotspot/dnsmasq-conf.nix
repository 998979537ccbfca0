# dnsmasq.conf exactly as nixpkgs' dnsmasq module writes it from services.dnsmasq.settings, with
# builtins only (for tests/rehearsal/hotspot.sh). Mirrors nixos/modules/services/networking/
# dnsmasq.nix (read at nixpkgs 6f056dbd, before nixos-26.05): its defaults (dhcp-leasefile,
# conf-file, resolv-file, server) under the given settings, then pkgs.formats.keyValue
# { listsAsDuplicateKeys = true; mkKeyValue = formatKeyValue; } (pkgs/pkgs-lib/formats.nix):
# lib.generators.toKeyValue, keys in attrNames order, a list as one line per element,
# true as the bare key, false as a comment, other values through mkValueStringDefault.
{ settings, resolveLocalQueries ? true }:
let
  optional = c: x: if c then [ x ] else [ ];
  # The module's mkDefault values; any of the settings wins over them.
  merged = {
    dhcp-leasefile = "/var/lib/dnsmasq/dnsmasq.leases";
    conf-file = optional resolveLocalQueries "/etc/dnsmasq-conf.conf";
    resolv-file = optional resolveLocalQueries "/etc/dnsmasq-resolv.conf";
    server = [ ];
  } // settings;

  # lib.generators.mkValueStringDefault for the atoms the module's type allows (no floats here).
  valueString = v:
    if builtins.isInt v then toString v
    else if builtins.isString v then v
    else if v == null then "null"
    else throw "dnsmasq-conf.nix: unsupported value ${builtins.toJSON v}";
  # formatKeyValue of the module; mkKeyValueDefault escapes the separator in the key.
  line = k: v:
    if v == true then k
    else if v == false then "# setting `${k}` explicitly set to false"
    else "${builtins.replaceStrings [ "=" ] [ "\\=" ] k}=${valueString v}";
  lines = k: map (v: line k v + "\n") (if builtins.isList merged.${k} then merged.${k} else [ merged.${k} ]);
in
builtins.concatStringsSep "" (builtins.concatLists (map lines (builtins.attrNames merged)))
