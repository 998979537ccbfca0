//! `bingo-loadgen`: a load generator for the platform's own servers, and the minimal broadcast
//! server it measures them against (docs/BENCHMARKS.md; tests/bench/*.sh run it). A tool for the
//! benchmarks, built apart from the `bingo` binary: `cargo build --release -p bingo-loadgen`.
//!
//! - `bingo-loadgen [OPTIONS]`: the coordinator ([`coordinator`]);
//! - `bingo-loadgen baseline-server`: the minimal server ([`baseline`]);
//! - `bingo-loadgen worker` (hidden): one process of simulated players, started by the
//!   coordinator ([`worker`]).

mod baseline;
mod coordinator;
mod http;
mod out;
mod stats;
mod worker;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "bingo-loadgen",
    version,
    about = "Load-test a bingo server: join players, hold their sockets, draw, and report delivery delays",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    sub: Option<Sub>,
    #[command(flatten)]
    run: coordinator::RunArgs,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// A minimal tokio-tungstenite broadcast server to measure the platform against.
    BaselineServer(baseline::Args),
    /// One worker process (started by the coordinator).
    #[command(hide = true)]
    Worker(worker::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.sub {
        Some(Sub::BaselineServer(args)) => baseline::run(args),
        Some(Sub::Worker(args)) => worker::run(args),
        None => coordinator::run(cli.run),
    };
    result.unwrap_or_else(|e| {
        out::err(&format!("error: {e:#}"));
        ExitCode::from(2)
    })
}
