//! Which cards exist. Every card issued (joined on a phone, printed on paper) is a `cards_issued`
//! event, so the log alone says which serials could claim and when each was issued: a host who
//! learns that some serial would win cannot issue it after the fact, and a late card cannot win on
//! balls called before it was issued.

use super::{Game, GameError, GameState};
use crate::event::{Channel, Event, EventKind};

/// Most serials one `cards_issued` event may cover (a paper batch is at most 1,000 cards; a batch
/// of phone joins is smaller).
pub const MAX_ISSUE: u64 = 1_000_000;

/// Serials `first..=last`, issued when `after_call` balls had been called (0: before the first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssuedRange {
    pub first: u64,
    pub last: u64,
    pub after_call: u16,
}

/// The issued serials as sorted, disjoint ranges; neighbours issued at the same call are merged,
/// so a hall's thousands of joins from a few reserved blocks stay a handful of ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuedCards {
    ranges: Vec<IssuedRange>,
}

impl IssuedCards {
    /// The range holding `serial`, if it was issued.
    pub fn find(&self, serial: u64) -> Option<IssuedRange> {
        let after = self.ranges.partition_point(|r| r.first <= serial);
        after.checked_sub(1).map(|i| self.ranges[i]).filter(|r| serial <= r.last)
    }

    /// How many cards were issued.
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|r| r.last - r.first + 1).sum()
    }

    /// How many cards were issued after the first ball.
    pub fn late_count(&self) -> u64 {
        self.ranges.iter().filter(|r| r.after_call > 0).map(|r| r.last - r.first + 1).sum()
    }

    pub fn ranges(&self) -> &[IssuedRange] {
        &self.ranges
    }

    fn overlaps(&self, first: u64, last: u64) -> bool {
        let at = self.ranges.partition_point(|r| r.last < first);
        self.ranges.get(at).is_some_and(|r| r.first <= last)
    }

    fn insert(&mut self, new: IssuedRange) {
        let at = self.ranges.partition_point(|r| r.first < new.first);
        let joins =
            |a: &IssuedRange, b: &IssuedRange| a.last.checked_add(1) == Some(b.first) && a.after_call == b.after_call;
        let with_next = self.ranges.get(at).is_some_and(|next| joins(&new, next));
        match at.checked_sub(1).filter(|&i| joins(&self.ranges[i], &new)) {
            Some(before) => {
                self.ranges[before].last = new.last;
                if with_next {
                    self.ranges[before].last = self.ranges[at].last;
                    self.ranges.remove(at);
                }
            }
            None if with_next => self.ranges[at].first = new.first,
            None => self.ranges.insert(at, new),
        }
    }
}

impl Game {
    /// Whether this game's log records the cards issued (every game made by this version).
    pub fn records_cards(&self) -> bool {
        self.config.cards_in_ledger
    }

    pub fn issued(&self) -> &IssuedCards {
        &self.issued
    }

    /// Records cards issued through `channel`, one event per range: refused once the first ball
    /// is called unless the game allows late entry, and for serials already issued.
    pub fn issue_cards(
        &mut self,
        ranges: &[(u64, u64)],
        channel: Channel,
        now_ms: i64,
    ) -> Result<Vec<Event>, GameError> {
        let late = self.selling_late();
        let kinds = ranges
            .iter()
            .map(|&(first, last)| EventKind::CardsIssued { first, last, channel, late, books: None })
            .collect();
        self.emit(kinds, now_ms)
    }

    /// Whether cards may be issued now: the game is not over, and no ball has been called unless
    /// late entry is allowed.
    pub fn sales_open(&self) -> bool {
        self.state != GameState::Finished && (!self.selling_late() || self.config.late_entry)
    }

    /// Whether a card issued now is late: a ball stands, or sales closed (a game that sells
    /// closes them at its first ball, and a voided first ball does not reopen them: the prizes
    /// were fixed by the takings then).
    pub(super) fn selling_late(&self) -> bool {
        self.calls.count() > 0 || self.sales_are_closed()
    }

    /// Checks and records one `cards_issued` event (from a command or a stored log).
    pub(super) fn apply_issue(&mut self, first: u64, last: u64, late: bool) -> Result<(), GameError> {
        if !self.config.cards_in_ledger {
            return Err(self.broken("this game's log does not record issued cards"));
        }
        if self.state == GameState::Finished {
            return Err(GameError::WrongState { action: "issue cards", state: self.state });
        }
        let after_call = self.calls.count();
        if !self.sales_open() {
            return Err(GameError::SalesClosed { after_call });
        }
        if late != self.selling_late() {
            return Err(self.broken(format!(
                "cards issued after {after_call} calls{} must be marked late={}",
                if self.sales_are_closed() { ", with sales closed," } else { "" },
                self.selling_late()
            )));
        }
        if first > last || last - first >= MAX_ISSUE {
            return Err(self.broken(format!("{first}..={last} is not a range of at most {MAX_ISSUE} serials")));
        }
        self.deck.card(last)?;
        if self.issued.overlaps(first, last) {
            return Err(GameError::AlreadyIssued { first, last });
        }
        self.issued.insert(IssuedRange { first, last, after_call });
        Ok(())
    }

    /// When `serial` was issued; `Ok(None)` for a game whose log does not record cards.
    pub(super) fn issue_of(&self, serial: u64) -> Result<Option<IssuedRange>, GameError> {
        if !self.config.cards_in_ledger {
            return Ok(None);
        }
        self.issued.find(serial).map(Some).ok_or(GameError::NotIssued { serial })
    }
}

#[cfg(test)]
mod tests;
