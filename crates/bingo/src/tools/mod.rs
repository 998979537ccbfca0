//! The command-line tools that need no server: cards, draws and fairness verification.

pub mod cards;
pub mod draws;
pub mod ledger;
pub mod verify;

use std::io::{self, Write};

/// Output format of the tools.
#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum Format {
    /// Readable by a person.
    #[default]
    Text,
    /// Machine-readable (schema in docs/CARDS.md).
    Json,
}

/// Writes output, treating a closed pipe (`bingo cards ... | head`) as a normal end.
pub fn write_out(out: &mut impl Write, text: &str) -> io::Result<bool> {
    match out.write_all(text.as_bytes()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e),
    }
}
