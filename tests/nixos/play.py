"""Plays one game against a bingo server through its public URL (used by the VM tests).

Usage: play.py BASE_URL PASSPHRASE [--insecure | --cafile PEM]

--cafile PEM verifies the server's certificate against the CA certificates in PEM only (an ACME
test CA, a private CA) instead of the system's; --insecure does not verify it at all.

The admin logs in, creates a 90-ball game and opens it; a player joins with six cards. The
player's WebSocket (/ws) says hello with the player token as docs/PROTOCOL.md requires and must
get its welcome. The admin starts the game and draws: the player must receive the ball_called
event of exactly the ball the draw endpoint answered, its events in order with no gaps, and then
daubs that ball on its card and must get `daubed` back. (With six cards, the first player of a
90-ball game holds a whole strip, so the first ball is on a card; other balls are drawn until one
is, at most 20.)

Exits 0 and prints "play: ok ..." when all of that happened; exits 1 with "play: FAILED: ..." on
an error frame (hello_timeout, unauthorized, ...), a closed connection, an HTTP error, or any wait
longer than 15 seconds.

Test hook: PLAY_SKIP_HELLO=1 makes it skip the hello (the server then answers hello_timeout after
10 s and closes), so that tests/nixos/play-test.sh can check that this script fails when the game
does not reach the phone.
"""
import asyncio
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request

import websockets

WAIT = 15  # seconds, for any one thing the script waits for
MAX_DRAWS = 20


class Failed(Exception):
    pass


def usage():
    print("\n\n".join(__doc__.split("\n\n")[1:3]), file=sys.stderr)
    sys.exit(2)


args, insecure, cafile = [], False, None
argv = sys.argv[1:]
while argv:
    a = argv.pop(0)
    if a == "--insecure":
        insecure = True
    elif a == "--cafile" and argv:
        cafile = argv.pop(0)
    elif a.startswith("--cafile="):
        cafile = a[len("--cafile="):]
    else:
        args.append(a)
if len(args) != 2 or any(a.startswith("--") for a in args) or (insecure and cafile) or cafile == "":
    usage()
base = args[0].rstrip("/")
passphrase = args[1]
try:
    # With cafile, only that file's CAs are trusted (not the system's as well).
    ctx = ssl.create_default_context(cafile=cafile)
except (OSError, ssl.SSLError) as e:
    print(f"play: FAILED: --cafile {cafile}: {e}", file=sys.stderr)
    sys.exit(1)
if insecure:
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, method=method, data=data)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=WAIT, context=ctx) as r:
            return json.loads(r.read().decode() or "{}")
    except urllib.error.HTTPError as e:
        raise Failed(f"{method} {path}: HTTP {e.code}: {e.read().decode(errors='replace')[:300]}") from None
    except (urllib.error.URLError, OSError) as e:
        raise Failed(f"{method} {path}: {e}") from None


class Phone:
    """The player's socket: every frame read is checked; events must continue the sequence."""

    def __init__(self, ws):
        self.ws = ws
        self.seq = None

    async def next(self, what, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failed(f"no {what} within {WAIT} s")
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
        except asyncio.TimeoutError:
            raise Failed(f"no {what} within {WAIT} s") from None
        except websockets.exceptions.ConnectionClosed as e:
            raise Failed(f"the socket closed waiting for {what}: {e}") from None
        if not isinstance(raw, str):
            raise Failed(f"a binary frame waiting for {what}")
        msg = json.loads(raw)
        kind = msg.get("type")
        if kind == "error":
            raise Failed(f"error frame waiting for {what}: {msg.get('code')}: {msg.get('message')}")
        if kind in ("reconnect", "resync"):
            raise Failed(f"{kind} waiting for {what}: {raw[:200]}")
        if kind == "event":
            if self.seq is not None and msg.get("seq") != self.seq + 1:
                raise Failed(f"event seq {msg.get('seq')} after {self.seq} (a gap or a repeat)")
            self.seq = msg.get("seq")
        return msg

    async def wait_for(self, what, pred):
        deadline = time.monotonic() + WAIT
        while True:
            msg = await self.next(what, deadline)
            if pred(msg):
                return msg


def numbers_on(card):
    return {n for row in card["grid"] for n in row if n}


async def main():
    admin = call("POST", "/api/v1/admin/login", {"passphrase": passphrase})["token"]
    config = {"kind": "90", "stages": [{"pattern": {"builtin": "one-line"}}, {"pattern": {"builtin": "full-house"}}]}
    game = call("POST", "/api/v1/games", config, admin)
    gid, code = game["id"], game["join_code"]
    call("POST", f"/api/v1/games/{gid}/open", {}, admin)
    player = call("POST", "/api/v1/join", {"join_code": code, "nickname": "vm-test", "cards": 6})
    cards = {c["serial"]: numbers_on(c) for c in player["cards"]}
    ws_url = "ws" + base[len("http"):] + "/ws"
    tls = ctx if ws_url.startswith("wss") else None
    try:
        async with websockets.connect(ws_url, ssl=tls, open_timeout=WAIT, close_timeout=2) as ws:
            phone = Phone(ws)
            if os.environ.get("PLAY_SKIP_HELLO") == "1":
                print("play: test hook PLAY_SKIP_HELLO=1: not saying hello", file=sys.stderr)
            else:
                hello = {"type": "hello", "player_token": player["player_token"], "last_seq": 0, "epoch": None}
                await ws.send(json.dumps(hello))
            welcome = await phone.wait_for("welcome", lambda m: m.get("type") == "welcome")
            if welcome.get("client") != "player" or welcome.get("game_id") != gid:
                raise Failed(f"a welcome for someone else: {json.dumps(welcome)[:300]}")
            phone.seq = welcome["last_seq"]
            call("POST", f"/api/v1/games/{gid}/start", {}, admin)
            for draw in range(1, MAX_DRAWS + 1):
                answer = call("POST", f"/api/v1/games/{gid}/draw", {}, admin)
                balls = [e["number"] for e in answer.get("events", []) if e.get("type") == "ball_called"]
                if len(balls) != 1:
                    raise Failed(f"the draw answered {len(balls)} balls: {json.dumps(answer)[:300]}")
                ball = balls[0]
                got = await phone.wait_for(
                    f"the ball_called event of ball {ball}",
                    lambda m: m.get("type") == "event" and m["event"].get("type") == "ball_called",
                )
                if got["event"].get("number") != ball:
                    raise Failed(f"the phone got ball {got['event'].get('number')}, the draw called {ball}")
                serial = next((s for s, ns in cards.items() if ball in ns), None)
                if serial is None:
                    continue
                daub = {"type": "daub", "serial": serial, "number": ball, "on": True, "request_id": "d1"}
                await ws.send(json.dumps(daub))
                done = await phone.wait_for("the daub's answer", lambda m: m.get("type") == "daubed")
                if (done.get("request_id"), done.get("serial"), done.get("number"), done.get("on")) != ("d1", serial, ball, True):
                    raise Failed(f"the daub of {ball} on card {serial} was answered {json.dumps(done)}")
                print(f"play: ok: game {gid}: ball {ball} (draw {draw}) reached the phone as seq {phone.seq}, daubed on card {serial}")
                return
            raise Failed(f"none of {MAX_DRAWS} balls was on the player's cards, so nothing could be daubed")
    except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
        raise Failed(f"the WebSocket {ws_url}: {type(e).__name__}: {e}") from None


try:
    asyncio.run(main())
except Failed as e:
    print(f"play: FAILED: {e}", file=sys.stderr)
    sys.exit(1)
