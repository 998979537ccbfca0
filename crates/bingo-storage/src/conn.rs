//! Connections: the diesel `MultiConnection` over SQLite and PostgreSQL, the r2d2 pool, the SQLite
//! pragmas and the per-backend dispatch macros.

use crate::error::StoreError;
use crate::schema::games;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;

/// One database connection of either backend. Queries are written once against `schema.rs`
/// and expanded for each variant by [`on_conn!`] / [`write_tx!`], which is where the per-backend
/// differences (row locks, `BEGIN IMMEDIATE`) are dispatched.
#[derive(diesel::MultiConnection)]
pub(crate) enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Which database a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// Where to connect, parsed from the URL given to `Store::open`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A file path (absolute, or relative to the working directory).
    Sqlite(String),
    /// The whole `postgres://` URL, handed to libpq.
    Postgres(String),
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Target, StoreError> {
        let expected =
            "expected sqlite:///absolute/path.db, sqlite://relative/path.db, postgres://... or postgresql://...";
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path.contains(":memory:") || path.starts_with("file:") {
                return Err(StoreError::Invalid(format!(
                    "the SQLite URL {url:?} names no database file ({expected}; in-memory databases cannot be pooled)"
                )));
            }
            return Ok(Target::Sqlite(path.to_string()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_string()));
        }
        // Never echo the URL: it may carry a password.
        let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
        Err(StoreError::Invalid(format!("unsupported database URL (scheme {scheme:?}): {expected}")))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Target::Sqlite(_) => Backend::Sqlite,
            Target::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Opens connections for the pool. The derived `MultiConnection::establish` would try each
/// backend in turn with the same URL; this picks the backend from the URL's scheme instead.
#[derive(Debug)]
pub(crate) struct Manager {
    pub(crate) target: Target,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        let conn = match &self.target {
            Target::Sqlite(path) => SqliteConnection::establish(path).map(DbConn::Sqlite),
            Target::Postgres(url) => PgConnection::establish(url).map(DbConn::Postgres),
        };
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// The pragmas every new SQLite connection gets.
///
/// `synchronous = FULL`: in WAL mode, NORMAL does not fsync the WAL at each commit, so a power
/// cut (a venue's USB stick losing power) can take back transactions the API already confirmed.
/// FULL costs one fsync per commit, which at bingo's write rate (a ball every few seconds, a few
/// joins and claims) is nothing, and keeps the rule: once the API answered, a ball or a claim is
/// never lost.
///
/// `cache_size = -512`: 512 KiB of pages per connection instead of SQLite's 2 MiB, so that the
/// pool's caches (8 connections by default) stay within 4 MiB on a node that runs for weeks;
/// a page not in it is read from the kernel's page cache, a copy rather than a disk read.
pub(crate) const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;\n\
     PRAGMA journal_mode = WAL;\n\
     PRAGMA synchronous = FULL;\n\
     PRAGMA cache_size = -512;\n\
     PRAGMA foreign_keys = ON;";

/// What the pool does with an error opening a connection, which it meets in the background and
/// retries: r2d2's default logs it as an ERROR. On SQLite, a new connection's pragmas can meet the
/// database locked by a writer and the retry then succeeds; a request that finally gets no
/// connection fails with its own error anyway. So a warning, with what happened.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolErrors;

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for PoolErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        log::warn!(target: "bingo_storage::pool", "opening a database connection failed; the pool retries: {error}");
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct SqlitePragmas;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        match conn {
            DbConn::Sqlite(c) => c.batch_execute(SQLITE_PRAGMAS).map_err(diesel::r2d2::Error::QueryError),
            DbConn::Postgres(_) => Ok(()),
        }
    }
}

/// Reads the game row under a write lock: `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the
/// enclosing `BEGIN IMMEDIATE` already holds the database's write lock.
pub(crate) trait LockGameRow: Connection + Sized {
    fn lock_game_row(&mut self, id: &str) -> QueryResult<Option<crate::rows::GameLockRow>>;
}

impl LockGameRow for SqliteConnection {
    fn lock_game_row(&mut self, id: &str) -> QueryResult<Option<crate::rows::GameLockRow>> {
        use crate::rows::GameLockRow;
        games::table.find(id).select(GameLockRow::as_select()).first(self).optional()
    }
}

impl LockGameRow for PgConnection {
    fn lock_game_row(&mut self, id: &str) -> QueryResult<Option<crate::rows::GameLockRow>> {
        use crate::rows::GameLockRow;
        games::table.find(id).select(GameLockRow::as_select()).for_update().first(self).optional()
    }
}

/// Runs `$body` with `$c` bound to the concrete connection (`&mut SqliteConnection` or
/// `&mut PgConnection`); the body is compiled once per backend.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::conn::DbConn::Sqlite($c) => $body,
            $crate::conn::DbConn::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` in a write transaction: `BEGIN IMMEDIATE` on SQLite (takes the write lock up
/// front, so two writers never both read and then both write), a plain `BEGIN` on PostgreSQL
/// (where the body takes row locks with `lock_game_row`).
macro_rules! write_tx {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::conn::DbConn::Sqlite($c) => $c.immediate_transaction::<_, $crate::error::StoreError, _>(|$c| $body),
            $crate::conn::DbConn::Postgres($c) => $c.transaction::<_, $crate::error::StoreError, _>(|$c| $body),
        }
    };
}

/// Runs `$body` in a read transaction that sees one snapshot: a deferred transaction on SQLite
/// (WAL readers see the database as of their first read), `REPEATABLE READ, READ ONLY` on
/// PostgreSQL.
macro_rules! read_tx {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::conn::DbConn::Sqlite($c) => $c.transaction::<_, $crate::error::StoreError, _>(|$c| $body),
            $crate::conn::DbConn::Postgres($c) => {
                $c.build_transaction().repeatable_read().read_only().run::<_, $crate::error::StoreError, _>(|$c| $body)
            }
        }
    };
}

pub(crate) use {on_conn, read_tx, write_tx};
