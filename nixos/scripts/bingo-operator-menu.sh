#!/usr/bin/env bash
# The venue box's operator menu, run on a text console (tty2, autologin as root). Whoever holds
# the keyboard holds the box: that is the trust boundary, so the menu shows the admin passphrase
# and offers a root shell, but only on this screen and never into a log.
# Every command is looked up on PATH (tests put stand-ins first).
set -euo pipefail

# The system profile and setuid wrappers last, so a getty's short PATH still finds our tools
# while anything earlier on PATH (the tests' stand-ins) wins.
PATH="$PATH:/run/wrappers/bin:/run/current-system/sw/bin"
passphrase_file="${BINGO_ADMIN_PASSPHRASE_FILE:-/var/lib/bingo-secrets/admin-passphrase}"
data_mount="${BINGO_DATA_MOUNT:-/mnt/bingo-data}"           # where bingo-data-mount puts it
storage_status_file="${BINGO_STORAGE_DIR:-/run/bingo-storage}/status"   # and its verdict
backup_status_file="${BINGO_BACKUP_STATUS_FILE:-/run/bingo-backup/status}"
iso_mount="${BINGO_ISO_MOUNT:-/iso}"

# Ctrl+C and Ctrl+\ must not end the menu; a handler (not "ignore") so the programs it runs,
# a root shell included, still get the default behaviour.
trap 'echo' INT QUIT

clear_screen() { printf '\033[H\033[2J\033[3J'; }   # 3J: drop the scrollback too (passphrase)
pause() { echo; read -r -p "Press Enter to return to the menu. " _ || true; }
confirm() { # confirm "question": true only if the operator types yes
  local answer=""
  read -r -p "$1 Type yes to go ahead: " answer || true
  [ "$answer" = yes ]
}
title() { clear_screen; echo "== $* =="; echo; }

draw_menu() {
  clear_screen
  cat <<'EOF'
Bingo venue box — operator menu (Ctrl+Alt+F1 returns to the screen)

  1  Show the join address (and a QR code)
  2  Show the admin passphrase
  3  Storage and backup status
  4  Make the data partition on this stick
  5  Install to this machine's disk
  6  Back up now
  7  Set the operator's password (for SSH and other consoles)
  8  Restart the bingo platform
  9  Root shell
  0  Reboot / power off

EOF
}

show_join() {
  title "Join address"
  local ips=() ip
  while read -r ip; do
    case "$ip" in 127.*|"") ;; *) ips+=("$ip") ;; esac
  done < <(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }' || true)
  echo "  http://bingo.local"
  if [ "${#ips[@]}" = 0 ]; then
    echo
    echo "No network address: this box is not on a network yet. Check the cable or the Wi-Fi,"
    echo "then choose 1 again. Players' phones must be on the same network."
    return
  fi
  for ip in "${ips[@]}"; do echo "  http://$ip"; done
  echo
  echo "Players' phones must be on the same network. If bingo.local does not open, use the number."
  if command -v qrencode >/dev/null; then
    echo; qrencode -t ANSIUTF8 "http://${ips[0]}" || echo "(could not draw the QR code)"
  fi
}

show_passphrase() {
  title "Admin passphrase"
  if [ -r "$passphrase_file" ]; then
    printf '  %s\n\n' "$(cat "$passphrase_file")"
    echo "Shown on this screen only; it is never written to logs. The screen is wiped when you leave."
  else
    echo "No passphrase file at $passphrase_file yet: the bingo platform creates it when it first starts."
  fi
}

backup_line() {
  if [ -s "$backup_status_file" ]; then echo "Backup stick: $(head -n1 "$backup_status_file")"
  else echo "Backup stick: no status yet"; fi
}

show_storage() {
  title "Storage"
  local src="" verdict=""
  src="$(findmnt -nro SOURCE --mountpoint "$data_mount" 2>/dev/null || true)"
  [ ! -s "$storage_status_file" ] || verdict="$(head -n1 "$storage_status_file")"
  if [ -z "$src" ] && [[ "$verdict" == "PERSISTENT installed"* ]]; then
    # An installed system (the USB image or bingo-install): its disk keeps everything.
    echo "Installed system: games, players and backups are kept on this machine's disk."
  elif [ -n "$src" ]; then
    echo "Data partition: mounted at $data_mount (from $src). Games, players and backups survive a reboot."
    df -h --output=size,used,avail "$data_mount" 2>/dev/null || true
  else
    echo "WARNING: no data partition is mounted at $data_mount."
    echo "Nothing written today (games, players, backups) survives a reboot."
    if [ -e /dev/disk/by-label/BINGODATA ]; then
      echo "A partition labelled BINGODATA exists but is not mounted: reboot (choice 0) to use it."
    else
      echo "Choice 4 makes a data partition on this stick; choice 5 installs to the machine's disk."
    fi
  fi
  [ -z "$verdict" ] || echo "At boot: $verdict"
  echo; backup_line
}

install_to_disk() {
  title "Install to this machine's disk"
  local disks boot="" name src
  # Not ram, loop, CD or zram (swap in memory) devices: only what could hold an installation.
  disks="$(lsblk -dnro NAME -e 1,7,11 2>/dev/null | grep -v '^zram' || true)"
  lsblk -d -e 1,7,11 -o NAME,SIZE,MODEL,TRAN,RM 2>/dev/null | grep -v '^zram' || true
  if src="$(findmnt -nro SOURCE --mountpoint "$iso_mount" 2>/dev/null)"; then
    boot="$(lsblk -ndo PKNAME "$src" 2>/dev/null || true)"; [ -n "$boot" ] || boot="$(basename "$src")"
    echo; echo "($boot is the stick this system runs from.)"
  fi
  echo
  read -r -p "Disk to ERASE and install to (a NAME above, empty to cancel): " name || name=""
  name="${name#/dev/}"
  if [ -z "$name" ]; then echo "Cancelled."; return; fi
  if ! grep -qxF -- "$name" <<<"$disks"; then echo "$name is not one of the disks listed: nothing done."; return; fi
  if [ "$name" = "$boot" ]; then echo "$name is the stick this system runs from: nothing done."; return; fi
  bingo-install "/dev/$name"
}

backup_now() {
  title "Back up now"
  echo "Backing up (this can take a minute)..."
  if systemctl start bingo-backup.service; then echo "Backup finished."; else echo "The backup failed."; fi
  backup_line
}

restart_platform() {
  title "Restart the bingo platform"
  echo "Games in progress pause while it restarts; players' phones reconnect on their own."
  if confirm "Restart bingo.service?"; then
    systemctl restart bingo.service && echo "Restarted."
  else echo "Not restarted."; fi
}

root_shell() {
  title "Root shell"
  echo "A root shell can change anything on this box. Type exit to come back to the menu."
  if confirm "Open a root shell?"; then
    bash --login || true
  else echo "No shell opened."; fi
}

power_menu() {
  title "Reboot / power off"
  local c=""
  read -r -p "r = reboot, p = power off, anything else = back: " c || true
  case "$c" in
    r|R) if confirm "Reboot the box? Games stop until it is back."; then reboot; else echo "Not rebooting."; fi ;;
    p|P) if confirm "Power off the box?"; then poweroff; else echo "Not powering off."; fi ;;
    *) echo "Nothing done." ;;
  esac
}

run_choice() {
  case "$1" in
    1) show_join ;;
    2) show_passphrase ;;
    3) show_storage ;;
    4) title "Make the data partition"; bingo-make-data-partition ;;
    5) install_to_disk ;;
    6) backup_now ;;
    7) title "Operator password"; passwd operator ;;
    8) restart_platform ;;
    9) root_shell ;;
    0) power_menu ;;
    "") return 0 ;;
    *) echo "Unknown choice '$1': type a number from the list." ;;
  esac
}

while true; do
  draw_menu
  choice=""
  if ! read -r -p "Choice: " choice; then
    [ -t 0 ] || exit 0          # stdin gone (not a console): the getty starts a fresh menu
    sleep 0.2; continue         # Ctrl+D or Ctrl+C on the console: just redraw
  fi
  [ -n "$choice" ] || continue
  # In an `if`, a failing command inside an action reports instead of ending the menu.
  if run_choice "$choice"; then :; else echo "(that ended with exit status $?)"; fi
  pause
done
