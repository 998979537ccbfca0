//! Applying one event: check it against the rules, then change the state.

use super::{Game, GameError, GameState, StageResult};
use crate::claim::{self, Verdict};
use crate::config::DrawMode;
use crate::event::{EventKind, RejectReason};
use crate::name;
use crate::prize;

impl Game {
    pub(super) fn broken(&self, problem: impl Into<String>) -> GameError {
        GameError::BadLog { seq: self.next_seq, problem: problem.into() }
    }

    fn expect_state(&self, event: &EventKind, allowed: &[GameState]) -> Result<(), GameError> {
        if allowed.contains(&self.state) {
            Ok(())
        } else {
            Err(self.broken(format!("{} while the game is {:?}", event.name(), self.state)))
        }
    }

    pub(super) fn apply(&mut self, event: &EventKind) -> Result<(), GameError> {
        use GameState::*;
        self.check_snowball_order(event)?;
        match event {
            EventKind::GameCreated { .. } => return Err(self.broken("a game is created only once")),
            EventKind::GameOpened => {
                self.expect_state(event, &[Created])?;
                self.state = Open;
            }
            EventKind::GameStarted => {
                self.expect_state(event, &[Created, Open])?;
                self.state = Running;
            }
            EventKind::CardsIssued { first, last, late, channel, books } => {
                self.apply_issue(*first, *last, *late)?;
                self.apply_sale(*first, *last, *channel, *books)?;
            }
            EventKind::SalesClosed { .. }
            | EventKind::SnowballOffered { .. }
            | EventKind::SnowballWon { .. }
            | EventKind::SnowballCarried { .. } => self.apply_money(event)?,
            EventKind::Paused => {
                self.expect_state(event, &[Running])?;
                self.state = Paused;
            }
            EventKind::Resumed => {
                self.expect_state(event, &[Paused])?;
                self.state = Running;
            }
            EventKind::BallCalled { call, number } => {
                self.expect_state(event, &[Running])?;
                self.check_ball(*call, *number)?;
                if !self.sales_closed_before_first_ball() {
                    return Err(self.broken("the first ball was called before sales closed"));
                }
                self.calls.push(*number);
            }
            EventKind::BallVoided { call, number } => {
                self.expect_state(event, &[Running, Paused])?;
                if self.config.draw_mode != DrawMode::Manual {
                    return Err(self.broken("only manual calls can be voided"));
                }
                if self.calls.count() != *call || self.calls.last() != Some(*number) {
                    return Err(self.broken(format!("call {call} ({number}) is not the last call")));
                }
                if self.last_accept_call == *call {
                    return Err(self.broken("a claim was accepted on the voided call"));
                }
                self.calls.pop();
            }
            EventKind::ClaimAccepted {
                serial,
                stage,
                alternative,
                label,
                numbers,
                cells,
                completed_at,
                call,
                name,
            } => {
                self.expect_state(event, &[Running, Paused])?;
                self.check_claim_position(*stage, *call)?;
                self.check_name(name)?;
                match self.recheck(*serial)? {
                    Verdict::Won { alternative: a, completed_at: at }
                        if a == *alternative && at == *completed_at && !self.pending.contains(serial) => {}
                    other => {
                        return Err(self.broken(format!("card {serial} was accepted but the check says {other:?}")))
                    }
                }
                // The evidence recorded must be the card's own: label, numbers and cells.
                let card = self.deck.card(*serial)?;
                let alt = &self.patterns[self.stage].alternatives[*alternative];
                if *label != alt.label
                    || *numbers != claim::numbers_of(&card, alt.mask)
                    || *cells != claim::cells_of(&card, alt.mask)
                {
                    return Err(self.broken(format!("the evidence recorded for card {serial}'s win is not the card's")));
                }
                self.pending.push(*serial);
                self.pending_names.push(name.clone());
                self.last_accept_call = *call;
            }
            EventKind::ClaimRejected { serial, stage, reason, call, name, .. } => {
                self.expect_state(event, &[Running, Paused])?;
                self.check_claim_position(*stage, *call)?;
                self.check_name(name)?;
                let already = self.pending.contains(serial);
                let consistent = match (reason, self.recheck(*serial)?) {
                    (RejectReason::AlreadyWon, _) => already,
                    (RejectReason::Sleeper, Verdict::Sleeper { .. }) => !already,
                    (RejectReason::NotComplete, Verdict::NotYet { .. }) => !already,
                    (RejectReason::BeforeIssue, Verdict::BeforeIssue { .. }) => !already,
                    _ => false,
                };
                if !consistent {
                    return Err(self.broken(format!(
                        "card {serial} was rejected as {reason:?}, which the check does not confirm"
                    )));
                }
            }
            EventKind::StageWon { stage, prize, winners, house } => {
                self.expect_state(event, &[Running, Paused, Finished])?;
                if *stage != self.stage || self.pending.is_empty() {
                    return Err(self.broken(format!("stage {stage} is not awaiting settlement")));
                }
                let expected_prize = self.stage_prize(self.stage);
                let (shares, expected_house) = prize::split(expected_prize, self.pending.len(), self.config.remainder);
                let serials: Vec<u64> = winners.iter().map(|w| w.serial).collect();
                let amounts: Vec<u64> = winners.iter().map(|w| w.amount).collect();
                let names: Vec<Option<String>> = winners.iter().map(|w| w.name.clone()).collect();
                if *prize != expected_prize
                    || serials != self.pending
                    || amounts != shares
                    || names != self.pending_names
                    || *house != expected_house
                {
                    return Err(self.broken("the stage's winners or shares differ from the accepted claims"));
                }
                self.results.push(StageResult {
                    stage: *stage,
                    prize: *prize,
                    winners: winners.clone(),
                    house: *house,
                });
                self.note_stage_won(*stage);
                self.stage += 1;
                self.pending.clear();
                self.pending_names.clear();
                self.stage_first_call = self.calls.count() + 1;
            }
            EventKind::GameFinished => {
                self.expect_state(event, &[Created, Open, Running, Paused])?;
                if !self.pending.is_empty() {
                    return Err(self.broken("the game ended with a stage won but not settled"));
                }
                self.state = Finished;
            }
            EventKind::SeedRevealed { seed } => {
                self.expect_state(event, &[Finished])?;
                if *seed != self.seed {
                    return Err(GameError::SeedMismatch);
                }
                self.seed_revealed = true;
            }
        }
        Ok(())
    }

    fn check_ball(&self, call: u16, number: u8) -> Result<(), GameError> {
        if !self.pending.is_empty() {
            return Err(self.broken("a ball was called before the won stage was settled"));
        }
        if self.stage >= self.patterns.len() {
            return Err(self.broken("a ball was called after the last stage"));
        }
        if call != self.calls.count() + 1 {
            return Err(self.broken(format!("call number {call} should be {}", self.calls.count() + 1)));
        }
        let max = self.config.kind.balls();
        if number == 0 || number > max {
            return Err(GameError::OutOfRange { number, max });
        }
        if let Some(earlier) = self.calls.call_of(number) {
            return Err(GameError::AlreadyCalled { number, call: earlier });
        }
        if self.config.draw_mode == DrawMode::Random {
            let expected = self.order.get(usize::from(self.calls.count())).copied();
            if expected != Some(number) {
                return Err(self.broken(format!("ball {number} is not the committed draw's ball {}", call)));
            }
        }
        Ok(())
    }

    fn check_claim_position(&self, stage: usize, call: u16) -> Result<(), GameError> {
        if stage != self.stage || stage >= self.patterns.len() {
            return Err(self.broken(format!("a claim names stage {stage} while stage {} is played", self.stage)));
        }
        if call != self.calls.count() {
            return Err(self.broken(format!("a claim names call {call} after {} calls", self.calls.count())));
        }
        Ok(())
    }

    /// A name in the log is in the form a claim records (trimmed, bounded, no control characters).
    fn check_name(&self, claimant: &Option<String>) -> Result<(), GameError> {
        match claimant {
            Some(who) if !name::is_recorded_form(who) => {
                Err(self.broken(format!("the claimant's name {who:?} is not a name a claim records")))
            }
            _ => Ok(()),
        }
    }

    fn recheck(&self, serial: u64) -> Result<Verdict, GameError> {
        let card = self.deck.card(serial)?;
        self.judge(&card, &self.patterns[self.stage])
    }
}
