//! The platform's storage: games and their event logs, players, cards, daubs, the admin
//! passphrase and sessions, and leases, on SQLite (one file, the venue) or PostgreSQL (the
//! cloud), through one [`Store`].
//!
//! # Backends
//!
//! diesel with a `MultiConnection` over `SqliteConnection` and `PgConnection`, pooled with r2d2.
//! One portable [`schema`] (TEXT ids, BIGINT integers, TEXT JSON, BLOB/BYTEA binary); the
//! migrations, embedded in the binary, are written once per backend (`migrations/sqlite`,
//! `migrations/postgres`) and run by [`Store::migrate`]. Every SQLite connection gets
//! `journal_mode = WAL`, `synchronous = FULL` (with NORMAL, a power cut can take back a commit the
//! API already confirmed: a ball or a claim must never be lost once answered), `foreign_keys = ON`
//! and `busy_timeout = 5000`. SQLite itself is compiled in (no system library); so is libpq.
//!
//! Every method is synchronous and may block on the database: call it from
//! `tokio::task::spawn_blocking`. Nothing panics; every failure is a [`StoreError`].
//!
//! # What is stored
//!
//! - `games`: id, join code (upper-case), kind, state, the 32-byte secret seed (returned only by
//!   [`Store::load_game`]), commitment, epoch (a random id for the log; it changes only if a log is
//!   ever reset, so clients detect stale positions), `last_seq`, `next_serial`, auto-draw, times.
//! - `events`: (game_id, seq) → at_ms, kind (`EventKind::name()`), payload (exactly
//!   `serde_json::to_string(&event)`), prev_hash, hash.
//! - `players` (token and recovery code stored only as SHA-256 hashes), `cards` ((game_id, serial)
//!   → player or NULL for paper), `daubs` ((player_id, serial, number)).
//! - `admin` (one row: the passphrase's PHC hash), `sessions` (token hashes with expiry),
//!   `leases` (name → holder until expiry).
//! - `hall_sessions` (a night's programme: name, plan JSON, the interval's end; its games carry
//!   `session_id` and `session_position`), `session_templates` (plans by name) and `snowball`
//!   (one row: the hall's pot).
//!
//! # The hash chain
//!
//! Each event row carries `hash = SHA-256(prev_hash || seq as 8 bytes big-endian || payload)`,
//! where `payload` is the stored JSON text's UTF-8 bytes and `prev_hash` is the previous event's
//! `hash`, or 32 zero bytes ([`GENESIS_HASH`]) for seq 1. [`chain_hash`] computes one link and
//! [`verify_chain`] checks a run; [`Store::load_game`] verifies the whole chain of the game it
//! loads. An exported log can be checked by anyone with the same three lines.
//!
//! # Concurrency rules
//!
//! - A game's log has one writer at a time. [`Store::append_events`] takes the log's expected end
//!   (`expected_last_seq`) and, in one transaction holding the game row's lock (`SELECT ... FOR
//!   UPDATE` on PostgreSQL; `BEGIN IMMEDIATE`, the database write lock, on SQLite), refuses with
//!   `Conflict(StaleLog)` if another writer appended first. Seqs stay gapless and unique; the
//!   (game_id, seq) primary key is the last line of defence.
//! - Card serials are taken from `games.next_serial` under the same lock, so racing joins and
//!   paper batches never share a serial. Where an issue starts is the caller's `Placement`
//!   (bingo-core: a 90-ball issue of six or more starts a strip); skipped serials stay unissued.
//! - A join code is unique among unfinished games, enforced by a partial unique index
//!   (`... WHERE state <> 'finished'`, which both SQLite and PostgreSQL support); a finished game
//!   frees its code for reuse.
//! - Leases ([`Store::try_acquire_lease`]) give exactly one node a game's auto-draw.
//! - Every write of more than one row is one transaction; on SQLite all write transactions are
//!   `BEGIN IMMEDIATE`, so a reader never has to upgrade to a writer (which can fail at once with
//!   "database is locked" whatever the busy timeout).

pub mod backup;
mod conn;
mod error;
mod ledger;
mod model;
mod rows;
pub mod schema;
mod store;

pub use conn::Backend;
pub use error::{ConflictKind, Result, StoreError};
pub use ledger::{Ledger, LedgerEvent, LEDGER_FORMAT};
pub use model::{
    chain_hash, verify_chain, GameEvent, GameMeta, GameRecord, NewGame, NewPlayer, PlayerCards, PlayerRow,
    PlayerSummary, SessionCounts, SessionRecord, Stats, StoredEvent, TemplateRecord, GENESIS_HASH,
};
pub use store::{embedded_migrations, Store};
