//! The [`Metrics`] handle: OpenTelemetry instruments exported as Prometheus text.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, MeterProvider as _, UpDownCounter};
use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::Resource;
use prometheus::proto::{Bucket, Histogram as PromHistogram, Metric, MetricFamily, MetricType};
use prometheus::{Encoder, TextEncoder};

use crate::TelemetryError;

/// Histogram bucket upper bounds, in seconds, shared by every latency histogram.
///
/// They span a millisecond to ten seconds and include 0.2 s and 0.5 s, the p99 targets, so that
/// `histogram_quantile` is exact at the thresholds the alert rules use.
pub const LATENCY_BUCKETS_SECONDS: [f64; 15] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Dropped log events (Loki best-effort shipping); read by `bingo_log_events_dropped_total`.
pub(crate) static LOG_EVENTS_DROPPED: AtomicU64 = AtomicU64::new(0);

/// Number of log events that were not shipped to Loki (queue full, push failed or timed out)
/// since the process started. The same number is exported as `bingo_log_events_dropped_total`.
pub fn log_events_dropped() -> u64 {
    LOG_EVENTS_DROPPED.load(Ordering::Relaxed)
}

/// Configuration of [`Metrics::new`].
#[derive(Debug, Clone)]
pub struct MetricsConfig<'a> {
    /// Service name, `"bingo"` (OpenTelemetry resource; not a label on the series).
    pub service: &'a str,
    /// The role this process runs: `"serve"`, `"api"` or `"realtime"` (OpenTelemetry resource attribute
    /// `service.role`; not a label on the series, Prometheus' `job`/`instance` identify the target).
    pub role: &'a str,
    /// This node's name (host name or a configured node id); the `node` label of the WebSocket series.
    pub node: String,
    /// The build version (`CARGO_PKG_VERSION`); a label of `bingo_build_info`.
    pub version: &'a str,
    /// The source commit (short hash, or `"unknown"`); a label of `bingo_build_info`.
    pub commit: &'a str,
}

/// The kind of a WebSocket client: label `client` of `bingo_ws_connections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsClient {
    /// A player's phone.
    Player,
    /// A venue screen.
    Screen,
    /// The caller's console.
    Console,
}

impl WsClient {
    /// Every kind, in label order.
    pub const ALL: [WsClient; 3] = [WsClient::Player, WsClient::Screen, WsClient::Console];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            WsClient::Player => "player",
            WsClient::Screen => "screen",
            WsClient::Console => "console",
        }
    }
}

/// A game's lifecycle state: label `state` of `bingo_games`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameState {
    /// Created, not yet open to players.
    Created,
    /// Open: players may join.
    Open,
    /// Drawing balls.
    Running,
    /// Paused by the caller.
    Paused,
    /// Finished.
    Finished,
}

impl GameState {
    /// Every state, in label order.
    pub const ALL: [GameState; 5] =
        [GameState::Created, GameState::Open, GameState::Running, GameState::Paused, GameState::Finished];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            GameState::Created => "created",
            GameState::Open => "open",
            GameState::Running => "running",
            GameState::Paused => "paused",
            GameState::Finished => "finished",
        }
    }
}

/// The outcome of a claim: label `outcome` of `bingo_claims_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The claim was valid.
    Accepted,
    /// The claim was invalid (or too late).
    Rejected,
}

impl ClaimOutcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimOutcome::Accepted => "accepted",
            ClaimOutcome::Rejected => "rejected",
        }
    }
}

/// Help text and name of a histogram, used to make it visible before its first observation.
struct HistogramDecl {
    name: &'static str,
    help: &'static str,
}

const HISTOGRAMS: [HistogramDecl; 5] = [
    HistogramDecl {
        name: "bingo_http_request_duration_seconds",
        help: "Time from an HTTP request reaching the server to its response head being ready",
    },
    HistogramDecl {
        name: "bingo_ball_delivery_delay_seconds",
        help: "Time from a ball being committed to its event being written to a client socket",
    },
    HistogramDecl {
        name: "bingo_bus_lag_seconds",
        help: "Time from an event being published on the bus to a node receiving it",
    },
    HistogramDecl {
        name: "bingo_db_pool_wait_seconds",
        help: "Time spent waiting for a database connection from the pool",
    },
    HistogramDecl { name: "bingo_db_query_duration_seconds", help: "Duration of a database operation" },
];

/// Cheap-to-clone, thread-safe handle on every metric of the process.
///
/// Create one per process with [`Metrics::new`], share clones (e.g. in `web::Data`), and serve
/// [`Metrics::render`] on `/metrics`.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").field("node", &self.inner.node).finish_non_exhaustive()
    }
}

struct Inner {
    registry: prometheus::Registry,
    provider: SdkMeterProvider,
    node: String,
    node_attr: [KeyValue; 1],

    http_duration: Histogram<f64>,
    http_in_flight: UpDownCounter<i64>,

    ws_connections: UpDownCounter<i64>,
    ws_accepted: Counter<u64>,
    events_published: Counter<u64>,
    events_delivered: Counter<u64>,
    ball_delivery_delay: Histogram<f64>,
    ws_resyncs: Counter<u64>,
    ws_slow_drops: Counter<u64>,
    bus_lag: Histogram<f64>,

    games: Gauge<u64>,
    players_joined: Counter<u64>,
    claims: Counter<u64>,
    balls_drawn: Counter<u64>,

    db_pool_connections: Gauge<u64>,
    db_pool_wait: Histogram<f64>,
    db_query_duration: Histogram<f64>,
    redis_errors: Counter<u64>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Best effort; the exporter is pull-based, so there is nothing to flush.
        let _ = self.provider.shutdown();
    }
}

fn latency_histogram(meter: &Meter, name: &'static str) -> Histogram<f64> {
    let help = HISTOGRAMS.iter().find(|h| h.name.starts_with(name)).map_or("", |h| h.help);
    meter
        .f64_histogram(name)
        .with_unit("s")
        .with_description(help)
        .with_boundaries(LATENCY_BUCKETS_SECONDS.to_vec())
        .build()
}

fn counter(meter: &Meter, name: &'static str, help: &'static str) -> Counter<u64> {
    meter.u64_counter(name).with_description(help).build()
}

impl Metrics {
    /// Builds the meter provider, the Prometheus exporter and every instrument, and creates every
    /// series whose labels are a known small set (at zero) so they are visible before any traffic.
    pub fn new(config: MetricsConfig<'_>) -> Result<Metrics, TelemetryError> {
        let registry = prometheus::Registry::new();
        let exporter = opentelemetry_prometheus::exporter()
            .with_registry(registry.clone())
            .scope_info_enabled(false)
            .without_target_info()
            .build()
            .map_err(|e| TelemetryError::Metrics(e.to_string()))?;
        let provider = SdkMeterProvider::builder()
            .with_resource(
                Resource::builder()
                    .with_service_name(config.service.to_owned())
                    .with_attribute(KeyValue::new("service.instance.id", config.node.clone()))
                    .with_attribute(KeyValue::new("service.role", config.role.to_owned()))
                    .build(),
            )
            .with_reader(exporter)
            .build();
        register_process_collector(&registry)?;

        let meter = provider.meter("bingo");
        let node_attr = [KeyValue::new("node", config.node.clone())];
        let start = Instant::now();

        let inner = Inner {
            http_duration: latency_histogram(&meter, "bingo_http_request_duration"),
            http_in_flight: meter
                .i64_up_down_counter("bingo_http_requests_in_flight")
                .with_description("HTTP requests being served right now")
                .build(),
            ws_connections: meter
                .i64_up_down_counter("bingo_ws_connections")
                .with_description("Open WebSocket connections by client kind")
                .build(),
            ws_accepted: counter(&meter, "bingo_ws_connections_accepted", "WebSocket connections accepted"),
            events_published: counter(&meter, "bingo_events_published", "Game events published on the bus"),
            events_delivered: counter(
                &meter,
                "bingo_events_delivered",
                "Game event messages written to client sockets",
            ),
            ball_delivery_delay: latency_histogram(&meter, "bingo_ball_delivery_delay"),
            ws_resyncs: counter(
                &meter,
                "bingo_ws_resyncs",
                "Clients sent a full snapshot because they could not resume",
            ),
            ws_slow_drops: counter(
                &meter,
                "bingo_ws_slow_client_drops",
                "Times a client fell a whole ring of frames behind and skipped ahead (the gap is then filled from the log or a snapshot)",
            ),
            bus_lag: latency_histogram(&meter, "bingo_bus_lag"),
            games: meter.u64_gauge("bingo_games").with_description("Games by lifecycle state").build(),
            players_joined: counter(&meter, "bingo_players_joined", "Players who joined a game"),
            claims: counter(&meter, "bingo_claims", "Claims judged, by outcome"),
            balls_drawn: counter(&meter, "bingo_balls_drawn", "Balls drawn (committed)"),
            db_pool_connections: meter
                .u64_gauge("bingo_db_pool_connections")
                .with_description("Database pool connections by state")
                .build(),
            db_pool_wait: latency_histogram(&meter, "bingo_db_pool_wait"),
            db_query_duration: latency_histogram(&meter, "bingo_db_query_duration"),
            redis_errors: counter(&meter, "bingo_redis_errors", "Redis command or connection errors"),
            registry,
            provider: provider.clone(),
            node: config.node.clone(),
            node_attr,
        };

        // Observable instruments live as long as the provider; their handles need not be kept.
        let build_attrs =
            [KeyValue::new("version", config.version.to_owned()), KeyValue::new("commit", config.commit.to_owned())];
        let _build_info = meter
            .u64_observable_gauge("bingo_build_info")
            .with_description("Always 1; labels carry the build version and commit")
            .with_callback(move |o| o.observe(1, &build_attrs))
            .build();
        let _uptime = meter
            .f64_observable_gauge("bingo_uptime")
            .with_unit("s")
            .with_description("Seconds since this process created its metrics")
            .with_callback(move |o| o.observe(start.elapsed().as_secs_f64(), &[]))
            .build();
        let _log_dropped = meter
            .u64_observable_counter("bingo_log_events_dropped")
            .with_description(
                "Log events not shipped to Loki (queue full, push failed or timed out); stdout has them all",
            )
            .with_callback(|o| o.observe(log_events_dropped(), &[]))
            .build();

        let metrics = Metrics { inner: Arc::new(inner) };
        metrics.init_series();
        Ok(metrics)
    }

    /// Creates the series whose label sets are known, at zero.
    fn init_series(&self) {
        let i = &*self.inner;
        i.http_in_flight.add(0, &[]);
        for client in WsClient::ALL {
            i.ws_connections.add(0, &self.ws_attrs(client));
        }
        i.ws_accepted.add(0, &i.node_attr);
        i.events_published.add(0, &[]);
        i.events_delivered.add(0, &[]);
        i.ws_resyncs.add(0, &[]);
        i.ws_slow_drops.add(0, &[]);
        for state in GameState::ALL {
            self.set_games(state, 0);
        }
        i.players_joined.add(0, &[]);
        for outcome in [ClaimOutcome::Accepted, ClaimOutcome::Rejected] {
            i.claims.add(0, &[KeyValue::new("outcome", outcome.as_str())]);
        }
        i.balls_drawn.add(0, &[]);
        self.set_db_pool(0, 0);
        i.redis_errors.add(0, &[]);
    }

    fn ws_attrs(&self, client: WsClient) -> [KeyValue; 2] {
        [KeyValue::new("client", client.as_str()), self.inner.node_attr[0].clone()]
    }

    /// The node name this handle labels its WebSocket series with.
    pub fn node(&self) -> &str {
        &self.inner.node
    }

    /// The Prometheus text exposition of every metric: `(content type, body)` for `/metrics`.
    ///
    /// Histograms that have no observation yet are rendered as all-zero series without labels, so
    /// every documented series exists from the first scrape.
    pub fn render(&self) -> (&'static str, Vec<u8>) {
        let mut families = self.inner.registry.gather();
        for decl in &HISTOGRAMS {
            if !families.iter().any(|f| f.name() == decl.name) {
                families.push(empty_histogram(decl));
            }
        }
        families.sort_by(|a, b| a.name().cmp(b.name()));
        let encoder = TextEncoder::new();
        let mut body = Vec::with_capacity(16 * 1024);
        if let Err(e) = encoder.encode(&families, &mut body) {
            body.clear();
            tracing::error!(error = %e, "encoding /metrics failed");
            body.extend_from_slice(b"# encoding failed\n");
        }
        (prometheus::TEXT_FORMAT, body)
    }

    // ---- HTTP ----

    /// Records one finished HTTP request. `route` is the route template (e.g.
    /// `/api/v1/games/{id}/draw`) or `"unmatched"`, never the raw path; unknown methods are
    /// recorded as `OTHER`.
    pub fn record_http_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let attrs = [
            KeyValue::new("route", route.to_owned()),
            KeyValue::new("method", normalize_method(method)),
            KeyValue::new("status_class", status_class(status)),
        ];
        self.inner.http_duration.record(elapsed.as_secs_f64(), &attrs);
    }

    /// Counts a request as in flight until the returned guard is dropped.
    pub fn http_in_flight(&self) -> InFlightGuard {
        self.inner.http_in_flight.add(1, &[]);
        InFlightGuard { metrics: self.clone() }
    }

    // ---- realtime ----

    /// Counts an accepted WebSocket connection (`bingo_ws_connections_accepted_total`) and keeps it
    /// in `bingo_ws_connections{client}` until the returned guard is dropped.
    pub fn ws_connection(&self, client: WsClient) -> WsConnectionGuard {
        self.inner.ws_accepted.add(1, &self.inner.node_attr);
        self.inner.ws_connections.add(1, &self.ws_attrs(client));
        WsConnectionGuard { metrics: self.clone(), client }
    }

    /// Counts `n` events published on the bus.
    pub fn events_published(&self, n: u64) {
        self.inner.events_published.add(n, &[]);
    }

    /// Counts `n` event messages written to client sockets.
    pub fn events_delivered(&self, n: u64) {
        self.inner.events_delivered.add(n, &[]);
    }

    /// Records the delay from a ball being committed to it being written to a socket.
    pub fn record_ball_delivery_delay(&self, delay: Duration) {
        self.inner.ball_delivery_delay.record(delay.as_secs_f64(), &[]);
    }

    /// Counts a client that had to be resynchronised with a full snapshot.
    pub fn ws_resync(&self) {
        self.inner.ws_resyncs.add(1, &[]);
    }

    /// Counts a client that fell a whole ring of frames behind.
    pub fn ws_slow_client_drop(&self) {
        self.inner.ws_slow_drops.add(1, &[]);
    }

    /// Records the delay from an event being published to this node receiving it.
    pub fn record_bus_lag(&self, lag: Duration) {
        self.inner.bus_lag.record(lag.as_secs_f64(), &[]);
    }

    // ---- games ----

    /// Sets the number of games in `state` (a gauge; call it with the current count).
    pub fn set_games(&self, state: GameState, n: u64) {
        self.inner.games.record(n, &[KeyValue::new("state", state.as_str())]);
    }

    /// Counts a player joining a game.
    pub fn player_joined(&self) {
        self.inner.players_joined.add(1, &[]);
    }

    /// Counts a judged claim.
    pub fn claim(&self, outcome: ClaimOutcome) {
        self.inner.claims.add(1, &[KeyValue::new("outcome", outcome.as_str())]);
    }

    /// Counts a drawn (committed) ball.
    pub fn ball_drawn(&self) {
        self.inner.balls_drawn.add(1, &[]);
    }

    // ---- storage ----

    /// Sets the database pool's idle and in-use connection counts.
    pub fn set_db_pool(&self, idle: u64, in_use: u64) {
        self.inner.db_pool_connections.record(idle, &[KeyValue::new("state", "idle")]);
        self.inner.db_pool_connections.record(in_use, &[KeyValue::new("state", "in_use")]);
    }

    /// Records the time spent waiting for a pooled database connection.
    pub fn record_db_pool_wait(&self, wait: Duration) {
        self.inner.db_pool_wait.record(wait.as_secs_f64(), &[]);
    }

    /// Records a database operation's duration. `operation` must come from a small fixed set of
    /// names (e.g. `"append_events"`), hence `&'static str`.
    pub fn record_db_query(&self, operation: &'static str, elapsed: Duration) {
        self.inner.db_query_duration.record(elapsed.as_secs_f64(), &[KeyValue::new("operation", operation)]);
    }

    /// Counts a Redis error.
    pub fn redis_error(&self) {
        self.inner.redis_errors.add(1, &[]);
    }
}

/// Keeps a request in `bingo_http_requests_in_flight` while alive.
#[derive(Debug)]
pub struct InFlightGuard {
    metrics: Metrics,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.metrics.inner.http_in_flight.add(-1, &[]);
    }
}

/// Keeps a connection in `bingo_ws_connections` while alive.
#[derive(Debug)]
pub struct WsConnectionGuard {
    metrics: Metrics,
    client: WsClient,
}

impl Drop for WsConnectionGuard {
    fn drop(&mut self) {
        self.metrics.inner.ws_connections.add(-1, &self.metrics.ws_attrs(self.client));
    }
}

/// `"2xx"` for 200..=299 and so on; `"other"` outside 100..=599.
pub(crate) fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "other",
    }
}

/// The method label: one of the standard methods, or `OTHER`, so it stays a small set.
pub(crate) fn normalize_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => "OTHER",
    }
}

fn empty_histogram(decl: &HistogramDecl) -> MetricFamily {
    let mut buckets = Vec::with_capacity(LATENCY_BUCKETS_SECONDS.len());
    for bound in LATENCY_BUCKETS_SECONDS {
        let mut b = Bucket::default();
        b.set_upper_bound(bound);
        b.set_cumulative_count(0);
        buckets.push(b);
    }
    let mut h = PromHistogram::default();
    h.set_sample_count(0);
    h.set_sample_sum(0.0);
    h.set_bucket(buckets);
    let mut m = Metric::default();
    m.set_histogram(h);
    let mut mf = MetricFamily::default();
    mf.set_name(decl.name.to_owned());
    mf.set_help(decl.help.to_owned());
    mf.set_field_type(MetricType::HISTOGRAM);
    mf.set_metric(vec![m]);
    mf
}

fn register_process_collector(registry: &prometheus::Registry) -> Result<(), TelemetryError> {
    registry
        .register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))
        .map_err(|e| TelemetryError::Metrics(e.to_string()))
}
