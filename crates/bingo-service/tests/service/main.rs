//! The service's trickiest logic, run against real databases: several services on one store
//! stand for several nodes. Each test runs on SQLite and on PostgreSQL (`BINGO_TEST_PG`, default
//! the local server).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod announcements;
mod claims;
mod db;
mod lifecycle;
mod memory;
mod nodes;
mod strips;

/// Runs an async test body on SQLite and on PostgreSQL.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::db::TestDb::sqlite()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(crate::db::TestDb::postgres()).await;
                }
            }
        )*
    };
}
pub(crate) use both_backends;
