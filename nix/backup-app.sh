#!/usr/bin/env bash
# `nix run .#backup`: back up the bingo database that matters on this machine, and say plainly
# which one it was and where the backup went.
# - On a NixOS host with services.bingo (bingo-backup.service exists): that host's database,
#   by running the backup unit itself (same database, user, directory, stick copy and status
#   as the daily timer). Needs root.
# - Anywhere else: `bingo backup` on the database of the current settings: the embedded SQLite
#   database under ./data (BINGO_DATA_DIR), or BINGO_DATABASE_URL when set.
set -euo pipefail

unit=bingo-backup.service
if systemctl cat "$unit" >/dev/null 2>&1; then
  if [ "$#" -gt 0 ]; then
    echo "This host runs services.bingo: its backup uses the module's settings (services.bingo.backup.*); run without arguments." >&2
    exit 2
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "This host runs services.bingo: its backup runs as the service. Run: sudo nix run .#backup" >&2
    exit 1
  fi
  # The unit's environment says where its backups and status go, and which database it reads.
  setting() { systemctl show -p Environment --value "$unit" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  dir="$(setting BINGO_BACKUP_DIR)"
  status_file="$(setting BINGO_BACKUP_STATUS_FILE)"
  if [ -n "$(setting BINGO_DATABASE_URL)$(setting BINGO_DATABASE_URL_FILE)" ]; then
    what="this host's PostgreSQL database (the one bingo.service uses)"
  else
    what="this host's embedded SQLite database ($(setting BINGO_DATA_DIR)/bingo.db)"
  fi
  echo "Backing up $what with $unit ..."
  if ! systemctl start --wait "$unit"; then
    echo "The backup FAILED. Status: $(cat "$status_file" 2>/dev/null || echo none)" >&2
    echo "Details: journalctl -u $unit -n 50" >&2
    exit 1
  fi
  newest="$(find "$dir" -maxdepth 1 -name 'bingo-*.manifest.json' | sort | tail -n 1)"
  echo "Backed up to: ${newest%.manifest.json} (with its .manifest.json and .sha256)"
  echo "Status: $(cat "$status_file" 2>/dev/null || echo none)"
else
  [ "$#" -gt 0 ] || set -- --dir "${BINGO_BACKUP_DIR:-./backups}"
  if [ -n "${BINGO_DATABASE_URL:-}${BINGO_DATABASE_URL_FILE:-}${DATABASE_URL:-}" ]; then
    echo "No bingo service on this host: backing up the PostgreSQL database of BINGO_DATABASE_URL."
  else
    echo "No bingo service on this host: backing up the embedded SQLite database in ${BINGO_DATA_DIR:-./data}."
  fi
  exec bingo backup "$@"
fi
