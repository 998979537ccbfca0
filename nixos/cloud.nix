# The cloud server: the same services behind Caddy's automatic HTTPS.
# Deploy: nixos-rebuild switch --flake .#cloud --target-host root@HOST
{ lib, modulesPath, ... }:
{
  imports = [ "${modulesPath}/profiles/qemu-guest.nix" ];

  networking.hostName = lib.mkDefault "bingo-cloud";

  services.bingo = {
    proxy = {
      # Override in a host-specific module (see docs/DEPLOYMENT.md).
      domain = lib.mkDefault "bingo.example.org";
      tls = lib.mkDefault "acme";
    };
    mdns.enable = false;
    backup.dir = lib.mkDefault "/var/backup/bingo";
  };

  # 22 (ssh), 80 and 443 (caddy) only.
  networking.firewall = {
    allowedTCPPorts = [ 22 ];
    allowedUDPPorts = lib.mkForce [ ];
  };

  fileSystems."/" = lib.mkDefault {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };
  fileSystems."/boot" = lib.mkDefault {
    device = "/dev/disk/by-label/ESP";
    fsType = "vfat";
  };
  boot.growPartition = true;
  boot.loader.systemd-boot.enable = lib.mkDefault true;
  boot.loader.efi.canTouchEfiVariables = lib.mkDefault false;

  services.cloud-init = {
    enable = lib.mkDefault true;
    network.enable = lib.mkDefault true;
  };
  networking.useDHCP = lib.mkDefault false;
  networking.useNetworkd = lib.mkDefault true;
}
