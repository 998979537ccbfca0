#!/usr/bin/env bash
# Drives nixos/scripts/bingo-operator-menu.sh in a detached tmux, as an operator at the console
# would: keys in, screen out. systemctl, passwd, reboot, poweroff, qrencode and bingo-* are
# stand-ins that only log their arguments; ip, lsblk and findmnt are the real ones.
# BINGO_OPERATOR_MENU_SCRIPT=path tests another menu. Needs tmux (else SKIPPED).
set -uo pipefail
# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" operator-menu
menu="${BINGO_OPERATOR_MENU_SCRIPT:-$repo/nixos/scripts/bingo-operator-menu.sh}"
command -v tmux >/dev/null || skip "tmux is not installed"

sock="bingo-menu-test-$$"   # a tmux server of its own, killed on exit
t() { timeout 10 tmux -L "$sock" -f /dev/null "$@"; }
trap 't kill-server 2>/dev/null; cleanup' EXIT

mkdir -p "$work/bin"
for c in systemctl passwd reboot poweroff qrencode bingo-make-data-partition bingo-install; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/calls.log"\necho "[stand-in %s $*]"\n' "$c" "$work" "$c" >"$work/bin/$c"
  chmod +x "$work/bin/$c"
done
: >"$work/calls.log"
passphrase="crimson-otter-$$-lantern"
echo "$passphrase" >"$work/passphrase"
echo "2026-05-01 21:00 backup OK on BINGOBACKUP" >"$work/status"
mkdir -p "$work/storage"
echo "MEMORY no partition labelled BINGODATA: games, players and backups are kept in memory only" >"$work/storage/status"

screen() { t capture-pane -p -J -t menu -S -200 2>/dev/null; }
# wait_for TEXT: up to 5 s for TEXT to be on the screen (tmux's history included)
wait_for() {
  for _ in $(seq 50); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
  return 1
}
# absent TEXT: TEXT does not show up within 1.5 s
absent() { ! { sleep 1.5; screen | grep -qF -- "$1"; }; }
expect() { if wait_for "$2"; then ok "$1"; else bad "$1 (no '$2' on screen)"; screen | tail -n 25 | sed 's/^/       | /'; fi; }
keys() { t send-keys -t menu -l -- "$1"; t send-keys -t menu Enter; sleep 0.2; }
called() { grep -qxF -- "$1" "$work/calls.log"; }
back_to_menu() { keys ""; wait_for "Choice:" || bad "back to the menu after Enter"; t clear-history -t menu; }
choose() { t clear-history -t menu; keys "$1"; }

t new-session -d -s menu -x 120 -y 60 \
  env -i HOME="$work" TERM=screen LANG=C.UTF-8 PATH="$work/bin:$PATH" \
  BINGO_ADMIN_PASSPHRASE_FILE="$work/passphrase" BINGO_BACKUP_STATUS_FILE="$work/status" \
  BINGO_DATA_MOUNT="$work/data" BINGO_STORAGE_DIR="$work/storage" BINGO_ISO_MOUNT="$work/iso" bash "$menu" ||
  { echo "FAIL - could not start tmux"; exit 1; }

expect "header is drawn" "operator menu (Ctrl+Alt+F1 returns to the screen)"
expect "menu lists the root shell entry" "9  Root shell"

# 1: join addresses from the real `ip`, loopback never.
mapfile -t ips < <(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }' | grep -v '^127\.')
choose 1
expect "1: http://bingo.local" "http://bingo.local"
if [ "${#ips[@]}" = 0 ]; then
  expect "1: no global IPv4 address, says so" "No network address"
else
  for ip in "${ips[@]}"; do expect "1: shows http://$ip" "http://$ip"; done
  if wait_for "stand-in qrencode" && called "qrencode -t ANSIUTF8 http://${ips[0]}"; then ok "1: QR code of the first IP URL"; else bad "1: QR code of the first IP URL"; fi
fi
if screen | grep -q 'http://127\.'; then bad "1: a 127.x address is shown"; else ok "1: no 127.x address"; fi
back_to_menu

# 2: the passphrase, then wiped from the screen and its scrollback.
choose 2
expect "2: shows the admin passphrase" "$passphrase"
expect "2: says it is never written to logs" "never written to logs"
keys ""; wait_for "Choice:" >/dev/null
if screen | grep -qF "$passphrase"; then bad "2: passphrase still on screen after leaving"; else ok "2: passphrase gone after leaving"; fi

# 3: not mounted => plain warning and the entry that fixes it; backup status line.
choose 3
expect "3: warns nothing survives a reboot" "survives a reboot"
expect "3: points at choice 4" "Choice 4 makes a data partition"
expect "3: shows the boot-time storage verdict" "At boot: MEMORY no partition labelled BINGODATA"
expect "3: shows the backup status line" "Backup stick: 2026-05-01 21:00 backup OK on BINGOBACKUP"
back_to_menu
# An installed system (tmpfiles writes this verdict): no warning, nothing to fix.
cp "$work/storage/status" "$work/storage/status.live"
echo "PERSISTENT installed on this machine's disk" > "$work/storage/status"
choose 3
expect "3: installed system: kept on the disk" "Installed system: games, players and backups are kept"
if screen | grep -q "survives a reboot"; then bad "3: installed system warned about reboots"; else ok "3: installed system: no reboot warning"; fi
back_to_menu
mv "$work/storage/status.live" "$work/storage/status"
mv "$work/status" "$work/status.away"
choose 3
expect "3: no status file => 'no status yet'" "Backup stick: no status yet"
back_to_menu
mv "$work/status.away" "$work/status"

# 4, 6, 7: the right command, with the right arguments.
choose 4
if wait_for "stand-in bingo-make-data-partition" && called "bingo-make-data-partition "; then ok "4: runs bingo-make-data-partition"; else bad "4: runs bingo-make-data-partition"; fi
back_to_menu
choose 6
if wait_for "Backup stick:" && called "systemctl start bingo-backup.service"; then ok "6: ran systemctl start bingo-backup.service"; else bad "6: ran systemctl start bingo-backup.service"; fi
expect "6: shows the status line after" "backup OK on BINGOBACKUP"
back_to_menu
choose 7
if wait_for "stand-in passwd" && called "passwd operator"; then ok "7: runs passwd operator"; else bad "7: runs passwd operator"; fi
back_to_menu

# 5: lists disks, asks; empty cancels, an unknown name is refused, a listed one goes to bingo-install.
choose 5
expect "5: asks which disk" "Disk to ERASE and install to"
keys ""; expect "5: empty answer cancels" "Cancelled."
back_to_menu
choose 5; wait_for "Disk to ERASE" >/dev/null; keys "nosuchdisk0"
expect "5: unknown disk refused" "is not one of the disks listed"
back_to_menu
disk="$(lsblk -dnro NAME -e 1,7,11 2>/dev/null | grep -v '^zram' | head -n1)"
if [ -n "$disk" ]; then
  choose 5; wait_for "Disk to ERASE" >/dev/null; keys "$disk"
  if wait_for "stand-in bingo-install" && called "bingo-install /dev/$disk"; then ok "5: runs bingo-install /dev/$disk"; else bad "5: runs bingo-install /dev/$disk"; fi
  back_to_menu
fi
if grep -q '^bingo-install /dev/nosuchdisk0' "$work/calls.log"; then bad "5: bingo-install ran for an unknown disk"; else ok "5: nothing ran for an unknown disk"; fi

# 8: restart only after yes.
choose 8; wait_for "Type yes" >/dev/null; keys "no"
expect "8: 'no' does not restart" "Not restarted."
back_to_menu
if called "systemctl restart bingo.service"; then bad "8: restarted without yes"; else ok "8: not restarted without yes"; fi
choose 8; wait_for "Type yes" >/dev/null; keys "yes"
if wait_for "Restarted." && called "systemctl restart bingo.service"; then ok "8: yes restarts bingo.service"; else bad "8: yes restarts bingo.service"; fi
back_to_menu

# 9: no shell without yes; with yes a shell, and exit comes back to the menu.
choose 9; wait_for "Type yes" >/dev/null; keys "no"
expect "9: 'no' opens no shell" "No shell opened."
back_to_menu
keys "echo shell-\$((6*7))"
if absent "shell-42"; then ok "9: typing a command at the menu runs nothing"; else bad "9: a command typed at the menu ran"; fi
back_to_menu
choose 9; wait_for "Type yes" >/dev/null; keys "yes"; sleep 0.5
keys "echo shell-\$((6*7))"
expect "9: yes gives a working root shell" "shell-42"
keys "exit"
expect "9: exit returns to the menu" "Press Enter to return to the menu"
back_to_menu

# 0: reboot and power off each need the sub-choice and a typed yes.
choose 0; wait_for "r = reboot" >/dev/null; keys "r"; wait_for "Type yes" >/dev/null; keys "no"
expect "0: reboot not confirmed" "Not rebooting."
back_to_menu
if called "reboot "; then bad "0: rebooted without yes"; else ok "0: no reboot without yes"; fi
choose 0; wait_for "r = reboot" >/dev/null; keys "x"
expect "0: another key goes back" "Nothing done."
back_to_menu
choose 0; wait_for "r = reboot" >/dev/null; keys "r"; wait_for "Type yes" >/dev/null; keys "yes"
if wait_for "stand-in reboot" && called "reboot "; then ok "0: r + yes reboots"; else bad "0: r + yes reboots"; fi
back_to_menu
choose 0; wait_for "r = reboot" >/dev/null; keys "p"; wait_for "Type yes" >/dev/null; keys "yes"
if wait_for "stand-in poweroff" && called "poweroff "; then ok "0: p + yes powers off"; else bad "0: p + yes powers off"; fi
back_to_menu

# Unknown input and Ctrl+C keep the menu.
choose 42
expect "unknown choice is explained" "Unknown choice '42'"
back_to_menu
t send-keys -t menu C-c; sleep 0.5; t clear-history -t menu; keys "3"
expect "Ctrl+C at the menu keeps it running" "Backup stick:"
back_to_menu
if t has-session -t menu 2>/dev/null; then ok "the menu is still running at the end"; else bad "the menu ended"; fi
t kill-session -t menu

# Both network cases whatever this machine has: a stand-in `ip` with no address, then with a
# (strange) global 127.x and a LAN address.
mkdir -p "$work/ip-none" "$work/ip-some"
printf '#!/bin/sh\nexit 0\n' >"$work/ip-none/ip"
printf '#!/bin/sh\necho "1: lo    inet 127.0.0.2/8 scope global lo"\necho "2: eth0    inet 10.9.8.7/24 brd 10.9.8.255 scope global eth0"\n' >"$work/ip-some/ip"
chmod +x "$work/ip-none/ip" "$work/ip-some/ip"
for net in none some; do
  t new-session -d -s menu -x 120 -y 60 env -i HOME="$work" TERM=screen LANG=C.UTF-8 \
    PATH="$work/ip-$net:$work/bin:$PATH" bash "$menu" || bad "start the menu (ip: $net)"
  wait_for "Choice:" >/dev/null; choose 1
  if [ "$net" = none ]; then
    expect "1 with no address: says 'No network address'" "No network address"
  else
    expect "1 with a LAN address: shows it" "http://10.9.8.7"
    if screen | grep -q 'http://127\.'; then bad "1: 127.0.0.2 is shown"; else ok "1: 127.0.0.2 is not shown"; fi
  fi
  t kill-session -t menu
done

# A mounted data partition (here: whatever is mounted at /) is reported as such.
t new-session -d -s menu -x 120 -y 60 env -i HOME="$work" TERM=screen LANG=C.UTF-8 \
  PATH="$work/bin:$PATH" BINGO_DATA_MOUNT=/ bash "$menu" || bad "start the menu (mounted)"
wait_for "Choice:" >/dev/null; choose 3
expect "3 with the partition mounted: says state survives" "Games, players and backups survive a reboot"
if screen | grep -q WARNING; then bad "3 mounted: still warns"; else ok "3 mounted: no warning"; fi
t kill-session -t menu

finish
