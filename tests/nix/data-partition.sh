#!/usr/bin/env bash
# Tests nixos/scripts/bingo-make-data-partition.sh on a loop-mounted image of a venue stick:
# an isohybrid ISO built with Debian's xorriso and the flags of nixpkgs'
# nixos/lib/make-iso9660-image.sh (EFI image inside the ISO, -isohybrid-gpt-basdat), and a
# variant with the EFI image appended after the ISO as MBR partition 2 (type 0xef).
# Runs as root (loop devices). Needs: xorriso, isolinux, syslinux-common, dosfstools, mtools,
# fdisk (sfdisk), util-linux, e2fsprogs. BINGO_DATA_PARTITION_SCRIPT=path tests another script.
set -uo pipefail
# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" data-partition
needs_root_and_loops
script="${BINGO_DATA_PARTITION_SCRIPT:-$repo/nixos/scripts/bingo-make-data-partition.sh}"
MiB=1048576
isohdpfx=/usr/lib/ISOLINUX/isohdpfx.bin
for t in xorriso mkfs.vfat mmd mcopy sfdisk partx losetup blkid mkfs.ext4 isosize sha256sum timeout flock; do
  command -v "$t" >/dev/null || { bad "'$t' missing (apt-get install xorriso isolinux syslinux-common dosfstools mtools fdisk)"; stop; }
done
[ -f "$isohdpfx" ] || { bad "$isohdpfx missing (apt-get install isolinux)"; stop; }
probe="$(timeout 10 losetup -f 2>&1)" || skip "loop devices unusable: $probe"
# One run at a time: the tool refuses when a BINGODATA label exists anywhere on the machine,
# so a second run's stick would make this one's fail.
exec 9>/tmp/bingo-data-partition-test.lock
flock -w 240 9 || { bad "another data-partition test held the lock for 4 minutes"; stop; }

# build_iso OUT appended|inside: a few MiB, volume ID BINGO_VENUE, an EFI FAT image.
build_iso() {
  local out="$1" mode="$2" root="$work/root-$2"
  mkdir -p "$root/isolinux" "$root/boot" "$root/EFI/boot"
  cp /usr/lib/ISOLINUX/isolinux.bin "$root/isolinux/"
  cp /usr/lib/syslinux/modules/bios/ldlinux.c32 "$root/isolinux/" 2>/dev/null || true
  head -c $((3 * MiB)) /dev/urandom >"$root/nix-store.squashfs"
  echo "bingo test" >"$root/version.txt"
  truncate -s $((2 * MiB)) "$work/efi.img"
  mkfs.vfat -i 12345678 -n EFIBOOT "$work/efi.img" >/dev/null
  head -c 200000 /dev/urandom >"$work/bootx64.efi"
  mmd -i "$work/efi.img" ::/EFI ::/EFI/boot
  mcopy -i "$work/efi.img" "$work/bootx64.efi" ::/EFI/boot/bootx64.efi
  local efi=(-eltorito-alt-boot -e boot/efi.img -no-emul-boot -isohybrid-gpt-basdat)
  if [ "$mode" = appended ]; then
    efi=(-eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot
      -append_partition 2 0xef "$work/efi.img" -isohybrid-gpt-basdat)
  else
    cp "$work/efi.img" "$root/boot/efi.img"
  fi
  (cd "$root" && timeout 60 xorriso -as mkisofs -iso-level 3 -volid BINGO_VENUE -appid nixos \
    -publisher nixos -graft-points -full-iso9660-filenames -joliet \
    -eltorito-boot isolinux/isolinux.bin -eltorito-catalog .boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table \
    -isohybrid-mbr "$isohdpfx" "${efi[@]}" -r --sort-weight 0 / -output "$out" . >"$work/xorriso.log" 2>&1) ||
    { cat "$work/xorriso.log"; return 1; }
}

# attach VAR FILE: loop device with partitions (lib.sh's loop_device has no -P). A kernel
# without MBR parsing (CI's may lack it: then -P finds nothing) is told about the entries
# like a real kernel would know them; the overlapping ESP entry fails there, as it may.
attach() {
  local _l
  _l="$(losetup -fP --show "$2")" || return 1
  loops+=("$_l")
  [ -n "$(lsblk -lnpo NAME "$_l" | tail -n +2)" ] || partx -a "$_l" 2>/dev/null || true
  printf -v "$1" '%s' "$_l"
}
detach() { # forget it too: a freed loop number may soon be someone else's device
  local l keep=()
  losetup -d "$1"
  for l in "${loops[@]}"; do [ "$l" = "$1" ] || keep+=("$l"); done
  loops=("${keep[@]}")
}

# region_sum DEV START LEN [ZERO_OFF]: sha256 of a byte range, 16 bytes at ZERO_OFF zeroed
# (the free MBR slot, the only bytes of the image the tool may change).
region_sum() {
  local f="$work/region"
  dd if="$1" of="$f" bs=$MiB iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none
  [ -z "${4:-}" ] || dd if=/dev/zero of="$f" bs=16 count=1 seek="$4" oflag=seek_bytes conv=notrunc status=none
  sha256sum <"$f" | cut -d' ' -f1
}
# mbr_entry DEV N: "start size" in sectors from sfdisk's dump, empty if unused.
mbr_entry() { sfdisk -d "$1" 2>/dev/null | awk -v n="$2" -F'[:,= ]+' '$1 ~ ("[^0-9]" n "$") { print $3, $5 }'; }
run() { timeout 120 bash "$script" "$@" >"$work/out" 2>&1; local rc=$?; sed 's/^/       | /' "$work/out"; return $rc; }
refused() { # refused PATTERN ARGS...: non-zero exit and PATTERN in what it said
  local pat="$1"; shift
  ! run "$@" && grep -qi -- "$pat" "$work/out"
}
refused_on_no() { ! (echo no | timeout 60 bash "$script" "$@" >"$work/out" 2>&1); }
picks_on_its_own() { local l="$1"; shift; refused_on_no "$@" && grep -q "Picked $l" "$work/out"; }

# stick_test LABEL MODE: the whole scenario on a 512 MiB stick.
stick_test() {
  local name="$1" mode="$2" iso="$work/$2.iso" stick="$work/$2.stick" l
  build_iso "$iso" "$mode" || { bad "$name: build the ISO"; return; }
  local img_len iso_len esp esp_start esp_size
  img_len="$(stat -c %s "$iso")"; iso_len="$(isosize -d 1 "$iso")"
  truncate -s $((512 * MiB)) "$stick"; dd if="$iso" of="$stick" conv=notrunc status=none
  attach l "$stick" || { bad "$name: attach"; return; }
  esp="$(mbr_entry "$l" 2)"; esp_start=$((${esp% *} * 512)); esp_size=$((${esp#* } * 512))
  local free_slot=$((446 + 32)) img_sum esp_sum mbr12 whole
  img_sum="$(region_sum "$l" 0 "$img_len")"; esp_sum="$(region_sum "$l" "$esp_start" "$esp_size")"
  mbr12="$(region_sum "$l" 446 32)"; whole="$(region_sum "$l" 0 $((512 * MiB)))"
  echo "# $name: $l, image $img_len bytes, ISO 9660 $iso_len bytes, ESP at $esp_start+$esp_size"

  if [ "$mode" = inside ]; then
    local first; first="$(lsblk -lnpo NAME "$l" | sed -n 2p)"
    if [ -n "$first" ]; then
      assert "$name: a partition as argument is refused" refused "not a whole disk" --yes "$first"
      assert "$name: ...and the stick is unchanged" test "$(region_sum "$l" 0 $((512 * MiB)))" = "$whole"
    fi
    assert "$name: answering 'no' to the plan is refused" refused_on_no "$l"
    assert "$name: ...and the stick is unchanged" test "$(region_sum "$l" 0 $((512 * MiB)))" = "$whole"
    if ! mountpoint -q /iso; then # no live system here: the BINGO_VENUE label leads to the stick
      assert "$name: with no argument it picks $l by its label, answering 'no' changes nothing" picks_on_its_own "$l"
      assert "$name: ...and the stick is unchanged" test "$(region_sum "$l" 0 $((512 * MiB)))" = "$whole"
    fi
  fi

  if [ "$mode" = inside ]; then # mkfs failing after the MBR entry was written: entry taken out
    mkdir -p "$work/failbin"; printf '#!/bin/sh\nexit 1\n' >"$work/failbin/mkfs.ext4"; chmod +x "$work/failbin/mkfs.ext4"
    PATH="$work/failbin:$PATH" assert "$name: mkfs.ext4 failing: refused, entry removed" refused "as before" --yes "$l"
    assert "$name: ...the stick is exactly as before" test "$(region_sum "$l" 0 $((512 * MiB)))" = "$whole"
    assert "$name: ...and the kernel has no partition 3" test ! -e "/sys/class/block/$(basename "$l")/$(basename "$l")p3"
  fi

  if run --yes "$l"; then ok "$name: --yes exits 0"; else bad "$name: --yes exits 0"; fi
  partx -u "$l" 2>/dev/null || true
  assert "$name: image region (ISO, GPT, EFI) byte-identical but the new MBR slot" \
    test "$(region_sum "$l" 0 "$img_len" "$free_slot")" = "$img_sum"
  assert "$name: ESP byte-identical" test "$(region_sum "$l" "$esp_start" "$esp_size")" = "$esp_sum"
  assert "$name: MBR entries 1 and 2 unchanged" test "$(region_sum "$l" 446 32)" = "$mbr12"
  assert "$name: the stick still carries the ISO 9660 label BINGO_VENUE" \
    test "$(blkid -p -o value -s LABEL "$l")" = BINGO_VENUE

  local part="" p
  for p in $(lsblk -lnpo NAME "$l" | tail -n +2); do
    [ "$(blkid -p -o value -s LABEL "$p" 2>/dev/null)" = BINGODATA ] && part="$p"
  done
  if [ -z "$part" ]; then bad "$name: a partition labelled BINGODATA exists"; else
    ok "$name: a partition labelled BINGODATA exists ($part)"
    assert "$name: it is ext4" test "$(blkid -p -o value -s TYPE "$part")" = ext4
    local sysd start size num ends e
    sysd="/sys/class/block/$(basename "$part")"
    start=$(($(cat "$sysd/start") * 512)); size=$(($(cat "$sysd/size") * 512)); num="$(cat "$sysd/partition")"
    ends="$(sfdisk -d "$l" | awk -F'[:,= ]+' -v n="$num" '/start=/ && $1 !~ ("[^0-9]" n "$") { print ($3 + $5) * 512 }')"
    local worst=0; for e in $ends "$iso_len" "$img_len"; do [ "$e" -le "$worst" ] || worst="$e"; done
    assert "$name: it starts ($start) at/after every other entry, the ISO and the image ($worst)" test "$start" -ge "$worst"
    assert "$name: it is 1 MiB aligned and ends inside the stick" test $((start % MiB)) = 0 -a $((start + size)) -le $((512 * MiB))
    assert "$name: the MBR entry $num matches the kernel's partition" test "$(mbr_entry "$l" "$num")" = "$((start / 512)) $((size / 512))"
  fi
  assert "$name: running again is refused (BINGODATA exists)" refused "BINGODATA" --yes "$l"
  detach "$l"
}

# A stick only a little larger than the ISO: refused, untouched. First, while no BINGODATA exists.
build_iso "$work/small.iso" inside || bad "build the small ISO"
truncate -s $((64 * MiB)) "$work/small.stick"; dd if="$work/small.iso" of="$work/small.stick" conv=notrunc status=none
small=""
if attach small "$work/small.stick"; then
  before="$(region_sum "$small" 0 $((64 * MiB)))"
  assert "too small stick (64 MiB): refused" refused "free space" --yes "$small"
  assert "too small stick: unchanged" test "$(region_sum "$small" 0 $((64 * MiB)))" = "$before"
  detach "$small"
else bad "attach the small stick"; fi

# A stick used before: an ext4 partition in MBR slot 3 at 300-400 MiB. Mounted read-write it
# is refused; unmounted, what is left after it (112 MiB) is too small: never the gap before it.
truncate -s $((512 * MiB)) "$work/used.stick"; dd if="$work/small.iso" of="$work/used.stick" conv=notrunc status=none
echo "start=$((300 * 2048)), size=$((100 * 2048)), type=83" | sfdisk -q -N 3 "$work/used.stick" 2>/dev/null
used=""
if attach used "$work/used.stick" && { [ -b "${used}p3" ] || partx -a --nr 3 "$used"; }; then
  other="${used}p3"
  mkfs.ext4 -q -F -L OTHER "$other" && mkdir -p "$work/other" && mount "$other" "$work/other"
  outside() { region_sum "$used" 0 $((300 * MiB)); region_sum "$used" $((400 * MiB)) $((112 * MiB)); }
  before="$(outside)"   # the mount itself writes inside partition 3
  assert "used stick, its partition mounted read-write: refused" refused "read-write" --yes "$used"
  umount "$work/other"
  assert "used stick, unmounted: refused, the space after its last partition is too small" refused "free space" --yes "$used"
  assert "used stick: unchanged outside its partition" test "$(outside)" = "$before"
  detach "$used"
else bad "attach the used stick with its partition 3"; fi

stick_test "nixpkgs layout" inside
stick_test "appended ESP" appended

finish
