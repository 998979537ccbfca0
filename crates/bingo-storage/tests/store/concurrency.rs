//! Racing writers: appends, joins, leases. Threads start together at a barrier.

use crate::db::{create_game, filler, TestDb, T};
use bingo_core::GameState;
use bingo_storage::{verify_chain, ConflictKind, NewPlayer, StoreError};
use std::collections::BTreeSet;
use std::sync::Barrier;

both_backends!(racing_appends_one_wins_no_gaps, racing_joins_get_distinct_serials, racing_leases_one_holder);

const THREADS: usize = 6;

fn racing_appends_one_wins_no_gaps(db: &TestDb) {
    create_game(db, "g", "G", 1);
    // Round 1: everyone appends seq 2 at the same moment; exactly one wins.
    let barrier = Barrier::new(THREADS);
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    db.store.append_events("g", 1, &[filler(2)], GameState::Running)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    for r in &results {
        match r {
            Ok(_) | Err(StoreError::Conflict { kind: ConflictKind::StaleLog { expected: 1, actual: 2 }, .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }

    // Round 2: each thread appends 5 events, reloading its position after every conflict.
    const EACH: usize = 5;
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                barrier.wait();
                let mut done = 0;
                let mut conflicts = 0;
                while done < EACH {
                    let last = db.store.game_meta("g").expect("meta").expect("exists").last_seq;
                    match db.store.append_events("g", last, &[filler(last + 1), filler(last + 2)], GameState::Running) {
                        Ok(stored) => {
                            assert_eq!(stored.len(), 2);
                            done += 1;
                        }
                        Err(StoreError::Conflict { kind: ConflictKind::StaleLog { .. }, .. }) => conflicts += 1,
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                    assert!(conflicts < 10_000, "livelock");
                }
            });
        }
    });
    let total = 2 + (THREADS * EACH * 2) as u64;
    let meta = db.store.game_meta("g").expect("meta").expect("exists");
    assert_eq!(meta.last_seq, total);
    let stored = db.store.events_after("g", 0, 10_000).expect("events");
    let seqs: Vec<u64> = stored.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>(), "gapless, no duplicates");
    verify_chain(&stored).expect("one unbroken chain");
    assert_eq!(db.store.load_game("g").expect("load").expect("exists").events.len() as u64, total);
}

fn racing_joins_get_distinct_serials(db: &TestDb) {
    create_game(db, "g", "G", 1);
    const JOINS: usize = 4;
    const CARDS: u32 = 3;
    let barrier = Barrier::new(THREADS);
    let serials: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    let mut mine = Vec::new();
                    for j in 0..JOINS {
                        let n = (t * JOINS + j) as u8;
                        let id = format!("p{t}-{j}");
                        if j == 1 {
                            let range = db
                                .store
                                .issue_paper_cards("g", 2, bingo_core::card::Placement::Consecutive, T)
                                .expect("paper");
                            mine.extend(range);
                        }
                        let (_, s) = db
                            .store
                            .add_player(
                                &NewPlayer {
                                    id: &id,
                                    game_id: "g",
                                    nickname: "racer",
                                    token_hash: [n; 32],
                                    recovery_code_hash: [n.wrapping_add(128); 32],
                                    card_count: CARDS,
                                    now: T,
                                },
                                bingo_core::card::Placement::Consecutive,
                            )
                            .expect("join");
                        assert_eq!(s.len(), CARDS as usize);
                        assert!(s.windows(2).all(|w| w[1] == w[0] + 1), "consecutive");
                        mine.extend(s);
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("thread")).collect()
    });
    let total = THREADS as u64 * (JOINS as u64 * u64::from(CARDS) + 2);
    let distinct: BTreeSet<u64> = serials.iter().copied().collect();
    assert_eq!(distinct.len(), serials.len(), "no serial given twice");
    assert_eq!(distinct, (1..=total).collect::<BTreeSet<_>>());
    assert_eq!(db.store.game_meta("g").expect("meta").expect("exists").next_serial, total + 1);
    let players = db.store.players_of_game("g").expect("players");
    assert_eq!(players.len(), THREADS * JOINS);
    assert!(players.iter().all(|p| p.cards == u64::from(CARDS)));
}

fn racing_leases_one_holder(db: &TestDb) {
    const TTL: u64 = 1000;
    let race = |now: i64| -> Vec<String> {
        let barrier = Barrier::new(THREADS);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    let barrier = &barrier;
                    scope.spawn(move || {
                        let holder = format!("node-{t}");
                        barrier.wait();
                        db.store.try_acquire_lease("auto-draw:g", &holder, TTL, now).expect("lease").then_some(holder)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().expect("thread")).collect()
        })
    };
    let winners = race(T);
    assert_eq!(winners.len(), 1, "{winners:?}");
    let first = winners[0].clone();
    assert_eq!(db.store.lease_holder("auto-draw:g", T).expect("holder"), Some(first.clone()));
    // While it is held, only its holder (one of the racers) gets it: a renewal.
    assert_eq!(race(T + 500), vec![first.clone()]);
    assert!(db.store.try_acquire_lease("auto-draw:g", &first, TTL, T + 600).expect("renew"));
    assert!(!db.store.try_acquire_lease("auto-draw:g", "stranger", TTL, T + 1599).expect("still held"));
    // Once it expires, exactly one of the racers takes it over.
    let winners = race(T + 1600);
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(db.store.lease_holder("auto-draw:g", T + 1600).expect("holder"), Some(winners[0].clone()));
    assert_eq!(db.store.lease_holder("auto-draw:g", T + 1600 + TTL as i64).expect("holder"), None, "expired");
    // Release: only by its holder.
    let holder = winners[0].clone();
    assert!(!db.store.release_lease("auto-draw:g", "stranger").expect("not held"));
    assert!(db.store.release_lease("auto-draw:g", &holder).expect("release"));
    assert_eq!(db.store.lease_holder("auto-draw:g", T + 1600).expect("holder"), None);
    assert!(db.store.try_acquire_lease("auto-draw:g", "stranger", TTL, T + 1601).expect("free again"));
    // Leases are independent by name.
    assert!(db.store.try_acquire_lease("auto-draw:h", &holder, TTL, T + 1601).expect("other lease"));
}
