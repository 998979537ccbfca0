//! `bingo cards`: print cards of a game by serial.

use super::{decimal, Format};
use crate::out::Buffered;
use anyhow::{bail, Context};
use bingo_core::input::{card_range, RangeError};
use bingo_core::{Card, Deck, GameKind, Seed};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Kind of game: 75, 90, 80 or 30.
    #[arg(long)]
    kind: GameKind,
    /// The game's seed, 64 hex digits.
    #[arg(long)]
    seed: Seed,
    /// First serial to print (serials start at 1; a 90-ball serial names a ticket).
    #[arg(long, default_value_t = 1, value_parser = decimal)]
    from: u64,
    /// How many cards to print.
    #[arg(long, default_value_t = 1, value_parser = decimal)]
    count: u64,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let deck = Deck::new(args.kind, &args.seed);
    let serials = match card_range(args.from, args.count, deck.capacity()) {
        Ok(serials) => serials,
        Err(RangeError::NoCards) => bail!("--count must be at least 1"),
        Err(RangeError::OutOfDeck { from, last, capacity }) => bail!(
            "serials {from} to {last} are not all cards of a {}-ball game: serials run from 1 to {capacity}",
            args.kind
        ),
    };
    let mut out = Buffered::new();
    for serial in serials {
        let card = deck.card(serial)?;
        match args.format {
            Format::Json => out.write(&(serde_json::to_string(&card).context("encoding a card")? + "\n"))?,
            Format::Text => out.write(&render(&card))?,
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// A card as a small text grid with a heading.
pub fn render(card: &Card) -> String {
    let kind = card.kind();
    let mut s = match card.strip_position() {
        Some((strip, position)) => {
            format!("90-ball ticket {} (strip {strip}, ticket {position} of 6)\n", card.serial())
        }
        None => format!("{kind}-ball card {}\n", card.serial()),
    };
    if kind == GameKind::Ball75 {
        s.push_str("   B    I    N    G    O\n");
    }
    for row in card.grid() {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| match (cell, kind) {
                (Some(n), _) => format!("{n:>4}"),
                (None, GameKind::Ball75) => "FREE".to_string(),
                (None, _) => "   .".to_string(),
            })
            .collect();
        s.push_str(&cells.join(" "));
        s.push('\n');
    }
    s.push('\n');
    s
}
