# mdns: publish <hostName>.local with Avahi (UDP 5353 opened by the avahi module).
{ config, lib, ... }:
let
  cfg = config.services.bingo;
in
{
  config = lib.mkIf (cfg.enable && cfg.mdns.enable) {
    warnings = lib.optional (lib.hasSuffix ".local" cfg.proxy.domain && cfg.proxy.domain != "${config.networking.hostName}.local")
      "services.bingo.proxy.domain is ${cfg.proxy.domain}, but Avahi publishes ${config.networking.hostName}.local.";
    services.avahi = {
      enable = true;
      openFirewall = true;
      nssmdns4 = true;
      publish = {
        enable = true;
        addresses = true;
        workstation = false;
      };
    };
  };
}
