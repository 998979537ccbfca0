//! The event bus between nodes. After an API node commits game events to the database it
//! publishes one [`BusMessage::Event`] per event, and news that is not part of the log (player
//! counts, auto-draw timing) as [`BusMessage::Update`]; every realtime node hears them and fans
//! them out.
//!
//! The bus only *notifies*: the database's event log is the one durable copy. A subscriber that
//! may have missed notices (a Redis reconnect, a lagging receiver) is told so with
//! [`BusMessage::Resync`] and reads what it missed from the log; a gap in a game's sequence
//! numbers tells it the same.
//!
//! Its invariants are stated once, in docs/ARCHITECTURE.md (section `crates/bingo-bus`).

mod local;
mod redis_bus;

pub use bingo_core::Event;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::broadcast;

pub use local::LocalBus;
pub use redis_bus::RedisBus;

/// A committed game event, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventNotice {
    pub game_id: String,
    /// The game's log epoch; it changes only if the log is ever reset.
    pub epoch: String,
    /// When the API node published it (Unix ms), to measure bus lag and delivery delay.
    pub published_at_ms: i64,
    /// The event as committed; its `seq` is its place in the game's log.
    pub event: Event,
}

/// News of a game that is not part of its log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateNotice {
    pub game_id: String,
    /// When it was published (Unix ms), to measure bus lag.
    pub published_at_ms: i64,
    pub update: Update,
}

/// What a game's clients are told besides its events (docs/PROTOCOL.md, "Updates").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Update {
    /// How many players have joined.
    Players { players: u64 },
    /// The auto-draw timer: on or off, and when the next ball is due (Unix ms) while on.
    AutoDraw { on: bool, next_draw_at_ms: Option<i64> },
    /// The caller is checking card `serial` (read out in the hall), or no card (`None`).
    Checking { serial: Option<u64> },
    /// What the caller tells the hall now ("Eyes down in 5 minutes"), or nothing (`None`): the
    /// Screen and the phones show it until it is replaced or cleared.
    Announcement { text: Option<String> },
}

/// What goes over the bus. Between nodes it is JSON with a `type` (`event` or `update`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BusMessage {
    Event(Arc<EventNotice>),
    Update(Arc<UpdateNotice>),
    /// Messages may have been lost (reconnect or lag): re-read the log for every game you follow.
    /// Made by a [`Subscription`]; never published.
    #[serde(skip)]
    Resync,
}

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("the Redis URL is not valid: {0}")]
    BadUrl(String),
    #[error("Redis is unreachable: {0}")]
    Unavailable(String),
    #[error("a bus message could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("a resync is made by a subscription, never published")]
    NotPublishable,
}

/// Receives bus messages; created by [`Bus::subscribe`].
pub struct Subscription {
    rx: broadcast::Receiver<BusMessage>,
}

impl Subscription {
    /// The next message; `None` when the bus is gone. A receiver that fell behind gets
    /// `Resync` instead of the notices it lost.
    pub async fn recv(&mut self) -> Option<BusMessage> {
        match self.rx.recv().await {
            Ok(m) => Some(m),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(BusMessage::Resync),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// How many messages a subscriber may fall behind before it is told to resync.
const FANOUT_CAPACITY: usize = 8192;

/// The bus: in-process for one node, Redis between nodes.
#[derive(Clone)]
pub enum Bus {
    Local(LocalBus),
    Redis(RedisBus),
}

impl Bus {
    pub fn local() -> Bus {
        Bus::Local(LocalBus::new())
    }

    /// Connects to Redis; `prefix` namespaces the channel (tests use a prefix of their own).
    pub async fn redis(url: &str, prefix: &str) -> Result<Bus, BusError> {
        Ok(Bus::Redis(RedisBus::connect(url, prefix).await?))
    }

    /// Publishes an event or an update to every subscriber (of every node, over Redis).
    pub async fn publish(&self, message: BusMessage) -> Result<(), BusError> {
        if matches!(message, BusMessage::Resync) {
            return Err(BusError::NotPublishable);
        }
        match self {
            Bus::Local(b) => {
                b.publish(message);
                Ok(())
            }
            Bus::Redis(b) => b.publish(&message).await,
        }
    }

    pub fn subscribe(&self) -> Subscription {
        match self {
            Bus::Local(b) => b.subscribe(),
            Bus::Redis(b) => b.subscribe(),
        }
    }

    /// Whether the bus can carry messages now (readiness).
    pub async fn ping(&self) -> Result<(), BusError> {
        match self {
            Bus::Local(_) => Ok(()),
            Bus::Redis(b) => b.ping().await,
        }
    }

    /// Whether every subscriber is in this process (one node: `bingo serve`).
    pub fn is_local(&self) -> bool {
        matches!(self, Bus::Local(_))
    }

    /// The kind, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Bus::Local(_) => "local",
            Bus::Redis(_) => "redis",
        }
    }
}
