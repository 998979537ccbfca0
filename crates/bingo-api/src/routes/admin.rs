//! Console login.

use super::{at_most, client_ip, Json};
use crate::error::Body as ErrorBody;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::{post, web, HttpRequest, HttpResponse};
use bingo_service::ServiceError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest passphrase read, in characters.
const MAX_PASSPHRASE: usize = 1024;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    #[schema(max_length = 1024, examples("correct horse battery staple"))]
    passphrase: String,
}

/// A console session.
#[derive(Serialize, ToSchema)]
pub struct Session {
    /// The bearer token of the console routes.
    token: String,
    /// Seconds the session lasts (12 hours).
    #[schema(examples(43200))]
    expires_in_s: i64,
}

/// Log a console in with the admin passphrase.
///
/// Failed logins are limited per client address and over all addresses; over the limit the right
/// passphrase still gets in, and a wrong one gets 429.
#[utoipa::path(tag = "console", operation_id = "login", request_body = Login, responses(
    (status = 200, description = "A console session (12 hours).", body = Session),
    (status = 401, description = "`unauthorized`: not the passphrase.", body = ErrorBody),
    (status = 429, description = "`rate_limited`: too many failed logins from this address, or from all; wait `Retry-After` seconds.", body = ErrorBody,
        headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
))]
#[post("/api/v1/admin/login")]
pub async fn login(req: HttpRequest, state: web::Data<ApiState>, body: Json<Login>) -> ApiResult<HttpResponse> {
    let body = body.get()?;
    at_most("the passphrase", &body.passphrase, MAX_PASSPHRASE)?;
    let ip = client_ip(&req, &state);
    // Only failures count, so whoever shares the admin's address cannot lock the admin out.
    let token = match state.login_failures.reserve(ip, state.clock.now()) {
        Ok(()) => {
            let token = state.service.login(&body.passphrase).await?;
            state.login_failures.refund(ip);
            token
        }
        Err(wait) => {
            // Over the limit the right passphrase still gets in; wrong ones wait their turn and
            // get 429 (one check at a time: guessing here costs us one core at most).
            let _turn = state.login_queue.acquire().await;
            match state.service.login(&body.passphrase).await {
                Ok(token) => token,
                Err(ServiceError::Unauthorized(_)) => return Err(ApiError::rate_limited(wait)),
                Err(e) => return Err(e.into()),
            }
        }
    };
    Ok(HttpResponse::Ok().json(Session { token, expires_in_s: bingo_service::SESSION_MS / 1000 }))
}

/// End this console session.
#[utoipa::path(tag = "console", operation_id = "logout", security(("adminBearer" = [])), responses(
    (status = 204, description = "Logged out."),
))]
#[post("/api/v1/admin/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<ApiState>,
    _admin: crate::auth::Admin,
) -> ApiResult<HttpResponse> {
    if let Some(token) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
    {
        state.service.logout(token).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}
