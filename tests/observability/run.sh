#!/usr/bin/env bash
# Checks of the alert rules and dashboards that need no running platform:
#   1. promtool's rule unit tests (rules.test.yml beside this script) pass;
#   2. every alert in modules/observability/rules/ has a severity, summary, description and a
#      runbook_url to its own `### <Alert>` section of docs/OBSERVABILITY.md, and a unit test
#      that makes it fire and, later, resolve;
#   3. every dashboard provisions anywhere: fixed uid, id null, no __inputs, a `datasource`
#      variable of type prometheus, every panel and target on {"type":"prometheus","uid":"${datasource}"},
#      unique panel ids, a unit on every panel.
# (tests/nix/run.sh already runs `promtool check rules` and `promtool check config`;
# crates/bingo/tests/it/observability.rs checks every query against a live platform and a real
# Prometheus.) Installs nothing. Needs promtool (Debian: apt-get install prometheus) and python3
# with PyYAML (Debian: apt-get install python3-yaml).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check "description" command...
  local desc="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then ok "$desc"; else bad "$desc"; printf '%s\n' "$out" | sed 's/^/       /' | tail -n 60; fi
}

command -v promtool >/dev/null || { echo "FAIL - promtool is not installed (Debian: apt-get install prometheus)"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL - python3 is not installed"; exit 1; }
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL - PyYAML is not installed (Debian: apt-get install python3-yaml)"; exit 1; }

rules="$repo/modules/observability/rules"
dashboards="$repo/modules/observability/dashboards"

check "promtool test rules tests/observability/rules.test.yml" promtool test rules tests/observability/rules.test.yml

check "every alert: severity, annotations, runbook section, fires and resolves in a unit test" python3 - "$rules" tests/observability/rules.test.yml docs/OBSERVABILITY.md <<'PY'
import pathlib, re, sys, yaml
rules_dir, tests_file, doc_file = map(pathlib.Path, sys.argv[1:])
doc = doc_file.read_text()

def secs(d):
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in re.findall(r"(\d+)([hms])", str(d)))

alerts = []
for f in sorted(rules_dir.glob("*.yml")):
    for g in yaml.safe_load(f.read_text())["groups"]:
        for r in g["rules"]:
            if "alert" not in r:
                continue
            a = r["alert"]
            alerts.append(a)
            assert r.get("labels", {}).get("severity") in ("critical", "warning"), f"{a}: severity must be critical or warning"
            ann = r.get("annotations", {})
            for k in ("summary", "description", "runbook_url"):
                assert ann.get(k), f"{a}: no {k} annotation"
            assert ann["runbook_url"] == "docs/OBSERVABILITY.md#" + a.lower(), f"{a}: runbook_url {ann['runbook_url']}"
            assert f"\n### {a}\n" in doc, f"{a}: no '### {a}' section in docs/OBSERVABILITY.md"
assert len(alerts) == len(set(alerts)), "duplicate alert names"

fires, resolves = set(), set()
for t in yaml.safe_load(tests_file.read_text())["tests"]:
    by_alert = {}
    for c in t.get("alert_rule_test", []):
        by_alert.setdefault(c["alertname"], []).append((secs(c["eval_time"]), bool(c.get("exp_alerts"))))
    for a, cases in by_alert.items():
        firing = [at for at, f in cases if f]
        if firing:
            fires.add(a)
            if any(not f and at > min(firing) for at, f in cases):
                resolves.add(a)
for a in alerts:
    assert a in fires, f"no unit test makes {a} fire"
    assert a in resolves, f"no unit test shows {a} resolving after it fired"
print(f"{len(alerts)} alerts, all fire and resolve")
PY

check "dashboards: provisionable anywhere (uid, no __inputs, \${datasource} on every panel and target)" python3 - "$dashboards" <<'PY'
import json, pathlib, sys
files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
assert files, "no dashboards"
DS = {"type": "prometheus", "uid": "${datasource}"}
uids = set()

def panels(ps):
    for p in ps:
        yield p
        yield from panels(p.get("panels", []))

for f in files:
    d = json.loads(f.read_text())
    assert d.get("uid") and d["uid"] not in uids, f"{f}: uid missing or duplicate"
    uids.add(d["uid"])
    assert d.get("id") is None, f"{f}: id must be null"
    assert "__inputs" not in d and "__requires" not in d, f"{f}: export-for-sharing fields do not provision"
    assert "${DS_" not in f.read_text(), f"{f}: ${{DS_...}} placeholders do not provision"
    assert d.get("schemaVersion", 0) >= 36, f"{f}: schemaVersion too old"
    vars_ = d.get("templating", {}).get("list", [])
    ds = [v for v in vars_ if v.get("name") == "datasource"]
    assert len(ds) == 1 and ds[0]["type"] == "datasource" and ds[0]["query"] == "prometheus", f"{f}: datasource variable"
    for v in vars_:
        if v["type"] == "query":
            assert v.get("datasource") == DS, f"{f}: variable {v['name']} datasource"
    ids = set()
    n = 0
    for p in panels(d["panels"]):
        assert p.get("id") not in ids, f"{f}: duplicate panel id {p.get('id')}"
        ids.add(p.get("id"))
        assert p.get("title"), f"{f}: panel {p.get('id')} has no title"
        if p["type"] == "row":
            continue
        n += 1
        where = f"{f.name}: panel {p['id']} '{p['title']}'"
        assert p.get("datasource") == DS, f"{where}: datasource {p.get('datasource')}"
        assert p.get("description"), f"{where}: no description"
        assert p["fieldConfig"]["defaults"].get("unit"), f"{where}: no unit"
        assert p.get("targets"), f"{where}: no query"
        for t in p["targets"]:
            assert t.get("datasource") == DS, f"{where}: target {t.get('refId')} datasource"
            assert t.get("expr"), f"{where}: target {t.get('refId')} has no expr"
    print(f"{f.name}: {n} panels")
PY

echo "observability checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
