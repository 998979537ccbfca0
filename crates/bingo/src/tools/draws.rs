//! `bingo draws`: the whole draw order a seed gives.

use super::Format;
use crate::out::outln;
use bingo_core::draw::draw_order;
use bingo_core::{Commitment, GameKind, Seed};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Kind of game: 75, 90, 80 or 30.
    #[arg(long)]
    kind: GameKind,
    /// The game's seed, 64 hex digits.
    #[arg(long)]
    seed: Seed,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The JSON form: fields in this order (docs/CARDS.md).
#[derive(serde::Serialize)]
struct DrawsJson<'a> {
    kind: GameKind,
    commitment: Commitment,
    draws: &'a [u8],
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let order = draw_order(args.kind, &args.seed);
    let text = match args.format {
        Format::Json => {
            let doc = DrawsJson { kind: args.kind, commitment: args.seed.commitment(), draws: &order };
            serde_json::to_string(&doc)?
        }
        Format::Text => order.iter().map(u8::to_string).collect::<Vec<_>>().join(","),
    };
    outln!("{text}")?;
    Ok(ExitCode::SUCCESS)
}
