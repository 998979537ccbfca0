//! The database work of backups: one direct connection of either backend sees the tables, rows
//! and migrations; SQLite's online copy is whole and checked, a live database held by the store
//! cannot be locked, and a restored copy is checked game by game.

use crate::db::{create_game, filler, TestDb};
use bingo_core::GameState;
use bingo_storage::backup::{self, sqlite, MIGRATIONS_TABLE};
use bingo_storage::Backend;

/// The direct connection of the test database's backend.
fn connect(db: &TestDb) -> backup::Conn {
    match db.store.backend() {
        Backend::Sqlite => sqlite::open(std::path::Path::new(db.url.trim_start_matches("sqlite://"))).expect("open"),
        Backend::Postgres => backup::pg::PgTarget::parse(&db.url, backup::pg::PgTools::default())
            .expect("url")
            .connect()
            .expect("connect"),
    }
}

fn direct_connection_reads_tables_rows_and_migrations(db: &TestDb) {
    create_game(db, "g1", "BACK1", 1);
    db.store.append_events("g1", 1, &[filler(2), filler(3)], GameState::Running).expect("append");
    let mut conn = connect(db);
    assert_eq!(conn.backend(), db.store.backend());
    let tables = conn.tables().expect("tables");
    for t in ["games", "events", "players", MIGRATIONS_TABLE] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
    let rows = conn.row_counts().expect("rows");
    assert_eq!((rows["games"], rows["events"]), (1, 3), "{rows:?}");
    let applied = conn.migrations().expect("migrations").expect("a migrations table");
    assert!(backup::unknown_migrations(db.store.backend(), &applied).is_empty(), "{applied:?}");
    assert_eq!(
        backup::unknown_migrations(db.store.backend(), &["29991231000000".to_string()]),
        ["29991231000000"],
        "a newer build's migration is unknown here"
    );
    assert_eq!(backup::ident("a\"b"), "\"a\"\"b\"");
    assert_eq!(backup::literal("it's"), "'it''s'");
}

both_backends!(direct_connection_reads_tables_rows_and_migrations);

#[test]
fn sqlite_online_copy_is_whole_checked_and_restorable() {
    let db = TestDb::sqlite();
    create_game(&db, "g1", "COPY1", 2);
    db.store.append_events("g1", 1, &[filler(2)], GameState::Paused).expect("append");
    let live = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));

    // The store holds the database open, as a running server does: no exclusive lock.
    let held = sqlite::lock_exclusive(&live).err().expect("refused while the store has it open");
    assert!(held.to_string().contains("stop the bingo server first"), "{held}");

    // The online copy, read back whole, holds the same rows.
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("copy.sqlite");
    sqlite::vacuum_into(&mut sqlite::open(&live).expect("open"), &copy).expect("VACUUM INTO");
    let mut copied = sqlite::integrity_check(sqlite::open_immutable(&copy).expect("open"), &copy).expect("ok");
    assert_eq!(copied.row_counts().expect("rows")["events"], 2);
    drop(copied);

    // A restored copy is checked game by game, and left as one file.
    let url = format!("sqlite://{}", copy.display());
    let check = backup::check_restored(sqlite::open(&copy).expect("open"), &url).expect("check");
    assert_eq!((check.games, check.events, check.migrated.len()), (1, 2, 0), "{check:?}");
    sqlite::settle(&copy).expect("settle");
    assert!(!backup::sidecar(&copy, "-wal").exists());

    // Not a database at all.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database, not at all, just some bytes to fill a page").expect("write");
    let refused = sqlite::integrity_check(sqlite::open_immutable(&junk).expect("open"), &junk).err().expect("refused");
    assert!(refused.to_string().contains("is not a readable SQLite database"), "{refused}");
    let missing = sqlite::open(&dir.path().join("missing.db")).err().expect("refused");
    assert!(missing.to_string().starts_with("there is no database at "), "{missing}");
}

#[test]
fn postgres_role_checks_tell_who_may_make_a_side_database() {
    let db = TestDb::postgres();
    let mut conn = connect(&db);
    assert!(backup::pg::may_create_databases(&mut conn).expect("rights"), "the tests' role creates databases");
    let role = crate::db::unique("bingo_test_role_");
    conn.execute(&format!("CREATE ROLE {role} NOLOGIN; SET ROLE {role}")).expect("a role without CREATEDB");
    let checked = (
        backup::pg::current_user(&mut conn).expect("current role"),
        backup::pg::may_create_databases(&mut conn).expect("rights"),
    );
    conn.execute(&format!("RESET ROLE; DROP ROLE {role}")).expect("drop the role");
    assert_eq!(checked, (role, false));
}
