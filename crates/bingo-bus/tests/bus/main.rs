//! The bus against a real Redis (127.0.0.1:6379, or BINGO_TEST_REDIS), each test under a key
//! prefix of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use bingo_bus::{Bus, BusMessage, Notice};
use std::time::Duration;

fn redis_url() -> String {
    std::env::var("BINGO_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn prefix() -> String {
    format!("bingo-test-{:016x}", rand::random::<u64>())
}

fn notice(seq: u64) -> Notice {
    Notice { game_id: "g1".into(), seq, epoch: "e1".into(), published_at_ms: 1, event: format!("{{\"seq\":{seq}}}") }
}

async fn next_notice(sub: &mut bingo_bus::Subscription) -> Notice {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), sub.recv()).await.expect("a message in time");
        match msg.expect("bus open") {
            BusMessage::Notice(n) => return (*n).clone(),
            BusMessage::Resync => continue,
        }
    }
}

#[tokio::test]
async fn local_bus_delivers_in_order_to_every_subscriber() {
    let bus = Bus::local();
    let mut a = bus.subscribe();
    let mut b = bus.subscribe();
    for seq in 1..=100 {
        bus.publish(&notice(seq)).await.expect("publish");
    }
    for sub in [&mut a, &mut b] {
        for seq in 1..=100 {
            assert_eq!(next_notice(sub).await.seq, seq);
        }
    }
}

#[tokio::test]
async fn lagging_local_subscriber_is_told_to_resync() {
    let bus = Bus::local();
    let mut sub = bus.subscribe();
    for seq in 1..=10_000 {
        bus.publish(&notice(seq)).await.expect("publish");
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
        publisher.publish(&notice(seq)).await.expect("publish");
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
