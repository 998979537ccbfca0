//! What callers read of storage, named for what they need: the service is the only door to it.

use super::{Result, Service, ServiceError};
use bingo_core::EventKind;
use bingo_storage::{GameMeta, Ledger, PlayerSummary, StoredEvent};

/// What this node holds in memory (see `cache.rs`): all bounded, whatever the node's uptime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    /// Games held, finished or not.
    pub games: usize,
    /// Finished games among them.
    pub finished_games: usize,
    /// Join codes remembered.
    pub join_codes: usize,
}

impl Service {
    /// Up to `limit` stored events after `after_seq`, ascending, with their hash-chain links
    /// (empty for an unknown game).
    pub async fn events_after(&self, game_id: &str, after_seq: u64, limit: u32) -> Result<Vec<StoredEvent>> {
        let id = game_id.to_string();
        self.blocking(move |s| s.events_after(&id, after_seq, limit)).await
    }

    /// Every claim of the game, accepted or rejected, in order (selected by kind in the database).
    pub async fn claims(&self, game_id: &str) -> Result<Vec<StoredEvent>> {
        let id = game_id.to_string();
        self.blocking(move |s| s.events_of_kinds(&id, &EventKind::CLAIM_NAMES)).await
    }

    /// The game's whole log with its hash chain, as a ledger file anyone can check with
    /// `bingo verify --ledger` (the seed is in it only once the game has revealed it).
    pub async fn ledger(&self, game_id: &str) -> Result<Ledger> {
        let id = game_id.to_string();
        let (meta, events) = self
            .blocking(move |s| {
                let Some(meta) = s.game_meta(&id)? else { return Ok(None) };
                let events = s.events_after(&id, 0, u32::MAX)?;
                Ok(Some((meta, events)))
            })
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no game {game_id:?}")))?;
        Ok(Ledger::new(&meta, &events))
    }

    /// A game's row (without its seed), if the game exists.
    pub async fn game_meta(&self, game_id: &str) -> Result<Option<GameMeta>> {
        let id = game_id.to_string();
        self.blocking(move |s| s.game_meta(&id)).await
    }

    /// Up to `limit` games, newest first.
    pub async fn games(&self, limit: u32) -> Result<Vec<GameMeta>> {
        self.blocking(move |s| s.list_games(limit)).await
    }

    /// The game's players in order of joining, with how many cards each holds.
    pub async fn players_of_game(&self, game_id: &str) -> Result<Vec<PlayerSummary>> {
        let id = game_id.to_string();
        self.blocking(move |s| s.players_of_game(&id)).await
    }

    /// Whether the database answers (readiness).
    pub async fn database_ready(&self) -> Result<()> {
        self.blocking(|s| s.ping()).await
    }

    /// What this node holds in memory.
    pub fn held(&self) -> Held {
        let (games, finished_games, join_codes) = self.cache().map(|c| c.sizes()).unwrap_or_default();
        Held { games, finished_games, join_codes }
    }
}
