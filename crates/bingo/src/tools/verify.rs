//! `bingo verify`: was a finished game fair? Checks the revealed seed against the commitment
//! published before the first ball, and the called balls against the seed's draw order.

use anyhow::{bail, Context};
use bingo_core::draw::{check_draws, DrawCheck};
use bingo_core::{Commitment, GameKind, Seed};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A ledger file (`bingo ledger export`): check the whole game end to end.
    #[arg(long, conflicts_with_all = ["commitment", "seed", "kind", "draws"])]
    ledger: Option<std::path::PathBuf>,
    /// The commitment shown before the first ball, 64 hex digits.
    #[arg(long, required_unless_present = "ledger")]
    commitment: Option<Commitment>,
    /// The seed revealed when the game ended, 64 hex digits.
    #[arg(long, required_unless_present = "ledger")]
    seed: Option<Seed>,
    /// Kind of game (needed with --draws): 75, 90, 80 or 30.
    #[arg(long)]
    kind: Option<GameKind>,
    /// The balls called, in order, separated by commas: 12,5,71
    #[arg(long)]
    draws: Option<String>,
}

fn parse_draws(list: &str) -> anyhow::Result<Vec<u8>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, s)| s.parse::<u8>().with_context(|| format!("--draws: item {} ({s:?}) is not a ball number", i + 1)))
        .collect()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.ledger {
        return super::ledger::verify(path);
    }
    let (Some(commitment), Some(seed)) = (args.commitment, args.seed) else {
        bail!("give --commitment and --seed, or --ledger");
    };
    if !commitment.is_opened_by(&seed) {
        println!(
            "NOT FAIR: the seed does not match the commitment (its SHA-256 is {}, the commitment was {})",
            seed.commitment(),
            commitment
        );
        return Ok(ExitCode::FAILURE);
    }
    let Some(draws) = args.draws else {
        println!("FAIR: the seed matches the commitment published before the first ball.");
        return Ok(ExitCode::SUCCESS);
    };
    let Some(kind) = args.kind else {
        bail!("--draws needs --kind (75, 90, 80 or 30) to know which draw order to compare with");
    };
    let called = parse_draws(&draws)?;
    match check_draws(kind, &seed, &called) {
        DrawCheck::Matches => {
            println!(
                "FAIR: the seed matches the commitment, and all {} balls called are the seed's draw order.",
                called.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        DrawCheck::Differs { call, called, expected } => {
            println!("NOT FAIR: call {call} was {called}, but the committed seed gives {expected}.");
            Ok(ExitCode::FAILURE)
        }
        DrawCheck::TooMany { listed, balls } => {
            println!("NOT FAIR: {listed} balls were listed, but a {kind}-ball game has only {balls}.");
            Ok(ExitCode::FAILURE)
        }
    }
}
