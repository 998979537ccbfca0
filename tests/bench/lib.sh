#!/usr/bin/env bash
# Shared by the server benchmarks: start bingo roles on loopback, wait until ready, clean up.
# BINGO and LOADGEN name the two binaries (default: the release builds of bingo and bingo-loadgen).
# Every wait is bounded; every process started here is stopped by its pid on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BINGO=${BINGO:-$ROOT/target/release/bingo}
LOADGEN=${LOADGEN:-$ROOT/target/release/bingo-loadgen}
OUT=${OUT:-/tmp/bingo-bench}
PG=${BINGO_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${BINGO_BENCH_REDIS:-redis://127.0.0.1:6379}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/bingo-bench.XXXXXX)
PIDS=()
DBS=()
echo "bench-passphrase-$(date +%s)" > "$WORK/passphrase"
ulimit -n "$(ulimit -Hn)"

[ -x "$BINGO" ] || { echo "build first: cargo build --release -p bingo ($BINGO is missing)" >&2; exit 1; }
# need_loadgen: for the scripts that run the load generator.
need_loadgen() {
  [ -x "$LOADGEN" ] || { echo "build first: cargo build --release -p bingo-loadgen ($LOADGEN is missing)" >&2; exit 1; }
}

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  for db in "${DBS[@]:-}"; do [ -n "$db" ] && psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# A fresh PostgreSQL database; prints its URL.
new_pg() {
  local name="bingo_bench_$$_$RANDOM"
  psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name" >/dev/null
  DBS+=("$name")
  echo "$PG/$name"
}

# start NAME ROLE PORT [ENV=VALUE...]: a bingo role in the background; its pid in $LAST_PID.
start() {
  local name=$1 role=$2 port=$3; shift 3
  env BINGO_LISTEN=127.0.0.1:$port BINGO_DATA_DIR="$WORK/data-$name" BINGO_ADMIN_PASSPHRASE_FILE="$WORK/passphrase" \
    BINGO_LOG_FORMAT=json BINGO_LOG_LEVEL=warn BINGO_NODE_ID="bench-$name" \
    BINGO_JOINS_PER_MINUTE=10000000 BINGO_CLAIMS_PER_MINUTE=10000000 "$@" \
    "$BINGO" "$role" >"$OUT/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# wait_ready PORT: until GET /ready answers 200 (at most 60 s).
wait_ready() {
  local port=$1
  for _ in $(seq 1 6000); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/ready"; then return 0; fi
    sleep 0.01
  done
  echo "port $port never became ready" >&2
  return 1
}

start_baseline() {
  local port=$1
  "$LOADGEN" baseline-server --listen 127.0.0.1:$port >"$OUT/baseline.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  for _ in $(seq 1 500); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then return 0; fi
    sleep 0.01
  done
  return 1
}

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB RAM, kernel $(uname -r), open files $(ulimit -n)"
}
