//! Two services on one store, as two nodes: a stale writer retries, a node follows the events
//! another commits, and card serials reserved by each are never given twice.

use crate::both_backends;
use crate::db::TestDb;
use bingo_bus::Bus;
use bingo_core::{Event, EventKind, Game, GameConfig, GameKind, GameState};
use bingo_service::Service;
use std::collections::BTreeSet;
use std::time::Duration;

both_backends!(a_stale_writer_reloads_and_runs_its_command_once_more, a_node_follows_the_events_another_commits);
both_backends!(serials_reserved_by_two_nodes_are_never_given_twice);

async fn running_game(node: &Service) -> (String, String) {
    let created = node.create_game(GameConfig::standard(GameKind::Ball75)).await.expect("create");
    node.command(&created.id, |g, now| g.open(now)).await.expect("open");
    node.command(&created.id, |g, now| g.start(now)).await.expect("start");
    (created.id, created.join_code)
}

fn ball(events: &[Event]) -> (u64, u8) {
    events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::BallCalled { number, .. } => Some((e.seq, number)),
            _ => None,
        })
        .expect("a ball was called")
}

async fn game_json(node: &Service, id: &str) -> serde_json::Value {
    serde_json::to_value(node.snapshot(id).await.expect("snapshot").game).expect("json")
}

async fn a_stale_writer_reloads_and_runs_its_command_once_more(db: TestDb) {
    let (a, b) = (db.node("a"), db.node("b"));
    let (id, _) = running_game(&a).await;
    // b holds its own copy from now on; the nodes share no bus, so b never hears of a's balls.
    b.snapshot(&id).await.expect("b loads the game");
    let first = ball(&a.command(&id, |g, now| g.draw(now)).await.expect("a draws"));
    // b's copy would draw the same ball at the same seq: the log refuses it, b reloads and draws
    // the next one.
    let second = ball(&b.command(&id, |g, now| g.draw(now)).await.expect("b draws after reloading"));
    assert_eq!(second.0, first.0 + 1);
    assert_ne!(second.1, first.1);
    // a is now the stale one, and retries in turn.
    let third = ball(&a.command(&id, |g, now| g.draw(now)).await.expect("a draws after reloading"));
    assert_eq!(third.0, second.0 + 1);

    let record = db.store.load_game(&id).expect("load").expect("exists");
    let replayed = Game::restore(record.seed, &record.events).expect("the log replays");
    let calls = replayed.calls().as_slice().to_vec();
    assert_eq!(calls, [first.1, second.1, third.1]);
    assert_eq!(game_json(&a, &id).await["calls"], serde_json::json!(calls));
}

async fn a_node_follows_the_events_another_commits(db: TestDb) {
    let (a, b) = (db.node("a"), db.node("b"));
    let (id, _) = running_game(&a).await;
    b.snapshot(&id).await.expect("b loads the game");

    // In order: each event applies to b's copy.
    for _ in 0..3 {
        for event in a.command(&id, |g, now| g.draw(now)).await.expect("draw") {
            assert!(b.follow(&id, &event).await.expect("follow"), "event {} applies", event.seq);
        }
    }
    assert_eq!(game_json(&a, &id).await, game_json(&b, &id).await);
    // An event already applied is ignored.
    let old = db.store.events_after(&id, 3, 1).expect("read")[0].event().expect("event");
    assert!(b.follow(&id, &old).await.expect("follow"));

    // A gap: b reloads from the log and is current again.
    a.command(&id, |g, now| g.draw(now)).await.expect("draw");
    let after_gap = a.command(&id, |g, now| g.draw(now)).await.expect("draw");
    assert!(!b.follow(&id, &after_gap[0]).await.expect("follow"), "a gap reloads");
    assert_eq!(game_json(&a, &id).await, game_json(&b, &id).await);

    // Over a shared bus, a started node follows by itself, to the game's end.
    let bus = Bus::local();
    let (c, d) = (db.node_on("c", bus.clone()), db.node_on("d", bus));
    let tasks = d.start(Default::default()).expect("start d");
    d.snapshot(&id).await.expect("d loads the game");
    c.command(&id, |g, now| g.draw(now)).await.expect("c draws");
    c.finish(&id).await.expect("c finishes the game");
    let want = game_json(&c, &id).await;
    tokio::time::timeout(Duration::from_secs(10), async {
        while game_json(&d, &id).await != want {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("d caught up with c through the bus");
    assert_eq!(d.snapshot(&id).await.expect("snapshot").game.state, GameState::Finished);
    assert_eq!(d.held().finished_games, 1);
    tasks.shutdown().await;
}

async fn serials_reserved_by_two_nodes_are_never_given_twice(db: TestDb) {
    let (a, b) = (db.node("a"), db.node("b"));
    let (id, code) = running_game(&a).await;
    const JOINS: usize = 12;
    let mut joins = tokio::task::JoinSet::new();
    for n in 0..JOINS {
        for node in [&a, &b] {
            let (node, code) = (node.clone(), code.clone());
            joins.spawn(async move {
                let joined = node.join(&code, &format!("p{n}"), 3).await.expect("join");
                (node.node().to_string(), joined.cards.iter().map(|c| c.serial()).collect::<Vec<_>>())
            });
        }
    }
    let mut all = BTreeSet::new();
    let mut blocks = std::collections::BTreeMap::<String, BTreeSet<u64>>::new();
    while let Some(joined) = joins.join_next().await {
        let (node, serials) = joined.expect("join task");
        assert_eq!(serials.len(), 3);
        for s in serials {
            assert!(all.insert(s), "serial {s} given twice");
            // Each node issues from the blocks of 256 it reserved.
            blocks.entry(node.clone()).or_default().insert((s - 1) / 256);
        }
    }
    assert_eq!(all.len(), JOINS * 2 * 3);
    let (a_blocks, b_blocks) = (&blocks["a"], &blocks["b"]);
    assert_eq!((a_blocks.len(), b_blocks.len()), (1, 1), "{blocks:?}");
    assert!(a_blocks.is_disjoint(b_blocks), "{blocks:?}");
    // Paper cards come after both nodes' reservations.
    let paper = a.issue_paper(&id, 2).await.expect("paper");
    assert_eq!((paper.first, paper.last), (2 * 256 + 1, 2 * 256 + 2));
    let players = a.players_of_game(&id).await.expect("players");
    assert_eq!(players.len(), JOINS * 2);
    assert!(players.iter().all(|p| p.cards == 3));
}
