//! The event bus between nodes. After an API node commits game events to the database it
//! publishes one [`Notice`] per event; every realtime node hears them and fans them out.
//!
//! The bus only *notifies*: the database's event log is the one durable copy. A subscriber that
//! may have missed notices (a Redis reconnect, a lagging receiver) is told so with
//! [`BusMessage::Resync`] and reads what it missed from the log; a gap in a game's sequence
//! numbers tells it the same.
//!
//! **Invariant:** never the only copy of an event; nothing here blocks a publisher on a slow
//! subscriber.

mod local;
mod redis_bus;

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::broadcast;

pub use local::LocalBus;
pub use redis_bus::RedisBus;

/// One committed game event, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub game_id: String,
    pub seq: u64,
    /// The game's log epoch; it changes only if the log is ever reset.
    pub epoch: String,
    /// When the API node published it (Unix ms), to measure bus lag and delivery delay.
    pub published_at_ms: i64,
    /// The event exactly as stored (JSON).
    pub event: String,
}

/// What a subscriber receives.
#[derive(Clone, Debug)]
pub enum BusMessage {
    Notice(Arc<Notice>),
    /// Notices may have been lost (reconnect or lag): re-read the log for every game you follow.
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

    pub async fn publish(&self, notice: &Notice) -> Result<(), BusError> {
        match self {
            Bus::Local(b) => {
                b.publish(notice);
                Ok(())
            }
            Bus::Redis(b) => b.publish(notice).await,
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

    pub fn kind(&self) -> &'static str {
        match self {
            Bus::Local(_) => "local",
            Bus::Redis(_) => "redis",
        }
    }
}
