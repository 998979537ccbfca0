//! The `bingo` crate's integration tests: the real binary, run as a user would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod announce;
mod backup;
mod bad_input;
mod caddy;
mod chaos;
mod cli;
mod cluster;
mod control;
mod crash;
mod first_run;
mod game;
mod hall;
mod heartbeat;
mod issued;
mod lan;
mod ledger;
mod loki;
mod modes;
mod observability;
mod openapi;
mod pg_tools;
mod pipes;
mod proxies;
mod report;
mod resume;
mod sessions;
mod slow_client;
mod support;
