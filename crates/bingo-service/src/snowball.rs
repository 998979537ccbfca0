//! The hall's snowball: one pot carried from game to game. A game with a snowball rule is offered
//! the pot when it starts (`snowball_offered`, committed with `game_started`); when it finishes, the
//! engine says whether the pot was won or carried and what the next pot is, and that is stored as
//! the hall's pot. One game at a time plays for the pot: it is reserved for the game as it starts
//! (a conditional update in the database, so two nodes cannot both take it) and freed with the
//! pot the game leaves; a game that ended without freeing it (its node died between the two
//! commits) is settled from its own log by the next game that wants the pot. The history is read from the games' logs (their `snowball_won` and
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

    /// Sets the hall's pot (the next game with a snowball is offered it); refused while a game
    /// is playing for it.
    pub async fn set_snowball(&self, pot: u64) -> Result<()> {
        if pot > MAX_PRIZE {
            return Err(ServiceError::Invalid(format!("the pot is at most {MAX_PRIZE} minor units (2^53 - 1)")));
        }
        match self.blocking(move |s| s.set_snowball_pot(pot)).await? {
            Some(game) => Err(in_play(&game)),
            None => Ok(()),
        }
    }

    /// Starts a game: a game with a snowball rule not yet offered is first offered the hall's pot,
    /// reserved for it, in the same commit as the start (`Game::start_with_snowball`).
    pub async fn start_game(&self, game_id: &str) -> Result<Vec<Event>> {
        let live = self.live(game_id).await?;
        let wants_pot = {
            let live = live.lock().await;
            live.game.config().snowball.is_some() && live.game.sales().snowball.is_none()
        };
        let pot = if wants_pot { Some(self.reserve_pot(game_id).await?) } else { None };
        let started = self
            .command(game_id, move |game, now| match pot {
                Some(pot) if game.sales().snowball.is_none() => game.start_with_snowball(pot, now),
                _ => game.start(now),
            })
            .await;
        if started.is_err() && wants_pot {
            let id = game_id.to_string();
            self.blocking(move |s| s.release_snowball(&id)).await?;
        }
        started
    }

    /// Reserves the hall's pot for `game_id`. If a finished game still holds it, that game's own
    /// log says what it left, which is stored first.
    async fn reserve_pot(&self, game_id: &str) -> Result<u64> {
        for _ in 0..2 {
            let id = game_id.to_string();
            if let Some(pot) = self.blocking(move |s| s.reserve_snowball(&id)).await? {
                return Ok(pot);
            }
            let Some(holder) = self.blocking(|s| s.snowball()).await?.1 else { continue };
            let finished = match self.game_meta(&holder).await? {
                Some(meta) => meta.state == bingo_core::GameState::Finished,
                None => true,
            };
            if !finished {
                return Err(in_play(&holder));
            }
            self.settle_from_log(&holder).await?;
        }
        Err(ServiceError::Conflict("the snowball could not be reserved; try again".into()))
    }

    /// Frees the pot held by a finished game, storing the pot its log says it left.
    async fn settle_from_log(&self, game_id: &str) -> Result<()> {
        let id = game_id.to_string();
        self.blocking(move |s| {
            let ends = s.events_of_kinds(&id, &["snowball_won", "snowball_carried"])?;
            let left = ends.iter().rev().find_map(|e| serde_json::from_str::<Event>(&e.payload).ok());
            match left.and_then(|e| next_pot(std::slice::from_ref(&e))) {
                Some(pot) => s.settle_snowball(&id, pot).map(drop),
                None => s.release_snowball(&id),
            }
        })
        .await
    }

    /// After game `game_id` finished: stores the pot its snowball left and frees the snowball.
    pub(crate) async fn store_next_pot(&self, game_id: &str, events: &[Event]) -> Result<()> {
        let id = game_id.to_string();
        match next_pot(events) {
            Some(pot) => self.blocking(move |s| s.settle_snowball(&id, pot).map(drop)).await,
            None => self.blocking(move |s| s.release_snowball(&id)).await,
        }
    }
}

/// The refusal while another game plays for the pot.
fn in_play(game_id: &str) -> ServiceError {
    ServiceError::Conflict(format!(
        "the snowball is being played for in game {game_id}: one game at a time plays for it; end that game first"
    ))
}
