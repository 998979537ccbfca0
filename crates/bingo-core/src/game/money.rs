//! A game's money: ticket sales into the takings, prizes fixed when sales close, and the snowball
//! (see `crate::sales`). Every figure is checked again when a log is replayed.

use super::{Game, GameError, GameState};
use crate::config::MAX_PRIZE;
use crate::event::{Channel, Event, EventKind, Share};
use crate::prize;
use crate::sales::{price_issue, Sales, SnowballOffer};

/// What the game's sales and snowball have come to so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Till {
    sales: Sales,
    /// Each stage's prize once sales closed.
    prizes: Option<Vec<u64>>,
    /// The call on which the last stage was won, once it was.
    final_call: Option<u16>,
    snowball_settled: bool,
}

impl Game {
    /// The game's sales as they stand, with each stage's prize (final once sales closed).
    pub fn sales(&self) -> Sales {
        let mut sales = self.till.sales.clone();
        sales.currency = self.config.currency.clone();
        sales.closed = self.till.prizes.is_some();
        sales.pool = match &self.till.prizes {
            Some(prizes) => prizes.clone(),
            None => self.prizes_for(sales.takings),
        };
        sales
    }

    /// Each stage's prize with `takings` in the pool.
    fn prizes_for(&self, takings: u64) -> Vec<u64> {
        self.config.stages.iter().map(|s| s.share.map_or(s.prize, |share| share.prize(takings))).collect()
    }

    /// The prize of stage `stage`: fixed at the close of sales, or the stage's fixed amount.
    pub(super) fn stage_prize(&self, stage: usize) -> u64 {
        match &self.till.prizes {
            Some(prizes) => prizes.get(stage).copied().unwrap_or(0),
            None => self.config.stages.get(stage).map_or(0, |s| s.prize),
        }
    }

    /// The `sales_closed` event due before the first ball, if the game sells or shares.
    pub(super) fn close_sales(&self) -> Option<EventKind> {
        let due = self.config.has_sales() && self.calls.count() == 0 && self.till.prizes.is_none();
        due.then(|| EventKind::SalesClosed {
            takings: self.till.sales.takings,
            prizes: self.prizes_for(self.till.sales.takings),
        })
    }

    /// Records paper cards `first..=last` sold as `books` books (each `book_cards` cards).
    pub fn issue_books(&mut self, first: u64, last: u64, books: u32, now_ms: i64) -> Result<Vec<Event>, GameError> {
        let late = self.selling_late();
        let kind = EventKind::CardsIssued { first, last, channel: Channel::Paper, late, books: Some(books) };
        self.emit(vec![kind], now_ms)
    }

    /// Starts the game with the hall's snowball offered at `pot` (a game with a snowball rule).
    pub fn start_with_snowball(&mut self, pot: u64, now_ms: i64) -> Result<Vec<Event>, GameError> {
        self.require("start the game", &[GameState::Created, GameState::Open])?;
        let rule = self.config.snowball.ok_or_else(|| GameError::InvalidConfig("this game has no snowball".into()))?;
        if pot > MAX_PRIZE {
            return Err(GameError::InvalidConfig(format!("a snowball pot is at most {MAX_PRIZE} minor units")));
        }
        let offer = EventKind::SnowballOffered { pot, within: rule.within };
        self.emit(vec![offer, EventKind::GameStarted], now_ms)
    }

    /// The snowball's outcome, due at the end of a game that offered it.
    pub(super) fn snowball_outcome(&self) -> Option<EventKind> {
        let offer = self.till.sales.snowball?;
        let rule = self.config.snowball?;
        if self.till.snowball_settled {
            return None;
        }
        let won = self.till.final_call.filter(|&call| call <= offer.within).and(self.results.last());
        Some(match won {
            Some(result) if result.stage + 1 == self.patterns.len() => {
                let (amounts, house) = prize::split(offer.pot, result.winners.len(), self.config.remainder);
                let winners = result
                    .winners
                    .iter()
                    .zip(amounts)
                    .map(|(w, amount)| Share { serial: w.serial, amount, name: w.name.clone() })
                    .collect();
                EventKind::SnowballWon { pot: offer.pot, winners, house, next_pot: rule.reset_to }
            }
            _ => EventKind::SnowballCarried {
                pot: offer.pot,
                next_pot: rule.carried(offer.pot, self.till.sales.takings),
            },
        })
    }

    /// Checks and records a `cards_issued` event's sale.
    pub(super) fn apply_sale(
        &mut self,
        first: u64,
        last: u64,
        channel: Channel,
        books: Option<u32>,
    ) -> Result<(), GameError> {
        let cards = last - first + 1;
        let priced = match &self.config.tickets {
            Some(prices) => price_issue(prices, self.config.kind, cards, books).map_err(|e| self.broken(e))?,
            None if books.is_some() => return Err(self.broken("books were sold in a game without ticket prices")),
            None => crate::sales::Priced { singles: cards, ..Default::default() },
        };
        // apply_issue, before this, checked the event's `late` against the game.
        let late = self.selling_late();
        let sales = &self.till.sales;
        let takings = if late { sales.late_takings } else { sales.takings };
        let total = takings.checked_add(priced.amount).filter(|&t| t <= MAX_PRIZE);
        let total = total.ok_or_else(|| self.broken("the takings exceed what a prize can hold"))?;
        let sales = &mut self.till.sales;
        if late {
            sales.late_takings = total;
            sales.late_cards += cards;
        } else {
            sales.takings = total;
        }
        sales.cards += cards;
        match channel {
            Channel::Phone => sales.phone_cards += cards,
            Channel::Paper => sales.paper_cards += cards,
        }
        sales.singles += priced.singles;
        sales.strips += priced.strips;
        sales.books += priced.books;
        Ok(())
    }

    /// Applies a money event (sales closed, the snowball), checking its figures.
    pub(super) fn apply_money(&mut self, event: &EventKind) -> Result<(), GameError> {
        match event {
            EventKind::SalesClosed { .. } => {
                if self.state != GameState::Running || self.close_sales().as_ref() != Some(event) {
                    return Err(self.broken("sales_closed does not match the sales, or comes at the wrong time"));
                }
                let EventKind::SalesClosed { prizes, .. } = event else { unreachable!("matched above") };
                self.till.prizes = Some(prizes.clone());
            }
            EventKind::SnowballOffered { pot, within } => {
                let rule = self.config.snowball.ok_or_else(|| self.broken("a snowball in a game without one"))?;
                let ok = matches!(self.state, GameState::Created | GameState::Open)
                    && self.till.sales.snowball.is_none()
                    && *within == rule.within
                    && *pot <= MAX_PRIZE;
                if !ok {
                    return Err(self.broken("the snowball is offered once, before the game starts, by its rule"));
                }
                self.till.sales.snowball = Some(SnowballOffer { pot: *pot, within: *within });
            }
            EventKind::SnowballWon { .. } | EventKind::SnowballCarried { .. } => {
                if self.state == GameState::Finished
                    || !self.pending.is_empty()
                    || self.snowball_outcome().as_ref() != Some(event)
                {
                    return Err(self.broken("the snowball's outcome differs from the game's"));
                }
                self.till.snowball_settled = true;
            }
            _ => return Err(self.broken("not a money event")),
        }
        Ok(())
    }

    /// Whether sales closed (`sales_closed` fixed the prizes).
    pub(super) fn sales_are_closed(&self) -> bool {
        self.till.prizes.is_some()
    }

    /// The snowball's outcome closes the game: after it only `game_finished` (and the seed) may
    /// come, and a game that offered the snowball may not end without it. So an outcome cannot be
    /// recorded early (a "carried" before the full house) or left out.
    pub(super) fn check_snowball_order(&self, event: &EventKind) -> Result<(), GameError> {
        let ends = matches!(event, EventKind::GameFinished | EventKind::SeedRevealed { .. });
        if self.till.snowball_settled && !ends {
            return Err(self.broken(format!("{} after the snowball's outcome, which ends the game", event.name())));
        }
        let offered = self.till.sales.snowball.is_some();
        if matches!(event, EventKind::GameFinished) && offered && !self.till.snowball_settled {
            return Err(self.broken("a game that offered the snowball ended without its outcome"));
        }
        Ok(())
    }

    /// Notes the call on which the last stage was won (for the snowball).
    pub(super) fn note_stage_won(&mut self, stage: usize) {
        if stage + 1 == self.patterns.len() {
            self.till.final_call = Some(self.last_accept_call);
        }
    }

    /// Whether the first ball may be called: a game with sales closes them first.
    pub(super) fn sales_closed_before_first_ball(&self) -> bool {
        !(self.config.has_sales() && self.calls.count() == 0 && self.till.prizes.is_none())
    }
}

#[cfg(test)]
mod tests;
