//! The hub: one task that owns the fan-out state (a bounded broadcast ring per followed game, the
//! last sequence number delivered per game) and is fed by a bounded command channel. Sessions hold
//! only a sender of commands and their place in the ring. Each event is serialized once and its
//! bytes shared by every session; a session that falls a whole ring behind skips ahead and fills
//! the gap from the log (or a fresh snapshot), so a slow client never holds the others back.
//!
//! The hub keeps each game's stream gapless: a notice that skips sequence numbers (lost on the
//! bus) makes it read the missing events from the log first; it also polls the log every few
//! seconds, so an event whose notice never came is still delivered. A read that fails is tried
//! again after a pause that doubles up to [`RETRY_MAX`]; while it waits, at most [`MAX_HELD`]
//! notices are held (the others are read from the log once it answers).

use crate::protocol::ServerMessage;
use crate::EventLog;
use bingo_bus::{BusMessage, EventNotice, Subscription, UpdateNotice};
use bingo_core::{Event, EventKind};
use bingo_service::now_ms;
use bingo_telemetry::Metrics;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// What the hub sends a session, behind an `Arc` in the game's ring ([`Outbox`]).
#[derive(Debug)]
pub enum Out {
    /// A committed event, ready to write.
    Event { seq: u64, published_at_ms: i64, ball: bool, frame: Utf8Bytes },
    /// An update that is not part of the log.
    Update(Utf8Bytes),
    /// The server is going away: tell the client to reconnect elsewhere.
    Shutdown,
}

/// A session's place in its game's ring.
pub type Outbox = broadcast::Receiver<Arc<Out>>;

enum Command {
    Join {
        game_id: String,
        after_seq: u64,
        epoch: String,
        reply: oneshot::Sender<Outbox>,
    },
    Leave {
        game_id: String,
    },
    Bus(BusMessage),
    /// A read of the log ended: the events after the last one delivered, or `None` if it failed.
    Filled {
        game_id: String,
        events: Option<Vec<Event>>,
    },
    /// A failed read's pause is over.
    Retry {
        game_id: String,
    },
    Poll,
    Shutdown,
    /// How far a game's stream is (its last sequence number delivered, the notices held).
    #[cfg(test)]
    Inspect {
        game_id: String,
        reply: oneshot::Sender<Option<(u64, usize)>>,
    },
}

struct Channel {
    ring: broadcast::Sender<Arc<Out>>,
    epoch: String,
    last_seq: u64,
    /// A read of the log is under way.
    reading: bool,
    /// Reads that failed (or found nothing new) in a row, and when the next may start.
    failures: u32,
    retry_at: Option<Instant>,
    /// Notices that arrived ahead of a gap, waiting for the fill; at most [`MAX_HELD`].
    held: BTreeMap<u64, Arc<EventNotice>>,
    /// The highest sequence number announced: the log holds at least this much.
    announced: u64,
}

/// How many commands may wait for the hub.
const COMMANDS: usize = 65_536;
/// Frames a game's ring keeps for sessions that are behind.
const RING: usize = 64;
const POLL_EVERY: Duration = Duration::from_secs(3);
const FILL_LIMIT: u32 = 1_000;
/// Notices held per game while a gap is filled; later ones are read from the log instead.
pub(crate) const MAX_HELD: usize = 256;
/// The pause after a first failed read of the log, doubled after each further one up to
/// [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_millis(100);
pub(crate) const RETRY_MAX: Duration = Duration::from_secs(5);

/// The pause after `failures` failed reads in a row (1 or more).
fn retry_after(failures: u32) -> Duration {
    RETRY_FIRST.saturating_mul(1 << failures.saturating_sub(1).min(16)).min(RETRY_MAX)
}

/// A handle to the hub; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    tx: mpsc::Sender<Command>,
}

impl Hub {
    /// Starts the hub, fed by `bus`, and reading gaps from `log`.
    pub(crate) fn spawn(log: impl EventLog, mut bus: Subscription, metrics: Metrics) -> Hub {
        let (tx, rx) = mpsc::channel(COMMANDS);
        let bus_tx = tx.clone();
        tokio::spawn(async move {
            while let Some(msg) = bus.recv().await {
                if bus_tx.send(Command::Bus(msg)).await.is_err() {
                    break;
                }
            }
        });
        let poll_tx = tx.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(POLL_EVERY);
            loop {
                every.tick().await;
                if poll_tx.send(Command::Poll).await.is_err() {
                    break;
                }
            }
        });
        let state = HubState { log, metrics, channels: HashMap::new(), tx: tx.clone() };
        tokio::spawn(state.run(rx));
        Hub { tx }
    }

    /// Follows a game's stream: every event the hub delivers from now on (it has delivered up to
    /// `after_seq` when it first follows the game). `None` once the hub has stopped.
    pub async fn join(&self, game_id: &str, after_seq: u64, epoch: &str) -> Option<Outbox> {
        let (reply, joined) = oneshot::channel();
        let cmd = Command::Join { game_id: game_id.to_string(), after_seq, epoch: epoch.to_string(), reply };
        self.tx.send(cmd).await.ok()?;
        joined.await.ok()
    }

    /// Says a session has dropped its [`Outbox`], so a game nobody follows is forgotten.
    pub async fn leave(&self, game_id: &str) {
        let _ = self.tx.send(Command::Leave { game_id: game_id.to_string() }).await;
    }

    /// Tells every session to reconnect elsewhere (graceful shutdown).
    pub async fn shutdown(&self) {
        let _ = self.tx.send(Command::Shutdown).await;
    }

    #[cfg(test)]
    async fn inspect(&self, game_id: &str) -> Option<(u64, usize)> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Command::Inspect { game_id: game_id.to_string(), reply }).await.ok()?;
        answer.await.ok()?
    }
}

struct HubState<L> {
    log: L,
    metrics: Metrics,
    channels: HashMap<String, Channel>,
    tx: mpsc::Sender<Command>,
}

impl<L: EventLog> HubState<L> {
    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        while let Some(cmd) = rx.recv().await {
            match cmd {
                Command::Join { game_id, after_seq, epoch, reply } => {
                    let channel = self.channels.entry(game_id).or_insert_with(|| Channel {
                        ring: broadcast::channel(RING).0,
                        epoch,
                        last_seq: after_seq,
                        reading: false,
                        failures: 0,
                        retry_at: None,
                        held: BTreeMap::new(),
                        announced: after_seq,
                    });
                    let _ = reply.send(channel.ring.subscribe());
                }
                Command::Leave { game_id } => {
                    if self.channels.get(&game_id).is_some_and(|c| c.ring.receiver_count() == 0) {
                        self.channels.remove(&game_id);
                    }
                }
                Command::Bus(BusMessage::Event(notice)) => self.on_event(notice),
                Command::Bus(BusMessage::Update(notice)) => self.on_update(&notice),
                Command::Bus(BusMessage::Resync) | Command::Poll => {
                    let games: Vec<String> = self.channels.keys().cloned().collect();
                    for game_id in games {
                        self.fill(&game_id);
                    }
                }
                Command::Filled { game_id, events } => self.on_filled(&game_id, events),
                Command::Retry { game_id } => self.fill(&game_id),
                Command::Shutdown => {
                    let out = Arc::new(Out::Shutdown);
                    for channel in self.channels.values() {
                        let _ = channel.ring.send(out.clone());
                    }
                }
                #[cfg(test)]
                Command::Inspect { game_id, reply } => {
                    let _ = reply.send(self.channels.get(&game_id).map(|c| (c.last_seq, c.held.len())));
                }
            }
        }
    }

    fn record_lag(&self, published_at_ms: i64) {
        let lag = now_ms().saturating_sub(published_at_ms).max(0);
        self.metrics.record_bus_lag(Duration::from_millis(lag as u64));
    }

    fn on_update(&mut self, notice: &UpdateNotice) {
        let Some(channel) = self.channels.get(&notice.game_id) else { return };
        self.record_lag(notice.published_at_ms);
        let message = ServerMessage::Update { game_id: notice.game_id.clone(), update: notice.update.clone() };
        if let Some(frame) = encode(&message) {
            send_all(channel, Out::Update(frame));
        }
    }

    fn on_event(&mut self, notice: Arc<EventNotice>) {
        if !self.channels.contains_key(&notice.game_id) {
            return;
        }
        self.record_lag(notice.published_at_ms);
        let Some(channel) = self.channels.get_mut(&notice.game_id) else { return };
        let seq = notice.event.seq;
        if seq <= channel.last_seq {
            return;
        }
        channel.announced = channel.announced.max(seq);
        if channel.reading || seq > channel.last_seq + 1 {
            channel.held.insert(seq, notice.clone());
            // The notices nearest the gap are kept; the log has the others.
            while channel.held.len() > MAX_HELD {
                channel.held.pop_last();
            }
            self.fill(&notice.game_id);
            return;
        }
        deliver(channel, &notice.game_id, notice.published_at_ms, &notice.event);
    }

    /// Reads a game's events after the last one delivered from the log (in the background), unless
    /// a read is under way or the pause after a failed one is not over.
    fn fill(&mut self, game_id: &str) {
        let Some(channel) = self.channels.get_mut(game_id) else { return };
        if channel.reading || channel.retry_at.is_some_and(|at| Instant::now() < at) {
            return;
        }
        channel.reading = true;
        let (log, tx, id, after) = (self.log.clone(), self.tx.clone(), game_id.to_string(), channel.last_seq);
        tokio::spawn(async move {
            let events = match log.read(&id, after, FILL_LIMIT).await {
                Ok(events) => Some(events),
                Err(e) => {
                    tracing::warn!(game_id = id, error = %e, "hub: cannot read the log to fill a gap");
                    None
                }
            };
            let _ = tx.send(Command::Filled { game_id: id, events }).await;
        });
    }

    fn on_filled(&mut self, game_id: &str, events: Option<Vec<Event>>) {
        let Some(channel) = self.channels.get_mut(game_id) else { return };
        channel.reading = false;
        let before = channel.last_seq;
        for event in events.iter().flatten() {
            if event.seq == channel.last_seq + 1 {
                deliver(channel, game_id, event.at_ms, event);
            }
        }
        // Held notices that now continue the stream.
        while let Some(entry) = channel.held.first_entry() {
            let seq = *entry.key();
            if seq <= channel.last_seq {
                entry.remove();
            } else if seq == channel.last_seq + 1 {
                let notice = entry.remove();
                deliver(channel, game_id, notice.published_at_ms, &notice.event);
            } else {
                break;
            }
        }
        // A whole read's worth: the log may hold more than any notice announced.
        let full = events.as_ref().is_some_and(|e| e.len() >= FILL_LIMIT as usize);
        if channel.last_seq >= channel.announced && !full {
            channel.failures = 0;
            channel.retry_at = None;
            return;
        }
        if events.is_some() && channel.last_seq > before {
            // More to read.
            channel.failures = 0;
            channel.retry_at = None;
            self.fill(game_id);
            return;
        }
        // The read failed, or the log has not what was announced (yet): pause, then try again.
        channel.failures = channel.failures.saturating_add(1);
        let pause = retry_after(channel.failures);
        channel.retry_at = Some(Instant::now() + pause);
        let (tx, game_id) = (self.tx.clone(), game_id.to_string());
        tokio::spawn(async move {
            tokio::time::sleep(pause).await;
            let _ = tx.send(Command::Retry { game_id }).await;
        });
    }
}

/// A message as the text every session writes.
fn encode(message: &ServerMessage) -> Option<Utf8Bytes> {
    match message.encode() {
        Ok(text) => Some(Utf8Bytes::from(text)),
        Err(e) => {
            tracing::error!(error = %e, "hub: a message could not be encoded");
            None
        }
    }
}

fn deliver(channel: &mut Channel, game_id: &str, published_at_ms: i64, event: &Event) {
    let seq = event.seq;
    let message = ServerMessage::Event {
        game_id: game_id.to_string(),
        seq,
        epoch: channel.epoch.clone(),
        published_at_ms,
        sent_at_ms: now_ms(),
        event: event.clone(),
    };
    // The stream moves on even if the frame cannot be written: sessions fill a gap from the log.
    channel.last_seq = seq;
    let Some(frame) = encode(&message) else { return };
    let ball = matches!(event.kind, EventKind::BallCalled { .. });
    send_all(channel, Out::Event { seq, published_at_ms, ball, frame });
}

/// Puts a message in the game's ring without waiting: a session a whole ring behind skips
/// ahead (and fills the gap itself).
fn send_all(channel: &Channel, out: Out) {
    let _ = channel.ring.send(Arc::new(out));
}

#[cfg(test)]
mod tests;
