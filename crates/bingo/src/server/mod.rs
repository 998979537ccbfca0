//! The server roles: `serve` (everything in one process), `api`, `realtime`, and `migrate`.

mod banner;
pub mod config;
mod http;
#[cfg(test)]
mod routes_test;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use anyhow::{bail, Context};
use bingo_api::ApiState;
use bingo_bus::Bus;
use bingo_realtime::RealtimeState;
use bingo_service::{Service, Tasks};
use bingo_storage::Store;
use bingo_telemetry::{Metrics, MetricsConfig};
use config::Config;
use utoipa_actix_web::AppExt;

/// Which parts of the platform this process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// API, realtime hub and web apps together.
    Serve,
    /// The HTTP API and auto-draw.
    Api,
    /// WebSocket sessions only.
    Realtime,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Serve => "serve",
            Role::Api => "api",
            Role::Realtime => "realtime",
        }
    }
}

const COMMIT: &str = match option_env!("BINGO_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

/// Opens the database. For the embedded one, the data directory is created (0700) and the
/// database file too (0600, before SQLite would create it with the umask's mode; its -wal and
/// -shm files take the database file's mode); a file left open to others by an older bingo is
/// tightened. `warn` is told what cannot be put right.
fn open_store(config: &Config, warn: impl Fn(&str)) -> anyhow::Result<Store> {
    let file = config.database_url.strip_prefix("sqlite://").map(std::path::PathBuf::from);
    if let Some(file) = &file {
        let loose = crate::private::create_dir(&config.data_dir)
            .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
        if let Some(why) = loose {
            warn(&why);
        }
        if file.parent().is_some_and(|dir| dir.as_os_str().is_empty() || dir.is_dir()) {
            crate::private::create_new(file).with_context(|| format!("creating {}", file.display()))?;
        }
    }
    let store = Store::open(&config.database_url, config.db_pool_size).context("opening the database")?;
    for path in file.iter().flat_map(|f| ["", "-wal", "-shm"].map(|s| crate::backup::files::sidecar(f, s))) {
        match crate::private::tighten(&path) {
            Ok(false) => {}
            Ok(true) => warn(&format!("{} was open to other users; it is now its owner's only", path.display())),
            Err(e) => warn(&format!("{} is open to other users and cannot be made private: {e}", path.display())),
        }
    }
    Ok(store)
}

/// `bingo migrate`: apply the embedded migrations and exit.
pub fn migrate(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config, |why| crate::out::errln!("warning: {why}"))?;
    let applied = store.migrate().context("applying migrations")?;
    if applied.is_empty() {
        crate::out::outln!("the database is up to date")?;
    }
    for name in applied {
        crate::out::outln!("applied {name}")?;
    }
    Ok(())
}

/// Runs a server role until SIGTERM or Ctrl-C, then drains.
pub fn run(role: Role, config: Config) -> anyhow::Result<()> {
    let system = actix_web::rt::System::new();
    system.block_on(run_async(role, config))
}

async fn run_async(role: Role, config: Config) -> anyhow::Result<()> {
    let _logs = bingo_telemetry::init_logging(bingo_telemetry::LogConfig {
        format: config.log_format,
        level: config.log_level.clone(),
        loki_url: config.loki_url.clone(),
        service: "bingo".into(),
        role: role.name().into(),
        host: config.node_id.clone(),
        ..Default::default()
    })
    .context("starting logging")?;

    let store = open_store(&config, |why| tracing::warn!("{why}"))?;
    if role != Role::Realtime {
        let store = store.clone();
        let applied = tokio::task::spawn_blocking(move || store.migrate()).await?.context("applying migrations")?;
        for name in applied {
            tracing::info!(migration = name, "applied a database migration");
        }
    }
    let bus = match &config.redis_url {
        Some(url) => Bus::redis(url, &config.redis_prefix).await.context("connecting to Redis")?,
        None if role == Role::Serve => Bus::local(),
        None => bail!("the {} role needs the bus between nodes: set BINGO_REDIS_URL", role.name()),
    };
    let metrics = Metrics::new(MetricsConfig {
        service: "bingo",
        role: role.name(),
        node: config.node_id.clone(),
        version: env!("CARGO_PKG_VERSION"),
        commit: COMMIT,
    })
    .context("starting metrics")?;
    let service = Service::new(store, bus, config.node_id.clone(), metrics.clone());

    let configured = config.admin_passphrase.as_ref().map(|p| p.expose().to_string());
    let generated = if role == Role::Realtime { None } else { service.ensure_admin(configured).await? };
    let generated = generated.map(|passphrase| banner::reveal(&config, passphrase));
    // The service's tasks run on this (the main thread's) runtime until shutdown stops them.
    let tasks = service.start(Tasks { auto_draw: role != Role::Realtime })?;

    let api = ApiState::new(service.clone(), metrics.clone(), &config.limits);
    let realtime =
        (role != Role::Api).then(|| RealtimeState::start(service.clone(), metrics.clone(), config.heartbeat));
    let routes = if role == Role::Realtime { bingo_api::Routes::SystemOnly } else { bingo_api::Routes::All };
    let (api_for_app, realtime_for_app, metrics_for_app) = (api.clone(), realtime.clone(), metrics.clone());
    let web = (role == Role::Serve).then(|| bingo_web::WebConfig {
        public_url: config.public_url.clone(),
        listen: config.listen,
        lan_port: config.lan_port,
    });
    let parts = Parts { api: api_for_app, routes, sockets: realtime_for_app.is_some(), web };
    let app = move || {
        let app = actix_web::App::new().wrap(bingo_telemetry::RequestMetrics::new(metrics_for_app.clone()));
        app_routes(app, &parts).0
    };
    let upgrade = bingo_realtime::upgrade::service(realtime_for_app, metrics.clone());
    let server = http::server(config.listen, config.workers, app, upgrade)
        .with_context(|| format!("listening on {}", config.listen))?;
    let handle = server.handle();

    tracing::info!(
        role = role.name(),
        listen = %config.listen,
        workers = config.workers,
        node = config.node_id,
        bus = api.service.bus().kind(),
        "bingo is ready"
    );
    banner::announce(role, &config, generated.as_ref());

    let shutdown = async move {
        wait_for_signal().await;
        tracing::info!("shutting down: no new connections, clients told to reconnect, finishing requests");
        if let Some(rt) = &realtime {
            // Returns once every session has sent its reconnect and closed.
            rt.drain().await;
        }
        handle.stop(true).await;
    };
    let (served, ()) = tokio::join!(server, shutdown);
    tasks.shutdown().await;
    served.context("the HTTP server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// What one process serves.
#[derive(Clone)]
pub(crate) struct Parts {
    pub api: std::sync::Arc<ApiState>,
    pub routes: bingo_api::Routes,
    /// The WebSocket (a node that runs the realtime hub).
    pub sockets: bool,
    /// The web apps (`serve`).
    pub web: Option<bingo_web::WebConfig>,
}

/// Every route of a process, and the OpenAPI document made from them as they register (the API
/// serves it at /api/openapi.json): each crate registers its own routes with their operations.
pub(crate) fn app_routes<T>(app: actix_web::App<T>, parts: &Parts) -> (actix_web::App<T>, utoipa::openapi::OpenApi)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let mut app = app
        .into_utoipa_app()
        .openapi(bingo_api::frame())
        .configure(bingo_api::configure(parts.api.clone(), parts.routes));
    if parts.sockets {
        app = app.configure(bingo_realtime::upgrade::configure);
    }
    if let Some(web) = &parts.web {
        app = app.configure(bingo_web::configure(web.clone()));
    }
    bingo_api::finish(app)
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
