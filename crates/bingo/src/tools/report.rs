//! The end-of-game report after `bingo verify --ledger` (docs/REPORT.md): printed below the
//! verdict and, with `--report-csv OUT`, written as the CSV the Console downloads. Derived from
//! the events just verified, so each figure is one the verification covered.

use crate::out::outln;
use anyhow::Context;
use bingo_core::report::{to_csv, to_text, Report};
use bingo_core::Event;
use std::path::Path;

/// Prints the report of the verified `events` of game `game_id`, and writes its CSV to `csv_out`.
pub fn print(game_id: &str, events: &[Event], csv_out: Option<&Path>) -> anyhow::Result<()> {
    let report = Report::from_events(game_id, events)?;
    outln!("")?;
    for line in to_text(&report).lines() {
        outln!("{line}")?;
    }
    if let Some(path) = csv_out {
        std::fs::write(path, to_csv(&report)).with_context(|| format!("writing {}", path.display()))?;
        outln!("  wrote the report as CSV to {}", path.display())?;
    }
    Ok(())
}
