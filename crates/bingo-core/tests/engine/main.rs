//! The engine's one integration-test binary: property tests of cards, draws, claims, games and
//! prize splits, and statistical tests of the draw and of card faces (docs/FAIRNESS.md, section 5).
//!
//! Every random input is either chosen by proptest or derived deterministically (SHA-256 of a
//! label and a counter), so a failure can be reproduced exactly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cards;
mod claims;
mod common;
mod draws;
mod games;
mod names;
mod prizes;
mod statistical;
mod stats;
