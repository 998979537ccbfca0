//! A node that runs for weeks keeps only a bounded number of games and join codes in memory.

use crate::db::TestDb;
use bingo_core::{GameConfig, GameKind, GameState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_finished_games_leave_the_maps_bounded() {
    let db = TestDb::sqlite();
    let node = db.node("a");
    let mut first = None;
    for n in 0..1000 {
        let created = node.create_game(GameConfig::standard(GameKind::Ball30)).await.expect("create");
        // Looked up by code, as a player's join or a screen does.
        node.snapshot_by_code(&created.join_code).await.expect("by code");
        node.command(&created.id, |g, now| g.finish(now)).await.expect("finish");
        first.get_or_insert(created.id);
        let held = node.held();
        assert!(held.games <= 16 && held.finished_games <= 16, "after {n} games: {held:?}");
        assert_eq!(held.join_codes, 0, "after {n} games: a finished game's code is free");
    }
    // A game dropped from memory is read back from the log when asked for.
    let first = first.expect("a game");
    assert_eq!(node.snapshot(&first).await.expect("snapshot").game.state, GameState::Finished);
    assert!(node.held().games <= 16);
}
