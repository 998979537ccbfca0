#!/usr/bin/env bash
# Runs Caddy with the Caddyfile the module renders (venue mode, Grafana routed) in a network
# namespace of its own, in front of two stand-in upstreams, and checks the headers a browser
# gets: the apps' strict CSP on the apps, Grafana's own (inline scripts allowed) on /grafana/,
# the other security headers on both. Runs as root (ip netns); needs caddy, curl, python3 and
# nix-instantiate.
set -uo pipefail
# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" caddy-headers
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
for t in caddy curl python3 nix-instantiate ip; do
  command -v "$t" >/dev/null || { echo "FAIL - '$t' missing"; exit 1; }
done

ns="bingo-caddy-$$"
ip netns add "$ns" || skip "cannot make a network namespace"
trap 'ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$ns"; cleanup' EXIT
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up

nix-instantiate --eval --strict --json --expr "import $repo/modules/caddy/render.nix {
  domain = \"bingo.local\"; apiUpstream = \"127.0.0.1:8080\"; realtimeUpstreams = [ \"127.0.0.1:8080\" ];
  grafanaUpstream = \"127.0.0.1:3000\"; }" |
  python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' > "$work/Caddyfile"

mkdir -p "$work/app/player" "$work/grafana/grafana"
echo '<p>player</p>' > "$work/app/player/index.html"
echo '<script>window.grafanaBootData = {}</script>' > "$work/grafana/grafana/index.html"
in_ns python3 -m http.server 8080 --bind 127.0.0.1 --directory "$work/app" >/dev/null 2>&1 &
in_ns python3 -m http.server 3000 --bind 127.0.0.1 --directory "$work/grafana" >/dev/null 2>&1 &
HOME="$work" XDG_DATA_HOME="$work" XDG_CONFIG_HOME="$work" in_ns caddy run --adapter caddyfile --config "$work/Caddyfile" >"$work/caddy.log" 2>&1 &

headers() { in_ns curl -sS -D - -o /dev/null --max-time 5 "http://127.0.0.1$1" | tr -d '\r' | tr '[:upper:]' '[:lower:]'; }
for _ in $(seq 1 50); do headers /player/ | grep -q '^http/1.1 200' && break; sleep 0.2; done

player="$(headers /player/)" grafana="$(headers /grafana/)"
csp() { printf '%s\n' "$1" | grep '^content-security-policy:'; }
assert "the apps: 200 through Caddy" grep -q '^http/1.1 200' <<<"$player"
assert "the apps: strict CSP (script-src 'self' only)" grep -q "script-src 'self';" <<<"$(csp "$player")"
assert "grafana: 200 through Caddy" grep -q '^http/1.1 200' <<<"$grafana"
assert "grafana: exactly one CSP" test "$(csp "$grafana" | wc -l)" = 1
assert "grafana: its CSP allows its inline and eval'd scripts" grep -q "script-src 'self' 'unsafe-inline' 'unsafe-eval'" <<<"$(csp "$grafana")"
for h in x-frame-options x-content-type-options referrer-policy; do
  assert "both: $h" sh -c "printf '%s' \"\$1\" | grep -q '^$h:' && printf '%s' \"\$2\" | grep -q '^$h:'" _ "$player" "$grafana"
done
assert "no HSTS on plain HTTP" sh -c "! printf '%s' \"\$1\" | grep -q strict-transport" _ "$player"
[ "$failed" -eq 0 ] || tail -n 20 "$work/caddy.log"
finish
