//! The domain events of a game: the one vocabulary that storage, the event bus, the WebSocket
//! protocol and the apps share. A game's events, in order, are its complete history.

use crate::config::GameConfig;
use crate::seed::{Commitment, Seed};
use serde::{Deserialize, Serialize};

/// One event of one game. `seq` counts from 1 with no gaps.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The event's place in its game's log, from 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub seq: u64,
    /// When it happened: Unix time in milliseconds, given by the caller of the engine.
    pub at_ms: i64,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The game exists; `commitment` is published now, the seed only at the end.
    GameCreated {
        config: GameConfig,
        commitment: Commitment,
    },
    /// Players may join.
    GameOpened,
    /// Balls may be called.
    GameStarted,
    /// Cards `first..=last` were issued: joined on a phone or printed on paper. `late` when issued
    /// after the first ball (only in a game that allows late entry).
    CardsIssued {
        first: u64,
        last: u64,
        channel: Channel,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        late: bool,
        /// Sold as this many books (paper, at a book's price), not card by card.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        books: Option<u32>,
    },
    /// Sales closed with the first ball: the takings so far and each stage's prize, now fixed
    /// (a share of the takings with its minimum, or the fixed amount).
    SalesClosed {
        takings: u64,
        prizes: Vec<u64>,
    },
    /// The hall's snowball is played in this game for `pot`: a full house on or before call
    /// `within` wins it.
    SnowballOffered {
        pot: u64,
        within: u16,
    },
    /// The full house came in time: the pot shared by its winners; the next game's pot starts at
    /// `next_pot`.
    SnowballWon {
        pot: u64,
        winners: Vec<Share>,
        house: u64,
        next_pot: u64,
    },
    /// Not won: the pot carries to the next game, grown to `next_pot`.
    SnowballCarried {
        pot: u64,
        next_pot: u64,
    },
    /// Ball `number` is call number `call` (from 1, no gaps).
    BallCalled {
        call: u16,
        number: u8,
    },
    /// A mis-keyed manual call was taken back before the next ball; call number `call` is free again.
    BallVoided {
        call: u16,
        number: u8,
    },
    /// Card `serial` wins stage `stage` (from 0).
    ClaimAccepted {
        serial: u64,
        stage: usize,
        /// The index of the pattern alternative completed, and its label ("row 2").
        alternative: usize,
        label: String,
        /// The completing numbers and their cells (row, column from 0).
        numbers: Vec<u8>,
        cells: Vec<(u8, u8)>,
        /// The call on which the card completed the pattern, and the call when it claimed.
        completed_at: u16,
        call: u16,
        /// Who claimed: the player's nickname, or the name the caller wrote for a paper card.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A claim that does not win, with the reason in words a caller can read out.
    ClaimRejected {
        serial: u64,
        stage: usize,
        reason: RejectReason,
        message: String,
        call: u16,
        /// Who claimed, as on `claim_accepted`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Stage `stage` is settled: its winners in claim order with their shares of `prize`.
    StageWon {
        stage: usize,
        prize: u64,
        winners: Vec<Share>,
        house: u64,
    },
    Paused,
    Resumed,
    /// No more balls or claims.
    GameFinished,
    /// The seed, which anyone can now check against the commitment and re-derive every ball and card from.
    SeedRevealed {
        seed: Seed,
    },
}

/// A winner's part of a stage prize, in minor units.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub serial: u64,
    pub amount: u64,
    /// The winner's name, as their accepted claim recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Why a claim was rejected, as a stable code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The card does not complete the stage's pattern yet.
    NotComplete,
    /// The card won earlier but was not claimed before the next ball.
    Sleeper,
    /// The card already won this stage.
    AlreadyWon,
    /// A late card completed the pattern on a ball called before it was issued.
    BeforeIssue,
}

/// How a card reached its player.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Paper,
}

impl EventKind {
    /// The names of the claim events, accepted or rejected (what the caller's claims list shows).
    pub const CLAIM_NAMES: [&'static str; 2] = [Self::CLAIM_ACCEPTED, Self::CLAIM_REJECTED];
    const CLAIM_ACCEPTED: &'static str = "claim_accepted";
    const CLAIM_REJECTED: &'static str = "claim_rejected";

    /// The `type` tag as it appears in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::GameCreated { .. } => "game_created",
            EventKind::GameOpened => "game_opened",
            EventKind::GameStarted => "game_started",
            EventKind::CardsIssued { .. } => "cards_issued",
            EventKind::BallCalled { .. } => "ball_called",
            EventKind::BallVoided { .. } => "ball_voided",
            EventKind::ClaimAccepted { .. } => Self::CLAIM_ACCEPTED,
            EventKind::ClaimRejected { .. } => Self::CLAIM_REJECTED,
            EventKind::StageWon { .. } => "stage_won",
            EventKind::SalesClosed { .. } => "sales_closed",
            EventKind::SnowballOffered { .. } => "snowball_offered",
            EventKind::SnowballWon { .. } => "snowball_won",
            EventKind::SnowballCarried { .. } => "snowball_carried",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::GameFinished => "game_finished",
            EventKind::SeedRevealed { .. } => "seed_revealed",
        }
    }
}
