//! Game commands against the stored log: load a game, run an engine command, commit the events,
//! then publish them. Shared by the API and realtime roles, so that any node may run a command:
//! the log's expected-sequence check makes concurrent writers safe.
//!
//! The service is the only door to storage: callers use its methods, never the store. Its
//! background tasks run from [`Service::start`] until [`Running::shutdown`] (see `tasks.rs`).
//!
//! Its invariants are stated once, in docs/ARCHITECTURE.md (section `crates/bingo-service`).

mod admin;
mod announcement;
mod autodraw;
mod cache;
mod error;
mod games;
mod issues;
mod lookups;
mod players;
mod queries;
mod recent;
mod report;
mod sales;
pub mod secrets;
mod sessions;
mod snapshot;
mod snowball;
mod tasks;

pub use admin::{AdminSession, SESSION_MS};
pub use announcement::{announcement_text, ANNOUNCEMENT_MAX_CHARS};
pub use bingo_storage::{GameMeta, Ledger, PlayerRow, PlayerSummary, StoredEvent};
pub use error::{ErrorCode, Result, ServiceError};
pub use games::{CreatedGame, PaperCards};
pub use players::{Joined, PlayerView};
pub use queries::Held;
pub use report::report_of;
pub use sales::{BookCards, BooksSold, MAX_BOOKS};
pub use sessions::{
    template_name, SessionGame, SessionPlan, SessionPrices, SessionStage, SessionSummary, SessionTemplate, SessionView,
    MAX_INTERVAL_S, MAX_SESSION_GAMES,
};
pub use snapshot::{AutoDrawView, SharedSnapshot, Snapshot};
pub use snowball::{SnowballEnd, SnowballResult, SnowballView};
pub use tasks::{Running, Tasks};

use bingo_bus::{Bus, BusMessage, EventNotice, Update, UpdateNotice};
use bingo_core::Game;
use bingo_core::{Event, EventKind};
use bingo_storage::Store;
use bingo_telemetry::{ClaimOutcome, Metrics};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A game held in memory by this node, behind its own lock.
pub(crate) struct Live {
    pub meta: GameMeta,
    pub game: Game,
    pub players: u64,
    /// Card serials this node reserved in the database and has not issued yet.
    pub serials: std::ops::Range<u64>,
    /// The last shared snapshot and the state it was made from.
    pub shared: Option<(snapshot::SnapshotKey, SharedSnapshot)>,
    /// A player count is due to be published (joins are counted together, see
    /// [`players::PLAYER_COUNT_EVERY`]).
    pub count_due: bool,
}

impl Live {
    fn new(meta: GameMeta, game: Game, players: u64) -> Live {
        Live { meta, game, players, serials: 0..0, shared: None, count_due: false }
    }
}

type LiveGame = Arc<tokio::sync::Mutex<Live>>;

struct Inner {
    store: Store,
    bus: Bus,
    metrics: Metrics,
    node: String,
    /// The games this node holds and the join codes it knows, both bounded.
    cache: Mutex<cache::GameCache>,
    /// One permit per database connection: storage calls wait here, as tasks, rather than as
    /// blocked threads (a burst of thousands of hellos would otherwise start hundreds of threads
    /// that only wait for the pool).
    storage_slots: Arc<tokio::sync::Semaphore>,
    /// Players looked up by token in batches, by the task [`Service::start`] starts.
    lookups: lookups::Lookups,
    /// The look-up queue's receiving end, until [`Service::start`] hands it to its task.
    lookups_queue: Mutex<Option<lookups::Queue>>,
    /// Phone joins waiting for their cards to be recorded in the log, per game (see issues.rs).
    issues: issues::WaitingIssues,
    /// Players who joined through this process, for their first hello; only with the
    /// in-process bus (one node: every change to a player passes through here).
    recent: Option<recent::RecentPlayers>,
    /// Cancelled when the service shuts down: every task it started stops.
    cancel: tokio_util::sync::CancellationToken,
    /// The short tasks started along the way (a player count due in 250 ms), awaited on shutdown.
    errands: tokio_util::task::TaskTracker,
}

/// The game service; cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

impl Service {
    /// The service; storage calls wait for one of the pool's connections in `storage_slots`,
    /// and that wait is the pool-wait metric.
    pub fn new(store: Store, bus: Bus, node: impl Into<String>, metrics: Metrics) -> Self {
        let storage_slots = Arc::new(tokio::sync::Semaphore::new(store.pool_size() as usize));
        let recent = bus.is_local().then(recent::RecentPlayers::default);
        let (lookups, lookups_queue) = lookups::Lookups::new();
        Service {
            inner: Arc::new(Inner {
                store,
                bus,
                metrics,
                node: node.into(),
                cache: Mutex::new(cache::GameCache::default()),
                storage_slots,
                lookups,
                lookups_queue: Mutex::new(Some(lookups_queue)),
                issues: issues::WaitingIssues::default(),
                recent,
                cancel: tokio_util::sync::CancellationToken::new(),
                errands: tokio_util::task::TaskTracker::new(),
            }),
        }
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Runs a storage call on the blocking pool and records its duration as `operation`.
    pub(crate) async fn timed<T, F>(&self, operation: &'static str, f: F) -> Result<bingo_storage::Result<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> bingo_storage::Result<T> + Send + 'static,
    {
        let started = std::time::Instant::now();
        let result = self.blocking_raw(f).await;
        self.inner.metrics.record_db_query(operation, started.elapsed());
        result
    }

    /// Counts what committed events mean for the game metrics.
    fn count(&self, events: &[Event]) {
        let metrics = &self.inner.metrics;
        for e in events {
            match e.kind {
                EventKind::BallCalled { .. } => metrics.ball_drawn(),
                EventKind::ClaimAccepted { .. } => metrics.claim(ClaimOutcome::Accepted),
                EventKind::ClaimRejected { .. } => metrics.claim(ClaimOutcome::Rejected),
                _ => {}
            }
        }
        metrics.events_published(events.len() as u64);
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn bus(&self) -> &Bus {
        &self.inner.bus
    }

    pub fn node(&self) -> &str {
        &self.inner.node
    }

    /// Runs a storage call on the blocking pool.
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> bingo_storage::Result<T> + Send + 'static,
    {
        Ok(self.blocking_raw(f).await??)
    }

    /// Like `blocking`, keeping the storage error for callers that act on its kind.
    pub(crate) async fn blocking_raw<T, F>(&self, f: F) -> Result<bingo_storage::Result<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> bingo_storage::Result<T> + Send + 'static,
    {
        let waiting = std::time::Instant::now();
        let _slot = self
            .inner
            .storage_slots
            .acquire()
            .await
            .map_err(|_| ServiceError::Unavailable("the storage is shutting down".into()))?;
        self.inner.metrics.record_db_pool_wait(waiting.elapsed());
        let store = self.inner.store.clone();
        Ok(tokio::task::spawn_blocking(move || f(&store)).await?)
    }

    /// Publishes one message. A bus failure is logged and counted, never lost: the log has the
    /// events, and realtime nodes poll it (an update is superseded by the next one).
    async fn notify(&self, game_id: &str, message: BusMessage) {
        if let Err(err) = self.inner.bus.publish(message).await {
            self.inner.metrics.redis_error();
            tracing::warn!(game_id, error = %err, "could not publish; nodes catch up from the log");
        }
    }

    /// Publishes committed events.
    async fn publish(&self, game_id: &str, epoch: &str, events: &[Event]) {
        for event in events {
            let notice = EventNotice {
                game_id: game_id.to_string(),
                epoch: epoch.to_string(),
                published_at_ms: now_ms(),
                event: event.clone(),
            };
            self.notify(game_id, BusMessage::Event(Arc::new(notice))).await;
        }
    }

    /// Publishes news that is not part of a game's log (player counts, auto-draw timing).
    async fn publish_update(&self, game_id: &str, update: Update) {
        let notice = UpdateNotice { game_id: game_id.to_string(), published_at_ms: now_ms(), update };
        self.notify(game_id, BusMessage::Update(Arc::new(notice))).await;
    }
}
