//! The realtime hub: WebSocket sessions at `/ws` (actix-ws), fed by one hub task per node.
//! docs/PROTOCOL.md describes the messages.
//!
//! **Invariant:** the hub task owns all fan-out state; sessions hold only a bounded sender, so a
//! slow client never slows the others and never grows memory without bound.
//! **Invariant:** a client misses nothing: every event it is sent continues its sequence, filled
//! from the durable log when the bus or its queue dropped something.

mod hub;
pub mod protocol;
mod session;

pub use hub::{Hub, Out};

use actix_web::web;
use bingo_service::Service;
use bingo_telemetry::Metrics;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Shared by every session of this node.
pub struct RealtimeState {
    pub service: Service,
    pub metrics: Metrics,
    pub hub: Hub,
    draining: AtomicBool,
}

impl RealtimeState {
    /// Starts the hub for this node.
    pub fn start(service: Service, metrics: Metrics) -> Arc<Self> {
        let hub = Hub::spawn(service.clone(), metrics.clone());
        service.spawn_follower();
        Arc::new(RealtimeState { service, metrics, hub, draining: AtomicBool::new(false) })
    }

    /// Graceful shutdown: refuse new sessions, tell connected clients to reconnect.
    pub async fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
        self.hub.shutdown().await;
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// Mounts `/ws`.
pub fn configure(state: Arc<RealtimeState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::from(state)).route("/ws", web::get().to(session::upgrade));
    }
}
