//! The HTTP server: actix-web's app behind actix-http's HTTP/1 service, assembled here rather than
//! with `actix_web::HttpServer` because only the lower-level builder takes an upgrade service:
//! WebSocket connections leave the HTTP dispatcher at the handshake (bingo_realtime::upgrade).
//! The settings are actix-web's defaults, plus a large backlog and connection limit for halls
//! with tens of thousands of phones.

use actix_http::body::MessageBody;
use actix_http::{HttpService, Request, Response};
use actix_server::Server;
use actix_service::{map_config, IntoServiceFactory, Service, ServiceFactory, ServiceFactoryExt as _};
use actix_web::dev::AppConfig;
use bingo_realtime::upgrade::{UpgradeError, UpgradeRequest};
use std::net::SocketAddr;
use std::time::Duration;
use std::{fmt, io};

/// Pending connections the kernel may queue while workers accept.
const BACKLOG: u32 = 4096;
/// HTTP connections per worker, keep-alive ones and handshakes in progress included. A WebSocket
/// stops counting once it is handed over: sockets are bounded by the open-file limit instead.
const MAX_CONNECTIONS_PER_WORKER: usize = 50_000;
/// How long a graceful stop waits for requests in flight.
const SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// Binds `listen` and returns the server (not yet polled). Signals are left to the caller, which
/// drains the realtime hub before stopping.
pub fn server<F, I, S, B, U>(listen: SocketAddr, workers: usize, app: F, upgrade: U) -> io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
    U: ServiceFactory<UpgradeRequest, Config = (), Response = (), Error = UpgradeError, InitError = ()>
        + Clone
        + Send
        + 'static,
{
    let builder = Server::build();
    let graceful = builder.graceful_shutdown_signal();
    builder
        .workers(workers)
        .backlog(BACKLOG)
        .max_concurrent_connections(MAX_CONNECTIONS_PER_WORKER)
        .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
        .disable_signals()
        .bind("bingo-http", listen, move || {
            let graceful = graceful.clone();
            let app = app().into_factory().map_err(|err| err.into().error_response());
            HttpService::build()
                // Idle keep-alive connections close when a graceful stop begins, as in actix-web.
                .graceful_shutdown_signal(move || {
                    let graceful = graceful.clone();
                    async move { graceful.notified().await }
                })
                .keep_alive(Duration::from_secs(5))
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(listen)
                .upgrade(upgrade.clone())
                .finish(map_config(app, |()| AppConfig::default()))
                .tcp()
        })
        .map(|builder| builder.run())
}
