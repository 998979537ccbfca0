//! The ledger file (`bingo-ledger/1`): one game's whole stored log with its hash chain, as
//! `bingo ledger export` writes it and `GET /api/v1/games/{id}/ledger` serves it, for anyone to
//! check with `bingo verify --ledger` (docs/FAIRNESS.md, section 2, describes every field).

use crate::model::{chain_hash, GameMeta, StoredEvent, GENESIS_HASH};
use bingo_core::Event;
use serde::{Deserialize, Serialize};

pub const LEDGER_FORMAT: &str = "bingo-ledger/1";

/// The file: the game's identity and every stored event with its chain link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Named LedgerFile in the OpenAPI document: the API's events page has a `Ledger` of its own.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LedgerFile))]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// Always [`LEDGER_FORMAT`].
    #[cfg_attr(feature = "openapi", schema(examples("bingo-ledger/1")))]
    pub format: String,
    pub game_id: String,
    pub join_code: String,
    pub epoch: String,
    /// The SHA-256 commitment to the seed, hex, as published before the first ball.
    pub commitment: String,
    pub events: Vec<LedgerEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LedgerEntry))]
#[serde(deny_unknown_fields)]
pub struct LedgerEvent {
    /// 1, 2, 3, ... with no gap.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub seq: u64,
    /// The event exactly as stored (JSON text): the hash covers these bytes.
    pub payload: String,
    /// Hex of the previous event's `hash` (64 zeros for event 1).
    pub prev_hash: String,
    /// Hex of SHA-256(prev_hash bytes || seq as 8 bytes big-endian || payload bytes).
    pub hash: String,
}

impl Ledger {
    /// The ledger of a game from its row and its whole stored log.
    pub fn new(meta: &GameMeta, events: &[StoredEvent]) -> Ledger {
        Ledger {
            format: LEDGER_FORMAT.into(),
            game_id: meta.id.clone(),
            join_code: meta.join_code.clone(),
            epoch: meta.epoch.clone(),
            commitment: meta.commitment.clone(),
            events: events
                .iter()
                .map(|e| LedgerEvent {
                    seq: e.seq,
                    payload: e.payload.clone(),
                    prev_hash: hex::encode(e.prev_hash),
                    hash: hex::encode(e.hash),
                })
                .collect(),
        }
    }

    /// The events, once the numbering and every link of the chain check out; otherwise why not,
    /// in words.
    pub fn chained_events(&self) -> Result<Vec<Event>, String> {
        let mut prev = GENESIS_HASH;
        let mut events = Vec::with_capacity(self.events.len());
        for (i, e) in self.events.iter().enumerate() {
            let expected_seq = i as u64 + 1;
            if e.seq != expected_seq {
                return Err(format!(
                    "entry {} has sequence number {}, expected {expected_seq}: an event is missing or added",
                    i + 1,
                    e.seq
                ));
            }
            if e.prev_hash != hex::encode(prev) {
                return Err(format!("event {}'s prev_hash is not the hash of event {}", e.seq, e.seq - 1));
            }
            let hash = chain_hash(&prev, e.seq, e.payload.as_bytes());
            if e.hash != hex::encode(hash) {
                return Err(format!("event {}'s hash does not match its contents: it was altered", e.seq));
            }
            let event: Event = serde_json::from_str(&e.payload)
                .map_err(|err| format!("event {} is not a valid event: {err}", e.seq))?;
            if event.seq != e.seq {
                return Err(format!("event {} says it is event {}", e.seq, event.seq));
            }
            events.push(event);
            prev = hash;
        }
        Ok(events)
    }
}
