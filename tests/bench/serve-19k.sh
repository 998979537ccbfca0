#!/usr/bin/env bash
# 19,000 players on one `bingo serve` (embedded SQLite), with the minimal broadcast server
# measured first in the same run. PLAYERS, BALLS, INTERVAL_MS override the defaults.
source "$(dirname "$0")/lib.sh"
need_loadgen
PLAYERS=${PLAYERS:-19000}; BALLS=${BALLS:-10}; INTERVAL_MS=${INTERVAL_MS:-1000}
machine | tee "$OUT/serve-19k.machine"
start_baseline 9001
start serve serve 8080
SERVE_PID=$LAST_PID
wait_ready 8080
"$LOADGEN" --url http://127.0.0.1:8080 --baseline ws://127.0.0.1:9001/ws \
  --players "$PLAYERS" --cards 1 --balls "$BALLS" --interval-ms "$INTERVAL_MS" \
  --passphrase-file "$WORK/passphrase" --source-ips 127.0.0.2-127.0.0.20 \
  --server-pid "$SERVE_PID" --join-concurrency 32 ${LOADGEN_ARGS:-} \
  --report "$OUT/serve-19k.json" | tee "$OUT/serve-19k.txt"
