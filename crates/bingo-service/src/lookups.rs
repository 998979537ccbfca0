//! Players looked up by token, gathered: the hellos that arrive while the storage is busy are
//! answered together by one read (a hall's phones all reconnect at once after a Wi-Fi drop, and
//! a node restarting hands thousands of sockets to the others).

use super::{Result, ServiceError};
use bingo_storage::{PlayerCards, Store};
use bingo_telemetry::Metrics;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

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
    started: Arc<AtomicBool>,
}

/// The receiving end of the queue, until the task takes it.
pub(crate) struct Queue {
    rx: mpsc::Receiver<(TokenHash, Reply)>,
    started: Arc<AtomicBool>,
}

impl Queue {
    /// From now on look-ups queue up for the task (which may not have run yet).
    pub fn open(&self) {
        self.started.store(true, Ordering::Release);
    }
}

impl Lookups {
    pub fn new() -> (Lookups, Queue) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let started = Arc::new(AtomicBool::new(false));
        (Lookups { tx, started: started.clone() }, Queue { rx, started })
    }

    /// The player whose token hashes to `hash`, with cards and marks; `None` if unknown.
    pub async fn find(&self, hash: TokenHash) -> Result<Option<PlayerCards>> {
        let (reply, answer) = oneshot::channel();
        let gone = || ServiceError::Unavailable("the storage is shutting down".into());
        if !self.started.load(Ordering::Acquire) {
            return Err(ServiceError::Unavailable("the service's tasks are not started".into()));
        }
        self.tx.send((hash, reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// Answers look-ups until `cancel`; batches still reading then are awaited, so every caller
/// that queued gets its answer or an error.
pub(crate) async fn gather(
    queue: Queue,
    store: Store,
    slots: Arc<Semaphore>,
    metrics: Metrics,
    cancel: CancellationToken,
) {
    let Queue { mut rx, .. } = queue;
    let mut reads = JoinSet::new();
    loop {
        let first = tokio::select! {
            _ = cancel.cancelled() => break,
            Some(first) = rx.recv() => first,
            Some(_) = reads.join_next(), if !reads.is_empty() => continue,
        };
        let waiting = Instant::now();
        let slot = tokio::select! {
            _ = cancel.cancelled() => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
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
        reads.spawn(async move {
            let hashes: Vec<TokenHash> = batch.iter().map(|(hash, _)| *hash).collect();
            let started = Instant::now();
            let read = tokio::task::spawn_blocking(move || store.players_with_cards(&hashes)).await;
            metrics.record_db_query("players_with_cards", started.elapsed());
            drop(slot);
            answer(batch, read.map_err(ServiceError::from).and_then(|r| r.map_err(ServiceError::from)));
        });
    }
    // Callers still queued learn at once that the service is stopping.
    rx.close();
    while reads.join_next().await.is_some() {}
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
