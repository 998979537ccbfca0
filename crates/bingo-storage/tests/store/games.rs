//! Games and their logs: migrations, create/append/load, the hash chain, conflicts, join codes,
//! corrupt data, auto-draw, listings.

use crate::db::{create_game, filler, seed, TestDb, T};
use bingo_core::{Event, EventKind, Game, GameKind, GameState, Seed};
use bingo_storage::{chain_hash, verify_chain, ConflictKind, NewGame, Store, StoreError, GENESIS_HASH};
use sha2::{Digest, Sha256};

both_backends!(
    migrations_apply_twice,
    round_trip_with_engine_events,
    hash_chain_recomputes,
    stale_append_conflicts,
    join_codes_unique_among_unfinished_and_case_insensitive,
    corrupt_payload_is_corrupt_not_panic,
    auto_draw_and_listings,
    create_game_checks_its_event,
    stats_count,
);

fn migrations_apply_twice(db: &TestDb) {
    assert_eq!(db.store.migrate().expect("second migrate"), Vec::<String>::new());
    assert_eq!(db.store.migrate().expect("third migrate"), Vec::<String>::new());
    db.store.ping().expect("ping");
}

/// Plays a game in the engine, storing each command's events; returns the game and all events.
fn play(db: &TestDb, id: &str) -> (Game, Vec<Event>) {
    let (mut game, meta) = create_game(db, id, "ROUND1", 7);
    assert_eq!(meta.state, GameState::Created);
    assert_eq!(meta.last_seq, 1);
    let mut log = db.store.load_game(id).expect("load").expect("exists").events;
    let append = |events: Vec<Event>, state: GameState, log: &mut Vec<Event>| {
        let stored = db.store.append_events(id, log.len() as u64, &events, state).expect("append");
        assert_eq!(stored.len(), events.len());
        for (s, e) in stored.iter().zip(&events) {
            assert_eq!(s.seq, e.seq);
            assert_eq!(s.kind, e.kind.name());
            assert_eq!(s.payload, serde_json::to_string(e).expect("json"));
        }
        log.extend(events);
    };
    append(game.open(T + 1).expect("open"), game.state(), &mut log);
    assert_eq!(db.store.game_meta(id).expect("meta").expect("exists").state, GameState::Open);
    append(game.issue_cards(&[(1, 10)], bingo_core::Channel::Phone, T + 1).expect("issue"), game.state(), &mut log);
    append(game.start(T + 2).expect("start"), game.state(), &mut log);
    for i in 0..6 {
        append(game.draw(T + 10 + i).expect("draw"), game.state(), &mut log);
    }
    append(game.claim(3, T + 20).expect("claim"), game.state(), &mut log);
    append(game.draw(T + 21).expect("draw"), game.state(), &mut log);
    (game, log)
}

fn round_trip_with_engine_events(db: &TestDb) {
    let (game, log) = play(db, "g1");
    let record = db.store.load_game("g1").expect("load").expect("exists");
    assert_eq!(record.events, log);
    assert_eq!(record.seed.as_bytes(), &seed(7));
    assert_eq!(record.meta.last_seq, log.len() as u64);
    assert_eq!(record.meta.state, GameState::Running);
    assert_eq!(record.meta.kind, GameKind::Ball90);
    assert_eq!(record.meta.epoch, "epoch-1");
    assert_eq!(record.meta.updated_at_ms, T + 21);
    let restored = Game::restore(record.seed.clone(), &record.events).expect("the stored log replays");
    assert_eq!(restored.calls(), game.calls());
    assert_eq!(restored.next_seq(), game.next_seq());
    assert_eq!(restored.state(), GameState::Running);

    let page = db.store.events_after("g1", 2, 3).expect("events_after");
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(page[0].event().expect("parses"), log[2]);
    // The claims, selected by kind: the one claim of the log, not its balls.
    let claims = db.store.events_of_kinds("g1", &EventKind::CLAIM_NAMES).expect("claims");
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].event().expect("parses"), log[10]);
    assert!(matches!(log[10].kind, EventKind::ClaimAccepted { .. } | EventKind::ClaimRejected { .. }));
    assert!(db.store.events_of_kinds("g1", &["stage_won"]).expect("none").is_empty());
    let last = db.store.last_event("g1").expect("last").expect("some");
    assert_eq!(last.seq, log.len() as u64);
    assert!(db.store.events_after("nope", 0, 10).expect("empty").is_empty());
    assert_eq!(db.store.last_event("nope").expect("none"), None);
    assert!(db.store.load_game("nope").expect("none").is_none());

    // Finishing reveals the seed and marks the game finished.
    let mut game = game;
    let finish = game.finish(T + 30).expect("finish");
    db.store.append_events("g1", log.len() as u64, &finish, game.state()).expect("append finish");
    let record = db.store.load_game("g1").expect("load").expect("exists");
    assert_eq!(record.meta.state, GameState::Finished);
    assert!(matches!(record.events.last().map(|e| &e.kind), Some(EventKind::SeedRevealed { .. })));
    Game::restore(record.seed, &record.events).expect("the finished log replays");
}

fn hash_chain_recomputes(db: &TestDb) {
    let (_, log) = play(db, "g2");
    let stored = db.store.events_after("g2", 0, 1000).expect("all events");
    assert_eq!(stored.len(), log.len());
    let mut prev = [0u8; 32];
    for e in &stored {
        assert_eq!(e.prev_hash, prev, "event {}", e.seq);
        let mut h = Sha256::new();
        h.update(prev);
        h.update(e.seq.to_be_bytes());
        h.update(e.payload.as_bytes());
        let want: [u8; 32] = h.finalize().into();
        assert_eq!(e.hash, want, "event {}", e.seq);
        assert_eq!(chain_hash(&prev, e.seq, e.payload.as_bytes()), want);
        prev = e.hash;
    }
    assert_eq!(stored[0].prev_hash, GENESIS_HASH);
    verify_chain(&stored).expect("chain verifies");
    verify_chain(&stored[3..]).expect("a run from the middle verifies");
    let mut broken = stored.clone();
    broken[4].payload.push(' ');
    assert!(matches!(verify_chain(&broken), Err(StoreError::Corrupt(m)) if m.contains("event 5")));
}

fn stale_append_conflicts(db: &TestDb) {
    create_game(db, "g3", "STALE", 1);
    db.store.append_events("g3", 1, &[filler(2)], GameState::Running).expect("first writer");
    match db.store.append_events("g3", 1, &[filler(2)], GameState::Running) {
        Err(StoreError::Conflict { kind: ConflictKind::StaleLog { expected: 1, actual: 2 }, .. }) => {}
        other => panic!("expected a stale-log conflict, got {other:?}"),
    }
    // A gap in the seqs is refused before touching the database.
    assert!(matches!(db.store.append_events("g3", 2, &[filler(4)], GameState::Running), Err(StoreError::Invalid(_))));
    assert!(matches!(
        db.store.append_events("g3", 2, &[filler(3), filler(5)], GameState::Running),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.store.append_events("nope", 1, &[filler(2)], GameState::Running),
        Err(StoreError::NotFound { .. })
    ));
    // Nothing to append: checks the position only.
    assert_eq!(db.store.append_events("g3", 2, &[], GameState::Running).expect("empty append"), vec![]);
    assert!(matches!(db.store.append_events("g3", 1, &[], GameState::Running), Err(StoreError::Conflict { .. })));
    let stored = db.store.append_events("g3", 2, &[filler(3), filler(4)], GameState::Running).expect("batch");
    assert_eq!(stored.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(db.store.game_meta("g3").expect("meta").expect("exists").last_seq, 4);
    // The state stored is the one the caller's engine reached, whatever the events.
    db.store.append_events("g3", 4, &[filler(5)], GameState::Paused).expect("pause");
    assert_eq!(db.store.game_meta("g3").expect("meta").expect("exists").state, GameState::Paused);
    verify_chain(&db.store.events_after("g3", 0, 100).expect("events")).expect("chain");
}

fn finish(db: &TestDb, id: &str) {
    let last = db.store.game_meta(id).expect("meta").expect("exists").last_seq;
    let e = Event { seq: last + 1, at_ms: T + 99, kind: EventKind::GameFinished };
    db.store.append_events(id, last, &[e], GameState::Finished).expect("finish");
}

fn join_codes_unique_among_unfinished_and_case_insensitive(db: &TestDb) {
    let (_, meta) = create_game(db, "a", "abcd", 1);
    assert_eq!(meta.join_code, "ABCD");
    for code in ["ABCD", "abcd", " AbCd "] {
        assert_eq!(db.store.game_by_join_code(code).expect("lookup").map(|m| m.id), Some("a".to_string()));
    }
    assert_eq!(db.store.game_by_join_code("ZZZZ").expect("lookup"), None);
    let (_, created) =
        Game::create(bingo_core::GameConfig::standard(GameKind::Ball90), Seed::from_bytes(seed(2)), T).expect("game");
    let commitment = Seed::from_bytes(seed(2)).commitment().to_string();
    let new = NewGame {
        id: "b",
        join_code: "AbCd",
        kind: GameKind::Ball90,
        seed: seed(2),
        commitment: &commitment,
        epoch: "e",
        created: &created,
    };
    match db.store.create_game(&new) {
        Err(StoreError::Conflict { kind: ConflictKind::JoinCodeTaken, .. }) => {}
        other => panic!("expected JoinCodeTaken, got {other:?}"),
    }
    assert_eq!(db.store.game_meta("b").expect("meta"), None, "nothing of the refused game is stored");
    // The same id again is a duplicate.
    match db.store.create_game(&NewGame { id: "a", join_code: "OTHER", ..new }) {
        Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. }) => {}
        other => panic!("expected Duplicate, got {other:?}"),
    }
    // Once "a" is finished its code is free again, and the lookup prefers the live game.
    finish(db, "a");
    assert_eq!(db.store.game_by_join_code("abcd").expect("lookup").map(|m| m.id), Some("a".to_string()));
    db.store.create_game(&new).expect("the code is free after the game finished");
    assert_eq!(db.store.game_by_join_code("abcd").expect("lookup").map(|m| m.id), Some("b".to_string()));
    finish(db, "b");
    assert_eq!(db.store.game_by_join_code("abcd").expect("lookup").map(|m| m.state), Some(GameState::Finished));
}

fn corrupt_payload_is_corrupt_not_panic(db: &TestDb) {
    create_game(db, "c", "CORRUPT", 1);
    db.store.append_events("c", 1, &[filler(2), filler(3)], GameState::Running).expect("append");
    db.raw("UPDATE events SET payload = '{not json' WHERE game_id = 'c' AND seq = 2");
    match db.store.load_game("c") {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("event 2"), "{m}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let stored = db.store.events_after("c", 1, 1).expect("rows still read");
    match stored[0].event() {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("event 2"), "{m}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // A payload that is valid JSON, with a recomputed chain, but not an event.
    let bad = "{\"seq\":2}";
    let h2 = chain_hash(&stored[0].prev_hash, 2, bad.as_bytes());
    let h3 = chain_hash(&h2, 3, db.store.events_after("c", 2, 1).expect("e3")[0].payload.as_bytes());
    let (x2, x3) = (hex::encode(h2), hex::encode(h3));
    let (lit2, lit3) = match db.store.backend() {
        bingo_storage::Backend::Sqlite => (format!("X'{x2}'"), format!("X'{x3}'")),
        bingo_storage::Backend::Postgres => (format!("'\\x{x2}'::bytea"), format!("'\\x{x3}'::bytea")),
    };
    db.raw(&format!(
        "UPDATE events SET payload = '{bad}', hash = {lit2} WHERE game_id = 'c' AND seq = 2;
         UPDATE events SET prev_hash = {lit2}, hash = {lit3} WHERE game_id = 'c' AND seq = 3;"
    ));
    match db.store.load_game("c") {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("event 2") && m.contains("not an event"), "{m}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // A bad state text.
    db.raw("UPDATE games SET state = 'exploded' WHERE id = 'c'");
    assert!(matches!(db.store.game_meta("c"), Err(StoreError::Corrupt(_))));
}

fn auto_draw_and_listings(db: &TestDb) {
    create_game(db, "x1", "X1", 1);
    db.raw("UPDATE games SET created_at_ms = created_at_ms + 5 WHERE id = 'x1'");
    create_game(db, "x2", "X2", 2);
    db.raw("UPDATE games SET created_at_ms = created_at_ms + 10 WHERE id = 'x2'");
    create_game(db, "x3", "X3", 3);
    let ids: Vec<String> = db.store.list_games(10).expect("list").into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["x2", "x1", "x3"]);
    assert_eq!(db.store.list_games(1).expect("list").len(), 1);

    db.store.set_auto_draw("x1", true, Some(T + 500)).expect("on");
    db.store.set_auto_draw("x2", true, Some(T + 100)).expect("on");
    db.store.set_auto_draw("x3", true, None).expect("on");
    db.store.set_auto_draw("x3", false, None).expect("off");
    assert!(matches!(db.store.set_auto_draw("nope", true, None), Err(StoreError::NotFound { .. })));
    let auto: Vec<(String, Option<i64>)> =
        db.store.games_with_auto_draw().expect("auto").into_iter().map(|m| (m.id, m.next_draw_at_ms)).collect();
    assert_eq!(auto, [("x2".to_string(), Some(T + 100)), ("x1".to_string(), Some(T + 500))]);
    finish(db, "x2");
    let meta = db.store.game_meta("x2").expect("meta").expect("exists");
    assert!(!meta.auto_draw);
    assert_eq!(meta.next_draw_at_ms, None);
    let auto: Vec<String> = db.store.games_with_auto_draw().expect("auto").into_iter().map(|m| m.id).collect();
    assert_eq!(auto, ["x1"]);
}

fn create_game_checks_its_event(db: &TestDb) {
    let (_, created) =
        Game::create(bingo_core::GameConfig::standard(GameKind::Ball75), Seed::from_bytes(seed(4)), T).expect("game");
    let commitment = Seed::from_bytes(seed(4)).commitment().to_string();
    let good = NewGame {
        id: "k",
        join_code: "K",
        kind: GameKind::Ball75,
        seed: seed(4),
        commitment: &commitment,
        epoch: "e",
        created: &created,
    };
    let invalid = |new: NewGame<'_>| matches!(db.store.create_game(&new), Err(StoreError::Invalid(_)));
    assert!(invalid(NewGame { kind: GameKind::Ball90, ..good }));
    assert!(invalid(NewGame { seed: seed(5), ..good }));
    assert!(invalid(NewGame { commitment: "00", ..good }));
    assert!(invalid(NewGame { join_code: "  ", ..good }));
    let opened = Event { seq: 1, at_ms: T, kind: EventKind::GameOpened };
    assert!(invalid(NewGame { created: &opened, ..good }));
    assert_eq!(db.store.list_games(10).expect("list"), vec![]);
    let meta = db.store.create_game(&good).expect("create");
    assert_eq!(meta.kind, GameKind::Ball75);
    assert_eq!(meta.next_serial, 1);
    assert!(!meta.auto_draw);
}

fn stats_count(db: &TestDb) {
    assert_eq!(db.store.stats().expect("stats"), Default::default());
    create_game(db, "s1", "S1", 1);
    create_game(db, "s2", "S2", 2);
    finish(db, "s2");
    db.store.issue_paper_cards("s1", 4, bingo_core::card::Placement::Consecutive, T).expect("paper");
    let stats = db.store.stats().expect("stats");
    assert_eq!(stats.games_by_state.get("created"), Some(&1));
    assert_eq!(stats.games_by_state.get("finished"), Some(&1));
    assert_eq!(stats.players, 0);
    assert_eq!(stats.cards, 4);
}

#[test]
fn open_refuses_bad_urls() {
    for url in ["mysql://root@localhost/bingo", "bingo.db", "", "sqlite://", "sqlite://:memory:", "http://x"] {
        match Store::open(url, 2) {
            Err(StoreError::Invalid(m)) => assert!(m.contains("expected sqlite://") || m.contains("SQLite URL"), "{m}"),
            other => panic!("{url:?}: expected Invalid, got {other:?}"),
        }
    }
    // The message never repeats the URL (it may hold a password).
    match Store::open("mysql://user:secret@db/bingo", 2) {
        Err(e) => assert!(!e.to_string().contains("secret"), "{e}"),
        Ok(_) => panic!("mysql accepted"),
    }
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    assert!(matches!(Store::open(&url, 0), Err(StoreError::Invalid(_))));
    // A directory that does not exist: the database cannot be opened.
    let url = format!("sqlite://{}", dir.path().join("missing/x.db").display());
    assert!(matches!(Store::open(&url, 1), Err(StoreError::Unavailable(_))));
    // Nothing listens on port 1: unavailable at once, not after the pool's timeout.
    let started = std::time::Instant::now();
    match Store::open("postgres://postgres@127.0.0.1:1/bingo", 1) {
        Err(StoreError::Unavailable(m)) => assert!(m.contains("postgres"), "{m}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn sqlite_uses_wal() {
    let db = TestDb::sqlite();
    create_game(&db, "w", "W", 1);
    let path = db.url.trim_start_matches("sqlite://");
    assert!(std::path::Path::new(&format!("{path}-wal")).exists(), "the write went to the WAL");
}

#[test]
fn relative_sqlite_path_opens() {
    let dir = tempfile::tempdir().expect("dir");
    let rel = dir.path().strip_prefix(std::env::current_dir().expect("cwd")).ok().map(|p| p.join("r.db"));
    // Only when the temp dir lies under the working directory can it be named relatively; else
    // check that a plain relative name parses and opens in a scratch directory of our own.
    let path = match rel {
        Some(p) => p,
        None => {
            let local = std::path::PathBuf::from(format!("target-test-{}.db", crate::db::unique("")));
            let _cleanup = Cleanup(local.clone());
            let store = Store::open(&format!("sqlite://{}", local.display()), 1).expect("relative path opens");
            store.migrate().expect("migrate");
            assert!(local.exists());
            return;
        }
    };
    let store = Store::open(&format!("sqlite://{}", path.display()), 1).expect("relative path opens");
    store.migrate().expect("migrate");
}

struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}
