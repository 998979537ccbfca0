"""Plays one game against a bingo server through its public URL (used by the VM tests).

Usage: play.py BASE_URL PASSPHRASE [--insecure]
Admin: login, create a game, open it; a player joins; the admin starts the game and
draws; the player's WebSocket (/ws) must receive at least one message after the draw.
"""
import asyncio
import json
import ssl
import sys
import urllib.request

import websockets

base = sys.argv[1].rstrip("/")
passphrase = sys.argv[2]
ctx = ssl.create_default_context()
if "--insecure" in sys.argv:
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE


def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
        text = r.read().decode() or "{}"
        return json.loads(text)


async def main():
    admin = call("POST", "/api/v1/admin/login", {"passphrase": passphrase})["token"]
    game = call("POST", "/api/v1/games", {}, admin)
    gid, code = game["id"], game["join_code"]
    call("POST", f"/api/v1/games/{gid}/open", {}, admin)
    player = call("POST", "/api/v1/join", {"join_code": code, "nickname": "vm-test", "cards": 1})
    ptoken = player["player_token"]
    ws_url = base.replace("http", "ws", 1) + f"/ws?token={ptoken}"
    async with websockets.connect(ws_url, ssl=ctx if ws_url.startswith("wss") else None, open_timeout=10) as ws:
        call("POST", f"/api/v1/games/{gid}/start", {}, admin)
        call("POST", f"/api/v1/games/{gid}/draw", {}, admin)
        msg = await asyncio.wait_for(ws.recv(), timeout=15)
        print("websocket message:", msg[:200])
    print("played game", gid)


asyncio.run(main())
