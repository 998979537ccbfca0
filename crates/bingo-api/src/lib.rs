//! The HTTP API: JSON under `/api/v1`, plus `/health`, `/ready`, `/metrics` and the OpenAPI
//! document at `/api/openapi.json`. Handlers are thin: they check input, call the game service,
//! and shape the answer. Each is declared once, with its OpenAPI operation (see [`doc`]).
//!
//! Its invariants are stated once, in docs/ARCHITECTURE.md (section `crates/bingo-api`).

mod auth;
pub mod bodies;
pub mod client;
pub mod doc;
pub mod error;
pub mod rate;
mod routes;

pub use client::TrustedProxies;
pub use doc::{finish, frame};
pub use error::{ApiError, ApiResult};

use actix_web::web;
use bingo_service::Service;
use bingo_telemetry::Metrics;
use rate::{Clock, FailureLimit, RateLimiter};
use std::net::IpAddr;
use std::sync::Arc;
use utoipa_actix_web::service_config::ServiceConfig;

/// Largest JSON body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Limits on what one client address or player may do.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Joins and recoveries per minute per client address; the burst is 20 seconds' worth, so a
    /// hall behind one address (a proxy, a Wi-Fi's NAT) gets in at once.
    pub joins_per_minute: u32,
    /// Claims per minute per player (by token, not address); the burst is 10 seconds' worth.
    pub claims_per_minute: u32,
    /// Failed admin logins per minute per client address (the burst is half of it, at least 3):
    /// `--failed-logins-per-minute`.
    pub logins_per_minute: u32,
    /// Failed admin logins per minute from all addresses together (the burst is half of it, at
    /// least 3): `--failed-logins-per-minute-total`.
    pub global_logins_per_minute: u32,
    /// Peers whose X-Forwarded-For / Forwarded headers name the client.
    pub trusted_proxies: TrustedProxies,
}

impl Default for Limits {
    fn default() -> Self {
        // 3000 a minute with a 1000 burst: 1,000 players from one address join at once, and
        // one abuser still makes at most 50 players a second.
        Limits {
            joins_per_minute: 3000,
            claims_per_minute: 60,
            logins_per_minute: 10,
            global_logins_per_minute: 60,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// Everything the handlers share.
pub struct ApiState {
    pub service: Service,
    pub metrics: Metrics,
    pub joins: RateLimiter<IpAddr>,
    /// Keyed by player id.
    pub claims: RateLimiter<String>,
    pub login_failures: FailureLimit,
    /// Logins over the failure limit are still checked (the right passphrase always gets in),
    /// but one at a time, so guessing past the limit costs at most one core.
    pub login_queue: tokio::sync::Semaphore,
    pub trusted_proxies: TrustedProxies,
    /// The time the rate limits go by.
    pub clock: Clock,
}

impl ApiState {
    pub fn new(service: Service, metrics: Metrics, limits: &Limits) -> Arc<Self> {
        Self::with_clock(service, metrics, limits, Clock::System)
    }

    /// [`ApiState::new`] with the rate limits on `clock` (tests: [`Clock::manual`]).
    pub fn with_clock(service: Service, metrics: Metrics, limits: &Limits, clock: Clock) -> Arc<Self> {
        let joins = limits.joins_per_minute;
        let claims = limits.claims_per_minute;
        Arc::new(ApiState {
            service,
            metrics,
            joins: RateLimiter::new(joins, (joins / 3).max(3)),
            claims: RateLimiter::new(claims, (claims / 6).max(3)),
            login_failures: FailureLimit::new(limits.logins_per_minute, limits.global_logins_per_minute),
            login_queue: tokio::sync::Semaphore::new(1),
            trusted_proxies: limits.trusted_proxies.clone(),
            clock,
        })
    }
}

/// Which routes a process serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routes {
    /// The whole API.
    All,
    /// `/health`, `/ready` and `/metrics` only (realtime nodes).
    SystemOnly,
}

/// Registers the API's routes and its JSON/path/query error handling on an app (its operations go
/// into the app's OpenAPI document; [`finish`] completes it).
pub fn configure(state: Arc<ApiState>, routes: Routes) -> impl FnOnce(&mut ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::from(state))
            .app_data(web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(|err, _| {
                match err {
                    actix_web::error::JsonPayloadError::OverflowKnownLength { .. }
                    | actix_web::error::JsonPayloadError::Overflow { .. } => ApiError::new(
                        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
                    )
                    .into(),
                    err => ApiError::bad_request(format!("the JSON body is not valid: {err}")).into(),
                }
            }))
            .app_data(
                web::PathConfig::default()
                    .error_handler(|err, _| ApiError::bad_request(format!("the URL is not valid: {err}")).into()),
            )
            .app_data(
                web::QueryConfig::default().error_handler(|err, _| {
                    ApiError::bad_request(format!("the query string is not valid: {err}")).into()
                }),
            );
        match routes {
            Routes::All => routes::register(cfg),
            Routes::SystemOnly => routes::register_system(cfg),
        }
    }
}

/// The answer for any path no route matches.
pub async fn not_found() -> ApiResult<actix_web::HttpResponse> {
    Err(ApiError::new(actix_web::http::StatusCode::NOT_FOUND, "not_found", "there is nothing at this address"))
}
