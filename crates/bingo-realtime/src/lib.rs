//! The realtime hub: WebSocket sessions at `/ws`, fed by one hub task per node. actix-web's HTTP/1
//! dispatcher hands the upgrade to [`upgrade::service`]; tungstenite frames the socket after that.
//! docs/PROTOCOL.md describes the messages.
//!
//! Its invariants are stated once, in docs/ARCHITECTURE.md (section `crates/bingo-realtime`).

mod hub;
pub mod protocol;
mod session;
pub mod upgrade;

pub use hub::{Hub, Out, Outbox};

use bingo_core::Event;
use bingo_service::{Service, ServiceError};
use bingo_telemetry::Metrics;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How a node finds out that a client has gone (a phone that lost its network says nothing).
/// Pings cost a frame each way per client and period, so they go only where nothing else proves
/// the connection: a client that is being sent events is checked by its TCP acknowledgements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    /// A client that was sent nothing for this long gets a ping.
    pub ping_every: Duration,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat { ping_every: Duration::from_secs(15) }
    }
}

impl Heartbeat {
    /// A ping unanswered for this long closes the connection.
    pub fn answer_within(&self) -> Duration {
        self.ping_every * 2
    }

    /// Data the client's TCP has not acknowledged for this long closes the connection (the
    /// kernel's TCP_USER_TIMEOUT): how a client that is sent events, and so no pings, is checked.
    pub fn unacknowledged_limit(&self) -> Duration {
        self.ping_every * 3
    }
}

/// Shared by every session of this node.
pub struct RealtimeState {
    pub service: Service,
    pub metrics: Metrics,
    pub hub: Hub,
    pub heartbeat: Heartbeat,
    draining: AtomicBool,
    /// Every session of this node, so that a drain can wait for them to say goodbye.
    sessions: tokio_util::task::TaskTracker,
}

/// The longest a drain waits for sessions to send their reconnect and close.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

impl RealtimeState {
    /// Starts the hub for this node.
    pub fn start(service: Service, metrics: Metrics, heartbeat: Heartbeat) -> Arc<Self> {
        let hub = Hub::spawn(service.clone(), service.bus().subscribe(), metrics.clone());
        Arc::new(RealtimeState {
            service,
            metrics,
            hub,
            heartbeat,
            draining: AtomicBool::new(false),
            sessions: tokio_util::task::TaskTracker::new(),
        })
    }

    /// Graceful shutdown: refuse new sessions, tell connected clients to reconnect.
    /// Returns once every session has sent its reconnect and closed (at most [`DRAIN_LIMIT`]).
    pub async fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
        self.hub.shutdown().await;
        self.sessions.close();
        if tokio::time::timeout(DRAIN_LIMIT, self.sessions.wait()).await.is_err() {
            tracing::warn!(open = self.sessions.len(), "sessions still open after the drain's limit; closing them");
        }
    }

    /// Counts a session in until its future ends.
    pub(crate) fn track<F: Future>(&self, session: F) -> tokio_util::task::task_tracker::TrackedFuture<F> {
        self.sessions.track_future(session)
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// Where the hub and the sessions read the events a client missed: the durable log.
pub(crate) trait EventLog: Clone + Send + Sync + 'static {
    /// Up to `limit` events of the game after `after_seq`, in order.
    fn read(
        &self,
        game_id: &str,
        after_seq: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Event>, ServiceError>> + Send;
}

impl EventLog for Service {
    async fn read(&self, game_id: &str, after_seq: u64, limit: u32) -> Result<Vec<Event>, ServiceError> {
        let stored = self.events_after(game_id, after_seq, limit).await?;
        stored
            .iter()
            .map(|e| serde_json::from_str(&e.payload))
            .collect::<Result<_, _>>()
            .map_err(|e| ServiceError::Internal(format!("an event in the log does not read: {e}")))
    }
}
