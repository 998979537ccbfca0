//! Direct SQL the backup tools need on either backend (outside `Store`): table row counts, the
//! applied migrations, and the checks of a restored copy.

use super::progress::Progress;
use anyhow::{bail, Context};
use bingo_storage::{Backend, Store};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use std::collections::BTreeMap;

/// The table diesel records applied migrations in.
pub const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    v: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `"name"`, quoted as an SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, quoted as an SQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A connection of either backend.
pub enum Conn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl Conn {
    pub fn texts(&mut self, sql: &str) -> QueryResult<Vec<String>> {
        let rows: Vec<TextRow> = match self {
            Conn::Pg(c) => diesel::sql_query(sql).load(c)?,
            Conn::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        };
        Ok(rows.into_iter().map(|r| r.v).collect())
    }

    pub fn count(&mut self, sql: &str) -> QueryResult<i64> {
        let rows: Vec<CountRow> = match self {
            Conn::Pg(c) => diesel::sql_query(sql).load(c)?,
            Conn::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        };
        Ok(rows.first().map_or(0, |r| r.n))
    }

    pub fn execute(&mut self, sql: &str) -> QueryResult<()> {
        match self {
            Conn::Pg(c) => c.batch_execute(sql),
            Conn::Sqlite(c) => c.batch_execute(sql),
        }
    }

    /// The ordinary tables of the database (the application's schema).
    pub fn tables(&mut self) -> QueryResult<Vec<String>> {
        match self {
            Conn::Pg(_) => self.texts(
                "SELECT tablename::text AS v FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1",
            ),
            Conn::Sqlite(_) => self.texts(
                "SELECT name AS v FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 ORDER BY 1",
            ),
        }
    }

    /// Rows per table.
    pub fn row_counts(&mut self) -> QueryResult<BTreeMap<String, u64>> {
        let mut out = BTreeMap::new();
        for table in self.tables()? {
            let n = self.count(&format!("SELECT count(*) AS n FROM {}", ident(&table)))?;
            out.insert(table, u64::try_from(n).unwrap_or(0));
        }
        Ok(out)
    }

    /// The applied migration versions, oldest first; `None` when the migrations table is absent
    /// (not a bingo database, or an empty one).
    pub fn migrations(&mut self) -> QueryResult<Option<Vec<String>>> {
        if !self.tables()?.iter().any(|t| t == MIGRATIONS_TABLE) {
            return Ok(None);
        }
        self.texts(&format!("SELECT version AS v FROM {} ORDER BY version", ident(MIGRATIONS_TABLE))).map(Some)
    }
}

/// Versions among `applied` that this build does not know (a backup made by a newer bingo).
pub fn unknown_migrations(backend: Backend, applied: &[String]) -> Vec<String> {
    let known = bingo_storage::embedded_migrations(backend);
    applied.iter().filter(|v| !known.iter().any(|(k, _)| k == *v)).cloned().collect()
}

/// What the check of a restored copy found.
#[derive(Debug)]
pub struct CheckReport {
    pub rows: BTreeMap<String, u64>,
    pub games: usize,
    pub events: usize,
    /// Migrations applied to the copy to bring it to this build's schema.
    pub migrated: Vec<String>,
}

/// Checks a restored copy at `url` (`sqlite://...` or `postgres://...`, not yet live): the
/// migrations table is there and holds nothing this build does not know (older schemas are
/// migrated to the current one), and every game loads with its event log's hash chain verified.
pub fn check_restored(
    mut conn: Conn,
    url: &str,
    backend: Backend,
    progress: &mut Progress,
) -> anyhow::Result<CheckReport> {
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
    for name in &migrated {
        progress.step(&format!("applied migration {name} to the restored copy (the backup had an older schema)"));
    }
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

/// `games 3, events 120, players 10, ...` for messages.
pub fn describe_rows(rows: &BTreeMap<String, u64>) -> String {
    rows.iter().filter(|(t, _)| *t != MIGRATIONS_TABLE).map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", ")
}
