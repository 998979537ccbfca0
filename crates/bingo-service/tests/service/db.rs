//! Test databases and services on them.

use bingo_bus::Bus;
use bingo_service::Service;
use bingo_storage::Store;
use bingo_telemetry::{Metrics, MetricsConfig};
use bingo_testkit::PgDatabase;

/// One migrated database for one test; the PostgreSQL one is dropped afterwards. Fields drop in
/// order: the store's pool first, then the database.
pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<PgDatabase>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&format!("sqlite://{}", dir.path().join("bingo.db").display()), 8).expect("open");
        store.migrate().expect("migrate");
        TestDb { store, _dir: Some(dir), _pg: None }
    }

    pub fn postgres() -> TestDb {
        let pg = PgDatabase::create();
        let store = Store::open(&pg.url, 8).expect("open");
        store.migrate().expect("migrate");
        TestDb { store, _dir: None, _pg: Some(pg) }
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
