#!/usr/bin/env bash
# schemathesis against the running server's own OpenAPI document (/api/openapi.json): three runs,
# with a console (admin) token, with a player token and with none. Each must see no 5xx, no
# status, header, content type or body outside the document, no invalid input accepted, and a
# 405 with Allow for methods a path does not document.
#
#   tests/api/schemathesis.sh [path to bingo, default target/debug/bingo]
#
# Needs schemathesis in python3 (pip install schemathesis==4.32.5, as .ci/run does; ST=... to run
# another command instead, e.g. ST=st) and a built bingo. Starts `bingo serve` on a free loopback
# port with a temporary data directory and passphrase file, with a game running and one player in
# it, and stops it on exit.
# Bounded: at most ST_EXAMPLES cases per operation and phase (default 30) and ST_SECONDS seconds
# per run (default 60), with a fixed seed (ST_SEED) so a failure is repeatable. The last line is
# "schemathesis: N passed, M failed" (one count per run).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/debug/bingo}"
read -r -a st <<<"${ST:-python3 -m schemathesis.cli}"
examples="${ST_EXAMPLES:-30}"
seconds="${ST_SECONDS:-60}"
seed="${ST_SEED:-20261205}"
if [ ! -x "$bin" ]; then
  echo "schemathesis: no bingo binary at $bin (cargo build -p bingo)" >&2
  exit 2
fi
if ! "${st[@]}" --version >/dev/null 2>&1; then
  echo "schemathesis: '${st[*]}' does not run (pip install schemathesis==4.32.5)" >&2
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

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
passphrase="schemathesis-$RANDOM-$RANDOM"
printf '%s\n' "$passphrase" >"$work/passphrase"
env -u BINGO_DATABASE_URL -u DATABASE_URL -u BINGO_REDIS_URL -u REDIS_URL -u BINGO_CONFIG \
  BINGO_LOG_FORMAT=json BINGO_LOG_LEVEL=warn \
  "$bin" serve --listen "127.0.0.1:$port" --data-dir "$work/data" --admin-passphrase-file "$work/passphrase" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null --max-time 2 "$base/ready" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if ! curl -fsS -o /dev/null --max-time 2 "$base/ready"; then
  echo "schemathesis: bingo did not start within 30 s:" >&2
  cat "$work/server.log" >&2
  echo "schemathesis: 0 passed, 1 failed"
  exit 1
fi

# A console session, a running game and a player in it, so that the tokens are real.
api() { curl -sS --max-time 10 -H 'content-type: application/json' "$@"; }
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
admin="$(api -d "{\"passphrase\": \"$passphrase\"}" "$base/api/v1/admin/login" | field token)"
game="$(api -H "authorization: Bearer $admin" -d '{"kind": "90", "stages": [{"pattern": {"builtin": "one-line"}}]}' \
  "$base/api/v1/games")"
id="$(printf '%s' "$game" | field id)"
code="$(printf '%s' "$game" | field join_code)"
api -H "authorization: Bearer $admin" -X POST "$base/api/v1/games/$id/open" >/dev/null
player="$(api -d "{\"join_code\": \"$code\", \"nickname\": \"fuzz\"}" "$base/api/v1/join" | field player_token)"
api -H "authorization: Bearer $admin" -X POST "$base/api/v1/games/$id/start" >/dev/null
if [ -z "$admin" ] || [ -z "$player" ]; then
  echo "schemathesis: could not set up a console session and a player" >&2
  echo "schemathesis: 0 passed, 1 failed"
  exit 1
fi

# Checks of the responses against the document. Left out: the stateful ones (use_after_free,
# ensure_resource_availability, object_level_authorization), ignored_auth (it needs credentials
# schemathesis makes itself) and positive_data_acceptance (valid input for a game that does not
# exist is rightly 404).
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance"
checks="$checks,response_schema_conformance,negative_data_rejection,unsupported_method,missing_required_header"

# A body over the 64 KiB limit is refused with 413 before it is read (the document's rule for every
# body): that is a rejection too. A session's plan (up to 20 games) makes such bodies when
# generated from its schema.
cat >"$work/schemathesis.toml" <<'TOML'
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
TOML

# One worker: with two threads, hypothesis parses lambdas' source (ast.parse) in both at once,
# which CPython 3.11 before 3.11.8 can fail with "AST constructor recursion depth mismatch"
# (CPython gh-106905), a runtime error of the tool rather than a finding.
passed=0
failed=0
run() {
  local name="$1"
  shift
  echo "==> schemathesis: $name"
  # From the temporary directory: schemathesis leaves a .schemathesis folder where it runs.
  if (cd "$work" && timeout $((seconds + 60)) "${st[@]}" run "$base/api/openapi.json" --checks "$checks" \
    --phases examples,coverage,fuzzing --max-examples "$examples" --max-time "$seconds" --seed "$seed" \
    --workers 1 --no-color --request-timeout 10 --max-redirects 0 --suppress-health-check all \
    --generation-database none "$@") >"$work/$name.out" 2>&1; then
    tail -n 12 "$work/$name.out"
    passed=$((passed + 1))
  else
    cat "$work/$name.out"
    failed=$((failed + 1))
  fi
}

# The console token: not POST /admin/logout, which would end the session the run uses.
run console -H "Authorization: Bearer $admin" --exclude-operation-id logout
run player -H "Authorization: Bearer $player"
run anonymous

# Errors the platform's own code logged (a request that failed on the server is one, 5xx or not).
# Libraries' lines are left out: actix-http's about a request it could not parse (the bare 400 the
# document describes for malformed HTTP) and r2d2's about a pooled SQLite connection that met a
# lock under load (it retries; a request that then fails is logged by bingo).
grep '"level":"ERROR"' "$work/server.log" | grep '"target":"bingo' >"$work/errors"
if [ -s "$work/errors" ]; then
  echo "schemathesis: the server logged errors:" >&2
  head -n 20 "$work/errors" >&2
  failed=$((failed + 1))
fi
echo "schemathesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
