//! `bingo verify`: was a finished game fair? Checks the revealed seed against the commitment
//! published before the first ball, and the called balls against the seed's draw order. The
//! input rules, the output and the exit statuses are specified in docs/FAIRNESS.md, section 2.

use crate::out::outln;
use anyhow::{anyhow, bail};
use bingo_core::draw::{check_draws, DrawCheck};
use bingo_core::input::{self, DrawsError};
use bingo_core::{Commitment, GameKind, Seed};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A ledger file (`bingo ledger export`): check the whole game end to end.
    #[arg(long, conflicts_with_all = ["commitment", "seed", "kind", "draws"])]
    ledger: Option<std::path::PathBuf>,
    /// With --ledger: also write the game's report as CSV to this file (the Console's "Download
    /// CSV"), once the ledger verifies.
    #[arg(long, requires = "ledger", value_name = "OUT")]
    report_csv: Option<std::path::PathBuf>,
    /// The commitment shown before the first ball, 64 hex digits.
    #[arg(long, required_unless_present = "ledger")]
    commitment: Option<Commitment>,
    /// The seed revealed when the game ended, 64 hex digits.
    #[arg(long, required_unless_present = "ledger")]
    seed: Option<Seed>,
    /// Kind of game (with --draws): 75, 90, 80 or 30.
    #[arg(long)]
    kind: Option<GameKind>,
    /// The balls called, in order, separated by commas (no spaces): 12,5,71
    #[arg(long)]
    draws: Option<String>,
}

/// The balls called, in order (`bingo_core::input::draws`: a list no game could have called is
/// malformed input, not an unfair game).
fn parse_draws(list: &str, kind: GameKind) -> anyhow::Result<Vec<u8>> {
    input::draws(list, kind).map_err(|e| match e {
        DrawsError::Empty => anyhow!("--draws is empty: list the balls called, in order (20,42,71); to check the commitment alone, leave out --kind and --draws"),
        other => anyhow!("--draws: {other}"),
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.ledger {
        return super::ledger::verify(path, args.report_csv.as_deref());
    }
    let (Some(commitment), Some(seed)) = (args.commitment, args.seed) else {
        bail!("give --commitment and --seed, or --ledger");
    };
    let draws = match (args.kind, args.draws.as_deref()) {
        (Some(kind), Some(list)) => Some((kind, parse_draws(list, kind)?)),
        (None, None) => None,
        (None, Some(_)) => bail!("--draws needs --kind (75, 90, 80 or 30) to know which draw order to compare with"),
        (Some(_), None) => {
            bail!("--kind needs --draws, the balls called; to check the commitment alone, leave out both")
        }
    };

    // Every check gets its line, then the verdict: a failed commitment does not hide the draws.
    let mut problems = Vec::new();
    if commitment.is_opened_by(&seed) {
        outln!("commitment: ok (SHA-256 of the seed is the commitment)")?;
    } else {
        outln!("commitment: MISMATCH (SHA-256 of the seed is {}, the commitment is {commitment})", seed.commitment())?;
        problems.push("the seed does not match the commitment".to_string());
    }
    let whose = if problems.is_empty() { "the committed seed" } else { "the seed" };
    match &draws {
        None => outln!("draws: not checked (give --kind and --draws to check the balls called)")?,
        Some((kind, called)) => match check_draws(*kind, &seed, called) {
            DrawCheck::Matches => {
                outln!("draws: ok ({} balls, the start of the seed's {kind}-ball draw order)", called.len())?;
            }
            DrawCheck::Differs { call, called, expected } => {
                outln!("draws: MISMATCH (call {call} was {called}, the seed gives {expected})")?;
                problems.push(format!("call {call} was {called}, but {whose} gives {expected}"));
            }
            // Unreachable after parse_draws (distinct balls in range), kept for a complete answer.
            DrawCheck::TooMany { listed, balls } => {
                outln!("draws: MISMATCH ({listed} balls listed, a {kind}-ball game has {balls})")?;
                problems.push(format!("{listed} balls were listed, but a {kind}-ball game has only {balls}"));
            }
        },
    }

    if !problems.is_empty() {
        outln!("NOT FAIR: {}.", problems.join("; "))?;
        return Ok(ExitCode::FAILURE);
    }
    match &draws {
        Some((_, called)) => outln!(
            "FAIR: the seed matches the commitment, and all {} balls called are the seed's draw order.",
            called.len()
        )?,
        None => outln!("FAIR: the seed matches the commitment published before the first ball (balls not checked).")?,
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules themselves are bingo-core's (`input::draws`, tested there); the tool adds its
    /// option's name to the empty case and passes every other refusal through.
    #[test]
    fn ball_lists_follow_bingo_cores_rules() {
        assert_eq!(parse_draws("20,42,71", GameKind::Ball75).unwrap(), [20, 42, 71]);
        let refused = |list: &str, kind| parse_draws(list, kind).unwrap_err().to_string();
        assert!(refused("", GameKind::Ball75).contains("--draws is empty"));
        assert!(refused("5,20,5", GameKind::Ball75).contains("ball 5 is listed twice (items 1 and 3)"));
    }
}
