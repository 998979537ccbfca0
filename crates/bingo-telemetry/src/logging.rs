//! [`init_logging`]: the process-wide `tracing` subscriber.

use std::fmt;
use std::time::Duration;

use tracing::Dispatch;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::loki::{self, LokiSettings, RunningDriver};
use crate::TelemetryError;

/// How stdout lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One JSON object per line (for journald): `timestamp`, `level`, `fields`, `target`, `span`
    /// (the current span's fields) and `spans` (every enclosing span with its fields).
    #[default]
    Json,
    /// Multi-line human-readable output for a terminal.
    Pretty,
}

/// Where formatted lines go.
#[derive(Default)]
pub enum LogOutput {
    /// The process's standard output.
    #[default]
    Stdout,
    /// Any writer (tests: a capturing buffer; `BoxMakeWriter::new(std::io::sink)` for none).
    Writer(BoxMakeWriter),
}

impl fmt::Debug for LogOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogOutput::Stdout => f.write_str("Stdout"),
            LogOutput::Writer(_) => f.write_str("Writer(..)"),
        }
    }
}

/// Configuration of [`init_logging`].
#[derive(Debug)]
pub struct LogConfig {
    /// Line format on [`LogConfig::output`].
    pub format: LogFormat,
    /// An `EnvFilter` directive such as `"info"` or `"info,bingo_api=debug"`; applies to stdout and Loki.
    pub level: String,
    /// Loki base URL (`http://host:3100`; `/loki/api/v1/push` is appended). `None`: no Loki.
    pub loki_url: Option<url::Url>,
    /// Loki label `service` (e.g. `"bingo"`).
    pub service: String,
    /// Loki label `role` (`serve`, `api`, `realtime`).
    pub role: String,
    /// Loki label `host`: the host or node name.
    pub host: String,
    /// Where formatted lines go (default: stdout).
    pub output: LogOutput,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            format: LogFormat::Json,
            level: "info".into(),
            loki_url: None,
            service: "bingo".into(),
            role: "serve".into(),
            host: "localhost".into(),
            output: LogOutput::Stdout,
        }
    }
}

/// How long [`LogGuard`] waits for the final Loki push when dropped.
pub const LOG_SHUTDOWN_WAIT: Duration = Duration::from_secs(3);

/// Keeps logging alive; dropping it pushes what is queued for Loki and stops the Loki driver,
/// waiting at most [`LOG_SHUTDOWN_WAIT`]. Hold it in `main` until the server has stopped.
#[must_use = "dropping the guard stops Loki shipping"]
pub struct LogGuard {
    driver: Option<RunningDriver>,
}

impl fmt::Debug for LogGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogGuard").field("loki", &self.driver.is_some()).finish()
    }
}

impl LogGuard {
    /// Stops Loki shipping now (same as dropping); returns whether the final push finished in time.
    pub fn shutdown(mut self) -> bool {
        self.stop()
    }

    fn stop(&mut self) -> bool {
        match self.driver.take() {
            Some(driver) => driver.stop(LOG_SHUTDOWN_WAIT),
            None => true,
        }
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Installs the global `tracing` subscriber (and the `log` bridge): lines on stdout as JSON or
/// pretty text, filtered by `config.level`, plus best-effort shipping to Loki when
/// `config.loki_url` is set, with stream labels `service`, `role`, `host` and `level` (the last
/// added by `tracing-loki` itself). Each Loki line is a JSON object of the event's fields, the
/// fields of its enclosing spans (so `request_id` and connection ids), `_spans`, `_target`,
/// `_module_path`, `_file` and `_line`.
///
/// Loki shipping runs on a dedicated thread with its own Tokio runtime, so this may be called with
/// or without a runtime, before `#[actix_web::main]` starts or inside it. It never blocks logging;
/// what it cannot ship is counted in `bingo_log_events_dropped_total` (see the crate docs).
///
/// Errors: an invalid filter directive or Loki label, or a global subscriber already installed.
pub fn init_logging(config: LogConfig) -> Result<LogGuard, TelemetryError> {
    let filter = EnvFilter::try_new(if config.level.trim().is_empty() { "info" } else { config.level.as_str() })
        .map_err(|e| TelemetryError::Logging(format!("log level {:?}: {e}", config.level)))?;
    let writer = match config.output {
        LogOutput::Stdout => BoxMakeWriter::new(std::io::stdout),
        LogOutput::Writer(w) => w,
    };
    let fmt_layer: Box<dyn Layer<Registry> + Send + Sync> = match config.format {
        LogFormat::Json => Box::new(
            tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(true).with_writer(writer),
        ),
        LogFormat::Pretty => Box::new(tracing_subscriber::fmt::layer().pretty().with_writer(writer)),
    };
    let (loki_layer, driver) = match &config.loki_url {
        Some(url) => {
            let settings = LokiSettings {
                url: url.clone(),
                service: config.service.clone(),
                role: config.role.clone(),
                host: config.host.clone(),
            };
            let (layer, driver) = loki::layer(&settings)?;
            (Some(layer), Some(driver))
        }
        None => (None, None),
    };
    let dispatch = Dispatch::new(tracing_subscriber::registry().with(fmt_layer).with(loki_layer).with(filter));
    dispatch.clone().try_init().map_err(|e| TelemetryError::AlreadyInitialized(e.to_string()))?;
    let driver = match driver {
        Some(d) => Some(d.start(dispatch)?),
        None => None,
    };
    Ok(LogGuard { driver })
}
