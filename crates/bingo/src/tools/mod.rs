//! The command-line tools that need no server: cards, draws and fairness verification.

pub mod cards;
pub mod draws;
pub mod ledger;
pub mod report;
pub mod verify;

/// Output format of the tools.
#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum Format {
    /// Readable by a person.
    #[default]
    Text,
    /// Machine-readable (schema in docs/CARDS.md).
    Json,
}

/// A count or serial (clap's value parser): decimal digits only, without a sign or leading zeros
/// (docs/FAIRNESS.md, section 2; `bingo_core::input::decimal`).
pub fn decimal(text: &str) -> Result<u64, String> {
    bingo_core::input::decimal(text).map_err(|e| e.to_string())
}
