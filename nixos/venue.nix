# The offline venue machine: boots from a USB stick (raw EFI image) straight into a
# working platform on http://bingo.local with no internet. The ISO variant (installer.nix)
# boots the same system live.
#
# The operator's way in: a menu on the second text console (Ctrl+Alt+F2), for whoever holds
# the box's keyboard (the physical console is the venue's trust boundary: whoever holds it can
# boot anything from a stick anyway). It shows the join addresses and the admin passphrase,
# makes the data partition, installs to disk, backs up, sets the operator's password and opens
# a root shell. Over the network: SSH as `operator` with a key (bingoVenue.operator.*; SSH
# takes no passwords, nixos/common.nix); the password set in the menu is for sudo and consoles.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  vcfg = config.bingoVenue;
  bcfg = config.services.bingo;
  shellApp = import ./shell-app.nix { inherit pkgs; };
  tty = vcfg.operator.menuTty;

  menu = shellApp {
    name = "bingo-operator-menu";
    file = ./scripts/bingo-operator-menu.sh;
    runtimeInputs = with pkgs; [ bash coreutils gnugrep gawk iproute2 qrencode systemd shadow util-linux ];
  };
in
{
  options.bingoVenue = {
    liveSystem = mkOption {
      type = types.bool;
      default = false;
      internal = true;
      description = "Set by the ISO variant: the root is in memory, so no disk layout, boot loader or partition growing of the installed system.";
    };
    operator = {
      authorizedKeys = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "ssh-ed25519 AAAA... operator@laptop" ];
        description = "SSH public keys that may log in as `operator` (SSH takes keys only; `operator` may sudo with the password set in the operator menu or by hashedPasswordFile).";
      };
      hashedPasswordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "File with the operator's hashed password (mkpasswd -m yescrypt), outside the Nix store. Without it the password is set in the operator menu (kept on an installed system; forgotten at reboot on the live ISO).";
      };
      menuTty = mkOption {
        type = types.strMatching "tty[0-9]+";
        default = "tty2";
        description = "Text console of the operator menu (tty1 keeps the login prompt or the kiosk).";
      };
    };
  };

  config = lib.mkMerge [
    {
      networking.hostName = "bingo";

      services.bingo = {
        proxy = {
          domain = "bingo.local";
          tls = "off";
        };
        mdns.enable = true;
        # Backups are made on the box, then copied to a stick labelled BINGOBACKUP when one is
        # plugged in (modules/bingo/backup.nix); no stick is a status, not a failed unit.
        backup.stick.enable = lib.mkDefault true;
        kiosk.enable = lib.mkDefault false;
      };

      # Boot on whatever machine the stick is plugged into.
      hardware.enableRedistributableFirmware = true;
      boot.initrd.availableKernelModules = [ "xhci_pci" "ehci_pci" "ahci" "usb_storage" "uas" "sd_mod" "nvme" "mmc_block" "sdhci_pci" ];

      # Wired (DHCP) or a configured Wi-Fi; the venue router hands out addresses.
      networking.useDHCP = lib.mkDefault true;
      networking.wireless.iwd.enable = lib.mkDefault true;

      # nixos/modules/services/ttys/getty.nix: helpLine goes into /etc/issue below the greeting.
      services.getty.helpLine = ''

        Bingo platform: players open http://bingo.local or http://<an address below>.
        Operator menu (addresses, admin passphrase, backups, data partition): Ctrl+Alt+F2
      '';
      # agetty also reads /etc/issue.d (util-linux >= 2.35); \4 is the IPv4 address.
      environment.etc."issue.d/bingo-address.issue".text = "Addresses: \\4\n";

      users.users.operator = {
        isNormalUser = true;
        extraGroups = [ "wheel" ];
        description = "Venue operator";
        openssh.authorizedKeys.keys = vcfg.operator.authorizedKeys;
        hashedPasswordFile = vcfg.operator.hashedPasswordFile;
      };
      security.sudo.wheelNeedsPassword = lib.mkDefault true;

      environment.systemPackages = [ pkgs.qrencode menu ];

      # The menu holds its console; logind must not start a getty there when it is switched to
      # (masking the instances: nixos/lib/systemd-lib.nix makes a unit with enable = false a
      # link to /dev/null).
      systemd.services."getty@${tty}".enable = false;
      systemd.services."autovt@${tty}".enable = false;
      systemd.services.bingo-operator-menu = {
        description = "Bingo operator menu on ${tty}";
        wantedBy = [ "multi-user.target" ];
        after = [ "systemd-user-sessions.service" ];
        environment = {
          BINGO_ADMIN_PASSPHRASE_FILE = bcfg.adminPasswordFile;
          BINGO_BACKUP_STATUS_FILE = bcfg.backup.statusFile;
          BINGO_STORAGE_STATUS_FILE = "/run/bingo-storage/status";
          TERM = "linux";
        };
        # The tools the menu runs for the operator (installer.nix adds the ISO's two).
        path = [ "/run/current-system/sw" ];
        serviceConfig = {
          ExecStart = lib.getExe menu;
          StandardInput = "tty";
          StandardOutput = "tty";
          StandardError = "tty";
          TTYPath = "/dev/${tty}";
          TTYReset = true;
          TTYVHangup = true;
          TTYVTDisallocate = true;
          UtmpIdentifier = tty;
          Restart = "always";
          RestartSec = "1s";
        };
      };

      # What the menu says about storage on an installed system (the ISO writes its own).
      systemd.tmpfiles.rules = lib.mkIf (!vcfg.liveSystem) [
        "d /run/bingo-storage 0755 root root -"
        "f+ /run/bingo-storage/status 0644 root root - PERSISTENT installed on this machine's disk"
      ];

      image.modules = {
        raw-efi = {
          image.baseName = lib.mkForce "bingo-venue-${config.system.nixos.label}";
        };
        iso = {
          imports = [ ./installer.nix ];
          bingoVenue.liveSystem = true;
          # The ISO carries the installed-system closure for `bingo-install`.
          _module.args.venueToplevel = config.system.build.toplevel;
          image.baseName = lib.mkForce "bingo-venue-${config.system.nixos.label}";
        };
      };
    }

    # Installed-system layout (what the raw EFI image and `bingo-install` produce). Not on the
    # live ISO: iso-image.nix overrides only /, /iso and /nix/*, so a /boot by label would
    # hang its boot for 90 s and then enter emergency mode on machines without that label, and
    # growPartition would point at a tmpfs root. (disk-image.nix replaces these fileSystems on
    # the raw-efi image with its own identical ones.)
    (lib.mkIf (!vcfg.liveSystem) {
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
    })
  ];
}
