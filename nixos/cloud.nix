# The cloud server: the same services behind Caddy's automatic HTTPS.
# Deploy: nixos-rebuild switch --flake .#cloud --target-host root@HOST
#
# The base configuration is a generic UEFI VM (the `cloud-image`/`cloud-raw` disk images:
# systemd-boot, root and ESP by label). The provider images (image.modules.<variant>) bring
# their own disk layout, boot loader and host-name handling, read from nixpkgs (the stored
# versions may predate nixos-26.05):
# - nixos/modules/image/images.nix: the variants; each extends this configuration.
# - nixos/modules/virtualisation/disk-image.nix (qemu-efi, raw-efi): systemd-boot for EFI and
#   its own "/" and "/boot" (with mkImageMediaOverride on the whole set in one copy read, at
#   normal priority in others: either way they win over the mkDefault ones below, so /boot
#   there has no fmask/dmask and bootctl warns that its random seed is world-readable).
# - nixos/modules/virtualisation/amazon-image.nix: grub (device /dev/xvda on x86_64, "nodev"
#   with EFI on aarch64), /boot only with EFI, hostName mkDefault "".
# - nixos/modules/virtualisation/google-compute-config.nix: grub on /dev/sda, legacy MBR.
# - nixos/modules/virtualisation/openstack-config.nix: grub (/dev/vda or EFI "nodev").
# - nixos/modules/virtualisation/azure-common.nix: grub on /dev/sda (vmGeneration v1 default).
# All four set `networking.hostName = mkDefault ""` (the name comes from the provider).
# nixos/modules/system/boot/loader/systemd-boot/systemd-boot.nix turns grub off with
# mkDefault false whenever systemd-boot is on, so the grub variants must turn systemd-boot off.
{ config, lib, modulesPath, ... }:
let
  # Below mkDefault (1000): the image modules' `mkDefault ""` wins on their images, this
  # name everywhere else (a definition at the same priority would conflict).
  belowDefault = lib.mkOverride 1100;
  grubImage = {
    boot.loader.systemd-boot.enable = lib.mkForce false;
  };
in
{
  imports = [ "${modulesPath}/profiles/qemu-guest.nix" ];

  networking.hostName = belowDefault "bingo-cloud";

  services.bingo = {
    proxy = {
      # Override in a host-specific module (see docs/DEPLOYMENT.md).
      domain = lib.mkDefault "bingo.example.org";
      tls = lib.mkDefault "acme";
    };
    mdns.enable = false;
    backup.dir = lib.mkDefault "/var/backup/bingo";
  };

  # 22 (ssh) here; 80, 443 and UDP 443 (HTTP/3) are opened by the proxy module.
  networking.firewall.allowedTCPPorts = [ 22 ];

  fileSystems."/" = lib.mkDefault {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };
  # Only where systemd-boot is the loader: the grub images have no ESP on x86_64.
  fileSystems."/boot" = lib.mkIf config.boot.loader.systemd-boot.enable (lib.mkDefault {
    device = "/dev/disk/by-label/ESP";
    fsType = "vfat";
    options = [ "fmask=0077" "dmask=0077" ];
  });
  boot.growPartition = true;
  boot.loader.systemd-boot.enable = lib.mkDefault true;
  boot.loader.efi.canTouchEfiVariables = lib.mkDefault false;

  image.modules = {
    amazon = grubImage;
    google-compute = grubImage;
    openstack = grubImage;
    azure = grubImage;
  };

  services.cloud-init = {
    enable = lib.mkDefault true;
    network.enable = lib.mkDefault true;
  };
  networking.useDHCP = lib.mkDefault false;
  networking.useNetworkd = lib.mkDefault true;
}
