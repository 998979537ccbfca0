#!/usr/bin/env bash
# Runs the browser end-to-end tests against a bingo binary that is already built:
#   tests/e2e/run.sh target/debug/bingo
# Needs Debian's chromium (/usr/bin/chromium, or set CHROMIUM) and `npm ci` done in tests/e2e.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-${BINGO_BIN:-}}"
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "usage: $0 <path to the bingo binary>" >&2
  exit 2
fi
export BINGO_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
cd "$here"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
exec node --test --test-concurrency=1 --test-reporter=spec *.test.mjs
