//! `bingo cards`: print cards of a game by serial.

use super::{write_out, Format};
use anyhow::{bail, Context};
use bingo_core::{Card, Deck, GameKind, Seed};
use std::io::{BufWriter, Write};
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
    #[arg(long, default_value_t = 1)]
    from: u64,
    /// How many cards to print.
    #[arg(long, default_value_t = 1)]
    count: u64,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let deck = Deck::new(args.kind, &args.seed);
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let last = args.from.checked_add(args.count - 1).filter(|&l| args.from >= 1 && l <= deck.capacity());
    let Some(last) = last else {
        bail!(
            "serials {} to {} are not all cards of a {}-ball game: serials run from 1 to {}",
            args.from,
            args.from.saturating_add(args.count - 1),
            args.kind,
            deck.capacity()
        );
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for serial in args.from..=last {
        let card = deck.card(serial)?;
        let text = match args.format {
            Format::Json => serde_json::to_string(&card).context("encoding a card")? + "\n",
            Format::Text => render(&card),
        };
        if !write_out(&mut out, &text)? {
            return Ok(ExitCode::SUCCESS);
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
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
