-- PostgreSQL spelling of the schema (src/schema.rs). Keep in step with migrations/sqlite.

CREATE TABLE games (
    id TEXT NOT NULL PRIMARY KEY,
    -- Stored upper-case; unique among unfinished games (games_live_join_code below).
    join_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- created | open | running | paused | finished
    state TEXT NOT NULL,
    -- The 32-byte secret seed: returned only by load_game.
    seed BYTEA NOT NULL CHECK (octet_length(seed) = 32),
    commitment TEXT NOT NULL,
    epoch TEXT NOT NULL,
    last_seq BIGINT NOT NULL CHECK (last_seq >= 1),
    next_serial BIGINT NOT NULL CHECK (next_serial >= 1),
    auto_draw BOOLEAN NOT NULL DEFAULT FALSE,
    next_draw_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX games_live_join_code ON games (join_code) WHERE state <> 'finished';
CREATE INDEX games_join_code ON games (join_code);
CREATE INDEX games_created ON games (created_at_ms);
CREATE INDEX games_auto_draw ON games (next_draw_at_ms) WHERE auto_draw;

CREATE TABLE events (
    game_id TEXT NOT NULL REFERENCES games (id),
    seq BIGINT NOT NULL CHECK (seq >= 1),
    at_ms BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash BYTEA NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash BYTEA NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (game_id, seq)
);

CREATE TABLE players (
    id TEXT NOT NULL PRIMARY KEY,
    game_id TEXT NOT NULL REFERENCES games (id),
    nickname TEXT NOT NULL,
    token_hash BYTEA NOT NULL,
    recovery_code_hash BYTEA NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX players_token ON players (token_hash);
CREATE UNIQUE INDEX players_recovery ON players (game_id, recovery_code_hash);

CREATE TABLE cards (
    game_id TEXT NOT NULL REFERENCES games (id),
    serial BIGINT NOT NULL CHECK (serial >= 1),
    -- NULL: a paper card issued for printing.
    player_id TEXT REFERENCES players (id),
    issued_at_ms BIGINT NOT NULL,
    PRIMARY KEY (game_id, serial)
);
CREATE INDEX cards_player ON cards (player_id, serial);

CREATE TABLE daubs (
    player_id TEXT NOT NULL REFERENCES players (id),
    serial BIGINT NOT NULL,
    number BIGINT NOT NULL CHECK (number BETWEEN 1 AND 255),
    PRIMARY KEY (player_id, serial, number)
);

CREATE TABLE admin (
    id BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    passphrase_hash TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash BYTEA NOT NULL PRIMARY KEY,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at_ms);

CREATE TABLE leases (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
