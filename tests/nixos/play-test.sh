#!/usr/bin/env bash
# Checks tests/nixos/play.py (which the NixOS VM tests run against a venue or cloud machine)
# against a real server here: it must pass when the game reaches the phone, and must fail when
# it does not (its PLAY_SKIP_HELLO=1 test hook leaves out the hello, so the server answers
# hello_timeout and closes).
#
#   tests/nixos/play-test.sh [path to bingo, default target/debug/bingo]
#
# Needs python3 with the websockets package (Debian: python3-websockets; PYTHON=... to choose
# the interpreter) and a built bingo (cargo build -p bingo). Starts `bingo serve` on a free
# loopback port with a temporary data directory and passphrase file, stops it on exit. Every step
# is bounded in time. The last line is "play: N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/debug/bingo}"
if [ ! -x "$bin" ]; then
  echo "play-test: no bingo binary at $bin (cargo build -p bingo)" >&2
  exit 2
fi

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import websockets' 2>/dev/null; then
      python="$candidate"
      break
    fi
  done
fi
if [ -z "$python" ] || ! "$python" -c 'import websockets' 2>/dev/null; then
  echo "play-test: needs python3 with the websockets package (apt-get install python3-websockets)" >&2
  exit 2
fi

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
passphrase="play-test-$RANDOM-$RANDOM"
printf '%s\n' "$passphrase" >"$work/passphrase"
env -u BINGO_DATABASE_URL -u DATABASE_URL -u BINGO_REDIS_URL -u REDIS_URL -u BINGO_CONFIG \
  BINGO_LOG_FORMAT=json BINGO_LOG_LEVEL=warn \
  "$bin" serve --listen "127.0.0.1:$port" --data-dir "$work/data" --admin-passphrase-file "$work/passphrase" \
  >"$work/server.log" 2>&1 &
server=$!
ready=""
for _ in $(seq 1 300); do
  if ! kill -0 "$server" 2>/dev/null; then
    break
  fi
  if "$python" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('$base/ready', timeout=2).status != 200)" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "play-test: bingo did not start within 30 s:" >&2
  cat "$work/server.log" >&2
  echo "play: 0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
ok() {
  echo "ok: $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL: $1" >&2
  sed 's/^/    /' "$work/out" >&2
  failed=$((failed + 1))
}

# 1. The game reaches the phone: play.py passes.
if timeout 60 "$python" "$here/play.py" "$base" "$passphrase" >"$work/out" 2>&1 &&
  grep -q '^play: ok: ' "$work/out"; then
  ok "play.py plays a game: $(grep '^play: ok: ' "$work/out")"
else
  fail "play.py failed against a working server"
fi

# 2. No hello (the old play.py's mistake): the server answers hello_timeout; play.py must fail.
if PLAY_SKIP_HELLO=1 timeout 60 "$python" "$here/play.py" "$base" "$passphrase" >"$work/out" 2>&1; then
  fail "play.py passed without saying hello"
elif grep -q 'play: FAILED: .*hello_timeout' "$work/out"; then
  ok "play.py fails when the game does not reach the phone: $(grep 'play: FAILED' "$work/out")"
else
  fail "play.py failed without hello, but not because of the server's hello_timeout"
fi

# 3. A wrong passphrase is an error too, not a pass.
if timeout 60 "$python" "$here/play.py" "$base" "wrong-$passphrase" >"$work/out" 2>&1; then
  fail "play.py passed with a wrong passphrase"
elif grep -q 'play: FAILED: POST /api/v1/admin/login: HTTP 401' "$work/out"; then
  ok "play.py fails on a refused login"
else
  fail "play.py failed on a wrong passphrase, but not with the login's 401"
fi

echo "play: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
