//! Telemetry for the `bingo` binary: Prometheus metrics, the HTTP request middleware, and logging.
//!
//! - [`Metrics`]: one cheap-to-clone handle per process, created by [`Metrics::new`], with typed
//!   recording methods and [`Metrics::render`] for `/metrics`. Built on OpenTelemetry
//!   (`opentelemetry_sdk` + `opentelemetry-prometheus` 0.33, scope labels and `target_info`
//!   disabled) plus the `prometheus` crate's process collector.
//! - [`RequestMetrics`]: actix-web middleware recording the HTTP series, assigning request ids
//!   (`x-request-id`) and running each request in the `http_request` tracing span.
//! - [`init_logging`]: JSON (journald) or readable lines on stdout, and best-effort, bounded shipping
//!   to Loki through `tracing-loki`.
//!
//! # Metrics
//!
//! Every series below is present from the first scrape: labelled series whose label values are a
//! known small set start at zero, and histograms without observations are rendered as all-zero
//! series without labels. Times are in seconds, counters end in `_total`, and no label carries an
//! unbounded value (no game ids, tokens, nicknames or raw paths). Every histogram uses the buckets
//! [`LATENCY_BUCKETS_SECONDS`]: 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.15 0.2 0.25 0.5 1 2.5 5 10.
//!
//! ## HTTP
//! | series | type | labels | meaning |
//! |---|---|---|---|
//! | `bingo_http_request_duration_seconds` | histogram | `route`, `method`, `status_class` | Time to serve a request. `route` is the route template (`/api/v1/games/{id}/draw`) or `unmatched`; `method` a standard method or `OTHER`; `status_class` `1xx`..`5xx`. Recorded by [`RequestMetrics`]. |
//! | `bingo_http_requests_in_flight` | gauge | | Requests being served now. |
//!
//! ## Realtime
//! | series | type | labels | meaning |
//! |---|---|---|---|
//! | `bingo_ws_connections` | gauge | `client` (`player`, `screen`, `console`), `node` | Open WebSocket connections on this node. |
//! | `bingo_ws_connections_accepted_total` | counter | `node` | WebSocket connections accepted. |
//! | `bingo_events_published_total` | counter | | Game events published on the bus. |
//! | `bingo_events_delivered_total` | counter | | Event messages written to client sockets. |
//! | `bingo_ball_delivery_delay_seconds` | histogram | | From a ball being committed to it being written to a socket. |
//! | `bingo_ws_resyncs_total` | counter | | Clients sent a full snapshot because they could not resume from their sequence. |
//! | `bingo_ws_slow_client_drops_total` | counter | | Times a client fell a whole ring of frames behind and skipped ahead (gap filled from the log or a snapshot). |
//! | `bingo_bus_lag_seconds` | histogram | | From an event being published to a node receiving it. |
//!
//! ## Games
//! | series | type | labels | meaning |
//! |---|---|---|---|
//! | `bingo_games` | gauge | `state` (`created`, `open`, `running`, `paused`, `finished`) | Games by state (set by the owner of the game registry). |
//! | `bingo_players_joined_total` | counter | | Players who joined a game. |
//! | `bingo_claims_total` | counter | `outcome` (`accepted`, `rejected`) | Claims judged. |
//! | `bingo_balls_drawn_total` | counter | | Balls drawn (committed). |
//!
//! ## Storage
//! | series | type | labels | meaning |
//! |---|---|---|---|
//! | `bingo_db_pool_connections` | gauge | `state` (`idle`, `in_use`) | Database pool connections. |
//! | `bingo_db_pool_wait_seconds` | histogram | | Time waiting for a pooled connection. |
//! | `bingo_db_query_duration_seconds` | histogram | `operation` (a fixed set of `&'static str` names, e.g. `append_events`) | Database operation duration. |
//! | `bingo_redis_errors_total` | counter | | Redis command or connection errors. |
//!
//! ## Process
//! | series | type | labels | meaning |
//! |---|---|---|---|
//! | `bingo_build_info` | gauge | `version`, `commit` | Always 1. |
//! | `bingo_uptime_seconds` | gauge | | Seconds since [`Metrics::new`]. |
//! | `bingo_log_events_dropped_total` | counter | | Log events not shipped to Loki: the Loki queue was full, or their push failed or timed out. Stdout (journald) still has them. |
//! | `process_resident_memory_bytes` | gauge | | Resident memory (from `/proc/self`). |
//! | `process_cpu_seconds_total` | counter | | User + system CPU time. |
//! | `process_start_time_seconds` | gauge | | Process start, seconds since the Unix epoch. |
//! | `process_virtual_memory_bytes`, `process_virtual_memory_max_bytes`, `process_open_fds`, `process_max_fds`, `process_threads` | gauge | | Also from the process collector. |
//!
//! # Logging
//!
//! [`init_logging`] installs the global subscriber. JSON lines carry the current span and the list
//! of enclosing spans with their fields, so `request_id` (from [`RequestMetrics`]) and connection
//! ids appear on every line of a request or connection. With a Loki URL, events are also pushed to
//! `<url>/loki/api/v1/push` with the labels `service`, `role`, `host` and `level`.
//!
//! Loki is best effort (module [`loki`]): logging never waits for it, at most two batches of
//! [`loki::GENERATION_CAPACITY`] events are held in memory, a push that fails or takes longer than
//! [`loki::PUSH_TIMEOUT`] is dropped, and everything not shipped is counted in
//! `bingo_log_events_dropped_total`. Stdout/journald is the source of truth.

mod logging;
pub mod loki;
mod metrics;
mod middleware;

pub use logging::{init_logging, LogConfig, LogFormat, LogGuard, LogOutput, LOG_SHUTDOWN_WAIT, QUIET};
pub use metrics::{
    log_events_dropped, ClaimOutcome, GameState, InFlightGuard, Metrics, MetricsConfig, WsClient, WsConnectionGuard,
    LATENCY_BUCKETS_SECONDS,
};
pub use middleware::{
    new_request_id, valid_request_id, RequestId, RequestMetrics, RequestMetricsService, REQUEST_ID_HEADER,
    UNMATCHED_ROUTE,
};

/// Errors of [`Metrics::new`] and [`init_logging`].
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The metrics pipeline could not be built.
    #[error("metrics: {0}")]
    Metrics(String),
    /// The logging configuration is invalid (filter directive, Loki URL or labels) or a thread
    /// could not be started.
    #[error("logging: {0}")]
    Logging(String),
    /// A global `tracing` subscriber is already installed.
    #[error("logging already initialised: {0}")]
    AlreadyInitialized(String),
}
