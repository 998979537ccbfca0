//! [`Store`]: the pool, migrations, and the operations, one module per thing stored: `games`
//! (rows and lookups), `events` (the hash-chained logs), `players` (players, cards, daubs),
//! `admin` (passphrase and console sessions), `leases`, and `sessions` (the hall's sessions of
//! games, their templates, the snowball pot).

mod admin;
mod events;
mod games;
mod leases;
mod players;
mod sessions;

use crate::conn::{on_conn, Backend, DbConn, Manager, SqlitePragmas, Target};
use crate::error::{Result, StoreError};
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The key of the PostgreSQL advisory lock held while migrating, so two nodes starting at once
/// do not both run the same migration.
const MIGRATION_LOCK_KEY: i64 = 0x6269_6e67_6f5f_6d69; // "bingo_mi"

/// Rows per multi-row INSERT, well under both backends' limits on bound parameters.
const INSERT_CHUNK: usize = 500;

/// How long `open` and each operation wait for a pooled connection.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

/// The platform's storage: a pool of connections to one SQLite file or one PostgreSQL database.
/// Cheap to clone (the pool is shared); every method is synchronous, so call it from
/// `tokio::task::spawn_blocking`.
#[derive(Clone)]
pub struct Store {
    pool: Pool<Manager>,
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

/// The full names (`2025-11-20-000000_initial`) of the migrations with these versions.
fn migration_names<DB: diesel::backend::Backend>(
    source: &EmbeddedMigrations,
    applied: &[diesel::migration::MigrationVersion<'_>],
) -> Vec<String>
where
    EmbeddedMigrations: MigrationSource<DB>,
{
    let known: Vec<(String, String)> = source
        .migrations()
        .map(|all| all.iter().map(|m| (m.name().version().to_string(), m.name().to_string())).collect())
        .unwrap_or_default();
    applied
        .iter()
        .map(|v| {
            let v = v.to_string();
            known.iter().find(|(version, _)| *version == v).map(|(_, name)| name.clone()).unwrap_or(v)
        })
        .collect()
}

/// The migrations this build embeds for `backend`, oldest first, as (version, full name): the
/// version is what `__diesel_schema_migrations.version` holds (`20251120000000`), the name what
/// [`Store::migrate`] returns (`2025-11-20-000000_initial`). Backup tools compare a database's
/// applied versions with these to tell an older schema from one made by a newer build.
pub fn embedded_migrations(backend: Backend) -> Vec<(String, String)> {
    fn list<DB: diesel::backend::Backend>(source: &EmbeddedMigrations) -> Vec<(String, String)>
    where
        EmbeddedMigrations: MigrationSource<DB>,
    {
        let mut all: Vec<(String, String)> = source
            .migrations()
            .map(|all| all.iter().map(|m| (m.name().version().to_string(), m.name().to_string())).collect())
            .unwrap_or_default();
        all.sort();
        all
    }
    match backend {
        Backend::Sqlite => list::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS),
        Backend::Postgres => list::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS),
    }
}

impl Store {
    /// Opens a pool of `pool_size` connections to `url`: `sqlite:///absolute/path.db`,
    /// `sqlite://relative/path.db` (the file is created if missing, its directory is not),
    /// `postgres://...` or `postgresql://...`. Any other URL is `Invalid`; a database that cannot
    /// be reached within 10 seconds is `Unavailable`. Every SQLite connection gets WAL,
    /// `synchronous = FULL`, foreign keys and a 5-second busy timeout.
    pub fn open(url: &str, pool_size: u32) -> Result<Store> {
        let target = Target::parse(url)?;
        if pool_size == 0 {
            return Err(invalid("the pool needs at least one connection"));
        }
        let backend = target.backend();
        // One connection first, so an unreachable database fails at once with its own message
        // rather than after the pool's timeout.
        let manager = Manager { target };
        drop(
            manager
                .connect()
                .map_err(|e| StoreError::Unavailable(format!("cannot open the {backend} database: {e}")))?,
        );
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(CONNECTION_TIMEOUT)
            .connection_customizer(Box::new(SqlitePragmas))
            .error_handler(Box::new(crate::conn::PoolErrors))
            .build(manager)?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn conn(&self) -> Result<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// The most connections the pool opens.
    pub fn pool_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// The pool's connections right now: (idle, in use), for the pool gauges.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.idle_connections, state.connections.saturating_sub(state.idle_connections))
    }

    /// Checks that a connection works (`SELECT 1`).
    pub fn ping(&self) -> Result<()> {
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => c.batch_execute("SELECT 1"))?;
        Ok(())
    }

    /// Runs the migrations not yet applied; returns the names of those applied now
    /// (`2025-11-20-000000_initial`; empty when the schema is current). On PostgreSQL an advisory lock keeps two nodes from migrating at once.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let failed = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Other(format!("migration failed: {e}"));
        match &mut *conn {
            DbConn::Sqlite(c) => c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|applied| migration_names::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS, &applied))
                .map_err(failed),
            DbConn::Postgres(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let result = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|applied| migration_names::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS, &applied))
                    .map_err(failed);
                let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
                let applied = result?;
                unlocked?;
                Ok(applied)
            }
        }
    }
}
