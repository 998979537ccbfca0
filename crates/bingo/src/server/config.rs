//! The server's settings: one typed struct, every field documented. Each comes, in order of
//! precedence, from a command-line flag, a `BINGO_*` environment variable, the TOML file named by
//! `--config` / `BINGO_CONFIG`, or its default. Secrets can be read from files (`*_FILE`), as
//! systemd credentials are.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Flags and environment variables (clap reads both); every field optional so the file and the
/// defaults can fill the gaps.
#[derive(clap::Args, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ServerArgs {
    /// A TOML file with any of these settings (keys as the flags, with underscores).
    #[arg(long, env = "BINGO_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "BINGO_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the embedded database and first-start files [default: ./data].
    #[arg(long, env = "BINGO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://...); unset = the embedded SQLite database. DATABASE_URL works too.
    #[arg(long, env = "BINGO_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// File holding the database URL (for systemd credentials).
    #[arg(long, env = "BINGO_DATABASE_URL_FILE")]
    pub database_url_file: Option<PathBuf>,
    /// Database connections in the pool [default: 16].
    #[arg(long, env = "BINGO_DB_POOL_SIZE")]
    pub db_pool_size: Option<u32>,
    /// Redis URL for the bus between nodes; unset = in-process bus (one node). REDIS_URL works too.
    #[arg(long, env = "BINGO_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// File holding the Redis URL.
    #[arg(long, env = "BINGO_REDIS_URL_FILE")]
    pub redis_url_file: Option<PathBuf>,
    /// Prefix of this platform's Redis channels [default: bingo].
    #[arg(long, env = "BINGO_REDIS_PREFIX")]
    pub redis_prefix: Option<String>,
    /// File holding the admin passphrase; without it one is generated on first start and printed
    /// once on a terminal, or else written to <data dir>/admin-passphrase (mode 0600) and only
    /// that path printed.
    #[arg(long, env = "BINGO_ADMIN_PASSPHRASE_FILE")]
    pub admin_passphrase_file: Option<PathBuf>,
    /// The address players are told to open, e.g. http://bingo.local [default: http://<listen>].
    #[arg(long, env = "BINGO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The port players reach this machine on, through a proxy on this machine (e.g. 80 for Caddy
    /// in front of a server on 127.0.0.1): the Screen then shows http://<each IP of the machine>
    /// [default: the listen address's IP and port, and none when it is loopback].
    #[arg(long, env = "BINGO_LAN_PORT", value_name = "PORT")]
    pub lan_port: Option<u16>,
    /// This node's name in metrics and logs [default: the host name and role].
    #[arg(long, env = "BINGO_NODE_ID")]
    pub node_id: Option<String>,
    /// Log format: json (one object a line, for journald and Loki) or pretty (one readable line an
    /// event, for people) [default: pretty when stdout is a terminal, else json].
    #[arg(long, env = "BINGO_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or info,bingo_service=debug; actix_server logs from warn up unless
    /// the filter names it [default: info].
    #[arg(long, env = "BINGO_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// Also push logs to this Loki (http://host:3100); best effort.
    #[arg(long, env = "BINGO_LOKI_URL")]
    pub loki_url: Option<String>,
    /// HTTP worker threads [default: one per CPU].
    #[arg(long, env = "BINGO_WORKERS")]
    pub workers: Option<usize>,
    /// Joins and recoveries per minute from one client address, with a burst of 20 seconds'
    /// worth: a whole hall behind one address joins at once [default: 3000, burst 1000].
    #[arg(long, env = "BINGO_JOINS_PER_MINUTE")]
    pub joins_per_minute: Option<u32>,
    /// Claims per minute from one player (by token), with a burst of 10 seconds' worth [default: 60].
    #[arg(long, env = "BINGO_CLAIMS_PER_MINUTE")]
    pub claims_per_minute: Option<u32>,
    /// Failed admin logins per minute from one client address, with a burst of half a minute's
    /// worth (at least 3); over it, wrong passphrases get 429 with Retry-After, and the right one is
    /// still accepted [default: 10].
    #[arg(long, env = "BINGO_FAILED_LOGINS_PER_MINUTE", value_name = "N")]
    pub failed_logins_per_minute: Option<u32>,
    /// Failed admin logins per minute from all addresses together, with a burst of half a minute's
    /// worth (at least 3): guessing spread over many addresses [default: 60].
    #[arg(long, env = "BINGO_FAILED_LOGINS_PER_MINUTE_TOTAL", value_name = "N")]
    pub failed_logins_per_minute_total: Option<u32>,
    /// Proxies whose X-Forwarded-For / Forwarded headers name the client, for rate limits: IP
    /// addresses and CIDR blocks, comma-separated (e.g. 127.0.0.1,::1 for a Caddy on this
    /// machine). Other peers' headers are ignored [default: none].
    #[arg(long, env = "BINGO_TRUSTED_PROXIES", value_delimiter = ',', value_name = "IP[/BITS],...")]
    pub trusted_proxies: Option<Vec<String>>,
    /// Seconds a WebSocket client may be sent nothing before it is pinged; it is closed when a ping
    /// goes unanswered for twice this, or events it was sent stay unacknowledged by its TCP for three
    /// times this [default: 15]. Keep it under the idle timeout of any proxy in front.
    #[arg(long, env = "BINGO_WS_PING_SECS")]
    pub ws_ping_secs: Option<u64>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    pub db_pool_size: u32,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub admin_passphrase: Option<Secret>,
    pub public_url: String,
    /// See [`ServerArgs::lan_port`].
    pub lan_port: Option<u16>,
    pub node_id: String,
    pub log_format: bingo_telemetry::LogFormat,
    pub log_level: String,
    pub loki_url: Option<url::Url>,
    pub workers: usize,
    pub limits: bingo_api::Limits,
    pub heartbeat: bingo_realtime::Heartbeat,
}

/// A secret setting: its `Debug` form never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

fn read_secret(path: &Path, what: &str) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the {what} from {}", path.display()))?;
    let value = text.trim().to_string();
    if value.is_empty() {
        bail!("{} (the {what}) is empty", path.display());
    }
    Ok(value)
}

/// An environment variable that is set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

impl ServerArgs {
    /// Merges flags/env over the file over the defaults.
    pub fn resolve(self, role: &str) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                toml::from_str::<ServerArgs>(&text)
                    .with_context(|| format!("{} is not a valid settings file", path.display()))?
            }
            None => ServerArgs::default(),
        };
        macro_rules! pick {
            ($field:ident) => {
                self.$field.or(file.$field)
            };
        }
        let listen = pick!(listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let data_dir = pick!(data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = match (pick!(database_url).or_else(|| env("DATABASE_URL")), pick!(database_url_file)) {
            (Some(url), _) => url,
            (None, Some(file)) => read_secret(&file, "database URL")?,
            (None, None) => format!("sqlite://{}", data_dir.join("bingo.db").display()),
        };
        let redis_url = match (pick!(redis_url).or_else(|| env("REDIS_URL")), pick!(redis_url_file)) {
            (Some(url), _) => Some(url),
            (None, Some(file)) => Some(read_secret(&file, "Redis URL")?),
            (None, None) => None,
        };
        let admin_passphrase =
            pick!(admin_passphrase_file).map(|f| read_secret(&f, "admin passphrase").map(Secret)).transpose()?;
        let log_format = match pick!(log_format).as_deref() {
            Some("json") => bingo_telemetry::LogFormat::Json,
            Some("pretty") => bingo_telemetry::LogFormat::Pretty,
            Some(other) => bail!("log format {other:?}: use json or pretty"),
            None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => bingo_telemetry::LogFormat::Pretty,
            None => bingo_telemetry::LogFormat::Json,
        };
        let loki_url =
            pick!(loki_url).map(|u| url::Url::parse(&u).with_context(|| format!("the Loki URL {u:?}"))).transpose()?;
        let defaults = bingo_api::Limits::default();
        let db_pool_size = pick!(db_pool_size).unwrap_or(16);
        if db_pool_size == 0 {
            bail!("the database pool needs at least one connection");
        }
        let heartbeat = match pick!(ws_ping_secs) {
            None => bingo_realtime::Heartbeat::default(),
            Some(secs @ 1..=3600) => bingo_realtime::Heartbeat { ping_every: std::time::Duration::from_secs(secs) },
            Some(secs) => bail!("a WebSocket ping every {secs} s: use 1 to 3600 seconds"),
        };
        let trusted_proxies = bingo_api::TrustedProxies::parse(&pick!(trusted_proxies).unwrap_or_default())
            .context("the trusted proxies")?;
        let failed_logins = pick!(failed_logins_per_minute).unwrap_or(defaults.logins_per_minute);
        let failed_logins_total = pick!(failed_logins_per_minute_total).unwrap_or(defaults.global_logins_per_minute);
        if failed_logins == 0 || failed_logins_total == 0 {
            bail!("failed admin logins per minute must be at least 1 (per address and in total)");
        }
        let lan_port = pick!(lan_port);
        if lan_port == Some(0) {
            bail!("the LAN port 0: give the port players reach this machine on (1 to 65535), or leave it unset");
        }
        Ok(Config {
            public_url: pick!(public_url).unwrap_or_else(|| format!("http://{listen}")),
            lan_port,
            node_id: pick!(node_id).unwrap_or_else(|| format!("{}-{role}", host_name())),
            redis_prefix: pick!(redis_prefix).unwrap_or_else(|| "bingo".into()),
            log_level: pick!(log_level).unwrap_or_else(|| "info".into()),
            workers: pick!(workers)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
                .max(1),
            limits: bingo_api::Limits {
                joins_per_minute: pick!(joins_per_minute).unwrap_or(defaults.joins_per_minute),
                claims_per_minute: pick!(claims_per_minute).unwrap_or(defaults.claims_per_minute),
                logins_per_minute: failed_logins,
                global_logins_per_minute: failed_logins_total,
                trusted_proxies,
            },
            heartbeat,
            listen,
            data_dir,
            database_url,
            db_pool_size,
            redis_url,
            admin_passphrase,
            log_format,
            loki_url,
        })
    }
}
