//! What the fairness tools accept on the command line (docs/FAIRNESS.md, section 2): counts and
//! serials, ball lists, card ranges. Seeds, commitments and kinds parse with `FromStr`. Here
//! rather than in the binary so that the fuzz targets (fuzz/) run exactly the tools' parsing.

use crate::kind::GameKind;
use std::ops::RangeInclusive;

/// A count or serial refused: the text is not plain decimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("decimal digits only (no sign, spaces or other characters)")]
    NotDigits,
    #[error("no leading zeros")]
    LeadingZero,
    #[error("at most {}", u64::MAX)]
    TooLarge,
}

/// A count or serial: decimal digits only, without a sign or leading zeros, so that "+5" and "05"
/// are refused as the ball lists' items are.
pub fn decimal(text: &str) -> Result<u64, DecimalError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::NotDigits);
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(DecimalError::LeadingZero);
    }
    text.parse().map_err(|_| DecimalError::TooLarge)
}

/// Why one item of a ball list is not a ball of the game.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallError {
    #[error("is empty (two commas together, or a comma at the start or end)")]
    Empty,
    #[error("is not a ball number: decimal digits only, no signs or spaces")]
    NotDigits,
    #[error("has a leading zero")]
    LeadingZero,
    #[error("is not a ball of a {kind}-ball game (1 to {})", kind.balls())]
    OutOfRange { kind: GameKind },
}

/// A list of balls called that no game could have called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawsError {
    #[error("the list is empty")]
    Empty,
    /// `index` counts items from 1.
    #[error("item {index} ({item:?}) {why}")]
    Item { index: usize, item: String, why: BallError },
    #[error("ball {ball} is listed twice (items {first} and {second}); a ball is called once")]
    Twice { ball: u8, first: usize, second: usize },
}

/// One item of a ball list: a ball of the kind, written plainly (no sign, no leading zero).
pub fn ball(item: &str, kind: GameKind) -> Result<u8, BallError> {
    if item.is_empty() {
        return Err(BallError::Empty);
    }
    if !item.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BallError::NotDigits);
    }
    if item.len() > 1 && item.starts_with('0') {
        return Err(BallError::LeadingZero);
    }
    // More than three digits is out of range whatever they are (and would not fit a u8).
    item.parse::<u8>().ok().filter(|n| (1..=kind.balls()).contains(n)).ok_or(BallError::OutOfRange { kind })
}

/// The balls called, in order, separated by commas: each a ball of `kind`, none twice.
pub fn draws(list: &str, kind: GameKind) -> Result<Vec<u8>, DrawsError> {
    if list.is_empty() {
        return Err(DrawsError::Empty);
    }
    let mut called = Vec::new();
    let mut item_of = [0usize; 256];
    for (i, item) in list.split(',').enumerate() {
        let index = i + 1;
        let ball = ball(item, kind).map_err(|why| DrawsError::Item { index, item: item.to_string(), why })?;
        match item_of[usize::from(ball)] {
            0 => item_of[usize::from(ball)] = index,
            first => return Err(DrawsError::Twice { ball, first, second: index }),
        }
        called.push(ball);
    }
    Ok(called)
}

/// `count` cards from serial `from` are not all cards of the deck.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("the count must be at least 1")]
    NoCards,
    /// `last` in u128: the range asked for may end past u64::MAX.
    #[error("serials {from} to {last} are not all cards: serials run from 1 to {capacity}")]
    OutOfDeck { from: u64, last: u128, capacity: u64 },
}

/// The serials `from..from + count` of a deck of `capacity` cards (serials start at 1).
pub fn card_range(from: u64, count: u64, capacity: u64) -> Result<RangeInclusive<u64>, RangeError> {
    if count == 0 {
        return Err(RangeError::NoCards);
    }
    let last = from.checked_add(count - 1).filter(|&last| from >= 1 && last <= capacity);
    match last {
        Some(last) => Ok(from..=last),
        None => Err(RangeError::OutOfDeck { from, last: u128::from(from) + u128::from(count) - 1, capacity }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_plain_digits() {
        assert_eq!(decimal("0"), Ok(0));
        assert_eq!(decimal("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(decimal("18446744073709551616"), Err(DecimalError::TooLarge));
        assert_eq!(decimal("05"), Err(DecimalError::LeadingZero));
        for refused in ["", "+5", "-1", " 5", "5 ", "٣"] {
            assert_eq!(decimal(refused), Err(DecimalError::NotDigits), "{refused:?}");
        }
    }

    #[test]
    fn ball_lists_are_plain_distinct_balls_of_the_kind() {
        assert_eq!(draws("20,42,71", GameKind::Ball75), Ok(vec![20, 42, 71]));
        assert_eq!(draws("90,1", GameKind::Ball90), Ok(vec![90, 1]));
        let refused = |list: &str, kind| draws(list, kind).unwrap_err().to_string();
        assert_eq!(draws("", GameKind::Ball75), Err(DrawsError::Empty));
        assert!(refused("20,,42", GameKind::Ball75).contains("item 2 (\"\") is empty"));
        assert!(refused("20,42,", GameKind::Ball75).contains("item 3 (\"\") is empty"));
        assert!(refused(",20", GameKind::Ball75).contains("item 1 (\"\") is empty"));
        assert!(refused("+20", GameKind::Ball75).contains("not a ball number"));
        assert!(refused("20, 42", GameKind::Ball75).contains("item 2 (\" 42\") is not a ball number"));
        assert!(refused("-1", GameKind::Ball75).contains("not a ball number"));
        assert!(refused("020", GameKind::Ball75).contains("leading zero"));
        assert!(refused("0", GameKind::Ball75).contains("(1 to 75)"));
        assert!(refused("76", GameKind::Ball75).contains("not a ball of a 75-ball game (1 to 75)"));
        assert!(refused("31", GameKind::Ball30).contains("(1 to 30)"));
        assert!(refused("256", GameKind::Ball90).contains("(1 to 90)"));
        assert!(refused("99999999999999999999999", GameKind::Ball90).contains("(1 to 90)"));
        assert!(refused("5,20,5", GameKind::Ball75).contains("ball 5 is listed twice (items 1 and 3)"));
    }

    #[test]
    fn card_ranges_stay_inside_the_deck() {
        assert_eq!(card_range(1, 6, 10), Ok(1..=6));
        assert_eq!(card_range(10, 1, 10), Ok(10..=10));
        assert_eq!(card_range(1, 0, 10), Err(RangeError::NoCards));
        assert!(matches!(card_range(0, 1, 10), Err(RangeError::OutOfDeck { last: 0, .. })));
        assert!(matches!(card_range(10, 2, 10), Err(RangeError::OutOfDeck { last: 11, .. })));
        let past_the_end = card_range(u64::MAX, 3, u64::MAX);
        assert!(matches!(past_the_end, Err(RangeError::OutOfDeck { last, .. }) if last == u128::from(u64::MAX) + 2));
    }
}
