//! A game: its settings, seed, cards, calls, stages and winners, changed only by events.
//!
//! Every command (draw, claim, ...) decides which events happen and then applies them; `apply`
//! checks each event against the rules before changing anything, so replaying a stored log
//! (`Game::restore`) re-verifies every ball and every claim.

mod apply;
mod commands;
mod issue;
mod money;

pub use commands::CardCheck;
pub use issue::{IssuedCards, IssuedRange, MAX_ISSUE};
#[cfg(test)]
mod tests;

use crate::calls::Calls;
use crate::card::{CardError, Deck};
use crate::config::{DrawMode, GameConfig};
use crate::draw::draw_order;
use crate::event::{Event, EventKind, Share};
use crate::pattern::{Pattern, PatternError};
use crate::seed::{Commitment, Seed};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameState {
    /// Being set up by the caller.
    Created,
    /// Players may join; no balls yet.
    Open,
    /// Balls are being called.
    Running,
    Paused,
    /// Over; the seed is revealed.
    Finished,
}

/// A settled stage.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageResult {
    pub stage: usize,
    pub prize: u64,
    pub winners: Vec<Share>,
    pub house: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameError {
    #[error("invalid game settings: {0}")]
    InvalidConfig(String),
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error(transparent)]
    Card(#[from] CardError),
    #[error("cannot {action} while the game is {state:?}")]
    WrongState { action: &'static str, state: GameState },
    #[error("cannot {action} in a {mode:?}-draw game")]
    WrongMode { action: &'static str, mode: DrawMode },
    #[error("{number} is not a ball of this game: balls run from 1 to {max}")]
    OutOfRange { number: u8, max: u8 },
    #[error("{number} was already called (call {call})")]
    AlreadyCalled { number: u8, call: u16 },
    #[error("no ball has been called, so there is nothing to void")]
    NothingToVoid,
    #[error("{number} cannot be voided: a claim was accepted on it")]
    VoidAfterClaim { number: u8 },
    #[error("every ball has been called")]
    AllBallsDrawn,
    #[error("the last stage has been won: end the game to settle it")]
    FinalStageWon,
    #[error("the seed does not match the game's commitment")]
    SeedMismatch,
    #[error("card {serial} was never issued in this game")]
    NotIssued { serial: u64 },
    #[error("cards {first} to {last} overlap cards already issued")]
    AlreadyIssued { first: u64, last: u64 },
    #[error("sales closed with the first ball ({after_call} called so far) and this game does not allow late entry")]
    SalesClosed { after_call: u16 },
    #[error("a winner's name {0}")]
    InvalidName(crate::name::NameError),
    #[error("event {seq} breaks the game's rules: {problem}")]
    BadLog { seq: u64, problem: String },
}

/// One game of bingo.
#[derive(Clone, Debug)]
pub struct Game {
    config: GameConfig,
    patterns: Vec<Pattern>,
    seed: Seed,
    commitment: Commitment,
    deck: Deck,
    /// The committed draw order (random mode; empty in manual mode).
    order: Vec<u8>,
    state: GameState,
    calls: Calls,
    stage: usize,
    stage_first_call: u16,
    /// Serials accepted for the current stage, in claim order, until the stage is settled.
    pending: Vec<u64>,
    /// The names their claims recorded, one per serial of `pending`.
    pending_names: Vec<Option<String>>,
    /// The call on which a claim was last accepted (0 = none).
    last_accept_call: u16,
    results: Vec<StageResult>,
    /// The cards issued so far, with the call after which each was issued.
    issued: IssuedCards,
    next_seq: u64,
    seed_revealed: bool,
    /// Sales, the prizes they fix, and the snowball.
    till: money::Till,
}

impl Game {
    fn from_config(config: GameConfig, seed: Seed) -> Result<Self, GameError> {
        config.check().map_err(GameError::InvalidConfig)?;
        let patterns = config.stages.iter().map(|s| s.pattern.resolve(config.kind)).collect::<Result<Vec<_>, _>>()?;
        let order = match config.draw_mode {
            DrawMode::Random => draw_order(config.kind, &seed),
            DrawMode::Manual => Vec::new(),
        };
        Ok(Game {
            deck: Deck::new(config.kind, &seed),
            commitment: seed.commitment(),
            config,
            patterns,
            seed,
            order,
            state: GameState::Created,
            calls: Calls::new(),
            stage: 0,
            stage_first_call: 1,
            pending: Vec::new(),
            pending_names: Vec::new(),
            last_accept_call: 0,
            results: Vec::new(),
            issued: IssuedCards::default(),
            next_seq: 1,
            seed_revealed: false,
            till: money::Till::default(),
        })
    }

    /// A new game; the seed must come from a CSPRNG and stay secret until the game ends.
    pub fn create(config: GameConfig, seed: Seed, now_ms: i64) -> Result<(Game, Event), GameError> {
        let mut game = Game::from_config(config, seed)?;
        let kind = EventKind::GameCreated { config: game.config.clone(), commitment: game.commitment };
        let event = Event { seq: 1, at_ms: now_ms, kind };
        game.next_seq = 2;
        Ok((game, event))
    }

    /// Rebuilds a game from its seed and its stored events, checking every event on the way.
    pub fn restore(seed: Seed, events: &[Event]) -> Result<Game, GameError> {
        let bad = |seq: u64, problem: &str| GameError::BadLog { seq, problem: problem.to_string() };
        let Some((first, rest)) = events.split_first() else {
            return Err(bad(1, "the log is empty"));
        };
        let EventKind::GameCreated { config, commitment } = &first.kind else {
            return Err(bad(first.seq, "the first event must be game_created"));
        };
        if first.seq != 1 {
            return Err(bad(first.seq, "the first event must have sequence number 1"));
        }
        if !commitment.is_opened_by(&seed) {
            return Err(GameError::SeedMismatch);
        }
        let mut game = Game::from_config(config.clone(), seed)?;
        game.next_seq = 2;
        for event in rest {
            if event.seq != game.next_seq {
                return Err(bad(event.seq, &format!("expected sequence number {}", game.next_seq)));
            }
            game.apply(&event.kind).map_err(|e| match e {
                GameError::BadLog { .. } => e,
                other => bad(event.seq, &other.to_string()),
            })?;
            game.next_seq += 1;
        }
        Ok(game)
    }

    /// Applies an event produced elsewhere (by another node) to this copy of the game, checking
    /// it exactly as `restore` does. Its sequence number must be the next one.
    pub fn replay(&mut self, event: &Event) -> Result<(), GameError> {
        if event.seq != self.next_seq {
            return Err(GameError::BadLog {
                seq: event.seq,
                problem: format!("expected sequence number {}", self.next_seq),
            });
        }
        let mut next = self.clone();
        next.apply(&event.kind)?;
        next.next_seq += 1;
        *self = next;
        Ok(())
    }

    /// Checks a whole finished game's log using the seed it reveals.
    pub fn verify_log(events: &[Event]) -> Result<Game, GameError> {
        let seed = events
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::SeedRevealed { seed } => Some(seed.clone()),
                _ => None,
            })
            .ok_or(GameError::BadLog { seq: 0, problem: "the log reveals no seed: the game is not finished".into() })?;
        Game::restore(seed, events)
    }

    pub fn config(&self) -> &GameConfig {
        &self.config
    }

    pub fn state(&self) -> GameState {
        self.state
    }

    pub fn commitment(&self) -> Commitment {
        self.commitment
    }

    /// The seed, once the game has revealed it.
    pub fn revealed_seed(&self) -> Option<&Seed> {
        self.seed_revealed.then_some(&self.seed)
    }

    pub fn deck(&self) -> &Deck {
        &self.deck
    }

    pub fn calls(&self) -> &Calls {
        &self.calls
    }

    /// The stage being played (from 0); equal to the number of stages once all are settled.
    pub fn stage(&self) -> usize {
        self.stage
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The pattern of the stage being played, if any stage is left.
    pub fn current_pattern(&self) -> Option<&Pattern> {
        self.patterns.get(self.stage)
    }

    /// The call on which the current stage began.
    pub fn stage_first_call(&self) -> u16 {
        self.stage_first_call
    }

    /// Claims accepted for the current stage, not yet settled.
    pub fn pending_winners(&self) -> &[u64] {
        &self.pending
    }

    /// The names recorded by the claims of `pending_winners`, in the same order.
    pub fn pending_names(&self) -> &[Option<String>] {
        &self.pending_names
    }

    pub fn results(&self) -> &[StageResult] {
        &self.results
    }

    /// The sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
}
