//! [`init_logging`]: the process-wide `tracing` subscriber.

use std::fmt;
use std::io::IsTerminal as _;
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
    /// One readable line per event, for people at a terminal (tracing-subscriber's default
    /// format): time, level, target, the enclosing spans with their fields, the message and the
    /// event's fields; in colour when the lines go to a terminal and `NO_COLOR` is unset.
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
    /// An `EnvFilter` directive such as `"info"` or `"info,bingo_api=debug"`; applies to stdout and
    /// Loki. Unless it names `actix_server`, that crate logs from `warn` up (see [`QUIET`]).
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

/// Added to every filter that does not name the crate: actix-server's start-up lines ("starting
/// 2 workers", "Actix runtime found", "starting service ...") say again what the server's own
/// ready line says, and would crowd the start banner; its warnings and errors still show.
pub const QUIET: &str = "actix_server=warn";

/// The filter directives for `level` (empty: `info`), with [`QUIET`] unless `level` names its crate.
fn directives(level: &str) -> String {
    let level = if level.trim().is_empty() { "info" } else { level.trim() };
    if level.contains("actix_server") {
        level.to_string()
    } else {
        format!("{level},{QUIET}")
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
/// readable text, filtered by `config.level`, plus best-effort shipping to Loki when
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
    let filter = EnvFilter::try_new(directives(&config.level))
        .map_err(|e| TelemetryError::Logging(format!("log level {:?}: {e}", config.level)))?;
    // Colours only for a terminal: escape codes in a file or a pipe are noise.
    let colour = matches!(config.output, LogOutput::Stdout)
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let writer = match config.output {
        LogOutput::Stdout => BoxMakeWriter::new(std::io::stdout),
        LogOutput::Writer(w) => w,
    };
    let fmt_layer: Box<dyn Layer<Registry> + Send + Sync> = match config.format {
        LogFormat::Json => Box::new(
            tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(true).with_writer(writer),
        ),
        LogFormat::Pretty => Box::new(tracing_subscriber::fmt::layer().with_ansi(colour).with_writer(writer)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actix_servers_start_up_lines_are_quiet_unless_named() {
        assert_eq!(directives(""), "info,actix_server=warn");
        assert_eq!(directives(" debug "), "debug,actix_server=warn");
        assert_eq!(directives("info,actix_server=info"), "info,actix_server=info");
        assert!(EnvFilter::try_new(directives("info,bingo_api=debug")).is_ok());
    }
}
