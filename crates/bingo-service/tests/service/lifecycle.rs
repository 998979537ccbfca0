//! The service's tasks: started once, explicitly; stopped by cancelling and awaiting them.

use crate::both_backends;
use crate::db::TestDb;
use bingo_core::{GameConfig, GameKind};
use bingo_service::{ServiceError, Tasks};
use std::time::Duration;

both_backends!(tasks_start_once_answer_hellos_and_stop_on_shutdown);

async fn tasks_start_once_answer_hellos_and_stop_on_shutdown(db: TestDb) {
    let (a, b) = (db.node("a"), db.node("b"));
    let created = a.create_game(GameConfig::standard(GameKind::Ball90)).await.expect("create");
    a.command(&created.id, |g, now| g.open(now)).await.expect("open");
    // Joined through b: a knows the player only from storage, through its look-up task.
    let joined = b.join(&created.join_code, "Ann", 2).await.expect("join");

    match a.player_with_cards(&joined.player_token).await {
        Err(ServiceError::Unavailable(m)) => assert!(m.contains("not started"), "{m}"),
        other => panic!("before start: {other:?}"),
    }
    let tasks = a.start(Tasks { auto_draw: true }).expect("start");
    assert_eq!(tasks.names(), ["lookups", "follower", "housekeeping", "auto-draw"]);
    assert!(a.start(Tasks::default()).is_err(), "the tasks start once");

    let (player, cards, daubs) = a.player_with_cards(&joined.player_token).await.expect("hello");
    assert_eq!(player.id, joined.player_id);
    assert_eq!(cards, joined.cards);
    assert!(daubs.is_empty());
    assert!(matches!(a.player_with_cards("no-such-token").await, Err(ServiceError::Unauthorized(_))));

    tokio::time::timeout(Duration::from_secs(10), tasks.shutdown()).await.expect("the tasks stop when cancelled");
    assert!(matches!(a.player_with_cards(&joined.player_token).await, Err(ServiceError::Unavailable(_))));
}
