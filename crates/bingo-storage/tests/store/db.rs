//! Test databases and engine helpers.

use bingo_core::{Event, EventKind, Game, GameConfig, GameKind, Seed};
use bingo_storage::{Backend, GameMeta, NewGame, Store};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

pub const T: i64 = 1_700_000_000_000;

/// One migrated database for one test. Fields drop in order: the store's pool first, then the
/// database itself.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<DropDatabase>,
}

fn pg_base() -> String {
    std::env::var("BINGO_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// A name no other test (in this or another process) uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    format!("{prefix}{:016x}", h.finish())
}

/// Drops the per-test PostgreSQL database, even when the test failed.
struct DropDatabase {
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&format!("{}/postgres", pg_base())) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bingo.db").display());
        let store = Store::open(&url, 8).expect("open sqlite");
        assert_eq!(store.backend(), Backend::Sqlite);
        let applied = store.migrate().expect("migrate");
        assert_eq!(applied.first().map(String::as_str), Some("2025-11-20-000000_initial"));
        TestDb { store, url, _dir: Some(dir), _pg: None }
    }

    pub fn postgres() -> TestDb {
        let base = pg_base();
        let name = unique("bingo_test_");
        let mut admin = PgConnection::establish(&format!("{base}/postgres")).expect("connect to PostgreSQL");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let guard = DropDatabase { name: name.clone() };
        let url = format!("{base}/{name}");
        let store = Store::open(&url, 8).expect("open postgres");
        assert_eq!(store.backend(), Backend::Postgres);
        let applied = store.migrate().expect("migrate");
        assert_eq!(applied.first().map(String::as_str), Some("2025-11-20-000000_initial"));
        TestDb { store, url, _dir: None, _pg: Some(guard) }
    }

    /// Runs raw SQL behind the store's back (to corrupt data on purpose).
    pub fn raw(&self, sql: &str) {
        match self.store.backend() {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                SqliteConnection::establish(path).expect("sqlite").batch_execute(sql).expect("raw sql");
            }
            Backend::Postgres => {
                PgConnection::establish(&self.url).expect("postgres").batch_execute(sql).expect("raw sql");
            }
        }
    }
}

pub fn seed(n: u8) -> [u8; 32] {
    [n; 32]
}

/// Creates a 90-ball game in the engine and in the store; returns the engine's game.
pub fn create_game(db: &TestDb, id: &str, join_code: &str, s: u8) -> (Game, GameMeta) {
    let (game, created) = Game::create(GameConfig::standard(GameKind::Ball90), Seed::from_bytes(seed(s)), T)
        .expect("engine creates the game");
    let commitment = game.commitment().to_string();
    let meta = db
        .store
        .create_game(&NewGame {
            id,
            join_code,
            kind: GameKind::Ball90,
            seed: seed(s),
            commitment: &commitment,
            epoch: "epoch-1",
            created: &created,
        })
        .expect("store creates the game");
    (game, meta)
}

/// An event the storage accepts anywhere (it does not check game rules).
pub fn filler(seq: u64) -> Event {
    Event { seq, at_ms: T + seq as i64, kind: if seq % 2 == 0 { EventKind::Paused } else { EventKind::Resumed } }
}
