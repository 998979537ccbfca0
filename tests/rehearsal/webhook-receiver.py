"""A webhook receiver for the alert rehearsal (tests/rehearsal/alerts.sh): it stands for the
operators' end of Alertmanager's webhook_configs.

Usage: webhook-receiver.py ADDRESS PORT OUTFILE SECONDS

Every POST is answered 200 and appended to OUTFILE as one JSON line:
{"received": <unix time, float>, "path": "/...", "body": <the POSTed JSON>}.
It serves one request at a time and exits by itself after SECONDS.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

address, port, outfile, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
deadline = time.monotonic() + seconds


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 1 << 20))
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"unparsable": raw.decode(errors="replace")}
        with open(outfile, "a", encoding="utf-8") as f:
            f.write(json.dumps({"received": time.time(), "path": self.path, "body": body}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("webhook-receiver: " + (fmt % args) + "\n")


server = HTTPServer((address, port), Handler)
server.timeout = 1
open(outfile, "a", encoding="utf-8").close()
while time.monotonic() < deadline:
    server.handle_request()
server.server_close()
