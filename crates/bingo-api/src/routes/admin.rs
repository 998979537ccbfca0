//! Console login.

use super::client_ip;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::{web, HttpRequest, HttpResponse};
use bingo_service::ServiceError;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    passphrase: String,
}

pub async fn login(req: HttpRequest, state: web::Data<ApiState>, body: web::Json<Login>) -> ApiResult<HttpResponse> {
    if body.passphrase.len() > 1024 {
        return Err(ApiError::bad_request("the passphrase is too long"));
    }
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
    Ok(HttpResponse::Ok().json(json!({"token": token, "expires_in_s": bingo_service::SESSION_MS / 1000})))
}

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
