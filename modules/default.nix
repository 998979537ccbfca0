# The bingo NixOS module: `imports = [ bingo.nixosModules.default ];`
# Options live under services.bingo (see docs/NIXOS-OPTIONS.md).
{
  imports = [
    ./bingo/options.nix
    ./bingo/service.nix
    ./bingo/database.nix
    ./bingo/redis.nix
    ./bingo/proxy.nix
    ./bingo/mdns.nix
    ./bingo/observability.nix
    ./bingo/alerting.nix
    ./bingo/backup.nix
    ./bingo/kiosk.nix
    ./bingo/hotspot.nix
  ];
}
