//! Console login.

use super::client_ip;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    passphrase: String,
}

pub async fn login(req: HttpRequest, state: web::Data<ApiState>, body: web::Json<Login>) -> ApiResult<HttpResponse> {
    if !state.logins.allow(client_ip(&req)) {
        return Err(ApiError::rate_limited());
    }
    if body.passphrase.len() > 1024 {
        return Err(ApiError::bad_request("the passphrase is too long"));
    }
    let token = state.service.login(&body.passphrase).await?;
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
