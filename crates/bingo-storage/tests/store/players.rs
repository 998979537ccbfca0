//! Players, cards and daubs.

use crate::db::{create_game, TestDb, T};
use bingo_core::card::Placement;
use bingo_storage::{ConflictKind, NewPlayer, PlayerRow, StoreError};

/// The placement of 75, 80 and 30-ball: serials in order (90-ball strips are tested below).
const IN_ORDER: Placement = Placement::Consecutive;

both_backends!(
    serials_players_and_paper_cards,
    reserved_serials_are_never_given_twice,
    ninety_ball_issues_keep_to_strips,
    token_and_recovery_lookups,
    daubs_are_idempotent,
    many_players_with_their_cards_in_one_read
);

fn h(n: u8) -> [u8; 32] {
    [n; 32]
}

fn join(db: &crate::db::TestDb, id: &str, game: &str, n: u8, cards: u32) -> (PlayerRow, Vec<u64>) {
    db.store
        .add_player(
            &NewPlayer {
                id,
                game_id: game,
                nickname: id,
                token_hash: h(n),
                recovery_code_hash: h(n.wrapping_add(100)),
                card_count: cards,
                now: T + i64::from(n),
            },
            IN_ORDER,
        )
        .expect("join")
}

fn reserved_serials_are_never_given_twice(db: &TestDb) {
    create_game(db, "g", "G", 1);
    let block = db.store.reserve_serials("g", 10, IN_ORDER).expect("reserve");
    assert_eq!(block, 1..11);
    // Other allocations continue after the reservation.
    assert_eq!(db.store.issue_paper_cards("g", 2, IN_ORDER, T).expect("paper"), 11..13);
    assert_eq!(db.store.reserve_serials("g", 4, IN_ORDER).expect("reserve"), 13..17);
    let new = |id: &'static str, n: u8| NewPlayer {
        id,
        game_id: "g",
        nickname: id,
        token_hash: h(n),
        recovery_code_hash: h(n.wrapping_add(100)),
        card_count: 3,
        now: T,
    };
    let ann = db.store.add_player_with_serials(&new("ann", 1), 1..4).expect("ann");
    assert_eq!(ann.id, "ann");
    assert_eq!(db.store.cards_of_player("ann").expect("cards"), [1, 2, 3]);
    // A serial already issued (to a player or on paper) is a conflict, and nothing is written.
    for taken in [3..6, 11..12] {
        match db.store.add_player_with_serials(&new("bob", 2), taken) {
            Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. }) => {}
            other => panic!("expected a duplicate conflict, got {other:?}"),
        }
    }
    assert!(db.store.player_by_token_hash(&h(2)).expect("lookup").is_none(), "bob was not added");
    assert_eq!(db.store.card_owner("g", 5).expect("owner"), None);
}

fn ninety_ball_issues_keep_to_strips(db: &TestDb) {
    create_game(db, "g", "G", 1);
    let strips = Placement::Strips;
    // Fewer than six stay in one strip: 1-4 fits strip 1, 3 more do not, so they start strip 2.
    assert_eq!(db.store.issue_paper_cards("g", 4, strips, T).expect("paper"), 1..5);
    assert_eq!(db.store.reserve_serials("g", 3, strips).expect("reserve"), 7..10);
    // Six or more start a strip: 10-12 are skipped, never issued.
    assert_eq!(db.store.issue_paper_cards("g", 12, strips, T).expect("paper"), 13..25);
    assert_eq!(db.store.reserve_serials("g", 258, strips).expect("reserve"), 25..283);
    assert_eq!(db.store.issue_paper_cards("g", 1, strips, T).expect("paper"), 283..284);
    assert_eq!(db.store.reserve_serials("g", 6, strips).expect("reserve"), 289..295);
    assert_eq!(db.store.card_owner("g", 10).expect("owner"), None, "skipped");
    assert_eq!(db.store.game_meta("g").expect("meta").expect("exists").next_serial, 295);
}

fn serials_players_and_paper_cards(db: &TestDb) {
    create_game(db, "g", "G", 1);
    create_game(db, "other", "O", 2);
    let (alice, serials) = join(db, "alice", "g", 1, 3);
    assert_eq!(serials, [1, 2, 3]);
    assert_eq!(alice.game_id, "g");
    assert_eq!(alice.token_hash, h(1));
    assert_eq!(db.store.issue_paper_cards("g", 5, IN_ORDER, T).expect("paper"), 4..9);
    let (_, serials) = join(db, "bob", "g", 2, 2);
    assert_eq!(serials, [9, 10]);
    let (_, serials) = join(db, "carol", "g", 3, 0);
    assert!(serials.is_empty());
    // Serials are per game.
    let (_, serials) = join(db, "dave", "other", 4, 2);
    assert_eq!(serials, [1, 2]);
    assert_eq!(db.store.game_meta("g").expect("meta").expect("exists").next_serial, 11);

    assert_eq!(db.store.cards_of_player("alice").expect("cards"), [1, 2, 3]);
    assert_eq!(db.store.cards_of_player("nobody").expect("cards"), Vec::<u64>::new());
    assert_eq!(db.store.card_owner("g", 2).expect("owner"), Some(Some("alice".to_string())));
    assert_eq!(db.store.card_owner("g", 5).expect("owner"), Some(None), "paper");
    assert_eq!(db.store.card_owner("g", 11).expect("owner"), None, "not issued");
    assert_eq!(db.store.card_owner("g", u64::MAX).expect("owner"), None);
    assert_eq!(db.store.card_owner("other", 1).expect("owner"), Some(Some("dave".to_string())));

    let players = db.store.players_of_game("g").expect("players");
    let summary: Vec<(&str, u64)> = players.iter().map(|p| (p.player.id.as_str(), p.cards)).collect();
    assert_eq!(summary, [("alice", 3), ("bob", 2), ("carol", 0)]);

    assert!(matches!(
        db.store.add_player(
            &NewPlayer {
                id: "eve",
                game_id: "nope",
                nickname: "eve",
                token_hash: h(50),
                recovery_code_hash: h(51),
                card_count: 1,
                now: T
            },
            IN_ORDER
        ),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(db.store.issue_paper_cards("nope", 1, IN_ORDER, T), Err(StoreError::NotFound { .. })));
    // A big paper batch goes in several inserts.
    assert_eq!(db.store.issue_paper_cards("g", 1200, IN_ORDER, T).expect("paper"), 11..1211);
    assert_eq!(db.store.card_owner("g", 1210).expect("owner"), Some(None));
}

fn token_and_recovery_lookups(db: &TestDb) {
    create_game(db, "g", "G", 1);
    create_game(db, "g2", "G2", 2);
    let (alice, _) = join(db, "alice", "g", 1, 1);
    join(db, "bob", "g", 2, 1);
    assert_eq!(db.store.player_by_token_hash(&h(1)).expect("lookup"), Some(alice.clone()));
    assert_eq!(db.store.player_by_token_hash(&h(9)).expect("lookup"), None);
    assert_eq!(db.store.player_by_recovery("g", &h(101)).expect("lookup").map(|p| p.id), Some("alice".to_string()));
    assert_eq!(db.store.player_by_recovery("g2", &h(101)).expect("lookup"), None, "recovery is per game");

    // Recovery issues a new token: the old one stops working.
    db.store.rotate_player_token("alice", &h(42)).expect("rotate");
    assert_eq!(db.store.player_by_token_hash(&h(1)).expect("lookup"), None);
    assert_eq!(db.store.player_by_token_hash(&h(42)).expect("lookup").map(|p| p.id), Some("alice".to_string()));
    assert!(matches!(db.store.rotate_player_token("nobody", &h(43)), Err(StoreError::NotFound { .. })));
    assert!(matches!(
        db.store.rotate_player_token("alice", &h(2)),
        Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. })
    ));

    // A token hash is unique everywhere; a recovery code hash within its game; a player id too.
    let dup = |id: &str, game: &str, token: u8, recovery: u8| {
        db.store.add_player(
            &NewPlayer {
                id,
                game_id: game,
                nickname: "x",
                token_hash: h(token),
                recovery_code_hash: h(recovery),
                card_count: 2,
                now: T,
            },
            IN_ORDER,
        )
    };
    assert!(matches!(dup("c", "g2", 42, 200), Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. })));
    assert!(matches!(dup("c", "g", 60, 101), Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. })));
    assert!(matches!(dup("alice", "g2", 61, 201), Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. })));
    // The refused joins took no serials.
    assert_eq!(db.store.game_meta("g").expect("meta").expect("exists").next_serial, 3);
    assert_eq!(dup("c", "g2", 62, 101).expect("same recovery hash in another game").1, [1, 2]);
}

fn daubs_are_idempotent(db: &TestDb) {
    create_game(db, "g", "G", 1);
    join(db, "alice", "g", 1, 2);
    join(db, "bob", "g", 2, 1);
    let s = &db.store;
    s.set_daub("alice", 1, 17, true).expect("daub");
    s.set_daub("alice", 1, 17, true).expect("again");
    s.set_daub("alice", 2, 90, true).expect("daub");
    s.set_daub("alice", 1, 5, true).expect("daub");
    assert_eq!(s.daubs_of_player("alice").expect("daubs"), [(1, 5), (1, 17), (2, 90)]);
    s.set_daub("alice", 1, 17, false).expect("undaub");
    s.set_daub("alice", 1, 17, false).expect("again");
    s.set_daub("alice", 1, 33, false).expect("never marked");
    assert_eq!(s.daubs_of_player("alice").expect("daubs"), [(1, 5), (2, 90)]);
    assert!(matches!(s.set_daub("alice", 3, 1, true), Err(StoreError::NotFound { .. })), "bob's card");
    assert!(matches!(s.set_daub("bob", 1, 1, true), Err(StoreError::NotFound { .. })), "alice's card");
    assert!(matches!(s.set_daub("nobody", 1, 1, true), Err(StoreError::NotFound { .. })));
    assert_eq!(s.daubs_of_player("bob").expect("daubs"), vec![]);
}

fn many_players_with_their_cards_in_one_read(db: &TestDb) {
    create_game(db, "g", "G", 1);
    create_game(db, "g2", "G2", 2);
    let (alice, alice_cards) = join(db, "alice", "g", 1, 3);
    let (bob, bob_cards) = join(db, "bob", "g2", 2, 2);
    let (carl, _) = join(db, "carl", "g", 3, 1);
    db.store.set_daub("alice", alice_cards[2], 17, true).expect("daub");
    db.store.set_daub("alice", alice_cards[0], 4, true).expect("daub");
    db.store.set_daub("bob", bob_cards[1], 9, true).expect("daub");

    let mut found = db.store.players_with_cards(&[h(2), h(1), h(77), h(1)]).expect("lookup");
    found.sort_by(|a, b| a.player.id.cmp(&b.player.id));
    assert_eq!(found.len(), 2, "an unknown hash is left out, a repeated one found once");
    assert_eq!(found[0].player, alice);
    assert_eq!(found[0].serials, alice_cards);
    assert_eq!(found[0].daubs, vec![(alice_cards[0], 4), (alice_cards[2], 17)]);
    assert_eq!(found[1].player, bob);
    assert_eq!(found[1].serials, bob_cards);
    assert_eq!(found[1].daubs, vec![(bob_cards[1], 9)]);
    assert!(db.store.players_with_cards(&[]).expect("nothing").is_empty());
    let only_carl = db.store.players_with_cards(&[h(3)]).expect("carl");
    assert_eq!(only_carl.len(), 1);
    assert_eq!(only_carl[0].player, carl);
    assert!(only_carl[0].daubs.is_empty());
}
