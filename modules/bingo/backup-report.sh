#!/usr/bin/env bash
# After each run of bingo-backup.service (as root: ExecStopPost with "+"): copy the newest backup
# to the backup stick when one is configured, and say in one status line what happened. The
# operator menu and `nix run .#backup` show that line. A missing, read-only or full stick is a
# status, never a failed unit: the backup itself is safe on the box either way.
#
# Usage: backup-report.sh STATUS_FILE BACKUP_DIR [STICK_LABEL KEEP_SETS]
# Env: SERVICE_RESULT (set by systemd for ExecStopPost: "success" or the failure's kind).
# No errexit (writeShellApplication turns it on): every step reports its own failure.
set +o errexit -o nounset -o pipefail

status_file=$1 backup_dir=$2 label=${3:-} keep=${4:-30}

# The block device whose filesystem is labelled $1. Probes each device itself (blkid -p): no
# udev links, no blkid cache, and no race with a device attached a moment ago.
device_labelled() {
  local dev
  for dev in /sys/class/block/*; do
    dev="/dev/${dev##*/}"
    [ -b "$dev" ] || continue
    if [ "$(blkid -p -o value -s LABEL "$dev" 2>/dev/null)" = "$1" ]; then echo "$dev"; return 0; fi
  done
  return 1
}

say() {
  mkdir -p "$(dirname "$status_file")"
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" > "$status_file.tmp" && mv "$status_file.tmp" "$status_file"
  echo "$*"
}

if [ "${SERVICE_RESULT:-success}" != success ]; then
  say "FAILED: the backup did not complete (${SERVICE_RESULT}); see: journalctl -u bingo-backup"
  exit 0
fi

manifest=$(find "$backup_dir" -maxdepth 1 -name 'bingo-*.manifest.json' 2>/dev/null | sort | tail -n 1)
if [ -z "$manifest" ]; then
  say "FAILED: no backup found in $backup_dir"
  exit 0
fi
dump=${manifest%.manifest.json}
name=$(basename "$dump")

if [ -z "$label" ]; then
  say "ok: $name in $backup_dir"
  exit 0
fi

if ! device=$(device_labelled "$label"); then
  say "NO STICK: $name is on the box only ($backup_dir); plug in a USB stick labelled $label (FAT, exFAT or ext4)"
  exit 0
fi
fstype=$(blkid -c /dev/null -o value -s TYPE "$device" 2>/dev/null || true)
case "$fstype" in
  # FAT has no owners: root owns every file, and nobody else may read the seeds in a backup.
  vfat | exfat) options=uid=0,gid=0,umask=0077 ;;
  ext2 | ext3 | ext4) options=defaults ;;
  *)
    say "STICK UNUSABLE: $device ($label) has a '${fstype:-unknown}' filesystem; use FAT, exFAT or ext4. $name is on the box only"
    exit 0
    ;;
esac

mountpoint=$(mktemp -d /run/bingo-backup-stick.XXXXXX)
if ! mount -t "$fstype" -o "$options" "$device" "$mountpoint" 2>/dev/null; then
  rmdir "$mountpoint"
  say "STICK UNUSABLE: $device ($label) could not be mounted; $name is on the box only"
  exit 0
fi
trap 'sync; umount "$mountpoint" && rmdir "$mountpoint"' EXIT

target="$mountpoint/bingo-backups"
if ! { mkdir -p "$target" && cp "$dump" "$manifest" "$dump.sha256" "$target/"; } 2>/dev/null; then
  say "STICK READ-ONLY OR FULL: $device ($label); $name is on the box only"
  exit 0
fi
if ! (cd "$target" && sha256sum --quiet -c "$name.sha256" >/dev/null 2>&1); then
  say "STICK COPY CORRUPT: $name on $device ($label) fails its checksum; replace the stick"
  exit 0
fi

# Keep the newest KEEP_SETS backups on the stick (one a day by default).
find "$target" -maxdepth 1 -name 'bingo-*.manifest.json' | sort | head -n "-$keep" | while read -r old; do
  rm -f "${old%.manifest.json}" "$old" "${old%.manifest.json}.sha256"
done
say "ok: $name copied to the backup stick $device ($label)"
