"""Reads what tests/rehearsal/webhook-receiver.py recorded (Alertmanager's webhook notifications).

Usage:
  alerts-received.py FILE first ALERTNAME STATUS [LABEL=VALUE ...]
      The first notification holding an alert ALERTNAME in STATUS (firing or resolved) with those
      labels: prints "<received unix time> <that alert, with the notification's receiver and
      status, as JSON>" and exits 0; exits 1 when there is none (yet).
  alerts-received.py FILE names
      Every alert name notified, one per line.
"""
import json
import sys


def notifications(path):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
    except FileNotFoundError:
        return


def main(argv):
    path, cmd = argv[0], argv[1]
    if cmd == "names":
        names = sorted({a.get("labels", {}).get("alertname", "?") for n in notifications(path) for a in n["body"].get("alerts", [])})
        print("\n".join(names))
        return 0
    if cmd == "first":
        name, status = argv[2], argv[3]
        want = dict(kv.split("=", 1) for kv in argv[4:])
        for n in notifications(path):
            for a in n["body"].get("alerts", []):
                labels = a.get("labels", {})
                if labels.get("alertname") == name and a.get("status") == status and all(labels.get(k) == v for k, v in want.items()):
                    a = dict(a, receiver=n["body"].get("receiver"), notification_status=n["body"].get("status"), path=n["path"])
                    print(f"{n['received']:.3f} {json.dumps(a)}")
                    return 0
        return 1
    raise SystemExit(__doc__)


sys.exit(main(sys.argv[1:]))
