//! The command-line tools that need no server: cards, draws and fairness verification.

pub mod cards;
pub mod draws;
pub mod ledger;
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

/// A count or serial: decimal digits only, without a sign or leading zeros (docs/FAIRNESS.md,
/// section 2), so that "+5" and "05" are refused as the ball lists' items are.
pub fn decimal(text: &str) -> Result<u64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("decimal digits only (no sign, spaces or other characters)".into());
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err("no leading zeros".into());
    }
    text.parse().map_err(|_| format!("at most {}", u64::MAX))
}
