#!/usr/bin/env python3
"""Independent reference implementation of the bingo draw and card derivation, version 1.

Written from the normative algorithm in docs/FAIRNESS.md only (not from the Rust engine), so
that comparing the two shows the specification is precise enough to re-implement. Standard
library only: hashlib supplies SHA-256; ChaCha20 (RFC 8439) and SipHash-2-4 are written out
below and checked against their published test vectors by `selftest`.

Usage:
  reference.py selftest
  reference.py commit --seed HEX
  reference.py draws  --kind K --seed HEX
  reference.py cards  --kind K --seed HEX --from S --count N
  reference.py verify --seed HEX --commitment HEX [--kind K --draws 12,5,...]
  reference.py vectors            (writes the JSON of tests/fairness/vectors.json to stdout)

Kinds are 75, 90, 80 and 30. Bad arguments: one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sys
from functools import lru_cache

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF

# --------------------------------------------------------------------------------------------
# ChaCha20 block function, RFC 8439 section 2.3
# --------------------------------------------------------------------------------------------


def _rotl32(x: int, n: int) -> int:
    return ((x << n) & MASK32) | (x >> (32 - n))


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """The 64-byte output of the ChaCha20 block function (RFC 8439, 2.3)."""
    if len(key) != 32 or len(nonce) != 12 or not 0 <= counter <= MASK32:
        raise ValueError("chacha20_block: bad key, nonce or counter")
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += [int.from_bytes(key[i:i + 4], "little") for i in range(0, 32, 4)]
    state.append(counter)
    state += [int.from_bytes(nonce[i:i + 4], "little") for i in range(0, 12, 4)]
    x = list(state)

    def qr(a: int, b: int, c: int, d: int) -> None:
        x[a] = (x[a] + x[b]) & MASK32
        x[d] = _rotl32(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & MASK32
        x[b] = _rotl32(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & MASK32
        x[d] = _rotl32(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & MASK32
        x[b] = _rotl32(x[b] ^ x[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12)
        qr(1, 5, 9, 13)
        qr(2, 6, 10, 14)
        qr(3, 7, 11, 15)
        qr(0, 5, 10, 15)
        qr(1, 6, 11, 12)
        qr(2, 7, 8, 13)
        qr(3, 4, 9, 14)
    return b"".join(((x[i] + state[i]) & MASK32).to_bytes(4, "little") for i in range(16))


def chacha20_keystream(key: bytes, nonce: bytes, counter: int, length: int) -> bytes:
    out = bytearray()
    while len(out) < length:
        out += chacha20_block(key, counter, nonce)
        counter += 1
    return bytes(out[:length])


class ChaChaWords:
    """Consecutive little-endian 32-bit words of the ChaCha20 keystream for `key`,
    nonce = 12 zero bytes, block counter 0, 1, 2, ..."""

    def __init__(self, key: bytes):
        self.key = key
        self.counter = 0
        self.buf: list[int] = []
        self.pos = 0

    def next(self) -> int:
        if self.pos == len(self.buf):
            block = chacha20_block(self.key, self.counter, bytes(12))
            self.counter += 1
            self.buf = [int.from_bytes(block[i:i + 4], "little") for i in range(0, 64, 4)]
            self.pos = 0
        w = self.buf[self.pos]
        self.pos += 1
        return w


# --------------------------------------------------------------------------------------------
# SipHash-2-4 (Aumasson & Bernstein), 64-bit output
# --------------------------------------------------------------------------------------------


def _rotl64(x: int, n: int) -> int:
    return ((x << n) & MASK64) | (x >> (64 - n))


def siphash24(key: bytes, msg: bytes) -> int:
    if len(key) != 16:
        raise ValueError("siphash24: key must be 16 bytes")
    k0 = int.from_bytes(key[0:8], "little")
    k1 = int.from_bytes(key[8:16], "little")
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(n: int) -> None:
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & MASK64
            v1 = _rotl64(v1, 13) ^ v0
            v0 = _rotl64(v0, 32)
            v2 = (v2 + v3) & MASK64
            v3 = _rotl64(v3, 16) ^ v2
            v0 = (v0 + v3) & MASK64
            v3 = _rotl64(v3, 21) ^ v0
            v2 = (v2 + v1) & MASK64
            v1 = _rotl64(v1, 17) ^ v2
            v2 = _rotl64(v2, 32)

    full = len(msg) - len(msg) % 8
    for i in range(0, full, 8):
        m = int.from_bytes(msg[i:i + 8], "little")
        v3 ^= m
        rounds(2)
        v0 ^= m
    m = int.from_bytes(msg[full:], "little") | ((len(msg) & 0xFF) << 56)
    v3 ^= m
    rounds(2)
    v0 ^= m
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def prf(key: bytes, a: int, b: int, c: int) -> int:
    """SipHash-2-4(key, LE64(a) || LE64(b) || LE64(c))."""
    return siphash24(key, a.to_bytes(8, "little") + b.to_bytes(8, "little") + c.to_bytes(8, "little"))


class CardStream:
    """S(key, tag, x): prf(key, tag, x, 0), prf(key, tag, x, 1), ..."""

    def __init__(self, key: bytes, tag: int, x: int):
        self.key, self.tag, self.x, self.i = key, tag, x, 0

    def next(self) -> int:
        v = prf(self.key, self.tag, self.x, self.i)
        self.i += 1
        return v


# --------------------------------------------------------------------------------------------
# Unbiased integers
# --------------------------------------------------------------------------------------------


def uniform32(words: ChaChaWords, n: int) -> int:
    if not 1 <= n <= 1 << 32:
        raise ValueError("uniform32: n out of range")
    limit = (1 << 32) - ((1 << 32) % n)
    while True:
        w = words.next()
        if w < limit:
            return w % n


def uniform64(stream: CardStream, n: int) -> int:
    if not 1 <= n <= 1 << 64:
        raise ValueError("uniform64: n out of range")
    limit = (1 << 64) - ((1 << 64) % n)
    while True:
        v = stream.next()
        if v < limit:
            return v % n


# --------------------------------------------------------------------------------------------
# Seed, commitment, keys
# --------------------------------------------------------------------------------------------

KINDS = ("75", "90", "80", "30")
BALLS = {"75": 75, "90": 90, "80": 80, "30": 30}


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


class Keys:
    def __init__(self, seed: bytes):
        if len(seed) != 32:
            raise ValueError("seed must be 32 bytes")
        self.seed = seed
        self.draw_key = hashlib.sha256(b"bingo/v1/draw" + seed).digest()
        self.card_key = hashlib.sha256(b"bingo/v1/cards" + seed).digest()
        self.prp_key = self.card_key[0:16]
        self.face_key = self.card_key[16:32]


# --------------------------------------------------------------------------------------------
# Draw order
# --------------------------------------------------------------------------------------------


def draw_order(seed: bytes, kind: str) -> list[int]:
    balls = BALLS[kind]
    words = ChaChaWords(Keys(seed).draw_key)
    a = list(range(1, balls + 1))
    for i in range(balls - 1, 0, -1):
        j = uniform32(words, i + 1)
        a[i], a[j] = a[j], a[i]
    return a


# --------------------------------------------------------------------------------------------
# Keyed permutation of [0, N)
# --------------------------------------------------------------------------------------------


class Prp:
    ROUNDS = 6

    def __init__(self, prp_key: bytes, n: int):
        if n < 1:
            raise ValueError("prp: N must be >= 1")
        b = 2
        while (1 << b) < n:
            b += 2
        self.key, self.n, self.h = prp_key, n, b // 2
        self.mask = (1 << self.h) - 1

    def feistel(self, x: int) -> int:
        left, right = x >> self.h, x & self.mask
        for r in range(self.ROUNDS):
            f = prf(self.key, 1, r, right) & self.mask
            left, right = right, left ^ f
        return (left << self.h) | right

    def __call__(self, x: int) -> int:
        if not 0 <= x < self.n:
            raise ValueError("prp: input out of range")
        y = self.feistel(x)
        while y >= self.n:
            y = self.feistel(y)
        return y


# --------------------------------------------------------------------------------------------
# Grid cards: 75, 80, 30
# --------------------------------------------------------------------------------------------

# (lo, hi, k) per column
GRID_COLUMNS = {
    "75": [(1, 15, 5), (16, 30, 5), (31, 45, 4), (46, 60, 5), (61, 75, 5)],
    "80": [(1, 20, 4), (21, 40, 4), (41, 60, 4), (61, 80, 4)],
    "30": [(1, 10, 3), (11, 20, 3), (21, 30, 3)],
}


def grid_capacity(kind: str) -> int:
    return math.prod(math.comb(hi - lo + 1, k) for lo, hi, k in GRID_COLUMNS[kind])


def unrank_subset(d: int, n: int, k: int) -> list[int]:
    """The k-subset of {0..n-1} of lexicographic rank d (ascending subsets; rank 0 = {0..k-1})."""
    if not 0 <= d < math.comb(n, k):
        raise ValueError("unrank_subset: rank out of range")
    picked = []
    v = 0
    for i in range(k):
        while True:
            cnt = math.comb(n - 1 - v, k - 1 - i)
            if d < cnt:
                picked.append(v)
                v += 1
                break
            d -= cnt
            v += 1
    return picked


def lehmer_apply(p: int, items: list[int]) -> list[int]:
    """Order `items` by permutation number p in [0, len!) (Lehmer code, most significant first)."""
    items = list(items)
    k = len(items)
    out = []
    for i in range(k):
        f = math.factorial(k - 1 - i)
        idx, p = divmod(p, f)
        out.append(items.pop(idx))  # removal by index
    return out


class Deriver:
    """All per-seed derivations, with per-seed caches."""

    def __init__(self, seed: bytes):
        self.seed = seed
        self.keys = Keys(seed)
        self._prp: dict[int, Prp] = {}
        self._sigma: list[list[int]] | None = None

    def prp(self, n: int) -> Prp:
        if n not in self._prp:
            self._prp[n] = Prp(self.keys.prp_key, n)
        return self._prp[n]

    # ---- grid kinds ----

    def grid_number_sets(self, kind: str, serial: int) -> list[list[int]]:
        cols = GRID_COLUMNS[kind]
        n_total = grid_capacity(kind)
        if not 1 <= serial <= n_total:
            raise ValueError("serial out of range")
        x = self.prp(n_total)(serial - 1)
        sets = []
        for lo, hi, k in cols:
            base = math.comb(hi - lo + 1, k)
            x, d = divmod(x, base)
            sets.append([lo + v for v in unrank_subset(d, hi - lo + 1, k)])
        return sets

    def grid_card(self, kind: str, serial: int) -> list[list[int | None]]:
        cols = GRID_COLUMNS[kind]
        sets = self.grid_number_sets(kind, serial)
        a_total = math.prod(math.factorial(k) for _, _, k in cols)
        a = uniform64(CardStream(self.keys.face_key, 2, serial), a_total)
        ordered = []
        for (lo, hi, k), numbers in zip(cols, sets):
            a, p = divmod(a, math.factorial(k))
            ordered.append(lehmer_apply(p, numbers))
        rows = max(k for _, _, k in cols)
        grid: list[list[int | None]] = [[None] * len(cols) for _ in range(rows)]
        for c, cells in enumerate(ordered):
            if kind == "75" and c == 2:
                target_rows = [0, 1, 3, 4]
            else:
                target_rows = list(range(len(cells)))
            for r, v in zip(target_rows, cells):
                grid[r][c] = v
        return grid

    # ---- 90-ball ----

    def sigma(self) -> list[list[int]]:
        if self._sigma is None:
            orders = []
            for c, (lo, hi) in enumerate(COLS90):
                col = list(range(lo, hi + 1))
                stream = CardStream(self.keys.face_key, 4, c)
                for i in range(len(col) - 1, 0, -1):
                    j = uniform64(stream, i + 1)
                    col[i], col[j] = col[j], col[i]
                orders.append(col)
            self._sigma = orders
        return self._sigma

    def ticket_column_sets(self, t: int) -> tuple[int, int, list[list[int]]]:
        if not 1 <= t <= 6 * STRIPS90:
            raise ValueError("serial out of range")
        q, p = divmod(t - 1, 6)
        x = self.prp(STRIPS90)(q)
        sigma = self.sigma()
        sets = []
        for c in range(9):
            n = N90[c]
            x, r = divmod(x, n)
            off = sum(M90[pp][c] for pp in range(p))
            sets.append(sorted(sigma[c][(r + off + j) % n] for j in range(M90[p][c])))
        return q, p, sets

    def ticket(self, t: int) -> tuple[int, int, list[list[int | None]]]:
        q, p, sets = self.ticket_column_sets(t)
        layouts = layouts90(p)
        idx = uniform64(CardStream(self.keys.face_key, 3, t), len(layouts))
        layout = layouts[idx]
        grid: list[list[int | None]] = [[None] * 9 for _ in range(3)]
        for c in range(9):
            rows = [r for r in range(3) if layout[c] >> r & 1]
            for r, v in zip(rows, sets[c]):
                grid[r][c] = v
        return q, p, grid

    # ---- output lines ----

    def card_obj(self, kind: str, serial: int) -> dict:
        if kind == "90":
            q, p, grid = self.ticket(serial)
            return {"kind": "90", "serial": serial, "strip": q + 1, "position": p + 1, "grid": grid}
        return {"kind": kind, "serial": serial, "grid": self.grid_card(kind, serial)}


# 90-ball constants
COLS90 = [(1, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, 90)]
N90 = [hi - lo + 1 for lo, hi in COLS90]
M90 = [
    [2, 1, 2, 2, 1, 2, 1, 2, 2],
    [1, 2, 1, 2, 2, 1, 2, 2, 2],
    [2, 2, 2, 1, 2, 2, 2, 1, 1],
    [1, 2, 2, 2, 1, 2, 2, 2, 1],
    [2, 1, 1, 1, 2, 2, 2, 2, 2],
    [1, 2, 2, 2, 2, 1, 1, 1, 3],
]
STRIPS90 = math.prod(N90)


@lru_cache(maxsize=None)
def layouts90(p: int) -> tuple[tuple[int, ...], ...]:
    """L_p: all valid row layouts of position p, in lexicographic order of (m_0, ..., m_8)."""
    choices = [[m for m in range(8) if bin(m).count("1") == M90[p][c]] for c in range(9)]
    out = []
    for combo in itertools.product(*choices):  # product of ascending lists: lexicographic
        if all(sum(m >> r & 1 for m in combo) == 5 for r in range(3)):
            out.append(combo)
    return tuple(out)


def capacity(kind: str) -> int:
    """The last valid serial."""
    return 6 * STRIPS90 if kind == "90" else grid_capacity(kind)


def dumps(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def draws_line(seed: bytes, kind: str) -> str:
    return dumps({"kind": kind, "commitment": commitment(seed), "draws": draw_order(seed, kind)})


# --------------------------------------------------------------------------------------------
# Self-test
# --------------------------------------------------------------------------------------------

# ChaCha20 block function test vector, RFC 8439 section 2.3.2.
RFC8439_232_KEY = bytes(range(32))
RFC8439_232_NONCE = bytes.fromhex("000000090000004a00000000")
RFC8439_232_BLOCK = bytes.fromhex(
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"
)
# ChaCha20 encryption test vector, RFC 8439 section 2.4.2 (key 00..1f, counter 1).
RFC8439_242_NONCE = bytes.fromhex("000000000000004a00000000")
RFC8439_242_PLAIN = (
    b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
    b"future, sunscreen would be it."
)
RFC8439_242_KEYSTREAM = bytes.fromhex(
    "224f51f3401bd9e12fde276fb8631ded8c131f823d2c06e27e4fcaec9ef3cf788a3b0aa372600a92b57974cded2b"
    "9334794cba40c63e34cdea212c4cf07d41b769a6749f3f630f4122cafe28ec4dc47e26d4346d70b98c73f3e9c53a"
    "c40c5945398b6eda1a832c89c167eacd901d7e2bf363"
)
RFC8439_242_CIPHER = bytes.fromhex(
    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
    "5af90bbf74a35be6b40b8eedf2785e42874d"
)

# SipHash-2-4 64-bit reference vectors: key 00 01 .. 0f, message 00 01 .. (len-1), from
# vectors_sip64 in vectors.h of the reference implementation (github.com/veorq/SipHash,
# vectors.h; the same table is Appendix A of the SipHash paper). Given there as the 8 output
# bytes (the little-endian encoding of the u64); listed here as those bytes in hex.
SIPHASH24_VECTORS = {
    0: "310e0edd47db6f72",
    1: "fd67dc93c539f874",
    2: "5a4fa9d909806c0d",
    3: "2d7efbd796666785",
    7: "37d1018bf50002ab",
    8: "6224939a79f5f593",
    15: "e545be4961ca29a1",
    16: "db9bc2577fcc2a3f",
    24: "94af49f6c650adb8",
    63: "724506eb4c328a95",
}


def _check(cond: bool, what: str, failures: list[str]) -> None:
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def selftest() -> int:
    failures: list[str] = []
    # --- primitives ---
    _check(chacha20_block(RFC8439_232_KEY, 1, RFC8439_232_NONCE) == RFC8439_232_BLOCK,
           "ChaCha20 block function, RFC 8439 2.3.2", failures)
    ks = chacha20_keystream(RFC8439_232_KEY, RFC8439_242_NONCE, 1, len(RFC8439_242_PLAIN))
    _check(ks == RFC8439_242_KEYSTREAM, "ChaCha20 keystream, RFC 8439 2.4.2", failures)
    _check(bytes(a ^ b for a, b in zip(ks, RFC8439_242_PLAIN)) == RFC8439_242_CIPHER,
           "ChaCha20 encryption, RFC 8439 2.4.2 ciphertext", failures)
    key = bytes(range(16))
    for n, hexout in SIPHASH24_VECTORS.items():
        want = int.from_bytes(bytes.fromhex(hexout), "little")
        _check(siphash24(key, bytes(range(n))) == want, f"SipHash-2-4 reference vector, length {n}",
               failures)
    # The draw keystream words: w0 is bytes 0..4 of block 0, w16 bytes 0..4 of block 1.
    words = ChaChaWords(RFC8439_232_KEY)
    ws = [words.next() for _ in range(17)]
    b0 = chacha20_block(RFC8439_232_KEY, 0, bytes(12))
    b1 = chacha20_block(RFC8439_232_KEY, 1, bytes(12))
    _check(ws[0] == int.from_bytes(b0[0:4], "little") and ws[16] == int.from_bytes(b1[0:4], "little"),
           "ChaCha20 word stream: counter from 0, little-endian words", failures)
    _check([unrank_subset(d, 5, 2) for d in range(10)] ==
           [list(s) for s in itertools.combinations(range(5), 2)],
           "subset unranking is lexicographic", failures)
    _check([lehmer_apply(p, [1, 2, 3]) for p in range(6)] ==
           [list(s) for s in itertools.permutations([1, 2, 3])],
           "Lehmer decoding is lexicographic", failures)

    # --- the specification's own invariants ---
    _check(all(sum(row) == 15 for row in M90), "M: every row sums to 15", failures)
    _check(all(sum(M90[p][c] for p in range(6)) == N90[c] for c in range(9)),
           "M: column c sums to n_c", failures)
    _check(len({tuple(r) for r in M90}) == 6, "M: rows pairwise different", failures)
    _check(all(len(layouts90(p)) >= 1 for p in range(6)),
           "every position has at least one valid layout (counts: "
           + ", ".join(str(len(layouts90(p))) for p in range(6)) + ")", failures)
    _check(STRIPS90 == 990_000_000, "90-ball: 990,000,000 strips", failures)
    _check(grid_capacity("75") == 3003 ** 4 * 1365 and grid_capacity("80") == 4845 ** 4
           and grid_capacity("30") == 1_728_000, "grid capacities", failures)

    seed = hashlib.sha256(b"bingo selftest seed").digest()
    der = Deriver(seed)
    for kind in KINDS:
        d = draw_order(seed, kind)
        _check(sorted(d) == list(range(1, BALLS[kind] + 1)), f"{kind}-ball draw order is a permutation",
               failures)
    # Small-N permutation check of the cycle-walking Feistel construction.
    for n in (1, 2, 3, 5, 16, 17, 1000):
        pr = Prp(der.keys.prp_key, n)
        _check(sorted(pr(x) for x in range(n)) == list(range(n)), f"prp over N={n} is a permutation",
               failures)

    # 90-ball strips: 3 whole strips (the first, one in the middle, the last).
    ok = True
    for q in (0, 123_456_789, STRIPS90 - 1):
        seen = []
        for p in range(6):
            qq, pp, grid = der.ticket(6 * q + p + 1)
            ok &= (qq, pp) == (q, p)
            for row in grid:
                ok &= sum(v is not None for v in row) == 5
            for c in range(9):
                col = [grid[r][c] for r in range(3) if grid[r][c] is not None]
                ok &= col == sorted(col) and len(col) == M90[p][c]
                lo, hi = COLS90[c]
                ok &= all(lo <= v <= hi for v in col)
                seen += col
        ok &= sorted(seen) == list(range(1, 91))
    _check(ok, "90-ball: 3 whole strips hold 1..90 once each, columns ascending, 5 per row", failures)

    # 90-ball: a ticket's numbers alone give back its strip and position (so no two serials of a
    # game give the same ticket): position from the column counts (rows of M are distinct), then
    # each column's arc start, hence the rotations r_c, hence x = prp(q), hence q.
    ok = True
    sigma = der.sigma()
    pos_of_counts = {tuple(row): p for p, row in enumerate(M90)}
    prp90 = der.prp(STRIPS90)
    for t in list(range(1, 13)) + [777_777_777, 6 * STRIPS90]:
        q, p, sets = der.ticket_column_sets(t)
        pp = pos_of_counts[tuple(len(s) for s in sets)]
        x, radix = 0, 1
        for c in range(9):
            n, k = N90[c], len(sets[c])
            starts = [st for st in range(n) if {sigma[c][(st + j) % n] for j in range(k)} == set(sets[c])]
            if len(starts) != 1:
                ok = False
                break
            off = sum(M90[i][c] for i in range(pp))
            x += ((starts[0] - off) % n) * radix
            radix *= n
        ok &= pp == p and x == prp90(q)
    _check(ok, "90-ball: a ticket's numbers determine its strip and position", failures)

    # 75-ball cards: column ranges, FREE centre, distinct numbers.
    ok = True
    for s in list(range(1, 51)) + [capacity("75")]:
        grid = der.grid_card("75", s)
        ok &= len(grid) == 5 and all(len(r) == 5 for r in grid) and grid[2][2] is None
        for r in range(5):
            for c in range(5):
                if (r, c) != (2, 2):
                    ok &= 15 * c + 1 <= grid[r][c] <= 15 * c + 15
        nums = [v for row in grid for v in row if v is not None]
        ok &= len(set(nums)) == 24
    _check(ok, "75-ball cards in column ranges, centre FREE", failures)

    # 80/30-ball: shape and ranges.
    ok = True
    for kind in ("80", "30"):
        cols = GRID_COLUMNS[kind]
        for s in list(range(1, 21)) + [capacity(kind)]:
            grid = der.grid_card(kind, s)
            ok &= len(grid) == cols[0][2]
            for c, (lo, hi, k) in enumerate(cols):
                col = [grid[r][c] for r in range(k)]
                ok &= all(lo <= v <= hi for v in col) and len(set(col)) == k
    _check(ok, "80- and 30-ball cards in column ranges", failures)

    # 30-ball: the first 2000 serials give 2000 distinct number sets.
    sets = {frozenset(v for row in der.grid_card("30", s) for v in row) for s in range(1, 2001)}
    _check(len(sets) == 2000, "30-ball: serials 1..2000 give 2000 distinct number sets", failures)

    if failures:
        print(f"{len(failures)} check(s) FAILED")
        return 1
    print("all checks passed")
    return 0


# --------------------------------------------------------------------------------------------
# Test vectors
# --------------------------------------------------------------------------------------------

VECTOR_SEEDS = [
    ("000102...1f", bytes(range(32))),
    ("ff repeated 32 times", b"\xff" * 32),
    ('SHA-256("bingo test vector 3")', hashlib.sha256(b"bingo test vector 3").digest()),
]


def vectors() -> str:
    doc = {
        "description": "Test vectors for the bingo draw and card derivation, version 1 "
                       "(docs/FAIRNESS.md). 'draws' is the exact output line of "
                       "'bingo draws --kind K --seed HEX --format json'; 'cards' are the exact "
                       "lines of 'bingo cards --format json' for the serials listed.",
        "generated_by": "python3 tests/fairness/reference.py vectors > tests/fairness/vectors.json",
        "seeds": [],
    }
    for label, seed in VECTOR_SEEDS:
        der = Deriver(seed)
        entry = {
            "label": label,
            "seed": seed.hex(),
            "commitment": commitment(seed),
            "draw_key": der.keys.draw_key.hex(),
            "prp_key": der.keys.prp_key.hex(),
            "face_key": der.keys.face_key.hex(),
            "kinds": {},
        }
        for kind in KINDS:
            serials = [1, 2, 3, capacity(kind)]
            entry["kinds"][kind] = {
                "draws": draws_line(seed, kind),
                "card_serials": serials,
                "cards": [dumps(der.card_obj(kind, s)) for s in serials],
            }
        doc["seeds"].append(entry)
    return _pretty(doc) + "\n"


def _pretty(obj, indent: str = "") -> str:
    """JSON with objects indented and lists of scalars kept on one line."""
    inner = indent + "  "
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k)}: {_pretty(v, inner)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list, str)) for v in obj):
        items = [f"{inner}{_pretty(v, inner)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(obj, separators=(", ", ": "))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line on stderr, exit 2
        raise UsageError(message)


def parse_hex32(text: str, what: str) -> bytes:
    t = text.strip()
    if len(t) != 64 or any(ch not in "0123456789abcdefABCDEF" for ch in t):
        raise UsageError(f"{what} must be 64 hex digits (32 bytes)")
    return bytes.fromhex(t)


def parse_kind(text: str) -> str:
    if text not in KINDS:
        raise UsageError(f"unknown kind {text!r}: expected one of 75, 90, 80, 30")
    return text


def parse_int(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise UsageError(f"{what} must be a non-negative decimal integer, got {text!r}")
    return int(text)


def parse_draws(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",")]
    if parts == [""]:
        return []
    out = []
    for p in parts:
        if not (p.isascii() and p.isdigit()):
            raise UsageError(f"--draws must be comma-separated ball numbers, got {p!r}")
        out.append(int(p))
    return out


def cmd_verify(seed: bytes, commit_hex: str, kind: str | None, draws: list[int] | None) -> int:
    want = commit_hex.strip().lower()
    got = commitment(seed)
    fair = True
    if got == want:
        print(f"commitment: OK, SHA-256(seed) = {got}")
    else:
        print(f"commitment: MISMATCH, SHA-256(seed) = {got}, published commitment = {want}")
        fair = False
    if kind is not None and draws is not None:
        order = draw_order(seed, kind)
        if len(draws) > len(order):
            print(f"draws: MISMATCH, {len(draws)} balls given but a {kind}-ball game has {len(order)}")
            fair = False
        else:
            bad = next((i for i, (a, b) in enumerate(zip(draws, order)) if a != b), None)
            if bad is None:
                print(f"draws: OK, the {len(draws)} balls given are the first {len(draws)} of the "
                      f"seed's {kind}-ball draw order")
            else:
                print(f"draws: MISMATCH at ball {bad + 1}: called {draws[bad]}, the seed gives {order[bad]}")
                fair = False
    print("result: FAIR" if fair else "result: NOT FAIR")
    return 0 if fair else 1


def main(argv: list[str]) -> int:
    parser = Parser(prog="reference.py", description="bingo fairness reference implementation (v1)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("selftest", help="run primitive test vectors and specification invariants")
    sub.add_parser("vectors", help="print tests/fairness/vectors.json")
    p = sub.add_parser("commit", help="print the commitment of a seed")
    p.add_argument("--seed", required=True)
    p = sub.add_parser("draws", help="print the draw order as JSON")
    p.add_argument("--kind", required=True)
    p.add_argument("--seed", required=True)
    p = sub.add_parser("cards", help="print cards as JSON lines")
    p.add_argument("--kind", required=True)
    p.add_argument("--seed", required=True)
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--count", required=True)
    p = sub.add_parser("verify", help="check a finished game")
    p.add_argument("--seed", required=True)
    p.add_argument("--commitment", required=True)
    p.add_argument("--kind")
    p.add_argument("--draws")

    try:
        args = parser.parse_args(argv)
        if args.command == "selftest":
            return selftest()
        if args.command == "vectors":
            sys.stdout.write(vectors())
            return 0
        seed = parse_hex32(args.seed, "--seed")
        if args.command == "commit":
            print(commitment(seed))
            return 0
        if args.command == "draws":
            print(draws_line(seed, parse_kind(args.kind)))
            return 0
        if args.command == "cards":
            kind = parse_kind(args.kind)
            start = parse_int(args.start, "--from")
            count = parse_int(args.count, "--count")
            last = capacity(kind)
            if start < 1 or count < 0 or start + count - 1 > last:
                raise UsageError(f"serials must lie in 1..{last} for kind {kind}")
            der = Deriver(seed)
            out = sys.stdout
            for s in range(start, start + count):
                out.write(dumps(der.card_obj(kind, s)) + "\n")
            return 0
        if args.command == "verify":
            commit_bytes = parse_hex32(args.commitment, "--commitment")
            if (args.kind is None) != (args.draws is None):
                raise UsageError("--kind and --draws must be given together")
            kind = parse_kind(args.kind) if args.kind is not None else None
            draws = parse_draws(args.draws) if args.draws is not None else None
            return cmd_verify(seed, commit_bytes.hex(), kind, draws)
        raise UsageError(f"unknown command {args.command!r}")
    except UsageError as e:
        sys.stderr.write(f"reference.py: error: {e}\n")
        return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        sys.exit(1)
