//! The service's tasks, started once by [`Service::start`] on the caller's runtime and stopped by
//! [`Running::shutdown`]: cancelled through one token, then awaited.
//!
//! - `lookups`: answers sockets' hellos in batches (see `lookups.rs`).
//! - `follower`: keeps this node's copies of games current with the events other nodes commit
//!   (every role that serves a game's state needs it: an API node must see a claim made on a
//!   realtime node).
//! - `auto-draw` (optional): draws the balls that are due on games with auto-draw on.
//! - `housekeeping`: the pool and game-state gauges every 5 s, expired console sessions hourly.
//!
//! Short errands started along the way (a player count published 250 ms after a join) are
//! tracked too: shutdown publishes them at once and waits for them.

use super::{now_ms, Result, Service, ServiceError};
use bingo_bus::{BusMessage, Update};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How often the gauges are sampled.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// Expired console sessions are deleted every this many samples (an hour).
const SESSIONS_EVERY_SAMPLES: u64 = 720;

/// Which of the optional tasks to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tasks {
    /// Draw balls on a timer (the roles that run the console's API).
    pub auto_draw: bool,
}

/// The running tasks; [`Running::shutdown`] stops them.
#[must_use = "the tasks run until shut down; dropping this leaves them running"]
pub struct Running {
    service: Service,
    handles: Vec<(&'static str, JoinHandle<()>)>,
}

impl Running {
    /// Cancels every task, then waits for each to end (and for the errands still due).
    pub async fn shutdown(self) {
        self.service.inner.cancel.cancel();
        for (name, handle) in self.handles {
            if let Err(e) = handle.await {
                tracing::error!(task = name, error = %e, "a service task failed");
            }
        }
        let errands = &self.service.inner.errands;
        errands.close();
        errands.wait().await;
    }

    /// The names of the running tasks.
    pub fn names(&self) -> Vec<&'static str> {
        self.handles.iter().map(|(name, _)| *name).collect()
    }
}

impl Service {
    /// Starts the service's tasks on the current runtime; call once, before serving.
    pub fn start(&self, tasks: Tasks) -> Result<Running> {
        let queue = self
            .inner
            .lookups_queue
            .lock()
            .map_err(|_| ServiceError::Internal("look-ups poisoned".into()))?
            .take()
            .ok_or_else(|| ServiceError::Internal("the service's tasks are already started".into()))?;
        queue.open();
        let cancel = self.inner.cancel.clone();
        let inner = &self.inner;
        let mut handles = vec![
            (
                "lookups",
                tokio::spawn(super::lookups::gather(
                    queue,
                    inner.store.clone(),
                    inner.storage_slots.clone(),
                    inner.metrics.clone(),
                    cancel.clone(),
                )),
            ),
            ("follower", tokio::spawn(self.clone().follow_bus(cancel.clone()))),
            ("housekeeping", tokio::spawn(self.clone().housekeeping(cancel.clone()))),
        ];
        if tasks.auto_draw {
            handles.push(("auto-draw", tokio::spawn(self.clone().auto_draw_loop(cancel))));
        }
        Ok(Running { service: self.clone(), handles })
    }

    async fn follow_bus(self, cancel: CancellationToken) {
        let mut sub = self.bus().subscribe();
        loop {
            let msg = tokio::select! {
                _ = cancel.cancelled() => return,
                msg = sub.recv() => match msg {
                    Some(msg) => msg,
                    None => return,
                },
            };
            match msg {
                BusMessage::Event(notice) => {
                    if let Err(e) = self.follow(&notice.game_id, &notice.event).await {
                        tracing::warn!(game_id = notice.game_id, error = %e, "could not follow a game's events");
                    }
                }
                BusMessage::Update(notice) => match &notice.update {
                    Update::Players { players } => self.follow_players(&notice.game_id, *players).await,
                    Update::Announcement { text } => self.follow_announcement(&notice.game_id, text.clone()).await,
                    Update::AutoDraw { .. } | Update::Checking { .. } => {}
                },
                BusMessage::Resync => self.refresh_cached().await,
            }
        }
    }

    /// Keeps the game-state and connection-pool gauges current, and clears expired console
    /// sessions.
    async fn housekeeping(self, cancel: CancellationToken) {
        let mut every = tokio::time::interval(SAMPLE_EVERY);
        let mut samples = 0u64;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = every.tick() => {}
            }
            let metrics = &self.inner.metrics;
            let (idle, in_use) = self.store().pool_state();
            metrics.set_db_pool(u64::from(idle), u64::from(in_use));
            match self.blocking(|s| s.stats()).await {
                Ok(stats) => {
                    for state in bingo_telemetry::GameState::ALL {
                        let n = stats.games_by_state.get(state.as_str()).copied().unwrap_or(0);
                        metrics.set_games(state, n);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot read statistics"),
            }
            if samples % SESSIONS_EVERY_SAMPLES == 0 {
                let now = now_ms();
                if let Err(e) = self.blocking(move |s| s.delete_expired_sessions(now)).await {
                    tracing::warn!(error = %e, "cannot clear expired sessions");
                }
            }
            samples += 1;
        }
    }
}
