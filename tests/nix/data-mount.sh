#!/usr/bin/env bash
# Tests nixos/scripts/bingo-data-mount.sh (the live ISO's bingo-data.service) as at boot:
# without a BINGODATA partition the state stays in memory and the consoles say so; with one,
# every state directory is bound onto it, and what was written survives a "reboot" (the
# live root emptied, the script run again). Runs as root (loop devices, mount).
set -uo pipefail
# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" data-mount
needs_root_and_loops

export BINGO_DATA_LABEL="DMT$$" BINGO_DATA_MOUNT="$work/mnt" BINGO_STORAGE_DIR="$work/run" BINGO_ROOT="$work/root"
boot() { mkdir -p "$BINGO_ROOT/var/lib/bingo-secrets" && bash "$repo/nixos/scripts/bingo-data-mount.sh" >/dev/null; }
reboot() { umount_under "$work"; rm -rf "$BINGO_ROOT" "$BINGO_STORAGE_DIR"; }
mounted() { awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/mounts; }

boot
assert "no partition: exits 0, state in memory" grep -q "^MEMORY no partition labelled $BINGO_DATA_LABEL" "$BINGO_STORAGE_DIR/status"
assert "no partition: the consoles say nothing survives a reboot, and how to fix it" \
  grep -q "NOTHING SURVIVES A REBOOT.*bingo-make-data-partition" <(tr '\n' ' ' < "$BINGO_STORAGE_DIR/issue")
assert "no partition: nothing mounted" sh -c "! grep -q ' $work/' /proc/mounts"
reboot

truncate -s 64M "$work/data.img"
mkfs.ext4 -q -L "$BINGO_DATA_LABEL" "$work/data.img"
dev=""
loop_device dev "$work/data.img"
mkdir -p "$BINGO_ROOT/var/lib/bingo-secrets"
echo "first-boot passphrase" > "$BINGO_ROOT/var/lib/bingo-secrets/admin-passphrase"
boot
assert "partition: persistent, naming the device" grep -q "^PERSISTENT kept on the $BINGO_DATA_LABEL partition ($dev)" "$BINGO_STORAGE_DIR/status"
grep -q "^PERSISTENT" "$BINGO_STORAGE_DIR/status" || echo "       status: $(cat "$BINGO_STORAGE_DIR/status")"
for d in var/lib/private var/lib/postgresql var/lib/bingo-secrets var/backup var/lib/grafana var/lib/prometheus2 var/lib/loki; do
  assert "partition: /$d is bound onto it" mounted "$BINGO_ROOT/$d"
done
assert "partition: what the live system had before is kept (first boot)" \
  grep -q "first-boot passphrase" "$BINGO_DATA_MOUNT/var/lib/bingo-secrets/admin-passphrase"
assert "partition: private state directory stays 0700" test "$(stat -c %a "$BINGO_DATA_MOUNT/var/lib/private")" = 700
echo "game 1" > "$BINGO_ROOT/var/lib/private/bingo.db"

reboot
boot
assert "after a reboot: the state written before is there" grep -q "game 1" "$BINGO_ROOT/var/lib/private/bingo.db"
assert "after a reboot: the passphrase is the same" grep -q "first-boot passphrase" "$BINGO_ROOT/var/lib/bingo-secrets/admin-passphrase"

finish
