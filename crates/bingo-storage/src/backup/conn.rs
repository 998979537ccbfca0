//! [`Conn`]: one direct connection of either backend, for the SQL a backup needs outside the
//! [`crate::Store`].

use crate::conn::{on_conn, DbConn};
use crate::Backend;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
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

/// A connection of either backend: the store's own connection type, unpooled. Opened by
/// [`super::sqlite::open`] and its neighbours, or [`super::pg::PgTarget::connect`].
pub struct Conn(pub(crate) DbConn);

impl Conn {
    pub fn backend(&self) -> Backend {
        match self.0 {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Postgres(_) => Backend::Postgres,
        }
    }

    /// The rows of a query whose one column is the text `v`.
    pub fn texts(&mut self, sql: &str) -> QueryResult<Vec<String>> {
        let rows: Vec<TextRow> = on_conn!(&mut self.0, c => diesel::sql_query(sql).load(c)?);
        Ok(rows.into_iter().map(|r| r.v).collect())
    }

    /// The first row of a query whose one column is the count `n` (0 without a row).
    pub fn count(&mut self, sql: &str) -> QueryResult<i64> {
        let rows: Vec<CountRow> = on_conn!(&mut self.0, c => diesel::sql_query(sql).load(c)?);
        Ok(rows.first().map_or(0, |r| r.n))
    }

    /// Runs statements that return nothing.
    pub fn execute(&mut self, sql: &str) -> QueryResult<()> {
        on_conn!(&mut self.0, c => c.batch_execute(sql))
    }

    /// The ordinary tables of the database (the application's schema).
    pub fn tables(&mut self) -> QueryResult<Vec<String>> {
        match self.backend() {
            Backend::Postgres => self.texts(
                "SELECT tablename::text AS v FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1",
            ),
            Backend::Sqlite => self.texts(
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
