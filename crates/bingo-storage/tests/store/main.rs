//! The storage's integration tests. Every test in the modules below runs twice, against SQLite
//! (a file in a temp dir) and against PostgreSQL (a fresh database per test, dropped at the end
//! even on failure). PostgreSQL's URL base comes from `BINGO_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod db;

/// For each `name`, a module `name` with tests `sqlite` and `postgres` calling `name(&TestDb)`.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&crate::db::TestDb::sqlite());
                }

                #[test]
                fn postgres() {
                    super::$name(&crate::db::TestDb::postgres());
                }
            }
        )*
    };
}

mod admin;
mod backup;
mod concurrency;
mod games;
mod players;
mod sessions;
