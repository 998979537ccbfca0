//! The hub: one task that owns the fan-out state (a bounded broadcast ring per followed game, the
//! last sequence number delivered per game) and is fed by a bounded command channel. Sessions hold
//! only a sender of commands and their place in the ring. Each event is serialized once and its
//! bytes shared by every session; a session that falls a whole ring behind skips ahead and fills
//! the gap from the log (or a fresh snapshot), so a slow client never holds the others back.
//!
//! The hub keeps each game's stream gapless: a notice that skips sequence numbers (lost on the
//! bus) makes it read the missing events from the log first; it also polls the log every few
//! seconds, so an event whose notice never came is still delivered.

use crate::protocol::{ephemeral_frame, event_frame};
use bingo_bus::{BusMessage, Notice};
use bingo_service::{now_ms, Service};
use bingo_telemetry::Metrics;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};
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
    Join { game_id: String, after_seq: u64, epoch: String, reply: oneshot::Sender<Outbox> },
    Leave { game_id: String },
    Bus(BusMessage),
    Filled { game_id: String, events: Vec<(u64, i64, String)> },
    Poll,
    Shutdown,
}

struct Channel {
    ring: broadcast::Sender<Arc<Out>>,
    epoch: String,
    last_seq: u64,
    filling: bool,
    /// Notices that arrived ahead of a gap, waiting for the fill.
    held: BTreeMap<u64, Arc<Notice>>,
}

/// How many commands may wait for the hub.
const COMMANDS: usize = 65_536;
/// Frames a game's ring keeps for sessions that are behind.
const RING: usize = 64;
const POLL_EVERY: Duration = Duration::from_secs(3);
const FILL_LIMIT: u32 = 1_000;

/// A handle to the hub; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    tx: mpsc::Sender<Command>,
}

impl Hub {
    /// Starts the hub and the task feeding it from the bus.
    pub fn spawn(service: Service, metrics: Metrics) -> Hub {
        let (tx, rx) = mpsc::channel(COMMANDS);
        let mut sub = service.bus().subscribe();
        let bus_tx = tx.clone();
        tokio::spawn(async move {
            while let Some(msg) = sub.recv().await {
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
        let state = HubState { service, metrics, channels: HashMap::new(), tx: tx.clone() };
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
}

struct HubState {
    service: Service,
    metrics: Metrics,
    channels: HashMap<String, Channel>,
    tx: mpsc::Sender<Command>,
}

impl HubState {
    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        while let Some(cmd) = rx.recv().await {
            match cmd {
                Command::Join { game_id, after_seq, epoch, reply } => {
                    let channel = self.channels.entry(game_id).or_insert_with(|| Channel {
                        ring: broadcast::channel(RING).0,
                        epoch,
                        last_seq: after_seq,
                        filling: false,
                        held: BTreeMap::new(),
                    });
                    let _ = reply.send(channel.ring.subscribe());
                }
                Command::Leave { game_id } => {
                    if self.channels.get(&game_id).is_some_and(|c| c.ring.receiver_count() == 0) {
                        self.channels.remove(&game_id);
                    }
                }
                Command::Bus(BusMessage::Notice(notice)) => self.on_notice(notice),
                Command::Bus(BusMessage::Resync) | Command::Poll => {
                    let games: Vec<String> = self.channels.keys().cloned().collect();
                    for game_id in games {
                        self.fill(&game_id);
                    }
                }
                Command::Filled { game_id, events } => self.on_filled(&game_id, events),
                Command::Shutdown => {
                    let out = Arc::new(Out::Shutdown);
                    for channel in self.channels.values() {
                        let _ = channel.ring.send(out.clone());
                    }
                }
            }
        }
    }

    fn on_notice(&mut self, notice: Arc<Notice>) {
        let Some(channel) = self.channels.get_mut(&notice.game_id) else { return };
        let lag = now_ms().saturating_sub(notice.published_at_ms).max(0);
        self.metrics.record_bus_lag(Duration::from_millis(lag as u64));
        if notice.seq == 0 {
            let frame = Utf8Bytes::from(ephemeral_frame(&notice.game_id, &notice.event));
            send_all(channel, Out::Update(frame));
            return;
        }
        if notice.seq <= channel.last_seq {
            return;
        }
        if channel.filling || notice.seq > channel.last_seq + 1 {
            channel.held.insert(notice.seq, notice.clone());
            let game_id = notice.game_id.clone();
            self.fill(&game_id);
            return;
        }
        deliver(channel, &notice.game_id, notice.seq, notice.published_at_ms, &notice.event);
    }

    /// Reads a game's events after the last one delivered from the log (in the background).
    fn fill(&mut self, game_id: &str) {
        let Some(channel) = self.channels.get_mut(game_id) else { return };
        if channel.filling {
            return;
        }
        channel.filling = true;
        let (service, tx, id, after) = (self.service.clone(), self.tx.clone(), game_id.to_string(), channel.last_seq);
        tokio::spawn(async move {
            let events = match service.events_after(&id, after, FILL_LIMIT).await {
                Ok(stored) => stored.into_iter().map(|e| (e.seq, e.at_ms, e.payload)).collect(),
                Err(e) => {
                    tracing::warn!(game_id = id, error = %e, "hub: cannot read the log to fill a gap");
                    Vec::new()
                }
            };
            let _ = tx.send(Command::Filled { game_id: id, events }).await;
        });
    }

    fn on_filled(&mut self, game_id: &str, events: Vec<(u64, i64, String)>) {
        let Some(channel) = self.channels.get_mut(game_id) else { return };
        channel.filling = false;
        for (seq, at_ms, payload) in events {
            if seq == channel.last_seq + 1 {
                deliver(channel, game_id, seq, at_ms, &payload);
            }
        }
        // Held notices that now continue the stream.
        while let Some(entry) = channel.held.first_entry() {
            let seq = *entry.key();
            if seq <= channel.last_seq {
                entry.remove();
            } else if seq == channel.last_seq + 1 {
                let notice = entry.remove();
                deliver(channel, game_id, seq, notice.published_at_ms, &notice.event);
            } else {
                break;
            }
        }
        if !channel.held.is_empty() {
            self.fill(game_id);
        }
    }
}

fn deliver(channel: &mut Channel, game_id: &str, seq: u64, published_at_ms: i64, event: &str) {
    let frame = Utf8Bytes::from(event_frame(game_id, seq, &channel.epoch, published_at_ms, now_ms(), event));
    let ball = event.contains("\"type\":\"ball_called\"");
    channel.last_seq = seq;
    send_all(channel, Out::Event { seq, published_at_ms, ball, frame });
}

/// Puts a message in the game's ring without waiting: a session a whole ring behind skips
/// ahead (and fills the gap itself).
fn send_all(channel: &Channel, out: Out) {
    let _ = channel.ring.send(Arc::new(out));
}
