#!/usr/bin/env bash
# Rehearsal of the cloud host's HTTPS: Caddy, configured by exactly the Caddyfile that
# modules/caddy/render.nix renders for services.bingo.proxy.tls = "acme" (with proxy.acmeCA and
# proxy.acmeCARoot pointing at a private ACME CA), gets its certificate over ACME from pebble,
# Let's Encrypt's ACME test server, which really validates the challenge (HTTP-01 or TLS-ALPN-01)
# against the cloud host's ports 80/443. Then a browser that trusts only pebble's root plays a
# game through it.
#
#   acme    198.51.100.1  pebble (ACME on :14000, its management API on :15000) and
#                         pebble-challtestsrv as pebble's DNS (bingo.test -> the cloud host)
#   cloud   198.51.100.2  bingo serve on 127.0.0.1:8080 (embedded SQLite), Caddy on 80/443
#   browser 198.51.100.3  curl, openssl, tests/nixos/play.py
#
# The cloud and browser hosts find acme.test and bingo.test in their own /etc/hosts
# (/etc/netns/<namespace>/hosts, which `ip netns exec` mounts over /etc/hosts: ip-netns(8)),
# and have no DNS server (nameserver 127.0.0.1, where nothing answers): no query leaves them.
#
# Runs as root (SKIPPED otherwise). Needs: ip, pebble and pebble-challtestsrv (Debian: pebble),
# caddy, curl, openssl, nix-instantiate, python3 with websockets (Debian: python3-websockets),
# a built bingo (BINGO_BIN, default target/debug/bingo). Bounded: about 10 s when it works,
# about 80 s when no certificate comes. Last line: "cloud: N passed, M failed".
#
# Test hook, to see the checks fail: CLOUD_BREAK=
#   no-acme-ca       render without acmeCA/acmeCARoot (Caddy asks the public CAs: unreachable)
#   no-ca-root       render acmeCA without acmeCARoot (Caddy cannot trust pebble's HTTPS)
#   wrong-domain     Caddy serves other.test, which pebble's DNS does not know
#   no-hsts          the Strict-Transport-Security line removed from the rendered Caddyfile
#   hsts-subdomains  render with hstsIncludeSubdomains = true
#   dns-elsewhere    pebble's DNS points bingo.test at an address where nobody answers
#   always-valid     pebble started with PEBBLE_VA_ALWAYS_VALID=1 (no validation at all)
#   health-30s       the health_interval line removed (Caddy's default: 30 s)
# CLOUD_LOGS=DIR keeps the logs (caddy, pebble, dns, bingo) and the rendered Caddyfile there.
set -uo pipefail
# shellcheck source=tests/rehearsal/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" cloud

missing() { bad "$*"; finish; exit 1; }
for t in pebble pebble-challtestsrv caddy curl openssl nix-instantiate; do
  command -v "$t" >/dev/null || missing "'$t' is not installed"
done
python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$candidate" -c 'import websockets' 2>/dev/null; then python="$candidate"; break; fi
done
[ -n "$python" ] || missing "needs python3 with websockets (python3-websockets)"
bin="${BINGO_BIN:-$repo/target/debug/bingo}"
[ -x "$bin" ] || missing "no bingo at $bin (cargo build -p bingo)"
brk="${CLOUD_BREAK:-}"
not() { ! "$@"; }

domain=bingo.test
acme_ip=198.51.100.1 cloud_ip=198.51.100.2
host_add acme "$acme_ip"
host_add cloud "$cloud_ip"
host_add browser 198.51.100.3

# Names for the cloud and browser hosts; removed at the end (ip netns del leaves /etc/netns).
etc_netns=("/etc/netns/$prefix-cloud" "/etc/netns/$prefix-browser")
keep_logs() { [ -z "${CLOUD_LOGS:-}" ] || { mkdir -p "$CLOUD_LOGS" && cp "$work"/*.log "$work/Caddyfile" "$CLOUD_LOGS"/ 2>/dev/null; }; }
# TERM first, with up to 5 s to exit, so that lib.sh's teardown has nothing left to SIGKILL.
stop_all() {
  local p deadline=$((SECONDS + 5))
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  done
}
trap 'stop_all; keep_logs; rm -rf "${etc_netns[@]}"; teardown' EXIT
for d in "${etc_netns[@]}"; do
  mkdir -p "$d"
  printf '127.0.0.1 localhost\n%s acme.test\n%s %s\n' "$acme_ip" "$cloud_ip" "$domain" >"$d/hosts"
  echo 'nameserver 127.0.0.1' >"$d/resolv.conf"
done

# --- acme host -------------------------------------------------------------------------------
# pebble's HTTPS certificate (Debian's package ships no test certificate): a throwaway CA of
# ours. It is what acmeCARoot is for: the ACME server's certificate, not the issued one.
pki="$work/pki"
mkdir -p "$pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=rehearsal ACME server CA" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=acme.test \
  -keyout "$pki/pebble.key" -out "$pki/pebble.csr" 2>/dev/null
printf 'subjectAltName=DNS:acme.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >"$pki/ext"
openssl x509 -req -in "$pki/pebble.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -set_serial 1 \
  -days 2 -extfile "$pki/ext" -out "$pki/pebble.pem" 2>/dev/null

# Keys as in /usr/share/doc/pebble/examples/pebble-config.json. httpPort/tlsPort: where pebble's
# VA connects for HTTP-01 and TLS-ALPN-01, i.e. Caddy's real ports (pebble's default is 5002/5001).
cat >"$work/pebble.json" <<EOF
{"pebble": {
  "listenAddress": "$acme_ip:14000",
  "managementListenAddress": "$acme_ip:15000",
  "certificate": "$pki/pebble.pem",
  "privateKey": "$pki/pebble.key",
  "httpPort": 80,
  "tlsPort": 443,
  "ocspResponderURL": "",
  "externalAccountBindingRequired": false
}}
EOF
# Only the mock DNS of challtestsrv; no default answers, so only $domain resolves (to the cloud).
start acme "$work/dns.log" pebble-challtestsrv -dns01 127.0.0.1:8053 -http01 "" -https01 "" \
  -tlsalpn01 "" -management 127.0.0.1:8055 -defaultIPv4 "" -defaultIPv6 ""
a_record="$cloud_ip"
[ "$brk" != dns-elsewhere ] || a_record=198.51.100.9
add_a() { on acme curl -fsS --max-time 2 -d "{\"host\":\"$domain\",\"addresses\":[\"$a_record\"]}" http://127.0.0.1:8055/add-a; }
wait_until 10 add_a || bad "pebble-challtestsrv's DNS did not start"
# PEBBLE_VA_NOSLEEP: no random 0-15 s wait before each validation; the validation itself still
# happens (PEBBLE_VA_ALWAYS_VALID is never set). Pebble's own -dnsserver resolves $domain.
always_valid=()
[ "$brk" != always-valid ] || always_valid=(PEBBLE_VA_ALWAYS_VALID=1)
start acme "$work/pebble.log" env -u PEBBLE_VA_ALWAYS_VALID PEBBLE_VA_NOSLEEP=1 "${always_valid[@]}" \
  pebble -config "$work/pebble.json" -dnsserver 127.0.0.1:8053
wait_until 15 on browser curl -fsS --max-time 2 --cacert "$pki/ca.pem" -o /dev/null https://acme.test:14000/dir ||
  bad "pebble's ACME directory did not answer"

# The browser trusts pebble's issuing root, which pebble makes anew at each start (README:
# "CA Root and Intermediate Certificates"), from the management interface.
if on browser curl -fsS --max-time 5 --cacert "$pki/ca.pem" -o "$work/root.pem" https://acme.test:15000/roots/0 &&
  openssl x509 -in "$work/root.pem" -noout 2>/dev/null; then
  ok "pebble's root fetched from its management interface: $(openssl x509 -in "$work/root.pem" -noout -subject)"
else
  bad "pebble's root from https://acme.test:15000/roots/0"
fi

# --- cloud host ------------------------------------------------------------------------------
# The module's arguments for tls = "acme" (modules/bingo/proxy.nix), acmeCA = pebble's directory.
site="$domain" acme_args="acmeCA = \"https://acme.test:14000/dir\"; acmeCARoot = \"$pki/ca.pem\";" hsts_sub=false
case "$brk" in
  no-acme-ca) acme_args="" ;;
  no-ca-root) acme_args="acmeCA = \"https://acme.test:14000/dir\";" ;;
  wrong-domain) site=other.test ;;
  hsts-subdomains) hsts_sub=true ;;
esac
render_caddyfile "{ domain = \"$site\"; tls = \"acme\"; acmeEmail = \"ops@$domain\"; $acme_args
  hstsIncludeSubdomains = $hsts_sub; apiUpstream = \"127.0.0.1:8080\"; realtimeUpstreams = [ \"127.0.0.1:8080\" ]; }" \
  "$work/Caddyfile"
[ "$brk" != no-hsts ] || sed -i '/Strict-Transport-Security/d' "$work/Caddyfile"
[ "$brk" != health-30s ] || sed -i '/health_interval/d' "$work/Caddyfile"
# Caddy first, bingo after the certificate: as at boot, where caddy.service is not ordered after
# bingo.service (which waits for bingo-migrate), so Caddy's first health check of /ws's upstream
# finds nothing listening.
mkdir -p "$work/caddy"
start cloud "$work/caddy.log" env HOME="$work/caddy" XDG_DATA_HOME="$work/caddy/data" XDG_CONFIG_HOME="$work/caddy/config" \
  caddy run --adapter caddyfile --config "$work/Caddyfile"

# --- browser ---------------------------------------------------------------------------------
b_curl() { on browser curl -sS --max-time 10 --cacert "$work/root.pem" "$@"; }
# The certificate: obtained at Caddy's start (not on demand), in about a second; 75 s also
# covers Caddy's first retry (60 s after a failed attempt).
# (Any HTTP status will do here: bingo is not started yet.)
if wait_until 75 b_curl -o /dev/null "https://$domain/"; then
  ok "https://$domain answers with a certificate that verifies against pebble's root (curl --cacert)"
else
  bad "no certificate for $domain that verifies against pebble's root within 75 s"
  echo "  --- caddy (tls, acme) ---"; grep -E '"logger":"(tls|http.acme_client)' "$work/caddy.log" | tail -n 8 | cut -c1-400
  echo "  --- pebble ---"; tail -n 8 "$work/pebble.log"
  finish; exit 1
fi

passphrase="cloud-$RANDOM-$RANDOM"
printf '%s\n' "$passphrase" >"$work/passphrase"
start cloud "$work/bingo.log" env -u BINGO_DATABASE_URL -u DATABASE_URL -u BINGO_REDIS_URL -u REDIS_URL \
  -u BINGO_CONFIG -u BINGO_LAN_PORT BINGO_PUBLIC_URL="https://$domain" BINGO_LOG_FORMAT=json BINGO_LOG_LEVEL=info \
  "$bin" serve --listen 127.0.0.1:8080 --data-dir "$work/bingo" --admin-passphrase-file "$work/passphrase"
wait_until 30 on cloud curl -fsS --max-time 2 -o /dev/null http://127.0.0.1:8080/ready || bad "bingo did not become ready"

on browser openssl s_client -connect "$domain:443" -servername "$domain" -showcerts </dev/null >"$work/s_client" 2>&1
openssl x509 -in "$work/s_client" -noout -issuer -ext subjectAltName >"$work/leaf" 2>&1
verify_chain() {
  on browser openssl s_client -connect "$domain:443" -servername "$domain" -verify_hostname "$domain" \
    -CAfile "$work/root.pem" -verify_return_error -brief </dev/null >"$work/verify" 2>&1 ||
    { sed 's/^/    /' "$work/verify"; return 1; }
}
assert "openssl: the chain verifies for $domain against pebble's root" verify_chain
assert "the certificate is issued by pebble ($(grep -o 'CN *= *.*' "$work/leaf" | head -n 1))" \
  grep -q 'issuer=.*Pebble Intermediate CA' "$work/leaf"
assert "not by Caddy's internal CA" not grep -q "Caddy Local Authority" "$work/leaf"
assert "its name is $domain" grep -q "DNS:$domain" "$work/leaf"
# Without pebble's root, the system's CAs must refuse it (the checks above really verify).
refused_without_root() { on browser curl -sS --max-time 10 -o /dev/null "https://$domain/" 2>/dev/null; [ $? = 60 ]; }
assert "curl without pebble's root refuses it (exit 60: peer certificate cannot be authenticated)" refused_without_root
# The challenge was really answered: Caddy logged serving it to the acme host's address.
assert "the ACME challenge was validated from the acme host (Caddy's log)" \
  grep -Eq "\"msg\":\"served key authentication[^}]*\"remote\":\"$acme_ip:" "$work/caddy.log"

lower() { tr -d '\r' | tr '[:upper:]' '[:lower:]'; }
check_headers() { # URL-PATH: 200 and every security header
  local h; h="$(b_curl -D - -o /dev/null "https://$domain$1" | lower)"
  grep -q '^http/[0-9.]* 200' <<<"$h" || { echo "  $1: $(head -n 1 <<<"$h")"; return 1; }
  local want
  for want in "content-security-policy: default-src 'self'" "x-frame-options: deny" "x-content-type-options: nosniff" \
    "referrer-policy: no-referrer" "strict-transport-security: max-age=31536000"; do
    grep -q "^$want" <<<"$h" || { echo "  $1: no '$want'"; return 1; }
  done
  if grep -q '^strict-transport-security:.*includesubdomains' <<<"$h"; then echo "  $1: HSTS has includeSubDomains"; return 1; fi
}
for p in /player/ /screen/ /console/ /api/v1/web/config /api/v1/patterns; do
  assert "https $p: 200, CSP, X-Frame-Options, nosniff, Referrer-Policy, HSTS max-age without includeSubDomains" check_headers "$p"
done
public_url="$(b_curl "https://$domain/api/v1/web/config" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["public_url"])' 2>&1)"
assert "bingo's public URL is https://$domain ($public_url)" test "$public_url" = "https://$domain"

redirect="$(on browser curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' "http://$domain/player/?x=1")"
assert "http:// redirects to https:// ($redirect)" grep -Eq "^(308|301) https://$domain/player/\?x=1$" <<<"$redirect"

wss_check() {
  on browser "$python" - "$domain" "$work/root.pem" >"$work/wss.out" 2>&1 <<'PY'
import asyncio, ssl, sys, websockets
async def main():
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    async with websockets.connect(f"wss://{sys.argv[1]}/ws", ssl=ctx, open_timeout=10, close_timeout=2) as ws:
        print("upgraded")  # connect() returns only after the 101 Switching Protocols
asyncio.run(main())
PY
}
if wait_until 10 wss_check; then
  ok "wss://$domain/ws: the WebSocket upgrade passes through Caddy within 10 s of bingo being ready"
else
  bad "wss://$domain/ws within 10 s of bingo being ready: $(tail -n 1 "$work/wss.out")"
fi

if on browser timeout 90 "$python" "$repo/tests/nixos/play.py" "https://$domain" "$passphrase" --cafile "$work/root.pem" >"$work/play.out" 2>&1 &&
  grep -q '^play: ok: ' "$work/play.out"; then
  ok "a whole game over https/wss (play.py --cafile): $(grep '^play: ok: ' "$work/play.out" | cut -c1-120)"
else
  bad "play.py over https/wss"; sed 's/^/    /' "$work/play.out"
fi
on browser timeout 30 "$python" "$repo/tests/nixos/play.py" "https://$domain" "$passphrase" >"$work/play-noca.out" 2>&1
assert "play.py without --cafile refuses the certificate" grep -q 'CERTIFICATE_VERIFY_FAILED' "$work/play-noca.out"

[ "$failed" -eq 0 ] || { echo "  --- caddy's errors ---"; grep '"level":"error"' "$work/caddy.log" | grep -v '"logger":"http.log.access' | tail -n 5 | cut -c1-300; }
finish
