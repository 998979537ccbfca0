//! The hub against a log that fails, on tokio's paused clock: gaps are filled, failed reads are
//! retried with pauses that grow (not at once and forever), and the notices held meanwhile are
//! bounded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use super::{Hub, Out, Outbox, MAX_HELD, RETRY_MAX};
use crate::EventLog;
use bingo_bus::{Bus, BusMessage, EventNotice};
use bingo_core::{Event, EventKind};
use bingo_service::ServiceError;
use bingo_telemetry::{Metrics, MetricsConfig};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const GAME: &str = "g1";

fn ball(seq: u64) -> Event {
    Event { seq, at_ms: 1, kind: EventKind::BallCalled { call: seq as u16, number: (seq % 90 + 1) as u8 } }
}

/// A game's log that can be made to fail, counting its reads.
#[derive(Clone, Default)]
struct FakeLog {
    events: Arc<Mutex<Vec<Event>>>,
    failing: Arc<AtomicBool>,
    reads: Arc<AtomicUsize>,
}

impl FakeLog {
    fn commit(&self, upto: u64) {
        let mut events = self.events.lock().unwrap();
        let next = events.len() as u64 + 1;
        events.extend((next..=upto).map(ball));
    }

    fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

impl EventLog for FakeLog {
    async fn read(&self, _: &str, after_seq: u64, limit: u32) -> Result<Vec<Event>, ServiceError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        if self.failing.load(Ordering::SeqCst) {
            return Err(ServiceError::Unavailable("the database is down".into()));
        }
        let events = self.events.lock().unwrap();
        Ok(events.iter().filter(|e| e.seq > after_seq).take(limit as usize).cloned().collect())
    }
}

fn metrics() -> Metrics {
    let config = MetricsConfig { service: "bingo", role: "test", node: "n1".into(), version: "0", commit: "0" };
    Metrics::new(config).expect("metrics")
}

async fn publish(bus: &Bus, seq: u64) {
    let notice = EventNotice { game_id: GAME.into(), epoch: "e1".into(), published_at_ms: 1, event: ball(seq) };
    bus.publish(BusMessage::Event(Arc::new(notice))).await.expect("publish");
}

/// The sequence numbers in the ring, in order, and that the last one is `last`.
fn drain(outbox: &mut Outbox) -> Vec<u64> {
    let mut seqs = Vec::new();
    loop {
        match outbox.try_recv() {
            Ok(out) => match &*out {
                Out::Event { seq, frame, .. } => {
                    let message: crate::protocol::ServerMessage = serde_json::from_str(frame).expect("a message");
                    assert!(matches!(message, crate::protocol::ServerMessage::Event { seq: s, .. } if s == *seq));
                    seqs.push(*seq);
                }
                other => panic!("not an event: {other:?}"),
            },
            Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => continue,
            Err(_) => return seqs,
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_gap_is_filled_from_the_log_in_order() {
    let (log, bus) = (FakeLog::default(), Bus::local());
    let hub = Hub::spawn(log.clone(), bus.subscribe(), metrics());
    let mut outbox = hub.join(GAME, 0, "e1").await.expect("joined");
    log.commit(3);
    publish(&bus, 1).await;
    publish(&bus, 3).await; // the notice of 2 was lost
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(drain(&mut outbox), [1, 2, 3]);
    assert_eq!(hub.inspect(GAME).await, Some((3, 0)));
}

#[tokio::test(start_paused = true)]
async fn a_failing_log_is_read_again_after_growing_pauses_until_it_answers() {
    let (log, bus) = (FakeLog::default(), Bus::local());
    let hub = Hub::spawn(log.clone(), bus.subscribe(), metrics());
    let mut outbox = hub.join(GAME, 0, "e1").await.expect("joined");
    log.commit(2);
    log.failing.store(true, Ordering::SeqCst);
    publish(&bus, 2).await; // 1 is missing, and the log does not answer

    // A minute of a log that fails: pauses of 0.1, 0.2, 0.4 ... 5 s, about twenty reads (at once
    // and forever, it was millions). The 3-second poll starts no read during a pause.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let reads = log.reads();
    assert!((8..=24).contains(&reads), "reads of a failing log in a minute: {reads}");
    tokio::time::sleep(Duration::from_secs(60)).await;
    let more = log.reads() - reads;
    assert!((10..=14).contains(&more), "a read every {RETRY_MAX:?} once the pause is at its longest: {more}");
    assert!(drain(&mut outbox).is_empty());

    // The log answers again: within the longest pause, the stream goes on, in order.
    log.failing.store(false, Ordering::SeqCst);
    tokio::time::sleep(RETRY_MAX + Duration::from_millis(100)).await;
    assert_eq!(drain(&mut outbox), [1, 2]);
    assert_eq!(hub.inspect(GAME).await, Some((2, 0)));

    // And a new gap is read at once again (the pauses start over).
    log.commit(4);
    publish(&bus, 4).await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(drain(&mut outbox), [3, 4]);
}

#[tokio::test(start_paused = true)]
async fn notices_held_while_the_log_fails_are_bounded_and_none_is_lost() {
    let (log, bus) = (FakeLog::default(), Bus::local());
    let hub = Hub::spawn(log.clone(), bus.subscribe(), metrics());
    let mut outbox = hub.join(GAME, 0, "e1").await.expect("joined");
    let last = 5 * MAX_HELD as u64;
    log.commit(last);
    log.failing.store(true, Ordering::SeqCst);
    for seq in 2..=last {
        publish(&bus, seq).await;
        if seq % 100 == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await; // the bus's queue is bounded too
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (delivered, held) = hub.inspect(GAME).await.expect("followed");
    assert_eq!(delivered, 0);
    assert_eq!(held, MAX_HELD, "held notices are bounded");

    log.failing.store(false, Ordering::SeqCst);
    tokio::time::sleep(RETRY_MAX + Duration::from_millis(100)).await;
    assert_eq!(hub.inspect(GAME).await, Some((last, 0)), "what was not held is read from the log");
    let seen = drain(&mut outbox);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order");
    assert_eq!(seen.last(), Some(&last));
}

#[tokio::test(start_paused = true)]
async fn events_whose_notices_never_came_are_delivered_by_the_poll_however_many() {
    let (log, bus) = (FakeLog::default(), Bus::local());
    let hub = Hub::spawn(log.clone(), bus.subscribe(), metrics());
    let mut outbox = hub.join(GAME, 0, "e1").await.expect("joined");
    log.commit(2_500); // more than one read returns, and not one notice (Redis was down)
    tokio::time::sleep(Duration::from_millis(3_100)).await; // one poll
    assert_eq!(hub.inspect(GAME).await, Some((2_500, 0)));
    assert_eq!(drain(&mut outbox).last(), Some(&2_500));
    assert!(log.reads() <= 4, "reads: {}", log.reads());
}
