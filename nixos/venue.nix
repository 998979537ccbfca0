# The offline venue machine: boots from a USB stick (raw EFI image) straight into a
# working platform on http://bingo.local with no internet.
{ config, lib, pkgs, ... }:
{
  networking.hostName = "bingo";

  services.bingo = {
    proxy = {
      domain = "bingo.local";
      tls = "off";
    };
    mdns.enable = true;
    # A second USB stick (label BINGOBACKUP) is mounted here when present.
    backup.dir = lib.mkDefault "/mnt/backup/bingo";
    kiosk.enable = lib.mkDefault false;
  };

  fileSystems."/mnt/backup" = {
    device = "/dev/disk/by-label/BINGOBACKUP";
    fsType = "auto";
    options = [ "nofail" "noauto" "x-systemd.automount" "x-systemd.device-timeout=5s" "x-systemd.idle-timeout=5min" ];
  };

  # Installed-system layout (what the raw EFI image and `bingo-install` produce).
  fileSystems."/" = lib.mkDefault {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };
  fileSystems."/boot" = lib.mkDefault {
    device = "/dev/disk/by-label/ESP";
    fsType = "vfat";
    options = [ "fmask=0077" "dmask=0077" ];
  };
  boot.growPartition = true;
  boot.loader.systemd-boot.enable = lib.mkDefault true;
  boot.loader.efi.canTouchEfiVariables = false;
  # Boot on whatever machine the stick is plugged into.
  hardware.enableRedistributableFirmware = true;
  boot.initrd.availableKernelModules = [ "xhci_pci" "ehci_pci" "ahci" "usb_storage" "uas" "sd_mod" "nvme" "mmc_block" "sdhci_pci" ];

  # Wired (DHCP) or a configured Wi-Fi; the venue router hands out addresses.
  networking.useDHCP = lib.mkDefault true;
  networking.wireless.iwd.enable = lib.mkDefault true;

  # Show the address to type when multicast DNS is blocked by the Wi-Fi.
  services.getty.helpLine = ''

    Bingo platform: open http://bingo.local (or http://<address below>) on the player devices.
    Admin passphrase: sudo cat /var/lib/bingo-secrets/admin-passphrase
  '';
  environment.etc."issue.d/bingo-address.issue".text = "Addresses: \\4\n";

  # Local operator account; set a password or SSH key before a real event.
  users.users.operator = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    description = "Venue operator";
  };
  security.sudo.wheelNeedsPassword = lib.mkDefault true;

  environment.systemPackages = [ pkgs.qrencode ];

  image.modules = {
    raw-efi = {
      image.baseName = lib.mkForce "bingo-venue-${config.system.nixos.label}";
    };
    iso = {
      imports = [ ./installer.nix ];
      # The ISO carries the installed-system closure for `bingo-install`.
      _module.args.venueToplevel = config.system.build.toplevel;
      image.baseName = lib.mkForce "bingo-venue-${config.system.nixos.label}";
    };
  };
}
