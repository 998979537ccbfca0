//! The check of a restored copy before it goes live.

use super::{bail, Conn, Context, Result};
use crate::{Backend, Store};
use std::collections::BTreeMap;

/// Versions among `applied` that this build does not know (a backup made by a newer bingo).
pub fn unknown_migrations(backend: Backend, applied: &[String]) -> Vec<String> {
    let known = crate::embedded_migrations(backend);
    applied.iter().filter(|v| !known.iter().any(|(k, _)| k == *v)).cloned().collect()
}

/// What the check of a restored copy found.
#[derive(Debug)]
pub struct CheckReport {
    /// Rows per table, as restored (before any migration).
    pub rows: BTreeMap<String, u64>,
    pub games: usize,
    pub events: usize,
    /// Migrations applied to the copy to bring it to this build's schema (the backup had an
    /// older one).
    pub migrated: Vec<String>,
}

/// Checks a restored copy at `url` (`sqlite://...` or `postgres://...`, not yet live), open on
/// `conn`: the migrations table is there and holds nothing this build does not know (older
/// schemas are migrated to the current one), and every game loads with its event log's hash
/// chain verified.
pub fn check_restored(mut conn: Conn, url: &str) -> Result<CheckReport> {
    let backend = conn.backend();
    let applied = conn
        .migrations()
        .context("reading the migrations of the restored copy")?
        .context("the restored copy has no migrations table: it is not a bingo database")?;
    let unknown = unknown_migrations(backend, &applied);
    if !unknown.is_empty() {
        bail!(
            "the backup's schema has migrations this bingo does not know ({}): it was made by a newer version; restore it with that version",
            unknown.join(", ")
        );
    }
    let rows = conn.row_counts().context("counting the rows of the restored copy")?;
    drop(conn);
    let store = Store::open(url, 2).context("opening the restored copy")?;
    let migrated = store.migrate().context("bringing the restored copy to the current schema")?;
    let games = store.list_games(u32::MAX).context("listing the games of the restored copy")?;
    let mut events = 0;
    for meta in &games {
        let game = store
            .load_game(&meta.id)
            .with_context(|| format!("the restored copy fails its check: game {}", meta.id))?
            .with_context(|| format!("game {} vanished from the restored copy", meta.id))?;
        events += game.events.len();
    }
    drop(store);
    Ok(CheckReport { rows, games: games.len(), events, migrated })
}
