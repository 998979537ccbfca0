//! What the caller and players can do. Each command checks the rules, then applies its events
//! all or nothing.

use super::{Game, GameError, GameState};
use crate::card::Card;
use crate::claim::{self, ClaimWindow, Verdict};
use crate::config::DrawMode;
use crate::event::{Event, EventKind, RejectReason, Share};
use crate::name::person_name;
use crate::prize;

/// The result of checking a card without claiming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardCheck {
    pub card: Card,
    pub verdict: Verdict,
    /// The verdict in words a caller can read out.
    pub message: String,
}

impl Game {
    /// Applies `kinds` in order, all or none, and returns them as numbered events.
    pub(super) fn emit(&mut self, kinds: Vec<EventKind>, now_ms: i64) -> Result<Vec<Event>, GameError> {
        let mut next = self.clone();
        let mut events = Vec::with_capacity(kinds.len());
        for kind in kinds {
            next.apply(&kind)?;
            events.push(Event { seq: next.next_seq, at_ms: now_ms, kind });
            next.next_seq += 1;
        }
        *self = next;
        Ok(events)
    }

    pub(super) fn require(&self, action: &'static str, allowed: &[GameState]) -> Result<(), GameError> {
        if allowed.contains(&self.state) {
            Ok(())
        } else {
            Err(GameError::WrongState { action, state: self.state })
        }
    }

    fn require_mode(&self, action: &'static str, mode: DrawMode) -> Result<(), GameError> {
        if self.config.draw_mode == mode {
            Ok(())
        } else {
            Err(GameError::WrongMode { action, mode: self.config.draw_mode })
        }
    }

    pub fn open(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require("open the game", &[GameState::Created])?;
        self.emit(vec![EventKind::GameOpened], now_ms)
    }

    pub fn start(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require("start the game", &[GameState::Created, GameState::Open])?;
        self.emit(vec![EventKind::GameStarted], now_ms)
    }

    pub fn pause(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require("pause", &[GameState::Running])?;
        self.emit(vec![EventKind::Paused], now_ms)
    }

    pub fn resume(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require("resume", &[GameState::Paused])?;
        self.emit(vec![EventKind::Resumed], now_ms)
    }

    /// The events that settle the current stage, if it has winners.
    fn settle_pending(&self) -> Option<EventKind> {
        if self.pending.is_empty() {
            return None;
        }
        let prize = self.stage_prize(self.stage);
        let (shares, house) = prize::split(prize, self.pending.len(), self.config.remainder);
        let winners = self
            .pending
            .iter()
            .zip(&self.pending_names)
            .zip(shares)
            .map(|((&serial, name), amount)| Share { serial, amount, name: name.clone() })
            .collect();
        Some(EventKind::StageWon { stage: self.stage, prize, winners, house })
    }

    /// Settles a won stage, then calls `number`.
    fn call(&mut self, number: u8, now_ms: i64) -> Result<Vec<Event>, GameError> {
        let mut kinds = Vec::with_capacity(2);
        kinds.extend(self.close_sales());
        if let Some(settle) = self.settle_pending() {
            if self.stage + 1 == self.patterns.len() {
                return Err(GameError::FinalStageWon);
            }
            kinds.push(settle);
        }
        kinds.push(EventKind::BallCalled { call: self.calls.count() + 1, number });
        self.emit(kinds, now_ms)
    }

    /// Draws the next ball of the committed order (random mode).
    pub fn draw(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require_mode("draw a random ball", DrawMode::Random)?;
        self.require("draw a ball", &[GameState::Running])?;
        let Some(&number) = self.order.get(usize::from(self.calls.count())) else {
            return Err(GameError::AllBallsDrawn);
        };
        self.call(number, now_ms)
    }

    /// Enters a number called from a physical ball machine (manual mode).
    pub fn call_number(&mut self, number: u8, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require_mode("enter a called number", DrawMode::Manual)?;
        self.require("call a number", &[GameState::Running])?;
        let max = self.config.kind.balls();
        if number == 0 || number > max {
            return Err(GameError::OutOfRange { number, max });
        }
        if let Some(call) = self.calls.call_of(number) {
            return Err(GameError::AlreadyCalled { number, call });
        }
        self.call(number, now_ms)
    }

    /// Takes back a mis-keyed manual call before the next ball; recorded, never erased.
    pub fn void_last_call(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require_mode("void a call", DrawMode::Manual)?;
        self.require("void a call", &[GameState::Running, GameState::Paused])?;
        let number = self.calls.last().ok_or(GameError::NothingToVoid)?;
        let call = self.calls.count();
        if self.last_accept_call == call {
            return Err(GameError::VoidAfterClaim { number });
        }
        self.emit(vec![EventKind::BallVoided { call, number }], now_ms)
    }

    fn window(&self) -> ClaimWindow {
        ClaimWindow {
            stage_first_call: self.stage_first_call,
            claim_before_next_ball: self.config.claim_before_next_ball,
        }
    }

    /// Checks card `serial` against the current stage without claiming (a paper card read out
    /// by serial, or the console's preview).
    pub fn check_card(&self, serial: u64) -> Result<CardCheck, GameError> {
        let card = self.deck.card(serial)?;
        let pattern =
            self.current_pattern().ok_or(GameError::WrongState { action: "check a card", state: self.state })?;
        let verdict = self.judge(&card, pattern)?;
        let message = claim::explain(&verdict, &card, pattern, &self.calls);
        Ok(CardCheck { card, verdict, message })
    }

    /// The claim check for an issued card: a late card's win counts only if it completed on a
    /// ball called after the card was issued.
    pub(super) fn judge(&self, card: &Card, pattern: &crate::pattern::Pattern) -> Result<Verdict, GameError> {
        let issue = self.issue_of(card.serial())?;
        let verdict = claim::check(card, pattern, &self.calls, self.window());
        Ok(match (verdict, issue) {
            (
                Verdict::Won { alternative, completed_at } | Verdict::Sleeper { alternative, completed_at, .. },
                Some(i),
            ) if completed_at <= i.after_call => {
                Verdict::BeforeIssue { alternative, completed_at, issued_after: i.after_call }
            }
            _ => verdict,
        })
    }

    /// A claim for the current stage by card `serial`: accepted or rejected with the reason.
    pub fn claim(&mut self, serial: u64, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.claim_by(serial, None, now_ms)
    }

    /// A claim as `claim`, recording who made it (trimmed; see `crate::name`): the winner's
    /// name then follows the card into the stage's shares, so the ledger says who was paid.
    pub fn claim_by(&mut self, serial: u64, name: Option<&str>, now_ms: i64) -> Result<Vec<Event>, GameError> {
        let name = name.map(person_name).transpose().map_err(GameError::InvalidName)?;
        self.require("claim", &[GameState::Running, GameState::Paused])?;
        let stage = self.stage;
        let call = self.calls.count();
        let kind = if self.pending.contains(&serial) {
            self.deck.card(serial)?;
            self.issue_of(serial)?;
            EventKind::ClaimRejected {
                serial,
                stage,
                reason: RejectReason::AlreadyWon,
                message: format!("card {serial} has already won this stage"),
                call,
                name,
            }
        } else {
            let CardCheck { card, verdict, message } = self.check_card(serial)?;
            match verdict {
                Verdict::Won { alternative, completed_at } => {
                    let alt = &self.patterns[stage].alternatives[alternative];
                    EventKind::ClaimAccepted {
                        serial,
                        stage,
                        alternative,
                        label: alt.label.clone(),
                        numbers: claim::numbers_of(&card, alt.mask),
                        cells: claim::cells_of(&card, alt.mask),
                        completed_at,
                        call,
                        name,
                    }
                }
                Verdict::Sleeper { .. } => {
                    EventKind::ClaimRejected { serial, stage, reason: RejectReason::Sleeper, message, call, name }
                }
                Verdict::NotYet { .. } => {
                    EventKind::ClaimRejected { serial, stage, reason: RejectReason::NotComplete, message, call, name }
                }
                Verdict::BeforeIssue { .. } => {
                    EventKind::ClaimRejected { serial, stage, reason: RejectReason::BeforeIssue, message, call, name }
                }
            }
        };
        self.emit(vec![kind], now_ms)
    }

    /// Ends the game: settles a won stage, then reveals the seed.
    pub fn finish(&mut self, now_ms: i64) -> Result<Vec<Event>, GameError> {
        if self.state == GameState::Finished {
            return Err(GameError::WrongState { action: "end the game", state: self.state });
        }
        // On a copy, so that the snowball's outcome is judged after the last stage is settled.
        let mut next = self.clone();
        let mut events = next.emit(next.settle_pending().into_iter().collect(), now_ms)?;
        events.extend(next.emit(next.snowball_outcome().into_iter().collect(), now_ms)?);
        events.extend(
            next.emit(vec![EventKind::GameFinished, EventKind::SeedRevealed { seed: next.seed.clone() }], now_ms)?,
        );
        *self = next;
        Ok(events)
    }
}
