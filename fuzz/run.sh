#!/usr/bin/env bash
# Runs one fuzz target on stable Rust (docs/FUZZING.md): fuzz/run.sh TARGET [libFuzzer flags...]
#   fuzz/run.sh ledger -runs=10000000
# cargo-fuzz passes nightly flags to rustc, so RUSTC_BOOTSTRAP=1 here (not globally); no address
# sanitizer (--sanitizer none): libFuzzer's coverage-guided search, with panics as crashes. New
# inputs go to fuzz/grown/TARGET (gitignored); fuzz/corpus/TARGET, the seeds, is only read.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
target="${1:?usage: fuzz/run.sh TARGET [libFuzzer flags...]}"
shift
mkdir -p "grown/$target"
export RUSTC_BOOTSTRAP=1
exec cargo fuzz run --sanitizer none "$target" "grown/$target" "corpus/$target" -- "$@"
