#!/usr/bin/env bash
# Joins per second through the API on PostgreSQL: one `bingo serve` on a fresh database.
# PLAYERS and CONCURRENCY override the defaults.
source "$(dirname "$0")/lib.sh"
need_loadgen
PLAYERS=${PLAYERS:-20000}; CONCURRENCY=${CONCURRENCY:-64}
machine | tee "$OUT/joins-pg.machine"
DB=$(new_pg)
start serve serve 8080 BINGO_DATABASE_URL="$DB" ${SERVE_ENV:-}
SERVE_PID=$LAST_PID
wait_ready 8080
"$LOADGEN" --url http://127.0.0.1:8080 --joins-only --players "$PLAYERS" --cards 1 \
  --join-concurrency "$CONCURRENCY" --passphrase-file "$WORK/passphrase" --server-pid "$SERVE_PID" ${LOADGEN_ARGS:-} \
  --report "$OUT/joins-pg.json" | tee "$OUT/joins-pg.txt"
