//! The bus against a real Redis (127.0.0.1:6379, or BINGO_TEST_REDIS), each test under a key
//! prefix of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use bingo_bus::{Bus, BusMessage, Event, EventNotice, Update, UpdateNotice};
use std::sync::Arc;
use std::time::Duration;

fn redis_url() -> String {
    std::env::var("BINGO_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn prefix() -> String {
    format!("bingo-test-{:016x}", rand::random::<u64>())
}

fn notice(seq: u64) -> EventNotice {
    let event = Event { seq, at_ms: 1, kind: bingo_core::EventKind::BallCalled { call: seq as u16, number: 7 } };
    EventNotice { game_id: "g1".into(), epoch: "e1".into(), published_at_ms: 1, event }
}

fn event(seq: u64) -> BusMessage {
    BusMessage::Event(Arc::new(notice(seq)))
}

async fn next_notice(sub: &mut bingo_bus::Subscription) -> EventNotice {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), sub.recv()).await.expect("a message in time");
        match msg.expect("bus open") {
            BusMessage::Event(n) => return (*n).clone(),
            BusMessage::Update(_) | BusMessage::Resync => continue,
        }
    }
}

#[tokio::test]
async fn local_bus_delivers_in_order_to_every_subscriber() {
    let bus = Bus::local();
    let mut a = bus.subscribe();
    let mut b = bus.subscribe();
    for seq in 1..=100 {
        bus.publish(event(seq)).await.expect("publish");
    }
    for sub in [&mut a, &mut b] {
        for seq in 1..=100 {
            assert_eq!(next_notice(sub).await.event.seq, seq);
        }
    }
}

#[tokio::test]
async fn lagging_local_subscriber_is_told_to_resync() {
    let bus = Bus::local();
    let mut sub = bus.subscribe();
    for seq in 1..=10_000 {
        bus.publish(event(seq)).await.expect("publish");
    }
    assert!(matches!(sub.recv().await, Some(BusMessage::Resync)));
}

#[tokio::test]
async fn redis_bus_carries_notices_between_two_nodes_in_order() {
    let prefix = prefix();
    let publisher = Bus::redis(&redis_url(), &prefix).await.expect("redis");
    let node_a = Bus::redis(&redis_url(), &prefix).await.expect("redis");
    let node_b = Bus::redis(&redis_url(), &prefix).await.expect("redis");
    let other = Bus::redis(&redis_url(), &format!("{prefix}-other")).await.expect("redis");
    let (mut a, mut b, mut o) = (node_a.subscribe(), node_b.subscribe(), other.subscribe());
    for seq in 1..=200 {
        publisher.publish(event(seq)).await.expect("publish");
    }
    for sub in [&mut a, &mut b] {
        for seq in 1..=200 {
            assert_eq!(next_notice(sub).await, notice(seq));
        }
    }
    // Another prefix hears nothing of this one.
    assert!(tokio::time::timeout(Duration::from_millis(300), o.recv()).await.is_err());
    publisher.ping().await.expect("ping");
}

#[tokio::test]
async fn bad_redis_urls_fail_cleanly() {
    assert!(Bus::redis("not a url", "p").await.is_err());
    assert!(Bus::redis("redis://127.0.0.1:1", "p").await.is_err());
}

#[tokio::test]
async fn redis_bus_carries_updates_as_updates_and_no_resync() {
    let prefix = prefix();
    let publisher = Bus::redis(&redis_url(), &prefix).await.expect("redis");
    let node = Bus::redis(&redis_url(), &prefix).await.expect("redis");
    let mut sub = node.subscribe();
    let update = UpdateNotice { game_id: "g1".into(), published_at_ms: 5, update: Update::Players { players: 57 } };
    publisher.publish(BusMessage::Update(Arc::new(update.clone()))).await.expect("publish");
    publisher.publish(event(1)).await.expect("publish");
    let first = tokio::time::timeout(Duration::from_secs(5), sub.recv()).await.expect("in time");
    assert_eq!(first, Some(BusMessage::Update(Arc::new(update))));
    assert_eq!(next_notice(&mut sub).await, notice(1));
    assert!(matches!(publisher.publish(BusMessage::Resync).await, Err(bingo_bus::BusError::NotPublishable)));
    assert!(matches!(Bus::local().publish(BusMessage::Resync).await, Err(bingo_bus::BusError::NotPublishable)));
}

/// What goes between nodes: JSON with a `type`, the event as committed (not a string of JSON).
#[test]
fn the_wire_between_nodes_is_tagged_json() {
    let wire = serde_json::to_value(event(3)).expect("encode");
    assert_eq!(
        wire,
        serde_json::json!({"type": "event", "game_id": "g1", "epoch": "e1", "published_at_ms": 1,
            "event": {"seq": 3, "at_ms": 1, "type": "ball_called", "call": 3, "number": 7}})
    );
    let update = r#"{"type":"update","game_id":"g1","published_at_ms":2,"update":{"type":"auto_draw","on":true,"next_draw_at_ms":9}}"#;
    let parsed: BusMessage = serde_json::from_str(update).expect("an update");
    let BusMessage::Update(u) = parsed else { panic!("not an update: {parsed:?}") };
    assert_eq!(u.update, Update::AutoDraw { on: true, next_draw_at_ms: Some(9) });
    assert!(serde_json::from_str::<BusMessage>(r#"{"type":"resync"}"#).is_err(), "a resync never comes over the wire");
}
