//! The `bingo` crate's integration tests: the real binary, run as a user would.

mod cli;
