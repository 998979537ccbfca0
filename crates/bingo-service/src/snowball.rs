//! The hall's snowball: one pot carried from game to game. A game with a snowball rule is offered
//! the pot when it starts (`snowball_offered`, committed with `game_started`); when it finishes, the
//! engine says whether the pot was won or carried and what the next pot is, and that is stored as
//! the hall's pot. The history is read from the games' logs (their `snowball_won` and
//! `snowball_carried` events), so it is the ledger's, not a second record.

use super::{Result, Service, ServiceError};
use bingo_core::config::MAX_PRIZE;
use bingo_core::{Event, EventKind, Share};
use serde::Serialize;

/// How many results the history shows.
const HISTORY: u32 = 50;

/// How a game's snowball ended.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SnowballEnd {
    Won,
    Carried,
}

/// One game's snowball result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SnowballResult {
    pub game_id: String,
    /// Untrusted text: show it as text.
    pub game_name: String,
    /// When the game finished (Unix ms).
    pub at_ms: i64,
    /// The pot played for.
    pub pot: u64,
    pub outcome: SnowballEnd,
    /// The pot after this game.
    pub next_pot: u64,
    /// Who shared the pot (empty when carried).
    pub winners: Vec<Share>,
}

/// The hall's snowball: the pot now and the latest results, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SnowballView {
    /// Minor units.
    pub pot: u64,
    pub history: Vec<SnowballResult>,
}

/// The pot a game's events leave for the next game, if they end its snowball.
fn next_pot(events: &[Event]) -> Option<u64> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::SnowballWon { next_pot, .. } | EventKind::SnowballCarried { next_pot, .. } => Some(*next_pot),
        _ => None,
    })
}

impl Service {
    /// The pot now and the latest results.
    pub async fn snowball(&self) -> Result<SnowballView> {
        let kinds = ["snowball_won", "snowball_carried"];
        let (pot, found) =
            self.blocking(move |s| Ok((s.snowball_pot()?, s.events_of_kinds_everywhere(&kinds, HISTORY)?))).await?;
        let mut history = Vec::with_capacity(found.len());
        for f in found {
            let event = f.event.event()?;
            let (pot, outcome, next_pot, winners) = match event.kind {
                EventKind::SnowballWon { pot, winners, next_pot, .. } => (pot, SnowballEnd::Won, next_pot, winners),
                EventKind::SnowballCarried { pot, next_pot } => (pot, SnowballEnd::Carried, next_pot, Vec::new()),
                _ => continue,
            };
            history.push(SnowballResult {
                game_id: f.game_id,
                game_name: f.game_name,
                at_ms: event.at_ms,
                pot,
                outcome,
                next_pot,
                winners,
            });
        }
        Ok(SnowballView { pot, history })
    }

    /// Sets the hall's pot (the next game with a snowball is offered it).
    pub async fn set_snowball(&self, pot: u64) -> Result<()> {
        if pot > MAX_PRIZE {
            return Err(ServiceError::Invalid(format!("the pot is at most {MAX_PRIZE} minor units (2^53 - 1)")));
        }
        self.blocking(move |s| s.set_snowball_pot(pot)).await
    }

    /// Starts a game: a game with a snowball rule not yet offered is first offered the hall's pot,
    /// in the same commit as the start (`Game::start_with_snowball`).
    pub async fn start_game(&self, game_id: &str) -> Result<Vec<Event>> {
        let live = self.live(game_id).await?;
        let wants_pot = {
            let live = live.lock().await;
            live.game.config().snowball.is_some() && live.game.sales().snowball.is_none()
        };
        let pot = if wants_pot { Some(self.blocking(|s| s.snowball_pot()).await?) } else { None };
        self.command(game_id, move |game, now| match pot {
            Some(pot) if game.sales().snowball.is_none() => game.start_with_snowball(pot, now),
            _ => game.start(now),
        })
        .await
    }

    /// After a game finished: stores the pot its snowball left.
    pub(crate) async fn store_next_pot(&self, events: &[Event]) -> Result<()> {
        match next_pot(events) {
            Some(pot) => self.blocking(move |s| s.set_snowball_pot(pot)).await,
            None => Ok(()),
        }
    }
}
