#!/usr/bin/env bash
# bingo-make-data-partition [--yes] [/dev/DISK]
# Adds an ext4 partition labelled BINGODATA after everything on the venue USB stick.
#
# Layout assumed, from nixpkgs nixos/lib/make-iso9660-image.sh and
# nixos/modules/installer/cd-dvd/iso-image.nix (as stored by the code search; that copy may
# predate nixos-26.05): xorriso -as mkisofs with -isohybrid-mbr isohdpfx.bin and, for EFI,
# -eltorito-alt-boot -e boot/efi.img -no-emul-boot -isohybrid-gpt-basdat. The result has an
# MBR whose entry 1 (type 0, bootable) covers the ISO from sector 0, entry 2 (type 0xef) the
# EFI image, and a GPT (header at LBA 1, backup at the ISO's end) that the MBR does not
# protect (no 0xee entry). The ISO is labelled by isoImage.volumeID and mounted at /iso.
# parted ignores entry 1 (it starts at sector 0), hence the old tool's overlap: this one reads
# the raw tables instead and takes the end of every extent it can find.
#
# The new partition goes into a free MBR slot only. The hybrid GPT is left alone on purpose:
# without a protective MBR, firmware and Linux use the MBR and ignore that GPT; its backup
# header sits at the ISO's end, not the disk's, so any GPT editor would "repair" it by
# rewriting structures inside the ISO, which is what we must never touch.
set -euo pipefail
shopt -s inherit_errexit   # a failing read inside "$(extents)" stops the script

me=bingo-make-data-partition
iso_label="${BINGO_ISO_LABEL:-BINGO_VENUE}"
iso_mount="${BINGO_ISO_MOUNT:-/iso}"
min_mib="${BINGO_DATA_MIN_MIB:-256}"
MiB=1048576

die() { echo "$me: $*" >&2; exit 1; }
usage() { echo "usage: $me [--yes] [/dev/DISK]   (no DISK: the stick the live system booted from)"; }

yes=0 disk=""
for arg in "$@"; do
  case "$arg" in
    --yes|-y) yes=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) [ -z "$disk" ] || { usage >&2; exit 2; }; disk="$arg" ;;
  esac
done

[ "$(id -u)" = 0 ] || die "must run as root"

# The disk holding the live system: the one under /iso (by MAJ:MIN, as the mount source may
# read /dev/root), else the one labelled BINGO_VENUE (whole disk and MBR entry 1 both carry it).
boot_disk() {
  local mm src sysp
  mm="$(findmnt -nro MAJ:MIN --mountpoint "$iso_mount" 2>/dev/null || true)"
  if [ -n "$mm" ] && [ -e "/sys/dev/block/$mm" ]; then
    sysp="$(readlink -f "/sys/dev/block/$mm")"
  else
    src="$(blkid -c /dev/null -o device -t LABEL="$iso_label" 2>/dev/null | head -n1 || true)"
    [ -b "$src" ] || return 1
    sysp="$(readlink -f "/sys/class/block/$(basename "$(readlink -f "$src")")")"
  fi
  if [ -e "$sysp/partition" ]; then sysp="$(dirname "$sysp")"; fi
  echo "/dev/$(basename "$sysp")"
}
booted="$(boot_disk || true)"
if [ -z "$disk" ]; then
  [ -n "$booted" ] || die "cannot find the disk the live system booted from (nothing at $iso_mount, no label $iso_label); name it: $me /dev/sdX"
  disk="$booted"
  echo "Picked $disk: the disk the live system booted from."
fi

[ -b "$disk" ] || die "$disk is not a block device"
name="$(basename "$(readlink -f "$disk")")"
disk="/dev/$name"
sys="/sys/class/block/$name"
if [ ! -d "$sys" ] || [ -e "$sys/partition" ]; then
  die "$disk is a partition, not a whole disk (give /dev/sdX, not /dev/sdX1)"
fi

[ "$(blockdev --getro "$disk")" = 0 ] || die "$disk is read-only (a CD, or a stick with a write-protect switch)"
ss="$(blockdev --getss "$disk")"
disk_bytes="$(blockdev --getsize64 "$disk")"

# read_le BYTES OFFSET: unsigned little-endian integer at a byte offset of the disk.
read_le() {
  dd if="$disk" bs=4096 iflag=skip_bytes,count_bytes skip="$2" count="$1" status=none |
    od -An -v -t "u$1" --endian=little | tr -d ' \n'
}
read_str() { dd if="$disk" bs=4096 iflag=skip_bytes,count_bytes skip="$2" count="$1" status=none | tr -d '\0'; }

# Sanity: this must be an isohybrid venue stick, never an internal or GPT disk.
[ "$(read_le 2 510)" = 43605 ] || die "$disk has no MBR (0x55AA missing): not a venue stick"
[ "$(read_str 5 32769)" = CD001 ] || die "$disk has no ISO 9660 image at its start: not a venue stick"

# Extents in bytes, one "what start end" line each: MBR entries, GPT entries and headers,
# the ISO 9660 volume (primary volume descriptor: space size at +80, block size at +128),
# and partitions the kernel knows. SKIP_SLOT leaves out the entry being created.
extents() {
  local skip="${1:-0}" i off type start size
  for i in 1 2 3 4; do
    off=$((446 + 16 * (i - 1)))
    type="$(read_le 1 $((off + 4)))"; start="$(read_le 4 $((off + 8)))"; size="$(read_le 4 $((off + 12)))"
    [ "$size" -gt 0 ] && [ "$i" != "$skip" ] && echo "mbr$i/type$(printf %02x "$type") $((start * ss)) $(((start + size) * ss))"
  done
  echo "iso9660 0 $(($(read_le 4 $((32768 + 80))) * $(read_le 2 $((32768 + 128)))))"
  if [ "$(read_str 8 "$ss")" = "EFI PART" ]; then
    local alt entries_lba n esz
    alt="$(read_le 8 $((ss + 32)))"; entries_lba="$(read_le 8 $((ss + 72)))"
    n="$(read_le 4 $((ss + 80)))"; esz="$(read_le 4 $((ss + 84)))"
    echo "gpt-headers 0 $(((alt + 1) * ss))"
    if [ "$n" -lt 1 ] || [ "$n" -gt 1024 ] || [ "$esz" -lt 128 ] || [ $((esz % 8)) != 0 ] ||
      [ $((entries_lba * ss + n * esz)) -gt "$disk_bytes" ]; then
      die "$disk has a GPT header with an implausible entry array ($n x $esz at LBA $entries_lba): refusing"
    fi
    # Entry: type GUID (words 0,1), first LBA (word 4), last LBA (word 5); unused if GUID is 0.
    dd if="$disk" bs=4096 iflag=skip_bytes,count_bytes skip=$((entries_lba * ss)) count=$((n * esz)) status=none |
      od -An -v -t u8 --endian=little | tr -s ' ' '\n' | grep . |
      awk -v w=$((esz / 8)) -v ss="$ss" '{ k = (NR - 1) % w; v[k] = $1 }
        k == w - 1 && (v[0] != 0 || v[1] != 0) { printf "gpt%d %.0f %.0f\n", int((NR - 1) / w) + 1, v[4] * ss, (v[5] + 1) * ss }'
  fi
  for i in "$sys"/"$name"*/partition; do
    if [ ! -e "$i" ] || [ "$(cat "$i")" = "$skip" ]; then continue; fi
    start="$(cat "${i%/partition}/start")"; size="$(cat "${i%/partition}/size")"
    echo "kernel:$(basename "${i%/partition}") $((start * 512)) $(((start + size) * 512))"
  done
}

ext="$(extents)"
# Refuse early: nothing may already carry the label (two would make /dev/disk/by-label ambiguous).
existing="$(blkid -c /dev/null -o device -t LABEL=BINGODATA 2>/dev/null || true)"
[ -z "$existing" ] || die "a partition labelled BINGODATA already exists ($(echo "$existing" | paste -sd' ')): nothing to do"
# The kernel may not know every MBR entry yet: probe each entry on the disk itself too.
while read -r what start _; do
  case "$what" in mbr*) ;; *) continue ;; esac
  if [ "$(blkid -p -O "$start" -o value -s LABEL "$disk" 2>/dev/null || true)" = BINGODATA ]; then
    die "$what on $disk is already labelled BINGODATA: nothing to do"
  fi
done <<<"$ext"

# Anything mounted read-write (or used as swap) on this disk means something else is using it;
# the ISO itself is always mounted read-only at /iso and that is expected.
while read -r dev; do
  while read -r target opts; do
    case ",$opts," in *,rw,*) die "$dev is mounted read-write at $target: unmount it first" ;; esac
  done < <(findmnt -rn -o TARGET,OPTIONS -S "$dev" 2>/dev/null || true)
  if swapon --show=NAME --noheadings 2>/dev/null | grep -qx "$dev"; then die "$dev is in use as swap"; fi
done < <(lsblk -lnpo NAME "$disk")

used_end=0
while read -r _ _ end; do [ "$end" -le "$used_end" ] || used_end="$end"; done <<<"$ext"
start=$(((used_end + MiB - 1) / MiB * MiB))
limit="$disk_bytes"                                  # an MBR entry addresses 2^32 sectors
[ "$limit" -le $((4294967295 * ss)) ] || limit=$((4294967295 * ss))
size=$(((limit - start) / MiB * MiB))
if [ "$start" -ge "$limit" ] || [ "$size" -lt $((min_mib * MiB)) ]; then
  die "not enough free space on $disk after the last used byte ($((used_end / MiB)) MiB used of $((disk_bytes / MiB)) MiB; need at least $min_mib MiB free)"
fi

slot=""
for i in 1 2 3 4; do [ "$(read_le 4 $((446 + 16 * (i - 1) + 12)))" != 0 ] || { slot="$i"; break; }; done
[ -n "$slot" ] || die "all four MBR slots on $disk are used: no room for a new entry"
for i in 1 2 3 4; do [ "$(read_le 1 $((446 + 16 * (i - 1) + 4)))" != 238 ] || die "$disk has a protective MBR (GPT disk): not a venue stick"; done

model=""; read -r model < <(lsblk -dno MODEL "$disk" 2>/dev/null) || true   # read trims the padding
echo "Plan for $disk (${model:-unknown model}, $((disk_bytes / MiB)) MiB):"
if [ "$disk" = "$booted" ]; then echo "  this is the disk the live system booted from"
else echo "  WARNING: this is NOT the disk the live system booted from (${booted:-unknown})"; fi
echo "  used up to byte $used_end (ISO, EFI image and every partition table entry)"
echo "  new MBR partition $slot: start $((start / MiB)) MiB, size $((size / MiB)) MiB, ext4, label BINGODATA"
echo "  nothing before $((start / MiB)) MiB is written"
if [ "$yes" != 1 ]; then
  read -r -p "Type yes to create it: " answer || answer=""
  [ "$answer" = yes ] || die "cancelled, nothing changed"
fi

# Any failure from here until the label is checked takes the new entry out again, so a retry
# (after a reboot, say) finds the stick as it was rather than an unformatted partition 3.
created=0
undo() {
  local rc=$?
  [ "$rc" != 0 ] && [ "$created" = 1 ] || return 0
  echo "$me: removing the new MBR entry $slot again" >&2
  partx --delete --nr "$slot" "$disk" 2>/dev/null || true
  if sfdisk -q --no-reread --no-tell-kernel --wipe never --delete "$disk" "$slot" 2>/dev/null; then
    echo "$me: the partition table is as before" >&2
  else echo "$me: could not remove MBR entry $slot: check with sfdisk -l $disk" >&2; fi
}
trap undo EXIT

# sfdisk rewrites only this slot; --wipe never keeps the ISO's and the GPT's signatures.
# (Its "partition N is not defined yet" is the expected state of a new slot, not news.)
if ! out="$(echo "start=$((start / ss)), size=$((size / ss)), type=83" |
  sfdisk -q --no-reread --no-tell-kernel --wipe never --wipe-partitions always -N "$slot" "$disk" 2>&1)"; then
  echo "$out" >&2; die "sfdisk failed; the stick is as before unless it says otherwise above"
fi
created=1
grep -v 'is not defined yet' <<<"$out" || true
# BLKPG for this one partition: works while the ISO partition is mounted, and the kernel itself
# refuses it if it overlaps a partition it knows.
if [ -e "$sys/${name}${slot}/partition" ] || [ -e "$sys/${name}p${slot}/partition" ]; then
  partx --update --nr "$slot" "$disk"
else
  partx --add --nr "$slot" "$disk"
fi
if command -v udevadm >/dev/null; then udevadm settle --timeout=10 || true; fi

part=""
for i in "$sys"/"$name"*/partition; do
  [ -e "$i" ] && [ "$(cat "$i")" = "$slot" ] && part="$(basename "${i%/partition}")"
done
[ -n "$part" ] || die "the kernel does not show partition $slot of $disk; reboot and check with lsblk"
for _ in $(seq 50); do [ -b "/dev/$part" ] && break; sleep 0.1; done
[ -b "/dev/$part" ] || die "/dev/$part did not appear"

# Check before formatting: what the kernel and the MBR say is exactly the plan, and it overlaps nothing.
kstart=$(($(cat "$sys/$part/start") * 512)); ksize=$(($(cat "$sys/$part/size") * 512))
if [ "$kstart" != "$start" ] || [ "$ksize" != "$size" ]; then
  die "/dev/$part is at $kstart+$ksize, planned $start+$size: not formatting it"
fi
off=$((446 + 16 * (slot - 1)))
if [ "$(($(read_le 4 $((off + 8))) * ss))" != "$start" ] || [ "$(($(read_le 4 $((off + 12))) * ss))" != "$size" ]; then
  die "MBR entry $slot differs from the plan: not formatting /dev/$part"
fi
ext="$(extents "$slot")"
while read -r what s e; do
  [ "$e" -le "$start" ] || [ "$s" -ge $((start + size)) ] || die "/dev/$part would overlap $what ($s-$e): not formatting it"
done <<<"$ext"

mkfs.ext4 -q -F -L BINGODATA "/dev/$part"
[ "$(blkid -p -o value -s LABEL "/dev/$part")" = BINGODATA ] || die "mkfs.ext4 on /dev/$part did not leave label BINGODATA"
created=0
echo "Created /dev/$part: ext4, label BINGODATA, $((size / MiB)) MiB from $((start / MiB)) MiB on $disk."
echo "Reboot to use it."
