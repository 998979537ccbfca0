#!/usr/bin/env bash
# bingo-data-mount: on the live venue ISO, keep the platform's state on the stick's BINGODATA
# partition when there is one, and say plainly when there is none (state in memory).
#
# Runs once at boot (bingo-data.service) before every service that keeps state. Not a
# fileSystems entry on purpose: every unit with StateDirectory= (and PostgreSQL) gets
# RequiresMountsFor= on its directory, so a declared mount that is absent stops them all,
# nofail or not. Mounted here at run time, nothing depends on it: without the partition the
# services start on the live system's memory-backed root.
#
# Env (tests change them): BINGO_DATA_LABEL, BINGO_DATA_MOUNT, BINGO_STORAGE_DIR (status and
# issue files), BINGO_ROOT (prefix of the bound directories).
set -uo pipefail

label="${BINGO_DATA_LABEL:-BINGODATA}"
mount_point="${BINGO_DATA_MOUNT:-/mnt/bingo-data}"
storage_dir="${BINGO_STORAGE_DIR:-/run/bingo-storage}"
root="${BINGO_ROOT:-}"

# Every directory that holds state worth keeping: the bingo service (DynamicUser: private/),
# PostgreSQL, the secrets, local backups, and the observability stack's history. Mode of each.
dirs=(
  "var/lib/private 0700"
  "var/lib/postgresql 0750"
  "var/lib/bingo-secrets 0700"
  "var/backup 0755"
  "var/lib/grafana 0750"
  "var/lib/prometheus2 0750"
  "var/lib/loki 0750"
  "var/lib/caddy 0750"
)

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

mkdir -p "$storage_dir"
report() { # report STATE MESSAGE: one status line, and a notice on the text consoles
  printf '%s %s\n' "$1" "$2" > "$storage_dir/status"
  if [ "$1" = PERSISTENT ]; then
    printf 'Storage: %s\n' "$2" > "$storage_dir/issue"
  else
    printf '\n*** NOTHING SURVIVES A REBOOT: %s ***\n*** Make the data partition: operator menu (Ctrl+Alt+F2), or: sudo bingo-make-data-partition ***\n\n' "$2" > "$storage_dir/issue"
  fi
  echo "bingo-data: $1 $2"
}

# udev may still be naming the stick's partitions this early.
command -v udevadm >/dev/null && udevadm settle --timeout=10 2>/dev/null
device="$(device_labelled "$label" || true)"
if [ -z "$device" ]; then
  report MEMORY "no partition labelled $label: games, players and backups are kept in memory only"
  exit 0
fi

# Repair what an unclean power-off left (preen: only safe fixes); exit codes 0-2 are usable.
fsck.ext4 -p "$device" >/dev/null 2>&1
if [ "$?" -gt 2 ]; then
  report MEMORY "the $label partition ($device) has errors fsck could not repair: state is in memory only"
  exit 0
fi
mkdir -p "$mount_point"
if ! mount -o noatime "$device" "$mount_point"; then
  report MEMORY "the $label partition ($device) could not be mounted: state is in memory only"
  exit 0
fi

bound=()
for entry in "${dirs[@]}"; do
  dir="${entry% *}" mode="${entry#* }"
  kept="$mount_point/$dir" live="$root/$dir"
  mkdir -p "$live"
  if [ ! -d "$kept" ]; then
    # First boot with the partition: start from what the live system has so far.
    # (cp -a also copies the live directory's mode: set the intended one after it.)
    mkdir -p "$kept" && cp -a "$live/." "$kept/" && chmod "$mode" "$kept"
  fi
  if ! mount --bind "$kept" "$live"; then
    # All or nothing: half the state on the stick and half in memory would lose data silently.
    for b in "${bound[@]}"; do umount "$b"; done
    umount "$mount_point"
    report MEMORY "could not use $kept on the $label partition: state is in memory only"
    exit 0
  fi
  bound+=("$live")
done
report PERSISTENT "kept on the $label partition ($device)"
