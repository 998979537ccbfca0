//! The caller's announcement: set, replaced and cleared in any state, bad text refused, published
//! on the bus, and there for whoever connects later: in this node's snapshot (the shared one
//! too), a restarted node's, and another node's (following the bus, or re-reading after a missed
//! notice).

use crate::both_backends;
use crate::db::TestDb;
use bingo_bus::{Bus, BusMessage, Update};
use bingo_core::{GameConfig, GameKind};
use bingo_service::{Service, ServiceError, ANNOUNCEMENT_MAX_CHARS};
use std::time::Duration;

both_backends!(an_announcement_is_set_replaced_and_cleared_and_kept, bad_announcements_are_refused);
both_backends!(other_nodes_show_the_announcement);

async fn announcement(node: &Service, id: &str) -> Option<String> {
    let snapshot = node.snapshot(id).await.expect("snapshot");
    let shared = node.shared_snapshot(id).await.expect("shared snapshot");
    let shared_json: serde_json::Value = serde_json::from_str(shared.json.get()).expect("json");
    assert_eq!(shared_json["announcement"], serde_json::json!(snapshot.announcement), "the shared bytes are current");
    assert_eq!(shared.announcement, snapshot.announcement);
    snapshot.announcement
}

/// The next announcement published on `bus`, skipping other messages.
async fn heard(sub: &mut bingo_bus::Subscription) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(BusMessage::Update(notice)) = sub.recv().await {
                if let Update::Announcement { text } = &notice.update {
                    return text.clone();
                }
            }
        }
    })
    .await
    .expect("an announcement on the bus")
}

async fn an_announcement_is_set_replaced_and_cleared_and_kept(db: TestDb) {
    let bus = Bus::local();
    let a = db.node_on("a", bus.clone());
    let mut sub = bus.subscribe();
    let id = a.create_game(GameConfig::standard(GameKind::Ball75)).await.expect("create").id;
    assert_eq!(announcement(&a, &id).await, None);

    // Created: set (trimmed); the shared snapshot made before it is not served again.
    a.set_announcement(&id, Some("  Eyes down in 5 minutes ")).await.expect("set");
    assert_eq!(heard(&mut sub).await.as_deref(), Some("Eyes down in 5 minutes"));
    assert_eq!(announcement(&a, &id).await.as_deref(), Some("Eyes down in 5 minutes"));

    // Running: replaced.
    a.command(&id, |g, now| g.open(now)).await.expect("open");
    a.command(&id, |g, now| g.start(now)).await.expect("start");
    a.set_announcement(&id, Some("Raffle at the interval")).await.expect("replace");
    assert_eq!(heard(&mut sub).await.as_deref(), Some("Raffle at the interval"));
    assert_eq!(announcement(&a, &id).await.as_deref(), Some("Raffle at the interval"));

    // A restarted node (a fresh service on the same database) still has it.
    assert_eq!(announcement(&db.node("restarted"), &id).await.as_deref(), Some("Raffle at the interval"));

    // Cleared by null and by blank text; set again after the game's end.
    a.set_announcement(&id, None).await.expect("clear");
    assert_eq!(heard(&mut sub).await, None);
    assert_eq!(announcement(&a, &id).await, None);
    a.set_announcement(&id, Some("Last orders")).await.expect("set");
    assert_eq!(heard(&mut sub).await.as_deref(), Some("Last orders"));
    a.set_announcement(&id, Some("   ")).await.expect("blank clears");
    assert_eq!(heard(&mut sub).await, None);
    assert_eq!(announcement(&db.node("restarted again"), &id).await, None);
    a.finish(&id).await.expect("finish");
    a.set_announcement(&id, Some("Thank you, good night")).await.expect("set when finished");
    assert_eq!(announcement(&db.node("after the end"), &id).await.as_deref(), Some("Thank you, good night"));
}

async fn bad_announcements_are_refused(db: TestDb) {
    let a = db.node("a");
    let id = a.create_game(GameConfig::standard(GameKind::Ball90)).await.expect("create").id;
    a.set_announcement(&id, Some("Eyes down")).await.expect("set");
    let too_long = "x".repeat(ANNOUNCEMENT_MAX_CHARS + 1);
    for bad in [too_long.as_str(), "two\nlines", "tab\there", "esc\u{1b}[31m"] {
        let refused = a.set_announcement(&id, Some(bad)).await;
        assert!(matches!(refused, Err(ServiceError::Invalid(_))), "{bad:?}: {refused:?}");
    }
    let longest = "é".repeat(ANNOUNCEMENT_MAX_CHARS);
    a.set_announcement(&id, Some(&longest)).await.expect("200 characters (400 bytes) is fine");
    assert_eq!(announcement(&db.node("b"), &id).await, Some(longest), "stored whole");
    let missing = a.set_announcement("0123456789abcdef", Some("hello")).await;
    assert!(matches!(missing, Err(ServiceError::NotFound(_))), "{missing:?}");
}

async fn other_nodes_show_the_announcement(db: TestDb) {
    // Over a shared bus, a started node that holds the game follows the update.
    let bus = Bus::local();
    let (a, b) = (db.node_on("a", bus.clone()), db.node_on("b", bus));
    let tasks = b.start(Default::default()).expect("start b");
    let id = a.create_game(GameConfig::standard(GameKind::Ball75)).await.expect("create").id;
    assert_eq!(announcement(&b, &id).await, None, "b holds the game");
    a.set_announcement(&id, Some("Eyes down")).await.expect("set");
    tokio::time::timeout(Duration::from_secs(10), async {
        while b.snapshot(&id).await.expect("snapshot").announcement.as_deref() != Some("Eyes down") {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("b follows the announcement on the bus");
    assert_eq!(announcement(&b, &id).await.as_deref(), Some("Eyes down"));
    tasks.shutdown().await;

    // A node that missed the notice (no shared bus) reads it again after a resync.
    let c = db.node("c");
    assert_eq!(announcement(&c, &id).await.as_deref(), Some("Eyes down"));
    a.set_announcement(&id, None).await.expect("clear");
    assert_eq!(announcement(&c, &id).await.as_deref(), Some("Eyes down"), "c has not heard yet");
    c.refresh_cached().await;
    assert_eq!(announcement(&c, &id).await, None);
}
