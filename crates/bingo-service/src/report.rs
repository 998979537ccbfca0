//! A game's report (bingo_core::report), derived from its ledger file exactly as
//! `bingo verify --ledger` derives it from the exported file, so the two always agree.

use super::{Result, Service, ServiceError};
use bingo_core::Report;
use bingo_storage::{Ledger, StoreError};

impl Service {
    /// The report of a game, finished or not (then without its seed).
    pub async fn report(&self, game_id: &str) -> Result<Report> {
        let ledger = self.ledger(game_id).await?;
        report_of(&ledger)
    }
}

/// The report a ledger's events make; a stored log that does not chain or has no creation is
/// corrupt (storage writes neither).
pub fn report_of(ledger: &Ledger) -> Result<Report> {
    let events = ledger.chained_events().map_err(|why| ServiceError::from(StoreError::Corrupt(why)))?;
    Report::from_events(&ledger.game_id, &events).map_err(|e| ServiceError::from(StoreError::Corrupt(e.to_string())))
}
