#!/usr/bin/env bash
# Tests modules/bingo/backup-report.sh (the backup unit's ExecStopPost) with real sticks: FAT
# and ext4 images on loop devices, a read-only one, a full one, none. Each case asserts the
# status line the operator sees and what is on the stick. Runs as root (loop devices, mount).
set -uo pipefail
# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" backup-stick
needs_root_and_loops
for t in mkfs.vfat mkfs.ext4 blkid losetup sha256sum; do
  command -v "$t" >/dev/null || { echo "FAIL - '$t' missing (apt-get install dosfstools e2fsprogs)"; exit 1; }
done

report="$repo/modules/bingo/backup-report.sh"
label="BKT$$"                 # unique: never a real stick's label
status="$work/run/status"
backups="$work/backups"
mkdir -p "$backups"

# A backup set as `bingo backup` writes it: dump, manifest, checksums of both.
make_backup() { # make_backup NAME SIZE_KIB
  local dump="$backups/$1"
  head -c "$(($2 * 1024))" /dev/urandom > "$dump"
  echo '{"format":"bingo-backup"}' > "$dump.manifest.json"
  (cd "$backups" && sha256sum "$1" "$1.manifest.json" > "$1.sha256")
}
run_report() { SERVICE_RESULT="${SERVICE_RESULT:-success}" bash "$report" "$status" "$backups" "$@" >/dev/null; }
status_is() { grep -q -- "$1" "$status" || { echo "       status: $(cat "$status" 2>/dev/null)"; return 1; }; }
stick() { # stick VAR vfat|ext4 SIZE_MIB [ro]
  local image="$work/stick-$2-$RANDOM.img"
  truncate -s "$3M" "$image"
  if [ "$2" = vfat ]; then mkfs.vfat -n "$label" "$image" >/dev/null; else mkfs.ext4 -q -L "$label" "$image"; fi
  loop_device "$1" "$image" "${4:-}"
}
on_stick() { # on_stick DEVICE CMD...: run CMD in the stick's mounted root
  local dev="$1" m="$work/look"; shift
  mkdir -p "$m" && mount -o ro "$dev" "$m" || return 1
  (cd "$m" && "$@"); local rc=$?
  umount "$m"; return $rc
}
detach() { losetup -d "$1"; }

make_backup bingo-20261201T033000Z.pgdump 64
make_backup bingo-20261202T033000Z.pgdump 64

run_report
assert "no stick configured: reports the local backup" status_is "ok: bingo-20261202T033000Z.pgdump in $backups"

run_report "$label" 30
assert "no stick plugged in: a status, naming the label and the backup kept on the box" \
  status_is "NO STICK: bingo-20261202T033000Z.pgdump is on the box only.*labelled $label"

# FAT is what most sticks come with; this kernel may lack it (then ext4 stands in below).
if grep -qw vfat /proc/filesystems; then fat=vfat; else
  fat=ext4; echo "note: this kernel has no vfat; the FAT cases run on ext4 sticks"
fi

stick dev "$fat" 64
run_report "$label" 30
assert "stick ($fat): copied" status_is "ok: bingo-20261202T033000Z.pgdump copied to the backup stick $dev"
assert "stick ($fat): the copy passes its checksums" on_stick "$dev" sh -c 'cd bingo-backups && sha256sum --quiet -c bingo-20261202T033000Z.pgdump.sha256'
assert "stick ($fat): unmounted after the copy" sh -c "! grep -q '^$dev ' /proc/mounts"
make_backup bingo-20261203T033000Z.pgdump 64
run_report "$label" 2
# shellcheck disable=SC2016 # expanded on the stick, not here
assert "retention on the stick: the newest 2 sets kept" on_stick "$dev" sh -c \
  '[ "$(find bingo-backups -name "*.manifest.json" | wc -l)" = 2 ] && [ ! -e bingo-backups/bingo-20261201T033000Z.pgdump ]'
detach "$dev"

stick dev ext4 16
run_report "$label" 30
assert "ext4 stick: copied" status_is "ok: bingo-20261203T033000Z.pgdump copied to the backup stick $dev"
detach "$dev"

stick dev "$fat" 64 ro
run_report "$label" 30
assert "read-only stick: a status, not a failure" status_is "STICK READ-ONLY OR FULL\|STICK UNUSABLE"
detach "$dev"

make_backup bingo-20261204T033000Z.pgdump 3072
stick dev "$fat" 2
run_report "$label" 30
assert "full stick: a status, not a failure" status_is "STICK READ-ONLY OR FULL: $dev ($label); bingo-20261204T033000Z.pgdump is on the box only"
detach "$dev"

SERVICE_RESULT=exit-code run_report "$label" 30
assert "failed backup: said so, with where to look" status_is "FAILED: the backup did not complete (exit-code); see: journalctl -u bingo-backup"
assert "the report itself never fails the unit" bash -c "SERVICE_RESULT=success bash '$report' '$status' /nonexistent '$label' 30 >/dev/null"

finish
