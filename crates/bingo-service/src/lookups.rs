//! Players looked up by token, gathered: the hellos that arrive while the storage is busy are
//! answered together by one read (a hall's phones all reconnect at once after a Wi-Fi drop, and
//! a node restarting hands thousands of sockets to the others).

use super::{Result, ServiceError};
use bingo_storage::{PlayerCards, Store};
use bingo_telemetry::Metrics;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// The most look-ups one read answers.
const MAX_BATCH: usize = 256;
/// Look-ups waiting for a read; a caller beyond this waits for room.
const QUEUE: usize = 4096;

type TokenHash = [u8; 32];
type Reply = oneshot::Sender<Result<Option<PlayerCards>>>;

/// The queue of look-ups; one task per node takes them in batches.
#[derive(Clone)]
pub(crate) struct Lookups {
    tx: mpsc::Sender<(TokenHash, Reply)>,
}

impl Lookups {
    /// Starts the task that answers look-ups on the current runtime. Each batch takes one of
    /// `slots` (the storage pool's connections) for its read; look-ups that arrive while every
    /// slot is busy go into the next batch.
    pub fn start(store: Store, slots: Arc<Semaphore>, metrics: Metrics) -> Lookups {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(gather(rx, store, slots, metrics));
        Lookups { tx }
    }

    /// Whether the task has stopped (its runtime shut down): a new one must be started.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// The player whose token hashes to `hash`, with cards and marks; `None` if unknown.
    pub async fn find(&self, hash: TokenHash) -> Result<Option<PlayerCards>> {
        let (reply, answer) = oneshot::channel();
        let gone = || ServiceError::Unavailable("the storage is shutting down".into());
        self.tx.send((hash, reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

async fn gather(mut rx: mpsc::Receiver<(TokenHash, Reply)>, store: Store, slots: Arc<Semaphore>, metrics: Metrics) {
    while let Some(first) = rx.recv().await {
        let waiting = Instant::now();
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        metrics.record_db_pool_wait(waiting.elapsed());
        // Everything that queued while we waited for the slot goes in this read.
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (store, metrics) = (store.clone(), metrics.clone());
        tokio::spawn(async move {
            let hashes: Vec<TokenHash> = batch.iter().map(|(hash, _)| *hash).collect();
            let started = Instant::now();
            let read = tokio::task::spawn_blocking(move || store.players_with_cards(&hashes)).await;
            metrics.record_db_query("players_with_cards", started.elapsed());
            drop(slot);
            answer(batch, read.map_err(ServiceError::from).and_then(|r| r.map_err(ServiceError::from)));
        });
    }
}

fn answer(batch: Vec<(TokenHash, Reply)>, read: Result<Vec<PlayerCards>>) {
    match read {
        Ok(found) => {
            let by_hash: HashMap<TokenHash, PlayerCards> =
                found.into_iter().map(|p| (p.player.token_hash, p)).collect();
            for (hash, reply) in batch {
                // A token asked twice in one batch (two tabs) gets its player both times.
                let _ = reply.send(Ok(by_hash.get(&hash).cloned()));
            }
        }
        Err(e) => {
            for (_, reply) in batch {
                let _ = reply.send(Err(e.clone()));
            }
        }
    }
}
