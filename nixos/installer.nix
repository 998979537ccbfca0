# Extra bits of the venue ISO (live system): the state kept on the stick's data partition when
# there is one, the tool that makes that partition, and an installer that puts the same venue
# system on the machine's own disk.
# `venueToplevel` (the installed venue system) is passed by venue.nix through _module.args.
{ config, lib, pkgs, venueToplevel, ... }:
let
  shellApp = import ./shell-app.nix { inherit pkgs; };

  dataMount = shellApp {
    name = "bingo-data-mount";
    file = ./scripts/bingo-data-mount.sh;
    runtimeInputs = with pkgs; [ coreutils util-linux e2fsprogs systemd ];
  };
  makeDataPartition = shellApp {
    name = "bingo-make-data-partition";
    file = ./scripts/bingo-make-data-partition.sh;
    runtimeInputs = with pkgs; [ coreutils util-linux e2fsprogs gnugrep gawk systemd ];
  };

  # Every unit that keeps state waits for bingo-data (absent units are ignored by systemd).
  stateUnits = [
    "postgresql.service"
    "redis-bingo.service"
    "bingo-secrets.service"
    "bingo-migrate.service"
    "bingo.service"
    "bingo-api.service"
    "bingo-backup.service"
    "bingo-grafana-secrets.service"
    "grafana.service"
    "prometheus.service"
    "loki.service"
    "caddy.service"
    "alloy.service"
  ];
in
{
  # The live system boots through the ISO's own loader
  # (nixos/modules/installer/cd-dvd/iso-image.nix turns grub off itself).
  boot.loader.systemd-boot.enable = lib.mkForce false;

  isoImage = {
    makeEfiBootable = true;
    makeUsbBootable = true;
    volumeID = "BINGO_VENUE";
    squashfsCompression = "zstd -Xcompression-level 6";
  };

  isoImage.storeContents = [ venueToplevel ];

  systemd.services.bingo-data = {
    description = "Keep the bingo state on the stick's BINGODATA partition, if there is one";
    wantedBy = [ "multi-user.target" ] ++ stateUnits;
    before = stateUnits;
    after = [ "local-fs.target" ];
    serviceConfig = {
      Type = "oneshot";
      RemainAfterExit = true;
      ExecStart = lib.getExe dataMount;
      StandardOutput = "journal+console";
    };
  };
  # The notice on the text consoles: "nothing survives a reboot" until the partition exists.
  # A link to a file made at run time, as nixos/modules/system/boot/resolved.nix does for
  # /etc/resolv.conf (environment.etc.<name>.source = "/run/..."); agetty reads /etc/issue.d.
  environment.etc."issue.d/bingo-storage.issue".source = "/run/bingo-storage/issue";

  environment.systemPackages = [
    makeDataPartition
    (pkgs.writeShellApplication {
      name = "bingo-install";
      runtimeInputs = with pkgs; [ parted dosfstools e2fsprogs util-linux config.system.build.nixos-install ];
      text = ''
        # Usage: bingo-install /dev/nvme0n1   (ERASES the disk)
        disk="''${1:?usage: bingo-install /dev/DISK}"
        read -r -p "Erase $disk and install the bingo venue system? [yes/NO] " answer
        [ "$answer" = yes ] || exit 1
        parted --script "$disk" -- mklabel gpt \
          mkpart ESP fat32 1MiB 1GiB set 1 esp on \
          mkpart nixos ext4 1GiB 100%
        partprobe "$disk"; udevadm settle
        mapfile -t parts < <(lsblk -lnpo NAME "$disk" | tail -n +2)
        mkfs.fat -F 32 -n ESP "''${parts[0]}"
        mkfs.ext4 -F -L nixos "''${parts[1]}"
        udevadm settle
        # By device, not by label: another disk of this machine may carry the same labels.
        mount "''${parts[1]}" /mnt
        mkdir -p /mnt/boot
        mount -o fmask=0077,dmask=0077 "''${parts[0]}" /mnt/boot
        nixos-install --system ${venueToplevel} --no-root-passwd --no-channel-copy --root /mnt
        umount -R /mnt
        echo "installed; remove the USB stick and reboot"
      '';
    })
  ];
}
