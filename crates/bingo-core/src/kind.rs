//! The kinds of bingo the engine plays and the shape of their cards.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A kind of bingo, named by its number of balls.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GameKind {
    /// US bingo: 5x5 card, columns B I N G O, free centre.
    #[serde(rename = "75")]
    Ball75,
    /// UK bingo (housie, tambola): 3x9 tickets in strips of six.
    #[serde(rename = "90")]
    Ball90,
    /// 4x4 card, four columns of twenty.
    #[serde(rename = "80")]
    Ball80,
    /// Speed bingo: 3x3 card.
    #[serde(rename = "30")]
    Ball30,
}

/// One card column: its numbers `lo..=hi` and how many of them a card holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub lo: u8,
    pub hi: u8,
    pub cells: u8,
}

impl Column {
    pub const fn size(self) -> u8 {
        self.hi - self.lo + 1
    }
}

const fn col(lo: u8, hi: u8, cells: u8) -> Column {
    Column { lo, hi, cells }
}

const COLUMNS_75: [Column; 5] = [col(1, 15, 5), col(16, 30, 5), col(31, 45, 4), col(46, 60, 5), col(61, 75, 5)];
const COLUMNS_80: [Column; 4] = [col(1, 20, 4), col(21, 40, 4), col(41, 60, 4), col(61, 80, 4)];
const COLUMNS_30: [Column; 3] = [col(1, 10, 3), col(11, 20, 3), col(21, 30, 3)];
/// 90-ball column ranges; a ticket holds one to three numbers of each column.
pub const COLUMNS_90: [Column; 9] = [
    col(1, 9, 0),
    col(10, 19, 0),
    col(20, 29, 0),
    col(30, 39, 0),
    col(40, 49, 0),
    col(50, 59, 0),
    col(60, 69, 0),
    col(70, 79, 0),
    col(80, 90, 0),
];

impl GameKind {
    pub const ALL: [GameKind; 4] = [GameKind::Ball75, GameKind::Ball90, GameKind::Ball80, GameKind::Ball30];

    /// How many balls the game draws from: the highest number.
    pub const fn balls(self) -> u8 {
        match self {
            GameKind::Ball75 => 75,
            GameKind::Ball90 => 90,
            GameKind::Ball80 => 80,
            GameKind::Ball30 => 30,
        }
    }

    pub const fn rows(self) -> u8 {
        match self {
            GameKind::Ball75 => 5,
            GameKind::Ball90 => 3,
            GameKind::Ball80 => 4,
            GameKind::Ball30 => 3,
        }
    }

    pub const fn cols(self) -> u8 {
        match self {
            GameKind::Ball75 => 5,
            GameKind::Ball90 => 9,
            GameKind::Ball80 => 4,
            GameKind::Ball30 => 3,
        }
    }

    pub const fn cell_count(self) -> u8 {
        self.rows() * self.cols()
    }

    /// The card columns; for 90-ball `cells` is 0 because tickets vary (see `card::strip90`).
    pub fn columns(self) -> &'static [Column] {
        match self {
            GameKind::Ball75 => &COLUMNS_75,
            GameKind::Ball90 => &COLUMNS_90,
            GameKind::Ball80 => &COLUMNS_80,
            GameKind::Ball30 => &COLUMNS_30,
        }
    }

    /// The column a number belongs to, if the number is in range.
    pub fn column_of(self, number: u8) -> Option<usize> {
        self.columns().iter().position(|c| (c.lo..=c.hi).contains(&number))
    }

    /// The short name used on the command line and in JSON: "75", "90", "80", "30".
    pub const fn as_str(self) -> &'static str {
        match self {
            GameKind::Ball75 => "75",
            GameKind::Ball90 => "90",
            GameKind::Ball80 => "80",
            GameKind::Ball30 => "30",
        }
    }
}

impl fmt::Display for GameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the kinds "75", "90", "80", "30".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown game kind {0:?}: expected 75, 90, 80 or 30")]
pub struct UnknownKind(pub String);

impl FromStr for GameKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GameKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_cover_every_ball_once() {
        for kind in GameKind::ALL {
            let mut next = 1;
            for c in kind.columns() {
                assert_eq!(c.lo, next);
                next = c.hi + 1;
            }
            assert_eq!(next - 1, kind.balls());
            for n in 1..=kind.balls() {
                assert!(kind.column_of(n).is_some());
            }
            assert_eq!(kind.column_of(0), None);
            assert_eq!(kind.column_of(kind.balls() + 1), None);
        }
    }

    #[test]
    fn parses_its_own_names() {
        for kind in GameKind::ALL {
            assert_eq!(kind.as_str().parse::<GameKind>(), Ok(kind));
        }
        assert!("76".parse::<GameKind>().is_err());
        assert!(" 75".parse::<GameKind>().is_err(), "exactly the name, no whitespace");
    }
}
