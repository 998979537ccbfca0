# Shared by the shell tests of tests/nix: counters, a closing line the CI reads
# ("NAME: N passed, N failed"), loop devices and temporary files removed on exit.
# Usage: . tests/nix/lib.sh NAME   (then ok/bad/assert, loop_device, finish or stop)
# shellcheck shell=bash
suite="$1"
# shellcheck disable=SC2034 # for the tests that source this
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
passed=0 failed=0
loops=()

# Unmounts everything mounted below DIR, innermost first.
umount_under() {
  local m
  awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
}

cleanup() {
  local l
  umount_under "$work"
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
assert() { local d="$1"; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
skip() { echo "SKIPPED: $*"; echo "$suite: 0 passed, 0 failed (skipped)"; exit 0; }
finish() { echo "$suite: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
stop() { finish; exit; } # the closing line now, and the end of the test

# as_build_user CMD...: as nobody when we are root, as the Nix sandbox's build user is not root.
as_build_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}

needs_root_and_loops() {
  [ "$(id -u)" = 0 ] || skip "needs root for loop devices"
  [ -c /dev/loop-control ] || skip "/dev/loop-control is missing"
}

# loop_device VAR FILE [ro]: attach FILE, put the device's name in VAR, detach it on exit.
# (Not through $(...): the list of devices to detach must be this shell's.)
loop_device() {
  local _loop
  _loop="$(losetup -f --show ${3:+-r} "$2")" || return 1
  loops+=("$_loop")
  printf -v "$1" '%s' "$_loop"
}
