#!/usr/bin/env bash
# The fuzz smoke of tests/run: every target built once, then run briefly (FUZZ_SECONDS each,
# default 12) from its seeds; a crash (a panic on input) fails it. Stable Rust: RUSTC_BOOTSTRAP=1
# for cargo-fuzz's nightly flags, here only; no sanitizer (docs/FUZZING.md). What the runs grow
# goes to a temporary directory, deleted afterwards: the repository's corpus stays the seeds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-12}"
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is not installed (cargo install --locked cargo-fuzz)"; exit 1; }

cargo fuzz build --sanitizer none
grown="$(mktemp -d)"
trap 'rm -rf "$grown"' EXIT
for target in $(cargo fuzz list); do
  mkdir -p "$grown/$target"
  log="$grown/$target.log"
  if cargo fuzz run --sanitizer none "$target" "$grown/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    echo "ok - fuzz target $target: ${runs:-?} runs in ${seconds} s, no crash"
  else
    echo "not ok - fuzz target $target (the crashing input is in fuzz/artifacts/$target/):"
    grep -E 'panicked|ERROR|Test unit written|Base64' "$log" | head -n 20 | sed 's/^/       /'
    exit 1
  fi
done
