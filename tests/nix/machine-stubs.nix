# Stub declarations of the NixOS options that nixos/*.nix (the venue and cloud machines) set,
# beyond those of stubs.nix, with the names, types, defaults and the few behaviours the
# machines rely on, each copied from the nixpkgs file named beside it (read through the code
# search; the stored copies may predate nixos-26.05). tests/nix/machines.nix evaluates the
# machines and their image variants against them.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  opt = type: default: mkOption { inherit type default; };
  bool = opt types.bool false;
  strs = opt (types.listOf types.str) [ ];
  str = opt types.str "";
  anything = opt types.anything null;
in
{
  options = {
    # nixos/modules/misc/version.nix
    system.stateVersion = str;
    system.nixos.label = opt types.str "26.05";
    # nixos/modules/system/activation/top-level.nix, nixos/modules/installer/tools/tools.nix
    system.build = opt (types.lazyAttrsOf types.raw) { };

    # nixos/modules/config/nix.nix
    nix.settings = opt (types.attrsOf types.anything) { };
    # nixos/modules/config/system-path.nix
    environment.systemPackages = opt (types.listOf types.unspecified) [ ];
    # nixos/modules/config/i18n.nix, nixos/modules/config/locale.nix
    i18n.defaultLocale = str;
    time.timeZone = opt (types.nullOr types.str) null;
    # nixos/modules/system/boot/journald.nix
    services.journald.extraConfig = opt types.lines "";
    # nixos/modules/services/networking/ssh/sshd.nix
    services.openssh = {
      enable = bool;
      settings = opt (types.attrsOf types.anything) { };
    };
    # nixos/modules/services/ttys/getty.nix
    services.getty.helpLine = opt types.lines "";
    # nixos/modules/services/system/cloud-init.nix
    services.cloud-init = {
      enable = bool;
      network.enable = bool;
    };
    # nixos/modules/security/sudo.nix
    security.sudo.wheelNeedsPassword = opt types.bool true;
    # nixos/modules/hardware/all-firmware.nix
    hardware.enableRedistributableFirmware = bool;

    # nixos/modules/services/networking/firewall.nix, nftables.nix,
    # nixos/modules/tasks/network-interfaces.nix, nixos/modules/system/boot/networkd.nix,
    # nixos/modules/services/networking/iwd.nix
    networking.firewall.enable = opt types.bool true;
    networking.nftables.enable = bool;
    networking.useDHCP = opt types.bool true;
    networking.useNetworkd = bool;
    networking.wireless.iwd.enable = bool;

    # nixos/modules/tasks/filesystems.nix (fileSystems is attrsOf submodule; the priorities of
    # whole-attrset definitions such as disk-image.nix's mkImageMediaOverride apply as there).
    fileSystems = opt
      (types.attrsOf (types.submodule {
        options = {
          device = opt (types.nullOr types.str) null;
          fsType = opt types.str "auto";
          options = strs;
          autoResize = bool;
          neededForBoot = bool;
          noCheck = bool;
          depends = strs;
        };
      }))
      { };

    boot = {
      # nixos/modules/system/boot/grow-partition.nix
      growPartition = bool;
      # nixos/modules/hardware/... and nixos/modules/system/boot/kernel.nix
      initrd.availableKernelModules = strs;
      # nixos/modules/system/boot/loader/systemd-boot/systemd-boot.nix
      loader.systemd-boot.enable = bool;
      # nixos/modules/system/boot/loader/efi.nix
      loader.efi.canTouchEfiVariables = bool;
      # nixos/modules/system/boot/loader/grub/grub.nix (enable defaults to true)
      loader.grub = {
        enable = opt types.bool true;
        device = opt types.str "";
        devices = strs;
        efiSupport = bool;
      };
    };

    # nixos/modules/config/users-groups.nix (beyond stubs.nix)
    users.users = opt
      (types.attrsOf (types.submodule {
        options = {
          extraGroups = strs;
          openssh.authorizedKeys.keys = strs;
          hashedPasswordFile = opt (types.nullOr types.str) null;
        };
      }))
      { };

    # nixos/modules/image/images.nix
    image.modules = opt (types.attrsOf types.deferredModule) { };
    # nixos/modules/image/file-options.nix
    image.baseName = str;
    # nixos/modules/installer/cd-dvd/iso-image.nix
    isoImage = {
      makeEfiBootable = bool;
      makeUsbBootable = bool;
      volumeID = str;
      squashfsCompression = str;
      storeContents = opt (types.listOf types.unspecified) [ ];
    };
    # Set by the stubs below for the checks.
    stub.assertions = anything;
  };

  config = {
    # systemd-boot.nix: `boot.loader.grub.enable = mkDefault false` when systemd-boot is on.
    boot.loader.grub.enable = lib.mkIf config.boot.loader.systemd-boot.enable (lib.mkDefault false);
    system.build.toplevel = { type = "derivation"; outPath = "/nix/store/00000000000000000000000000000000-toplevel"; name = "toplevel"; };
    system.build.nixos-install = { type = "derivation"; outPath = "/nix/store/00000000000000000000000000000000-nixos-install"; name = "nixos-install"; };
    # The assertions of nixpkgs the machines must satisfy: filesystems.nix requires a root
    # filesystem; grub.nix requires devices when grub is on (grub.device feeds grub.devices).
    assertions = [
      { assertion = config.fileSystems ? "/"; message = "The ‘fileSystems’ option does not specify your root file system."; }
      {
        assertion = config.boot.loader.grub.enable -> (config.boot.loader.grub.device != "" || config.boot.loader.grub.devices != [ ]);
        message = "You must set the option ‘boot.loader.grub.devices’ or 'boot.loader.grub.mirroredBoots' to make the system bootable.";
      }
    ];
  };
}
