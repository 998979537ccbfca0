//! What callers pass in and get back.

use crate::error::StoreError;
use bingo_core::{Event, GameKind, GameState, Seed};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A game to create: its row and its first event (`game_created`, seq 1), stored together.
#[derive(Debug, Clone, Copy)]
pub struct NewGame<'a> {
    /// Chosen by the caller (unique).
    pub id: &'a str,
    /// Stored upper-case; must not be used by another unfinished game.
    pub join_code: &'a str,
    pub kind: GameKind,
    /// The secret seed, returned only by [`crate::Store::load_game`].
    pub seed: [u8; 32],
    /// The seed's commitment, hex (as in the `game_created` event).
    pub commitment: &'a str,
    /// A random id for this log; clients compare it to detect a log that was reset.
    pub epoch: &'a str,
    /// The `game_created` event, seq 1.
    pub created: &'a Event,
}

/// A game's row without its seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameMeta {
    pub id: String,
    /// Upper-case.
    pub join_code: String,
    pub kind: GameKind,
    /// The engine's state after the last append, as the caller passed it: see
    /// [`crate::Store::append_events`].
    pub state: GameState,
    pub commitment: String,
    pub epoch: String,
    /// The seq of the last event stored (at least 1).
    pub last_seq: u64,
    /// The next card serial to issue (from 1).
    pub next_serial: u64,
    pub auto_draw: bool,
    pub next_draw_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// The name in the game's config (empty when none): the games list shows it without
    /// reading each game's log.
    pub name: String,
    /// What the hall is told now (the Console's announcement for the Screen and the phones), if
    /// anything: news outside the log, kept here so every node and a restart still show it.
    pub announcement: Option<String>,
    /// The hall session the game belongs to and its place in the programme (from 0), if any.
    pub session: Option<(String, u32)>,
}

/// A whole game: its row, its secret seed and its parsed log, enough for `Game::restore`.
#[derive(Debug, Clone)]
pub struct GameRecord {
    pub meta: GameMeta,
    pub seed: Seed,
    pub events: Vec<Event>,
}

/// One stored event with its place in the hash chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub at_ms: i64,
    /// The event's type tag (`EventKind::name()`).
    pub kind: String,
    /// The event as JSON: exactly `serde_json::to_string(&event)` at the time it was stored.
    pub payload: String,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

impl StoredEvent {
    /// The event, parsed from its payload.
    pub fn event(&self) -> Result<Event, StoreError> {
        let event: Event = serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("event {}: the payload is not an event: {e}", self.seq)))?;
        if event.seq != self.seq {
            return Err(StoreError::Corrupt(format!("event {}: the payload says seq {}", self.seq, event.seq)));
        }
        Ok(event)
    }
}

/// The `prev_hash` of event 1.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The hash chain link: `SHA-256(prev_hash || seq as 8 bytes big-endian || payload bytes)`.
pub fn chain_hash(prev_hash: &[u8; 32], seq: u64, payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev_hash);
    h.update(seq.to_be_bytes());
    h.update(payload);
    h.finalize().into()
}

/// Checks a run of consecutive stored events: gapless seqs, each hash recomputed from its
/// `prev_hash`, seq and payload, each `prev_hash` equal to the hash before it, and
/// [`GENESIS_HASH`] before event 1. The first `Corrupt` names the event.
pub fn verify_chain(events: &[StoredEvent]) -> Result<(), StoreError> {
    let mut prev: Option<(u64, [u8; 32])> = None;
    for e in events {
        let bad = |problem: &str| StoreError::Corrupt(format!("event {}: {problem}", e.seq));
        match prev {
            Some((seq, hash)) => {
                if e.seq != seq.wrapping_add(1) {
                    return Err(bad(&format!("follows event {seq}")));
                }
                if e.prev_hash != hash {
                    return Err(bad("prev_hash is not the hash of the event before"));
                }
            }
            None if e.seq == 1 && e.prev_hash != GENESIS_HASH => return Err(bad("prev_hash of event 1 is not zero")),
            None => {}
        }
        if chain_hash(&e.prev_hash, e.seq, e.payload.as_bytes()) != e.hash {
            return Err(bad("hash does not match its prev_hash, seq and payload"));
        }
        prev = Some((e.seq, e.hash));
    }
    Ok(())
}

/// A player joining a game with `card_count` cards.
#[derive(Debug, Clone, Copy)]
pub struct NewPlayer<'a> {
    pub id: &'a str,
    pub game_id: &'a str,
    pub nickname: &'a str,
    /// SHA-256 of the player's bearer token (the token itself is never stored).
    pub token_hash: [u8; 32],
    /// SHA-256 of the player's recovery code; unique within the game.
    pub recovery_code_hash: [u8; 32],
    pub card_count: u32,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRow {
    pub id: String,
    pub game_id: String,
    pub nickname: String,
    pub token_hash: [u8; 32],
    pub recovery_code_hash: [u8; 32],
    pub created_at_ms: i64,
}

/// A player and how many cards they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerSummary {
    pub player: PlayerRow,
    pub cards: u64,
}

/// A player with the serials of their cards and their marks (what a socket's hello needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerCards {
    pub player: PlayerRow,
    /// Card serials, ascending.
    pub serials: Vec<u64>,
    /// Marks as (serial, number), ascending.
    pub daubs: Vec<(u64, u8)>,
}

/// Counts for metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Games per state ("created", "open", "running", "paused", "finished"); states with no game
    /// are absent.
    pub games_by_state: BTreeMap<String, u64>,
    pub players: u64,
    pub cards: u64,
}

/// A hall session (a night's programme of games) as stored. Its plan is the service's JSON; the
/// storage keeps it as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub name: String,
    /// The plan as JSON text.
    pub plan: String,
    pub created_at_ms: i64,
    /// When the interval after a finished game ends (set when another game follows).
    pub interval_until_ms: Option<i64>,
}

/// A session with how many of its games there are and how many have finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCounts {
    pub session: SessionRecord,
    pub games: u64,
    pub finished: u64,
}

/// A saved session plan, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRecord {
    pub name: String,
    /// The plan as JSON text.
    pub plan: String,
    pub updated_at_ms: i64,
}

/// An event of some game, with the game's id and name (a selection across games).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameEvent {
    pub game_id: String,
    pub game_name: String,
    pub event: StoredEvent,
}
