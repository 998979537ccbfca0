#!/usr/bin/env bash
# 50,000 players over three `bingo realtime` nodes fed through Redis by one `bingo api`, all on
# PostgreSQL, all on this machine. PLAYERS, BALLS, INTERVAL_MS, NODES override the defaults;
# RT_WORKERS sets the realtime nodes' worker threads (default: one per core), RT_POOL their pools.
source "$(dirname "$0")/lib.sh"
need_loadgen
PLAYERS=${PLAYERS:-50000}; BALLS=${BALLS:-10}; INTERVAL_MS=${INTERVAL_MS:-1000}; NODES=${NODES:-3}
machine | tee "$OUT/realtime-50k.machine"
DB=$(new_pg)
PREFIX="bingo-bench-$$"
COMMON=(BINGO_DATABASE_URL="$DB" BINGO_REDIS_URL="$REDIS" BINGO_REDIS_PREFIX="$PREFIX")
start api api 8080 "${COMMON[@]}"
wait_ready 8080
WS=(); SERVER=()
for i in $(seq 1 "$NODES"); do
  start "rt$i" realtime $((8080 + i)) "${COMMON[@]}" BINGO_DB_POOL_SIZE=${RT_POOL:-16} \
    ${RT_WORKERS:+BINGO_WORKERS=$RT_WORKERS}
  SERVER+=(--server-pid "$LAST_PID")
  WS+=(--ws-url "ws://127.0.0.1:$((8080 + i))/ws")
done
for i in $(seq 1 "$NODES"); do wait_ready $((8080 + i)); done
"$LOADGEN" --url http://127.0.0.1:8080 "${WS[@]}" "${SERVER[@]}" \
  --players "$PLAYERS" --cards 1 --balls "$BALLS" --interval-ms "$INTERVAL_MS" \
  --passphrase-file "$WORK/passphrase" --source-ips 127.0.0.2-127.0.0.40 \
  --join-concurrency 32 ${LOADGEN_ARGS:-} \
  --report "$OUT/realtime-50k.json" | tee "$OUT/realtime-50k.txt"
