//! The in-process bus of a single `bingo serve`.

use super::{BusMessage, Subscription, FANOUT_CAPACITY};
use tokio::sync::broadcast;

#[derive(Clone)]
pub struct LocalBus {
    tx: broadcast::Sender<BusMessage>,
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalBus {
    pub fn new() -> Self {
        LocalBus { tx: broadcast::channel(FANOUT_CAPACITY).0 }
    }

    pub fn publish(&self, message: BusMessage) {
        // No subscriber yet is fine: the log has the event.
        let _ = self.tx.send(message);
    }

    pub fn subscribe(&self) -> Subscription {
        Subscription { rx: self.tx.subscribe() }
    }
}
