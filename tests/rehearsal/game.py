"""Drives a game through the bingo API for the backup drill (tests/rehearsal/backup.sh).

Usage:
  game.py play BASE PASSPHRASE STATE      create a 90-ball game (one line, then full house), two
                                          players join, start, draw until a claim is accepted
  game.py draw BASE PASSPHRASE STATE N SECONDS
                                          draw N more balls, one every SECONDS (balls being drawn
                                          while the backup runs)
  game.py snapshot BASE PASSPHRASE STATE OUT
                                          the game, every event, the claims and the players as JSON
  game.py next BASE PASSPHRASE STATE OUT  draw one ball; its answer as JSON
  game.py phone BASE STATE                each player's token still opens their own cards (GET /me)

STATE is a JSON file written by `play` (game id, join code, player tokens and cards). Every
request times out after 15 s; every loop is bounded. Exits 1 with "game: FAILED: ..." on an error.
"""
import json
import sys
import time
import urllib.error
import urllib.request

WAIT = 15
MAX_BALLS = 90


class Failed(Exception):
    pass


class HTTPError(Failed):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def call(base, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, method=method, data=data)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as r:
            return json.loads(r.read().decode() or "{}")
    except urllib.error.HTTPError as e:
        raise HTTPError(e.code, f"{method} {path}: HTTP {e.code}: {e.read().decode(errors='replace')[:300]}") from None
    except (urllib.error.URLError, OSError) as e:
        raise Failed(f"{method} {path}: {e}") from None


def login(base, passphrase):
    return call(base, "POST", "/api/v1/admin/login", {"passphrase": passphrase})["token"]


class Console:
    """The caller's console: its admin token is kept in STATE (logins are rate limited), a new
    one is taken when the server does not know it, and control of the game is taken over when
    another console holds it, as the console app offers."""

    def __init__(self, base, passphrase, state_file):
        self.base, self.passphrase, self.state_file = base, passphrase, state_file
        with open(state_file, encoding="utf-8") as f:
            self.state = json.load(f)

    def call(self, method, path, body=None):
        for attempt in range(3):
            try:
                return call(self.base, method, path, body, self.state["admin"])
            except HTTPError as e:
                if attempt == 2:
                    raise
                if e.code == 401:
                    print("game: the admin token is unknown here: logging in", file=sys.stderr)
                    self.state["admin"] = login(self.base, self.passphrase)
                    with open(self.state_file, "w", encoding="utf-8") as f:
                        json.dump(self.state, f)
                elif e.code == 409 and "take over control" in str(e):
                    print("game: another console controls the game: taking over", file=sys.stderr)
                    call(self.base, "POST", f"/api/v1/games/{self.state['game_id']}/control", {}, self.state["admin"])
                else:
                    raise
        raise Failed("unreachable")


def draw(console):
    answer = console.call("POST", f"/api/v1/games/{console.state['game_id']}/draw", {})
    balls = [e["number"] for e in answer.get("events", []) if e.get("type") == "ball_called"]
    if len(balls) != 1:
        raise Failed(f"a draw answered {len(balls)} balls: {json.dumps(answer)[:300]}")
    return answer


def play(base, passphrase, state_file):
    admin = login(base, passphrase)
    config = {"kind": "90", "stages": [{"pattern": {"builtin": "one-line"}}, {"pattern": {"builtin": "full-house"}}]}
    game = call(base, "POST", "/api/v1/games", config, admin)
    gid = game["id"]
    call(base, "POST", f"/api/v1/games/{gid}/open", {}, admin)
    players = []
    for nickname, cards in (("table-1", 6), ("table-2", 3)):
        p = call(base, "POST", "/api/v1/join", {"join_code": game["join_code"], "nickname": nickname, "cards": cards})
        players.append({"nickname": nickname, "token": p["player_token"], "player_id": p["player_id"],
                        "cards": {str(c["serial"]): c["grid"] for c in p["cards"]}})
    call(base, "POST", f"/api/v1/games/{gid}/start", {}, admin)
    state = {"game_id": gid, "join_code": game["join_code"], "admin": admin, "players": players}
    with open(state_file, "w", encoding="utf-8") as f:
        json.dump(state, f)
    console = Console(base, passphrase, state_file)
    called = set()
    accepted = None
    for _ in range(MAX_BALLS):
        answer = draw(console)
        called.update(e["number"] for e in answer["events"] if e.get("type") == "ball_called")
        # A player claims as soon as one row of a card is complete (before the next ball).
        for p in players:
            for serial, grid in p["cards"].items():
                if any(all(n in called for n in row if n) for row in grid):
                    event = call(base, "POST", "/api/v1/me/claims", {"serial": int(serial)}, p["token"])
                    if event.get("type") != "claim_accepted":
                        raise Failed(f"the claim of a complete row on card {serial} was answered {json.dumps(event)[:300]}")
                    accepted = event
                    break
            if accepted:
                break
        if accepted:
            break
    else:
        raise Failed(f"no row was complete after {MAX_BALLS} balls")
    print(f"game: {gid}: 2 players joined, {len(called)} balls drawn, claim accepted on card {accepted['serial']} (seq {accepted['seq']})")


def draw_more(console, n, seconds):
    for i in range(n):
        draw(console)
        if i + 1 < n:
            time.sleep(seconds)
    print(f"game: {n} more balls drawn")


def snapshot(console, out):
    gid = console.state["game_id"]
    events, after = [], 0
    for _ in range(100):  # pages of 1000 events
        page = console.call("GET", f"/api/v1/games/{gid}/events?after={after}")["events"]
        if not page:
            break
        events += page
        after = page[-1]["seq"]
    snap = {
        "game": console.call("GET", f"/api/v1/games/{gid}"),
        "events": events,
        "claims": console.call("GET", f"/api/v1/games/{gid}/claims")["claims"],
        "players": console.call("GET", f"/api/v1/games/{gid}/players"),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(snap, f)


def next_ball(console, out):
    answer = draw(console)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(answer, f)


def phone(base, state):
    for p in state["players"]:
        me = call(base, "GET", "/api/v1/me", None, p["token"])
        serials = sorted(str(c["serial"]) for c in me.get("cards", []))
        if serials != sorted(p["cards"]):
            raise Failed(f"{p['nickname']}: GET /me shows cards {serials}, joined with {sorted(p['cards'])}")
    print(f"game: the {len(state['players'])} players' tokens still open their cards")


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    cmd, base = argv[0], argv[1].rstrip("/")
    if cmd == "phone":
        with open(argv[2], encoding="utf-8") as f:
            phone(base, json.load(f))
        return
    passphrase, state_file = argv[2], argv[3]
    if cmd == "play":
        play(base, passphrase, state_file)
        return
    console = Console(base, passphrase, state_file)
    if cmd == "draw":
        draw_more(console, int(argv[4]), float(argv[5]))
    elif cmd == "snapshot":
        snapshot(console, argv[4])
    elif cmd == "next":
        next_ball(console, argv[4])
    else:
        raise SystemExit(__doc__)


try:
    main(sys.argv[1:])
except Failed as e:
    print(f"game: FAILED: {e}", file=sys.stderr)
    sys.exit(1)
