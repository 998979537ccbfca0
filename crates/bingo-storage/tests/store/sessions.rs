//! The hall's sessions of games, their templates, the snowball pot, and events selected by kind
//! across games.

use crate::db::{create_game, filler, TestDb, T};
use bingo_core::GameState;
use bingo_storage::{SessionRecord, StoreError, TemplateRecord};

both_backends!(sessions_link_their_games_in_order, templates_round_trip, snowball_pot_and_events_everywhere);

fn record(id: &str, at: i64) -> SessionRecord {
    SessionRecord {
        id: id.into(),
        name: format!("night {id}"),
        plan: r#"{"games": []}"#.into(),
        created_at_ms: at,
        interval_until_ms: None,
    }
}

fn sessions_link_their_games_in_order(db: &TestDb) {
    for (id, code, s) in [("g1", "AAA111", 1), ("g2", "BBB222", 2), ("g3", "CCC333", 3), ("g4", "DDD444", 4)] {
        create_game(db, id, code, s);
    }
    let s1 = record("s1", T);
    db.store.create_hall_session(&s1, &["g2".into(), "g1".into()]).expect("session");
    let (stored, games) = db.store.hall_session_with_games("s1").expect("read").expect("exists");
    assert_eq!(stored, s1);
    let order: Vec<_> = games.iter().map(|g| (g.id.as_str(), g.session.clone())).collect();
    assert_eq!(order, [("g2", Some(("s1".into(), 0))), ("g1", Some(("s1".into(), 1)))]);
    assert_eq!(db.store.game_meta("g3").expect("meta").expect("exists").session, None);
    assert_eq!(db.store.hall_session("nope").expect("read"), None);
    assert!(db.store.hall_session_with_games("nope").expect("read").is_none());

    // A game in another session, or none at all: nothing is stored.
    let taken = db.store.create_hall_session(&record("s2", T + 1), &["g3".into(), "g1".into()]);
    assert!(matches!(taken, Err(StoreError::Invalid(_))), "{taken:?}");
    assert_eq!(db.store.hall_session("s2").expect("read"), None);
    assert_eq!(db.store.game_meta("g3").expect("meta").expect("exists").session, None, "rolled back");
    let missing = db.store.create_hall_session(&record("s2", T + 1), &["g9".into()]);
    assert!(matches!(missing, Err(StoreError::Invalid(_))), "{missing:?}");
    assert!(matches!(db.store.create_hall_session(&record("s2", T + 1), &[]), Err(StoreError::Invalid(_))));
    let duplicate = db.store.create_hall_session(&record("s1", T + 1), &["g4".into()]);
    assert!(matches!(duplicate, Err(StoreError::Conflict { .. })), "{duplicate:?}");

    db.store.create_hall_session(&record("s2", T + 1), &["g3".into()]).expect("second session");
    db.raw("UPDATE games SET state = 'finished' WHERE id = 'g2'");
    let listed = db.store.list_hall_sessions(10).expect("list");
    let counts: Vec<_> = listed.iter().map(|s| (s.session.id.as_str(), s.games, s.finished)).collect();
    assert_eq!(counts, [("s2", 1, 0), ("s1", 2, 1)], "newest first");
    assert_eq!(db.store.list_hall_sessions(1).expect("list").len(), 1);
    let (_, games) = db.store.hall_session_with_games("s1").expect("read").expect("exists");
    assert_eq!(games[0].state, GameState::Finished);

    db.store.set_interval_until("s1", Some(T + 300_000)).expect("interval");
    assert_eq!(db.store.hall_session("s1").expect("read").expect("exists").interval_until_ms, Some(T + 300_000));
    db.store.set_interval_until("s1", None).expect("cleared");
    assert_eq!(db.store.hall_session("s1").expect("read").expect("exists").interval_until_ms, None);
    assert!(matches!(db.store.set_interval_until("nope", None), Err(StoreError::NotFound { .. })));
    db.store.migrate().expect("migrations stay applied");
}

fn templates_round_trip(db: &TestDb) {
    assert_eq!(db.store.templates().expect("none"), []);
    let friday = TemplateRecord { name: "Friday".into(), plan: r#"{"a":1}"#.into(), updated_at_ms: T };
    let bingo = TemplateRecord { name: "Bingo & chips".into(), plan: r#"{"b":2}"#.into(), updated_at_ms: T };
    db.store.put_template(&friday).expect("put");
    db.store.put_template(&bingo).expect("put");
    assert_eq!(db.store.templates().expect("read"), [bingo.clone(), friday.clone()], "by name");
    let replaced = TemplateRecord { plan: r#"{"a":2}"#.into(), updated_at_ms: T + 5, ..friday };
    db.store.put_template(&replaced).expect("replace");
    assert_eq!(db.store.templates().expect("read"), [bingo.clone(), replaced]);
    assert!(db.store.delete_template("Friday").expect("delete"));
    assert!(!db.store.delete_template("Friday").expect("delete again"));
    assert_eq!(db.store.templates().expect("read"), [bingo]);
}

fn snowball_pot_and_events_everywhere(db: &TestDb) {
    assert_eq!(db.store.snowball_pot().expect("pot"), 0, "none set yet");
    db.store.set_snowball_pot(25_000).expect("set");
    assert_eq!(db.store.snowball_pot().expect("pot"), 25_000);
    db.store.set_snowball_pot(0).expect("reset");
    assert_eq!(db.store.snowball_pot().expect("pot"), 0);
    assert!(matches!(db.store.set_snowball_pot(u64::MAX), Err(StoreError::Invalid(_))));

    // One game at a time plays for the pot; the pot it leaves frees it.
    db.store.set_snowball_pot(10_000).expect("set");
    assert_eq!(db.store.reserve_snowball("g1").expect("reserve"), Some(10_000));
    assert_eq!(db.store.reserve_snowball("g1").expect("again"), Some(10_000), "the holder may ask again");
    assert_eq!(db.store.reserve_snowball("g2").expect("second"), None, "another game is refused");
    assert_eq!(db.store.set_snowball_pot(1).expect("set while held"), Some("g1".to_string()));
    assert_eq!(db.store.snowball().expect("read"), (10_000, Some("g1".to_string())), "unchanged while held");
    assert!(!db.store.settle_snowball("g2", 5).expect("not the holder"));
    assert!(db.store.settle_snowball("g1", 12_000).expect("the holder settles"));
    assert_eq!(db.store.snowball().expect("read"), (12_000, None));
    assert_eq!(db.store.reserve_snowball("g2").expect("now free"), Some(12_000));
    db.store.release_snowball("g2").expect("release");
    assert_eq!(db.store.snowball().expect("read"), (12_000, None));
    db.store.set_snowball_pot(0).expect("reset");

    create_game(db, "g1", "AAA111", 1);
    create_game(db, "g2", "BBB222", 2);
    // filler: seq 2 paused, 3 resumed, 4 paused (at T + seq).
    db.store.append_events("g1", 1, &[filler(2), filler(3)], GameState::Running).expect("append");
    db.store.append_events("g2", 1, &[filler(2), filler(3), filler(4)], GameState::Running).expect("append");
    let paused = db.store.events_of_kinds_everywhere(&["paused"], 10).expect("select");
    let found: Vec<_> = paused.iter().map(|e| (e.game_id.as_str(), e.event.seq, e.event.at_ms)).collect();
    assert_eq!(found, [("g2", 4, T + 4), ("g2", 2, T + 2), ("g1", 2, T + 2)], "newest first");
    assert_eq!(db.store.events_of_kinds_everywhere(&["paused", "resumed"], 2).expect("select").len(), 2);
    assert_eq!(db.store.events_of_kinds_everywhere(&["snowball_won"], 10).expect("select"), []);
}
