# Extra bits of the venue ISO (live system): a persistent data partition and an
# installer that puts the same venue system on the machine's own disk.
# `venueToplevel` (the installed venue system) is passed by venue.nix through _module.args.
{ config, lib, pkgs, venueToplevel, ... }:
{
  # The live system boots through the ISO's own loader.
  boot.loader.systemd-boot.enable = lib.mkForce false;

  isoImage = {
    makeEfiBootable = true;
    makeUsbBootable = true;
    volumeID = "BINGO_VENUE";
    squashfsCompression = "zstd -Xcompression-level 6";
  };

  # The live ISO forgets everything written; a partition labelled BINGODATA
  # (created by `bingo-make-data-partition`) keeps games, players and backups.
  fileSystems."/var/lib" = {
    device = "/dev/disk/by-label/BINGODATA";
    fsType = "ext4";
    options = [ "nofail" "x-systemd.device-timeout=5s" ];
    neededForBoot = false;
  };

  isoImage.storeContents = [ venueToplevel ];

  environment.systemPackages = [
    (pkgs.writeShellApplication {
      name = "bingo-make-data-partition";
      runtimeInputs = with pkgs; [ parted e2fsprogs util-linux ];
      text = ''
        # Usage: bingo-make-data-partition /dev/sdX
        # Adds an ext4 partition labelled BINGODATA in the free space after the ISO
        # on the USB stick it booted from. Reboot afterwards.
        disk="''${1:?usage: bingo-make-data-partition /dev/sdX}"
        start="$(parted --script --machine "$disk" unit MiB print | tail -n1 | cut -d: -f3)"
        parted --script --align optimal "$disk" -- mkpart primary ext4 "$start" 100%
        partprobe "$disk"
        part="$(lsblk -lnpo NAME "$disk" | tail -n1)"
        mkfs.ext4 -F -L BINGODATA "$part"
        echo "created $part (BINGODATA); reboot to use it"
      '';
    })
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
        mount /dev/disk/by-label/nixos /mnt
        mkdir -p /mnt/boot
        mount -o fmask=0077,dmask=0077 /dev/disk/by-label/ESP /mnt/boot
        nixos-install --system ${venueToplevel} --no-root-passwd --no-channel-copy --root /mnt
        umount -R /mnt
        echo "installed; remove the USB stick and reboot"
      '';
    })
  ];
}
