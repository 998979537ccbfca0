//! Test databases and services on them.

use bingo_bus::Bus;
use bingo_service::Service;
use bingo_storage::Store;
use bingo_telemetry::{Metrics, MetricsConfig};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// One migrated database for one test; the PostgreSQL one is dropped afterwards.
pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<DropDatabase>,
}

fn pg_base() -> String {
    std::env::var("BINGO_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("{prefix}{:016x}", h.finish())
}

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
        let store = Store::open(&format!("sqlite://{}", dir.path().join("bingo.db").display()), 8).expect("open");
        store.migrate().expect("migrate");
        TestDb { store, _dir: Some(dir), _pg: None }
    }

    pub fn postgres() -> TestDb {
        let name = unique("bingo_service_test_");
        let mut admin = PgConnection::establish(&format!("{}/postgres", pg_base())).expect("connect to PostgreSQL");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let guard = DropDatabase { name: name.clone() };
        let store = Store::open(&format!("{}/{name}", pg_base()), 8).expect("open");
        store.migrate().expect("migrate");
        TestDb { store, _dir: None, _pg: Some(guard) }
    }

    /// A service (a node) on this database with its own bus.
    pub fn node(&self, name: &str) -> Service {
        self.node_on(name, Bus::local())
    }

    /// A service (a node) on this database and `bus`.
    pub fn node_on(&self, name: &str, bus: Bus) -> Service {
        let metrics = Metrics::new(MetricsConfig {
            service: "bingo",
            role: "serve",
            node: name.to_string(),
            version: "test",
            commit: "test",
        })
        .expect("metrics");
        Service::new(self.store.clone(), bus, name, metrics)
    }
}
