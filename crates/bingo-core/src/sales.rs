//! Ticket sales, prize pools and the snowball: the money of a game, all derived from its log.
//!
//! The prices are in the game's settings and every card issued is a `cards_issued` event, so a
//! game's takings follow from its log alone; a stage's prize may be a share of them (with a
//! guaranteed minimum), fixed when sales close at the first ball (`sales_closed` records the
//! figures, and replaying the log recomputes them). The snowball (the hall's jackpot) is offered
//! with its pot before the first ball and, at the end, either won by a full house on or before
//! call `within` or carried to the next game grown by its rule; both are events.

use crate::config::MAX_PRIZE;
use crate::kind::GameKind;
use serde::{Deserialize, Serialize};

/// What tickets cost, in minor units. A missing field is 0.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketPrices {
    /// One card (a single ticket).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub card: u64,
    /// A 90-ball strip of six tickets (0: not sold as strips, six cards cost six singles).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub strip: u64,
    /// This game's part of a book's price (a book holds cards for every game of a session).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub book: u64,
    /// The cards one book holds in this game (0 when books are not sold).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 120))]
    pub book_cards: u16,
}

/// A stage's prize as a share of the game's takings, never less than `minimum`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrizeShare {
    /// Basis points of the takings: 3000 is 30 %.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub percent_bps: u16,
    /// The guaranteed prize, in minor units, however few tickets sold.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub minimum: u64,
}

/// The hall's jackpot in this game: a full house claimed on or before call `within` wins the pot;
/// otherwise it carries, grown by `grows_by` plus `grows_share_bps` of this game's takings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnowballRule {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 90))]
    pub within: u16,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub grows_by: u64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 10000))]
    pub grows_share_bps: u16,
    /// The pot after it is won.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub reset_to: u64,
}

/// The snowball offered in a game.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnowballOffer {
    pub pot: u64,
    pub within: u16,
}

/// A game's sales as they stand: what the Console's Sales panel shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sales {
    pub currency: Option<String>,
    /// Sales closed with the first ball: the pool below is final.
    pub closed: bool,
    pub cards: u64,
    pub phone_cards: u64,
    pub paper_cards: u64,
    /// Cards issued after the first ball (late entry); their money is not in the pool.
    pub late_cards: u64,
    /// Tickets sold one by one, 90-ball strips, and books.
    pub singles: u64,
    pub strips: u64,
    pub books: u64,
    /// Takings before the first ball: the prize pool's base.
    pub takings: u64,
    pub late_takings: u64,
    /// Each stage's prize: final once `closed`, else what it would be with the takings so far.
    pub pool: Vec<u64>,
    pub snowball: Option<SnowballOffer>,
}

impl TicketPrices {
    pub fn check(&self, kind: GameKind) -> Result<(), String> {
        if [self.card, self.strip, self.book].iter().any(|&p| p > MAX_PRIZE) {
            return Err(format!("a ticket price is at most {MAX_PRIZE} minor units"));
        }
        if self.strip > 0 && kind != GameKind::Ball90 {
            return Err("strips are sold only in 90-ball games".into());
        }
        if self.book_cards > crate::config::MAX_CARDS_PER_PLAYER {
            return Err(format!("a book holds at most {} cards per game", crate::config::MAX_CARDS_PER_PLAYER));
        }
        Ok(())
    }
}

impl PrizeShare {
    pub fn check(&self) -> Result<(), String> {
        if !(1..=10_000).contains(&self.percent_bps) {
            return Err("a prize's share of takings is 0.01 % to 100 % (1 to 10000 basis points)".into());
        }
        if self.minimum > MAX_PRIZE {
            return Err(format!("a prize's minimum is at most {MAX_PRIZE} minor units"));
        }
        Ok(())
    }

    /// The prize for `takings`: the share, rounded down to a whole unit, or the minimum.
    pub fn prize(&self, takings: u64) -> u64 {
        share_of(takings, self.percent_bps).max(self.minimum)
    }
}

impl SnowballRule {
    pub fn check(&self, kind: GameKind) -> Result<(), String> {
        if self.within == 0 || self.within > u16::from(kind.balls()) {
            return Err(format!("a snowball's call limit is 1 to {} in this game", kind.balls()));
        }
        if self.grows_share_bps > 10_000 {
            return Err("a snowball grows by at most 100 % of takings (10000 basis points)".into());
        }
        if self.grows_by > MAX_PRIZE || self.reset_to > MAX_PRIZE {
            return Err(format!("snowball amounts are at most {MAX_PRIZE} minor units"));
        }
        Ok(())
    }

    /// The pot carried to the next game when this one's is not won.
    pub fn carried(&self, pot: u64, takings: u64) -> u64 {
        pot.saturating_add(self.grows_by).saturating_add(share_of(takings, self.grows_share_bps)).min(MAX_PRIZE)
    }
}

/// `bps` basis points of `amount`, rounded down, at most `MAX_PRIZE`.
fn share_of(amount: u64, bps: u16) -> u64 {
    let share = u128::from(amount) * u128::from(bps) / 10_000;
    u64::try_from(share).unwrap_or(u64::MAX).min(MAX_PRIZE)
}

/// Splits a session's book price over its `games` games exactly: the first games get the units
/// that do not divide evenly.
pub fn split_book_price(book: u64, games: usize) -> Vec<u64> {
    crate::prize::split(book, games, crate::prize::Remainder::FirstClaims).0
}

/// What one `cards_issued` event sold: its tickets by kind and their price.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Priced {
    pub singles: u64,
    pub strips: u64,
    pub books: u64,
    pub amount: u64,
}

/// Prices `cards` cards issued at once: as `books` books, or else card by card, where in 90-ball
/// with a strip price every six cards are a strip.
pub fn price_issue(prices: &TicketPrices, kind: GameKind, cards: u64, books: Option<u32>) -> Result<Priced, String> {
    let overflow = || "the takings exceed what a prize can hold".to_string();
    if let Some(books) = books {
        let per_book = u64::from(prices.book_cards);
        if books == 0 || per_book == 0 || u64::from(books) * per_book != cards {
            return Err(format!("{cards} cards are not {books} books of {per_book} cards"));
        }
        let amount = u64::from(books).checked_mul(prices.book).ok_or_else(overflow)?;
        return Ok(Priced { books: u64::from(books), amount, ..Priced::default() });
    }
    let (strips, singles) = match (kind, prices.strip) {
        (GameKind::Ball90, strip) if strip > 0 => (cards / 6, cards % 6),
        _ => (0, cards),
    };
    let amount = strips
        .checked_mul(prices.strip)
        .and_then(|s| singles.checked_mul(prices.card).and_then(|c| c.checked_add(s)))
        .ok_or_else(overflow)?;
    Ok(Priced { singles, strips, books: 0, amount })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_never_falls_below_its_minimum_and_rounds_down() {
        let share = PrizeShare { percent_bps: 3000, minimum: 1000 };
        assert_eq!(share.prize(0), 1000);
        assert_eq!(share.prize(10_001), 3000);
        assert_eq!(share.prize(u64::MAX), MAX_PRIZE);
    }

    #[test]
    fn strips_books_and_singles_are_priced_by_their_own_price() {
        let prices = TicketPrices { card: 100, strip: 500, book: 700, book_cards: 6 };
        let ninety = GameKind::Ball90;
        assert_eq!(
            price_issue(&prices, ninety, 13, None).unwrap(),
            Priced { singles: 1, strips: 2, books: 0, amount: 1100 }
        );
        assert_eq!(price_issue(&prices, GameKind::Ball75, 13, None).unwrap().amount, 1300);
        assert_eq!(
            price_issue(&prices, ninety, 12, Some(2)).unwrap(),
            Priced { books: 2, amount: 1400, ..Priced::default() }
        );
        assert!(price_issue(&prices, ninety, 13, Some(2)).is_err(), "13 cards are not two books of six");
        let dear = TicketPrices { card: u64::MAX, ..prices };
        assert!(price_issue(&dear, GameKind::Ball75, 2, None).is_err(), "overflow is refused");
    }

    #[test]
    fn a_book_price_splits_exactly_over_the_games() {
        assert_eq!(split_book_price(1000, 3), vec![334, 333, 333]);
        assert_eq!(split_book_price(1000, 3).iter().sum::<u64>(), 1000);
    }

    #[test]
    fn a_carried_snowball_grows_by_its_rule() {
        let rule = SnowballRule { within: 50, grows_by: 500, grows_share_bps: 1000, reset_to: 10_000 };
        assert_eq!(rule.carried(20_000, 12_345), 20_000 + 500 + 1234);
        assert!(rule.check(GameKind::Ball90).is_ok());
        assert!(SnowballRule { within: 91, ..rule }.check(GameKind::Ball90).is_err());
    }
}
