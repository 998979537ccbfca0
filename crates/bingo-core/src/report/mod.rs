//! The end-of-game report: what a treasurer or licence holder needs after a game (the game, the
//! cards issued by channel, the balls, every prize paid and to whom, the house's part, the claims,
//! the commitment and the seed), derived from the game's events alone. So every figure is one
//! that `bingo verify --ledger` checks: anyone holding the ledger file derives the same report.
//!
//! Deriving never panics, whatever the events (a report is also made from files); it does not
//! check the rules itself (that is `Game::verify_log`), so a report of an unverified log states
//! only what that log says.

mod csv;
mod derive;
mod money;
pub mod session;
mod text;

pub use csv::to_csv;
pub use money::{civil_from_days, format_minor, format_utc};
pub use session::{session_to_csv, SessionReport, SessionTotals};
pub use text::to_text;

use crate::config::DrawMode;
use crate::event::Channel;
use crate::kind::GameKind;
use crate::seed::{Commitment, Seed};
use serde::{Deserialize, Serialize};

/// How anyone holding the ledger file checks every figure of the report.
pub const VERIFY_COMMAND: &str = "bingo verify --ledger FILE";

/// The report of one game.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The game's id (from the ledger file that holds the events).
    pub game_id: String,
    pub game: GameFacts,
    pub cards: CardsIssued,
    pub balls: Balls,
    /// Every share of every prize, stage by stage, in claim order.
    pub prizes: Vec<PrizePaid>,
    /// The minor units of a prize that did not divide evenly and were kept by the house (only
    /// stages where some were).
    pub house: Vec<HouseKept>,
    /// The sum of `prizes`.
    pub total_paid: Amount,
    /// The sum of `house`.
    pub total_house: Amount,
    pub claims: ClaimCounts,
    /// Tickets sold and takings, for a game with ticket prices or prizes from takings.
    pub sales: Option<SalesReport>,
    /// The snowball, if the game offered it.
    pub snowball: Option<SnowballReport>,
    pub fairness: Fairness,
}

/// A game's sales from its `cards_issued` and `sales_closed` events.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    /// Tickets sold one by one, as 90-ball strips, and as books.
    pub singles: u64,
    pub strips: u64,
    pub books: u64,
    /// Takings before the first ball (the pool's base) and after it (late entry).
    pub takings: Amount,
    pub late_takings: Amount,
    /// Whether sales closed (at the first ball), fixing each stage's prize.
    pub closed: bool,
}

/// The snowball in one game: offered at `pot`, then won or carried.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnowballReport {
    pub pot: Amount,
    /// A full house on or before this call wins it.
    pub within: u16,
    pub outcome: SnowballOutcome,
    /// The winners' shares, if won.
    pub winners: Vec<PrizePaid>,
    /// What the house kept of a won pot that did not divide evenly (with the `house` rule).
    pub house: Amount,
    /// The pot the next game starts from (none while the game is not over).
    pub next_pot: Option<Amount>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnowballOutcome {
    /// Offered, and the game is not over.
    Open,
    Won,
    Carried,
}

/// What the game was, from its creation, and when it started and ended.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameFacts {
    pub kind: GameKind,
    /// The game's name, if it was given one (untrusted text: show it as text).
    pub name: Option<String>,
    /// ISO 4217 code of the prizes' currency; none: amounts are plain minor units.
    pub currency: Option<String>,
    pub draw_mode: DrawMode,
    /// Whether the log records every card issued (games made before that do not).
    pub cards_recorded: bool,
    pub stages: Vec<StageFacts>,
    /// Unix time in milliseconds of the creation, the first `game_started` and `game_finished`.
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
}

/// One stage as configured.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFacts {
    /// From 1.
    pub stage: u64,
    /// The pattern's name ("One line"; a custom pattern's name is the host's text).
    pub pattern: String,
    /// The prize: fixed at the close of sales for a share of takings, else the stage's amount.
    pub prize: Amount,
    /// The share of takings the prize was (with its minimum), if it was one.
    pub share: Option<crate::sales::PrizeShare>,
}

/// An amount of money: minor units (pence, cents) and as written for people ("£5.00").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub minor: u64,
    pub text: String,
}

impl Amount {
    pub fn new(minor: u64, currency: Option<&str>) -> Amount {
        Amount { minor, text: format_minor(minor, currency) }
    }
}

/// The cards issued (`cards_issued` events).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardsIssued {
    pub total: u64,
    pub phone: u64,
    pub paper: u64,
    /// Issued after the first ball (either channel).
    pub late: u64,
    /// Each issue in log order.
    pub issues: Vec<Issue>,
}

/// One `cards_issued` event: cards `first..=last`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub first: u64,
    pub last: u64,
    pub count: u64,
    pub channel: Channel,
    pub late: bool,
    /// How many balls had been called when the cards were issued.
    pub after_call: u16,
}

/// The balls called.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balls {
    /// How many stand (voided calls not counted).
    pub called: u16,
    /// The balls that stand, in order (the first is call 1).
    pub numbers: Vec<u8>,
    /// Manual calls taken back, in order.
    pub voided: Vec<VoidedCall>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidedCall {
    pub call: u16,
    pub number: u8,
}

/// One winner's share of a stage's prize.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizePaid {
    /// From 1.
    pub stage: u64,
    pub pattern: String,
    /// The winning card's serial.
    pub serial: u64,
    /// The winner's name as the claim recorded it (untrusted text), if one was given.
    pub name: Option<String>,
    pub amount: Amount,
    /// The call on which the claim was accepted, and that call's ball (none only in a log whose
    /// settlement names a card with no accepted claim, which `bingo verify` refuses).
    pub call: Option<u16>,
    pub ball: Option<u8>,
}

/// What the house kept of a stage's prize.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseKept {
    /// From 1.
    pub stage: u64,
    pub pattern: String,
    pub amount: Amount,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// How many claims the game accepted and rejected.
pub struct ClaimCounts {
    pub accepted: u64,
    pub rejected: u64,
}

/// What makes the draw checkable.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fairness {
    pub commitment: Commitment,
    /// None until the game has ended and revealed it.
    pub seed: Option<Seed>,
    /// The command that checks the ledger file, and so this report ([`VERIFY_COMMAND`]).
    pub verify: String,
}

/// The events cannot make a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("the log does not begin with the game's creation, so there is no game to report")]
    NoGame,
}

impl Report {
    /// The report of game `game_id` from its events, in log order.
    pub fn from_events(game_id: &str, events: &[crate::Event]) -> Result<Report, ReportError> {
        derive::report(game_id, events)
    }
}

#[cfg(test)]
mod tests;
