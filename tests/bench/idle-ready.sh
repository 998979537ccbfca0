#!/usr/bin/env bash
# `bingo serve` (embedded SQLite): time from exec to the first 200 from /ready, and resident
# memory when idle. First start (creates the database) and RUNS restarts on the same data.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
machine | tee "$OUT/idle-ready.machine"
for run in $(seq 0 "$RUNS"); do
  t0=$(date +%s%N)
  start serve serve 8090
  pid=$LAST_PID
  wait_ready 8090
  t1=$(date +%s%N)
  sleep 5
  rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
  label=$([ "$run" = 0 ] && echo "first start" || echo "restart $run")
  echo "$label: ready after $(( (t1 - t0) / 1000000 )) ms; idle RSS $rss KiB" | tee -a "$OUT/idle-ready.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
