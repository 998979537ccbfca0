#!/usr/bin/env bash
# Checks of the Nix side that run anywhere (no Nix store, no binary cache):
#   1. every .nix file parses (nix-instantiate --parse)
#   2. every .nix file is formatted (nixpkgs-fmt --check)
#   3. no dead code (deadnix --fail)
#   4. the Caddyfile template, rendered for every proxy mode, passes `caddy validate`
#   5. the prometheus.yml template passes `promtool check config`, the rules `promtool check rules`,
#      and alertmanager.yml `amtool check-config` (when amtool is installed)
#   6. dashboards are valid JSON with a fixed uid and a datasource variable
#   7. if NIXPKGS_LIB=/path/to/nixpkgs/lib is set: modules/ evaluate with lib.evalModules
#      against tests/nix/stubs.nix, assertions on the result, and the exact Caddyfile and
#      prometheus.yml the module deploys are validated too; the machines of nixos/ and their
#      image variants evaluate against tests/nix/machine-stubs.nix (tests/nix/machines.nix).
#      Otherwise SKIPPED (loudly).
#   8. shellcheck of the machines' scripts, and their tests run for real (tests/nix/*.sh)
# Installs nothing. Needs: nix-instantiate, nixpkgs-fmt, deadnix, caddy, promtool, python3,
# curl, the shellcheck tool, optionally amtool, and for step 8 root with loop devices and
# network namespaces.
# BINGO_NIX_CHECKS_NO_NIX=1 skips the steps that need nix-instantiate (used inside a Nix build).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo" || exit 1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
mkdir -p "$HOME"

passed=0
failed=0
skipped=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check "description" command...
  local desc="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then ok "$desc"; else bad "$desc"; printf '%s\n' "$out" | sed 's/^/       /' | tail -n 40; fi
}

no_nix="${BINGO_NIX_CHECKS_NO_NIX:-0}"
tools=(nixpkgs-fmt deadnix caddy promtool python3 shellcheck)
[ "$no_nix" = 1 ] || tools+=(nix-instantiate)
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || { echo "FAIL - required tool '$t' is not installed"; exit 1; }
done

mapfile -t nixfiles < <(find . -name '*.nix' -not -path './target/*' -not -path './.git/*' -not -path './node_modules/*' | sort)
echo "# ${#nixfiles[@]} .nix files"

# 1. parse
if [ "$no_nix" = 1 ]; then
  skipped=$((skipped + 1)); echo "skip - parse (BINGO_NIX_CHECKS_NO_NIX=1; the flake evaluation parses them)"
else
  for f in "${nixfiles[@]}"; do check "parse $f" nix-instantiate --parse "$f"; done
fi

# 2. format, 3. dead code
check "nixpkgs-fmt --check" nixpkgs-fmt --check "${nixfiles[@]}"
check "deadnix --fail" deadnix --fail "${nixfiles[@]}"

# Render a template through the module's own renderer (builtins only).
render() { # render caddy|prometheus 'nix attrset of arguments' outfile
  local kind="$1" args="$2" out="$3"
  nix-instantiate --eval --strict --json \
    --expr "import $repo/modules/$kind/render.nix ($args)" |
    python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' > "$out"
}

caddy_ok() { # caddy_ok file: valid and no placeholder left
  if grep -En '@[A-Z_]+@' "$1"; then echo "unrendered placeholder in $1"; return 1; fi
  caddy validate --adapter caddyfile --config "$1"
}
prom_ok() {
  if grep -En '@[A-Z_]+@' "$1"; then echo "unrendered placeholder in $1"; return 1; fi
  promtool check config "$1"
}

rules="$repo/modules/observability/rules"
if [ "$no_nix" != 1 ]; then
  # 4. Caddyfile for each proxy mode
  render caddy '{ domain = "bingo.local"; apiUpstream = "127.0.0.1:8080"; realtimeUpstreams = [ "127.0.0.1:8080" ]; }' "$work/venue.Caddyfile"
  check "caddy validate: venue (plain HTTP, single)" caddy_ok "$work/venue.Caddyfile"
  render caddy '{ domain = "bingo.local"; apiUpstream = "127.0.0.1:8080"; realtimeUpstreams = [ "127.0.0.1:8100" "127.0.0.1:8101" ]; grafanaUpstream = "127.0.0.1:3000"; }' "$work/split.Caddyfile"
  check "caddy validate: split mode + grafana route" caddy_ok "$work/split.Caddyfile"
  render caddy '{ domain = "bingo.example.org"; tls = "acme"; acmeEmail = "ops@example.org"; apiUpstream = "127.0.0.1:8080"; realtimeUpstreams = [ "127.0.0.1:8080" ]; }' "$work/cloud.Caddyfile"
  check "caddy validate: cloud (ACME)" caddy_ok "$work/cloud.Caddyfile"
  render caddy '{ domain = "bingo.test"; tls = "internal"; apiUpstream = "127.0.0.1:8080"; realtimeUpstreams = [ "127.0.0.1:8080" ]; }' "$work/internal.Caddyfile"
  check "caddy validate: internal CA" caddy_ok "$work/internal.Caddyfile"
  render caddy '{ domain = "bingo.local"; apiUpstream = "127.0.0.1:8080"; realtimeUpstreams = [ "127.0.0.1:8080" ]; captivePortal = "http://bingo.local/player/"; }' "$work/hotspot.Caddyfile"
  check "caddy validate: venue hotspot (captive-portal probes redirected)" caddy_ok "$work/hotspot.Caddyfile"
  check "Caddyfile: probe redirects with the hotspot only" python3 - "$work" <<'PY'
import sys, pathlib
w = pathlib.Path(sys.argv[1])
assert "redir @captive_path http://bingo.local/player/ 302" in (w / "hotspot.Caddyfile").read_text()
assert all("@captive_" not in (w / f"{n}.Caddyfile").read_text() for n in ["venue", "split", "cloud", "internal"])
PY
  check "Caddyfile: security headers, HSTS only on TLS" python3 - "$work" <<'PY'
import sys, pathlib
w = pathlib.Path(sys.argv[1])
for name in ["venue", "split", "cloud", "internal"]:
    t = (w / f"{name}.Caddyfile").read_text()
    for h in ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "encode zstd gzip", "handle /ws*", "handle /api/*", "/screen", "/console", "/player"]:
        assert h in t, (name, h)
    assert ("Strict-Transport-Security" in t) == (name in ("cloud", "internal")), name
assert "handle /grafana*" in (w / "split.Caddyfile").read_text()
assert ":80 {" in (w / "venue.Caddyfile").read_text()
assert "tls internal" in (w / "internal.Caddyfile").read_text()
PY

  # 5. Prometheus
  render prometheus "{ node = \"bingo\"; rulesDir = \"$rules\"; bingoTargets = [ \"127.0.0.1:8080\" ]; nodeTargets = [ \"127.0.0.1:9100\" ]; postgresTargets = [ \"127.0.0.1:9187\" ]; redisTargets = [ \"127.0.0.1:9121\" ]; caddyTargets = [ \"127.0.0.1:2019\" ]; lokiTargets = [ \"127.0.0.1:3100\" ]; }" "$work/prometheus.yml"
  check "promtool check config (all exporters)" prom_ok "$work/prometheus.yml"
  render prometheus "{ node = \"bingo\"; rulesDir = \"$rules\"; bingoTargets = [ \"127.0.0.1:8080\" \"127.0.0.1:8100\" ]; }" "$work/prometheus-min.yml"
  check "promtool check config (no exporters)" prom_ok "$work/prometheus-min.yml"

  # 5b. Alertmanager (modules/alertmanager/render.nix), when amtool is installed (Debian:
  #     prometheus-alertmanager): a webhook only, and e-mail with a password file.
  if command -v amtool >/dev/null; then
    render alertmanager '{ webhookUrl = "http://192.0.2.10:9099/alerts"; }' "$work/alertmanager-webhook.yml"
    check "amtool check-config (webhook)" amtool check-config "$work/alertmanager-webhook.yml"
    render alertmanager '{ email = { to = "ops@example.org"; from = "bingo@example.org"; smarthost = "smtp.example.org:587"; username = "bingo"; passwordFile = "/run/credentials/alertmanager.service/smtp-password"; }; groupWait = "10s"; }' "$work/alertmanager-email.yml"
    check "amtool check-config (e-mail, password file)" amtool check-config "$work/alertmanager-email.yml"
  else
    skipped=$((skipped + 1)); echo "SKIPPED: amtool check-config (install prometheus-alertmanager)"
  fi
fi
check "promtool check rules" promtool check rules "$rules"/*.yml

# promtool is in nixpkgs' prometheus.cli output, not in prometheus (pkgs/by-name/pr/prometheus/
# package.nix: moveToOutput bin/promtool $cli): wherever the flake puts Prometheus' tools on a
# PATH (the checks, the dev shell), it must name prometheus.cli.
check "flake: promtool from prometheus.cli" python3 - "$repo" <<'PY'
import pathlib, re, sys
repo = pathlib.Path(sys.argv[1])
bad = []
for f in [repo / "flake.nix", *sorted((repo / "nix").glob("*.nix"))]:
    for n, line in enumerate(f.read_text().splitlines(), 1):
        code = line.split("#", 1)[0]
        for m in re.finditer(r"(?<![\w.-])(pkgs\.)?prometheus(?![\w-])(\.\w+)?", code):
            if m.group(2) != ".cli":
                bad.append(f"{f.relative_to(repo)}:{n}: {line.strip()}")
assert not bad, "Prometheus' package without promtool:\n" + "\n".join(bad)
PY

# 6. dashboards
check "dashboards: JSON, uid, datasource variable" python3 - "$repo/modules/observability/dashboards" <<'PY'
import json, sys, pathlib
files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
assert files, "no dashboards"
uids = set()
for f in files:
    d = json.loads(f.read_text())
    assert d.get("uid") and d["uid"] not in uids, f
    uids.add(d["uid"])
    assert d.get("id") is None, f"{f}: id must be null"
    assert "__inputs" not in d, f"{f}: exported-for-sharing dashboards do not provision"
    assert any(v.get("type") == "datasource" for v in d.get("templating", {}).get("list", [])), f
PY

# 7. module evaluation with nixpkgs' lib
if [ "$no_nix" = 1 ]; then
  skipped=$((skipped + 1)); echo "skip - module evaluation (BINGO_NIX_CHECKS_NO_NIX=1)"
elif [ -z "${NIXPKGS_LIB:-}" ]; then
  skipped=$((skipped + 1))
  echo "############################################################################"
  echo "# SKIPPED: module evaluation (lib.evalModules). Set NIXPKGS_LIB to the lib/  #"
  echo "# directory of a nixpkgs or nix-community/nixpkgs.lib checkout to run it.  #"
  echo "############################################################################"
elif [ ! -f "$NIXPKGS_LIB/default.nix" ]; then
  bad "NIXPKGS_LIB=$NIXPKGS_LIB has no default.nix"
else
  if out="$(nix-instantiate --eval --strict --json "$repo/tests/nix/eval.nix" --arg nixlib "$NIXPKGS_LIB" 2>&1 > "$work/eval.json")"; then
    ok "lib.evalModules of modules/ against stubs ($NIXPKGS_LIB)"
    check "module assertions and unit contents" python3 "$repo/tests/nix/assert_eval.py" "$work/eval.json" "$work"
    if nix-instantiate --eval --strict --json "$repo/tests/nix/options-doc.nix" --arg nixlib "$NIXPKGS_LIB" 2>/dev/null |
      python3 "$repo/tests/nix/gen-options-doc.py" > "$work/NIXOS-OPTIONS.md"; then
      check "docs/NIXOS-OPTIONS.md is up to date (regenerate: see tests/nix/gen-options-doc.py)" diff -u "$repo/docs/NIXOS-OPTIONS.md" "$work/NIXOS-OPTIONS.md"
    else
      bad "option documentation could not be generated"
    fi
    if out="$(nix-instantiate --eval --strict --json "$repo/tests/nix/machines.nix" --arg nixlib "$NIXPKGS_LIB" 2>&1 > "$work/machines.json")"; then
      check "machines and image variants: boot loader, disk layout, host name (tests/nix/machines.nix)" \
        python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["failures"]; print("\n".join(f)); sys.exit(1 if f else 0)' "$work/machines.json"
    else
      bad "evaluation of nixos/ machines"; printf '%s\n' "$out" | tail -n 40 | sed 's/^/       /'
    fi
    for v in venue split cloud internal hotspot; do
      check "caddy validate: exact Caddyfile the module deploys ($v)" caddy_ok "$work/module-$v.Caddyfile"
    done
    for v in venue split; do
      check "promtool check config: exact prometheus.yml the module deploys ($v)" prom_ok "$work/module-$v.prometheus.yml"
    done
    if command -v amtool >/dev/null; then
      check "amtool check-config: exact alertmanager.yml the module deploys (alerting)" amtool check-config "$work/module-alerting.alertmanager.yml"
    else
      skipped=$((skipped + 1)); echo "SKIPPED: amtool check-config of the module's alertmanager.yml (install prometheus-alertmanager)"
    fi
  else
    bad "lib.evalModules of modules/"; printf '%s\n' "$out" | tail -n 40 | sed 's/^/       /'
  fi
fi

# 8. The shell scripts the machines run: shellcheck (as writeShellApplication does at build
#    time), then each run for real by its test (root: loop devices, mounts, namespaces).
mapfile -t scripts < <(find nixos/scripts modules nix -name '*.sh' | sort)
check "shellcheck ${scripts[*]}" shellcheck "${scripts[@]}"
for t in backup-stick backup-app data-mount data-partition operator-menu caddy-headers; do
  [ -f "$repo/tests/nix/$t.sh" ] || { bad "tests/nix/$t.sh is missing"; continue; }
  if [ "$t" = caddy-headers ] && [ "$no_nix" = 1 ]; then
    skipped=$((skipped + 1)); echo "skip - $t (renders with nix-instantiate)"; continue
  fi
  if out="$(timeout 300 bash "$repo/tests/nix/$t.sh" 2>&1)"; then
    ok "tests/nix/$t.sh: $(printf '%s\n' "$out" | tail -n 1)"
  else
    bad "tests/nix/$t.sh"; printf '%s\n' "$out" | grep -v '^ok' | tail -n 40 | sed 's/^/       /'
  fi
done

echo "nix checks: $passed passed, $failed failed, $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
