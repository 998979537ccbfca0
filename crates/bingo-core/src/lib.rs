//! The bingo game engine: kinds of game, cards derived from a seed, patterns, the provably fair
//! draw, claim checks, "to go" counts, prize splits, winners' names and the events a game produces.
//!
//! Its invariants are stated once, in docs/ARCHITECTURE.md (section `crates/bingo-core`).

pub mod calls;
pub mod card;
pub mod claim;
pub mod config;
pub mod draw;
pub mod event;
pub mod game;
pub mod game_name;
pub mod input;
pub mod kind;
pub mod name;
pub mod pattern;
pub mod prize;
pub mod report;
mod rng;
pub mod sales;
#[cfg(feature = "openapi")]
mod schema;
pub mod seed;
pub mod togo;
pub mod view;

pub use calls::Calls;
pub use card::{Card, CardError, Deck};
pub use claim::Verdict;
pub use config::{DrawMode, GameConfig, StageSpec};
pub use event::{Channel, Event, EventKind, RejectReason, Share};
pub use game::{Game, GameError, GameState, IssuedCards, IssuedRange, StageResult};
pub use game_name::GameName;
pub use kind::GameKind;
pub use pattern::{Pattern, PatternSpec};
pub use prize::Remainder;
pub use report::Report;
pub use sales::{PrizeShare, Sales, SnowballOffer, SnowballRule, TicketPrices};
pub use seed::{Commitment, Seed};
pub use togo::ToGo;
pub use view::GameView;
