//! Best-effort, bounded shipping of log events to Loki on top of `tracing-loki` 0.2.7.
//!
//! `tracing-loki` alone is not bounded (see docs/ops-notes §2 and its `src/lib.rs`): its layer
//! `try_send`s into a channel of 512 and silently drops when it is full; its background task drains
//! that channel into unbounded per-level vectors, its HTTP client has no timeout (a Loki that
//! accepts the connection but never answers stalls it forever while the vectors grow), and it
//! drops in-flight batches after long backoffs without telling anyone.
//!
//! So this module never lets one `tracing-loki` pipeline buffer more than [`GENERATION_CAPACITY`]
//! events. Events go into the *current generation* (a `tracing-loki` layer + background task pair)
//! whose task is not polled while it fills, so its events stay in the 512-slot channel. A driver
//! thread with its own single-threaded Tokio runtime rotates generations every
//! [`FLUSH_INTERVAL`] (or sooner once half full): it installs a fresh generation, tells the old
//! task to shut down (which makes it push everything it holds once and stop) and runs it under a
//! [`PUSH_TIMEOUT`]. The task reports a failed push as an `ERROR` event of target `tracing_loki`;
//! the driver runs it under a private subscriber that catches that event. Every event that was not
//! admitted (the generation was full) or whose push failed or timed out is added to
//! `bingo_log_events_dropped_total`; after failures the driver backs off (up to
//! [`MAX_BACKOFF`]) while the current generation keeps at most its capacity.
//!
//! Memory is therefore bounded by two generations (the one filling, the one being pushed) of at most
//! [`GENERATION_CAPACITY`] events each. Logging never blocks on Loki: admission is a read lock, an
//! atomic increment and a `try_send` into a channel that has room by construction.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tracing::instrument::WithSubscriber as _;
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

use crate::metrics::LOG_EVENTS_DROPPED;
use crate::TelemetryError;

/// Most events one generation accepts (below `tracing-loki`'s channel capacity of 512, leaving room
/// for its shutdown message).
pub const GENERATION_CAPACITY: usize = 500;
/// Rotate early when this many events are waiting.
const FLUSH_THRESHOLD: usize = GENERATION_CAPACITY / 2;
/// Longest time events wait before a push is attempted (when Loki is healthy).
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(500);
/// Longest time one push may take before its events count as dropped.
pub const PUSH_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest pause between pushes after consecutive failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The push timeout used for the final flush at shutdown.
const SHUTDOWN_PUSH_TIMEOUT: Duration = Duration::from_millis(1500);

fn count_dropped(n: usize) {
    if n > 0 {
        LOG_EVENTS_DROPPED.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// One `tracing-loki` layer/task pair.
struct Generation {
    layer: tracing_loki::Layer,
    controller: tracing_loki::BackgroundTaskController,
    task: Mutex<Option<tracing_loki::BackgroundTask>>,
    /// Events offered to this generation (may exceed the capacity; the excess was dropped).
    offered: AtomicUsize,
}

impl Generation {
    fn new(builder: &tracing_loki::Builder, url: &url::Url) -> Result<Generation, TelemetryError> {
        let (layer, controller, task) = builder
            .clone()
            .build_controller_url(url.clone())
            .map_err(|e| TelemetryError::Logging(format!("loki: {e}")))?;
        Ok(Generation { layer, controller, task: Mutex::new(Some(task)), offered: AtomicUsize::new(0) })
    }

    fn admitted(&self) -> usize {
        self.offered.load(Ordering::Relaxed).min(GENERATION_CAPACITY)
    }
}

struct Shared {
    builder: tracing_loki::Builder,
    url: url::Url,
    current: RwLock<Generation>,
    wake: tokio::sync::Notify,
}

/// The `tracing` layer that admits events into the current generation (see the module doc).
pub(crate) struct LokiLayer {
    shared: Arc<Shared>,
}

impl fmt::Debug for LokiLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LokiLayer").field("url", &self.shared.url.as_str()).finish_non_exhaustive()
    }
}

impl<S> tracing_subscriber::Layer<S> for LokiLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        // Every generation's layer stores span fields the same way (a span extension), so any one will do.
        let current = self.shared.current.read().unwrap_or_else(|e| e.into_inner());
        <tracing_loki::Layer as tracing_subscriber::Layer<S>>::on_new_span(&current.layer, attrs, id, ctx);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let current = self.shared.current.read().unwrap_or_else(|e| e.into_inner());
        <tracing_loki::Layer as tracing_subscriber::Layer<S>>::on_record(&current.layer, id, values, ctx);
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        // Never wait: while the driver swaps generations (a few microseconds every flush), or if
        // an event is emitted from inside another event's formatting, drop it and count it.
        let current = match self.shared.current.try_read() {
            Ok(current) => current,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                count_dropped(1);
                return;
            }
        };
        let n = current.offered.fetch_add(1, Ordering::Relaxed);
        if n >= GENERATION_CAPACITY {
            count_dropped(1);
            return;
        }
        <tracing_loki::Layer as tracing_subscriber::Layer<S>>::on_event(&current.layer, event, ctx);
        if n + 1 == FLUSH_THRESHOLD {
            self.shared.wake.notify_one();
        }
    }
}

/// Validated Loki settings: where to push and the stream labels.
pub(crate) struct LokiSettings {
    pub url: url::Url,
    pub service: String,
    pub role: String,
    pub host: String,
}

/// Builds the layer; the driver is started by [`Driver::start`] once the app's dispatcher exists.
pub(crate) fn layer(settings: &LokiSettings) -> Result<(LokiLayer, Driver), TelemetryError> {
    let err = |e: tracing_loki::Error| TelemetryError::Logging(format!("loki: {e}"));
    let builder = tracing_loki::builder()
        .label("service", &settings.service)
        .map_err(err)?
        .label("role", &settings.role)
        .map_err(err)?
        .label("host", &settings.host)
        .map_err(err)?;
    let first = Generation::new(&builder, &settings.url)?;
    let shared = Arc::new(Shared {
        builder,
        url: settings.url.clone(),
        current: RwLock::new(first),
        wake: tokio::sync::Notify::new(),
    });
    Ok((LokiLayer { shared: shared.clone() }, Driver { shared }))
}

/// The driver of the Loki generations, before it is started.
pub(crate) struct Driver {
    shared: Arc<Shared>,
}

/// A running driver thread; stopping it flushes what is queued within a bounded time.
pub(crate) struct RunningDriver {
    stop: tokio::sync::watch::Sender<bool>,
    done: std::sync::mpsc::Receiver<()>,
}

impl RunningDriver {
    /// Asks the driver to push what is queued and stop, and waits at most `wait` for it.
    pub(crate) fn stop(&self, wait: Duration) -> bool {
        let _ = self.stop.send(true);
        self.done.recv_timeout(wait).is_ok()
    }
}

impl Driver {
    /// Starts the driver on its own thread (with its own single-threaded Tokio runtime, so Loki
    /// never competes with the service's runtime). `app` is the application's dispatcher, used
    /// for the driver's own warnings.
    pub(crate) fn start(self, app: Dispatch) -> Result<RunningDriver, TelemetryError> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("bingo-loki")
            .build()
            .map_err(|e| TelemetryError::Logging(format!("loki runtime: {e}")))?;
        std::thread::Builder::new()
            .name("bingo-loki".into())
            .spawn(move || {
                // Everything polled on this thread (reqwest/hyper included) logs nowhere by default,
                // so shipping logs cannot produce logs to ship.
                let _quiet = tracing::dispatcher::set_default(&Dispatch::none());
                runtime.block_on(drive(self.shared, stop_rx, app));
                let _ = done_tx.send(());
            })
            .map_err(|e| TelemetryError::Logging(format!("loki thread: {e}")))?;
        Ok(RunningDriver { stop: stop_tx, done: done_rx })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Push {
    Idle,
    Delivered,
    Failed { dropped: usize, error: String },
}

/// What the driver drives: the generations to push ([`Shared`]), or in the tests of its schedule
/// a stand-in that needs no network, run on a paused Tokio clock.
trait Batches {
    /// Pushes what is queued, within `timeout`.
    fn push(&self, timeout: Duration) -> impl std::future::Future<Output = Push>;
    /// Events waiting in the current generation.
    fn queued(&self) -> usize;
    /// Told when the current generation is half full.
    fn half_full(&self) -> &tokio::sync::Notify;
}

impl Batches for Shared {
    fn push(&self, timeout: Duration) -> impl std::future::Future<Output = Push> {
        push_current(self, timeout)
    }
    fn queued(&self) -> usize {
        self.current.read().unwrap_or_else(|e| e.into_inner()).admitted()
    }
    fn half_full(&self) -> &tokio::sync::Notify {
        &self.wake
    }
}

/// The pause after `failures` consecutive failed pushes: 1 s, 2 s, 4 s, ... up to [`MAX_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << failures.min(8))).min(MAX_BACKOFF)
}

/// The driver's loop: a push every [`FLUSH_INTERVAL`] (sooner when half full), each within
/// [`PUSH_TIMEOUT`]; after failures, a [`backoff`]; on stop, one last push within
/// [`SHUTDOWN_PUSH_TIMEOUT`], and what is still queued counted as dropped.
async fn drive(shared: Arc<Shared>, stop: tokio::sync::watch::Receiver<bool>, app: Dispatch) {
    run(&*shared, stop, app).await;
}

async fn run(shared: &impl Batches, mut stop: tokio::sync::watch::Receiver<bool>, app: Dispatch) {
    let mut failures: u32 = 0;
    let mut dropped_while_failing: usize = 0;
    loop {
        let stopping = *stop.borrow();
        let stopping = stopping
            || tokio::select! {
                r = stop.changed() => { let _ = r; true }
                _ = tokio::time::sleep(FLUSH_INTERVAL) => false,
                _ = shared.half_full().notified() => false,
            };
        let timeout = if stopping { SHUTDOWN_PUSH_TIMEOUT } else { PUSH_TIMEOUT };
        let outcome = tokio::select! {
            biased;
            outcome = shared.push(timeout) => outcome,
            // A stop request interrupts a stalled push (its events count as dropped inside).
            _ = stop.wait_for(|s| *s), if !stopping => Push::Failed { dropped: 0, error: "stopping".into() },
        };
        match outcome {
            Push::Idle => {}
            Push::Delivered => {
                if failures > 0 {
                    tracing::dispatcher::with_default(&app, || {
                        tracing::info!(
                            target: "bingo_telemetry::loki",
                            dropped = dropped_while_failing,
                            "loki push recovered"
                        );
                    });
                }
                failures = 0;
                dropped_while_failing = 0;
            }
            Push::Failed { dropped, error } => {
                dropped_while_failing += dropped;
                if failures == 0 && !stopping {
                    tracing::dispatcher::with_default(&app, || {
                        tracing::warn!(
                            target: "bingo_telemetry::loki",
                            error = %error,
                            dropped,
                            "loki push failed; log events for Loki are dropped (and counted) until it recovers, stdout keeps them"
                        );
                    });
                }
                failures = failures.saturating_add(1);
            }
        }
        if stopping || *stop.borrow() {
            if !stopping {
                // Interrupted by a stop request: one last bounded flush.
                let _ = shared.push(SHUTDOWN_PUSH_TIMEOUT).await;
            }
            count_dropped(shared.queued());
            return;
        }
        if failures > 0 {
            tokio::select! {
                _ = tokio::time::sleep(backoff(failures)) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        }
    }
}

/// Swaps in a fresh generation and pushes the old one, within `timeout`.
async fn push_current(shared: &Shared, timeout: Duration) -> Push {
    let queued = shared.current.read().unwrap_or_else(|e| e.into_inner()).admitted();
    if queued == 0 {
        return Push::Idle;
    }
    let fresh = match Generation::new(&shared.builder, &shared.url) {
        Ok(g) => g,
        // Cannot happen: the same builder and URL built the first generation.
        Err(e) => return Push::Failed { dropped: 0, error: e.to_string() },
    };
    let old = {
        let mut current = shared.current.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *current, fresh)
    };
    let n = old.admitted();
    // Counts the batch as dropped unless it is delivered, also when this future is cancelled.
    let mut pending = CountOnDrop(n);
    let task = old.task.lock().unwrap_or_else(|e| e.into_inner()).take();
    let Some(task) = task else {
        return Push::Failed { dropped: n, error: "task missing".into() };
    };
    // The channel has room (n < 512), so this completes at once.
    old.controller.shutdown().await;
    // `old` (holding the channel's senders) must outlive the task: once every sender is gone,
    // tracing-loki 0.2.7's receive loop sees `Ready(None)` on each poll and burns the task's whole
    // Tokio coop budget, so its HTTP request never gets to write (observed: connect, then nothing).

    let observer = Observer::default();
    let dispatch = Dispatch::new(tracing_subscriber::registry().with(observer.clone()));
    // With a shutdown queued, the task pushes everything once and returns; on an HTTP error it
    // reports `couldn't send logs to loki` and returns without retrying.
    let result = tokio::time::timeout(timeout, task.with_subscriber(dispatch)).await;
    drop(old);
    let error = match result {
        Err(_) => Some(format!("push timed out after {timeout:?}")),
        Ok(()) => observer.error(),
    };
    match error {
        None => {
            pending.0 = 0;
            Push::Delivered
        }
        Some(error) => Push::Failed { dropped: n, error },
    }
}

struct CountOnDrop(usize);

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        count_dropped(self.0);
    }
}

/// Catches `tracing-loki`'s own error reports while its task is polled.
#[derive(Clone, Default)]
struct Observer {
    error: Arc<Mutex<Option<String>>>,
}

impl Observer {
    fn error(&self) -> Option<String> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for Observer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if *event.metadata().level() == Level::ERROR && event.metadata().target().starts_with("tracing_loki") {
            let mut text = String::new();
            event.record(&mut |field: &tracing::field::Field, value: &dyn fmt::Debug| {
                use std::fmt::Write as _;
                let _ = write!(text, "{}={:?} ", field.name(), value);
            });
            let mut slot = self.error.lock().unwrap_or_else(|e| e.into_inner());
            slot.get_or_insert(text.trim_end().to_owned());
        }
    }
}

/// The driver's schedule on a paused Tokio clock: time jumps to the next timer whenever the
/// driver waits, so minutes of pushes, timeouts and back-offs take no time, and every moment is
/// exact. Pushing itself (tracing-loki, HTTP) is tested against a fake Loki in tests/telemetry.
#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use tokio::time::Instant;

    /// A stand-in for the generations: `queued` events wait; its Loki answers or stalls.
    struct Fake {
        start: Instant,
        queued: AtomicUsize,
        /// Every push with events: when it began (since `start`) and the time it was given.
        pushes: Mutex<Vec<(Duration, Duration)>>,
        stalls: AtomicBool,
        wake: tokio::sync::Notify,
    }

    impl Fake {
        fn new(queued: usize, stalls: bool) -> Arc<Fake> {
            Arc::new(Fake {
                start: Instant::now(),
                queued: AtomicUsize::new(queued),
                pushes: Mutex::new(Vec::new()),
                stalls: AtomicBool::new(stalls),
                wake: tokio::sync::Notify::new(),
            })
        }

        fn pushes(&self) -> Vec<(Duration, Duration)> {
            self.pushes.lock().unwrap().clone()
        }
    }

    impl Batches for Fake {
        async fn push(&self, timeout: Duration) -> Push {
            // A stalled Loki keeps getting new events; an answering one takes them all.
            let n = if self.stalls.load(Ordering::Relaxed) {
                self.queued.load(Ordering::Relaxed)
            } else {
                self.queued.swap(0, Ordering::Relaxed)
            };
            if n == 0 {
                return Push::Idle;
            }
            self.pushes.lock().unwrap().push((self.start.elapsed(), timeout));
            if !self.stalls.load(Ordering::Relaxed) {
                return Push::Delivered;
            }
            match tokio::time::timeout(timeout, std::future::pending::<()>()).await {
                Ok(()) => Push::Delivered,
                Err(_) => Push::Failed { dropped: n, error: format!("push timed out after {timeout:?}") },
            }
        }
        fn queued(&self) -> usize {
            self.queued.load(Ordering::Relaxed)
        }
        fn half_full(&self) -> &tokio::sync::Notify {
            &self.wake
        }
    }

    /// Starts the driver on `fake`; the stop sender and the driver's task.
    fn start(fake: &Arc<Fake>) -> (tokio::sync::watch::Sender<bool>, tokio::task::JoinHandle<()>) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let fake = fake.clone();
        (stop, tokio::spawn(async move { run(&*fake, stopped, Dispatch::none()).await }))
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[tokio::test(start_paused = true)]
    async fn events_are_pushed_every_flush_interval_or_at_once_when_half_full() {
        let fake = Fake::new(3, false);
        let (stop, driver) = start(&fake);
        tokio::time::sleep(ms(2_200)).await;
        assert_eq!(fake.pushes(), [(FLUSH_INTERVAL, PUSH_TIMEOUT)], "one push, then nothing while idle");
        fake.queued.store(1, Ordering::Relaxed);
        tokio::time::sleep(ms(400)).await; // 2.6 s: the push at 2.5 s took it
        fake.queued.store(FLUSH_THRESHOLD, Ordering::Relaxed);
        fake.wake.notify_one();
        tokio::time::sleep(ms(1)).await;
        assert_eq!(fake.pushes(), [(ms(500), PUSH_TIMEOUT), (ms(2_500), PUSH_TIMEOUT), (ms(2_600), PUSH_TIMEOUT)]);
        stop.send(true).unwrap();
        driver.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_loki_is_given_up_on_after_the_timeout_and_retried_ever_less_often() {
        let fake = Fake::new(10, true);
        let (stop, driver) = start(&fake);
        tokio::time::sleep(Duration::from_secs(300)).await;
        let starts: Vec<Duration> = fake.pushes().iter().map(|p| p.0).collect();
        let gaps: Vec<Duration> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        // Between two pushes: the timeout, the back-off (1, 2, 4, 8, 16 s, then 30 s at most) and
        // the flush interval.
        let expected: Vec<Duration> =
            (1..=gaps.len() as u32).map(|k| PUSH_TIMEOUT + backoff(k) + FLUSH_INTERVAL).collect();
        assert_eq!(starts[0], FLUSH_INTERVAL);
        assert_eq!(gaps, expected);
        assert_eq!(&gaps[..6], [6_500, 7_500, 9_500, 13_500, 21_500, 35_500].map(ms));
        assert!(gaps.len() >= 9, "{gaps:?}");
        stop.send(true).unwrap();
        driver.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn stopping_interrupts_a_stalled_push_and_the_last_one_is_bounded() {
        let fake = Fake::new(10, true);
        let (stop, driver) = start(&fake);
        tokio::time::sleep(ms(1_000)).await; // the first push began at 0.5 s and stalls
        let asked = Instant::now();
        stop.send(true).unwrap();
        driver.await.unwrap();
        assert_eq!(asked.elapsed(), SHUTDOWN_PUSH_TIMEOUT, "stopped one final (stalled) push later");
        assert_eq!(fake.pushes(), [(ms(500), PUSH_TIMEOUT), (ms(1_000), SHUTDOWN_PUSH_TIMEOUT)]);
        assert!(SHUTDOWN_PUSH_TIMEOUT < crate::LOG_SHUTDOWN_WAIT, "the guard waits for it");
    }
}
