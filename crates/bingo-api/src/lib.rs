//! The HTTP API: JSON under `/api/v1`, plus `/health`, `/ready`, `/metrics` and the OpenAPI
//! document at `/api/openapi.json`. Handlers are thin: they check input, call the game service,
//! and shape the answer.
//!
//! **Invariant:** every error is an [`ApiError`] with a stable code; bad input of any kind is a
//! 4xx, never a 500 or a panic.
//! **Invariant:** no game rule is decided here: the engine (through the service) decides.

mod auth;
pub mod error;
pub mod rate;
mod routes;

pub use error::{ApiError, ApiResult};
pub use routes::ROUTES;

use actix_web::web;
use bingo_service::Service;
use bingo_telemetry::Metrics;
use rate::RateLimiter;
use std::sync::Arc;

/// Largest JSON body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Limits on what one client (IP address) may do.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Joins and recoveries per minute per client.
    pub joins_per_minute: u32,
    /// Claims per minute per client.
    pub claims_per_minute: u32,
    /// Admin logins per minute per client.
    pub logins_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { joins_per_minute: 30, claims_per_minute: 60, logins_per_minute: 10 }
    }
}

/// Everything the handlers share.
pub struct ApiState {
    pub service: Service,
    pub metrics: Metrics,
    pub joins: RateLimiter,
    pub claims: RateLimiter,
    pub logins: RateLimiter,
}

impl ApiState {
    pub fn new(service: Service, metrics: Metrics, limits: &Limits) -> Arc<Self> {
        let limiter = |per_minute: u32| RateLimiter::new(per_minute, (per_minute / 6).max(3));
        Arc::new(ApiState {
            service,
            metrics,
            joins: limiter(limits.joins_per_minute),
            claims: limiter(limits.claims_per_minute),
            logins: limiter(limits.logins_per_minute),
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

/// Registers the API's routes and its JSON/path/query error handling on an actix app.
pub fn configure(state: Arc<ApiState>, routes: Routes) -> impl FnOnce(&mut web::ServiceConfig) {
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
