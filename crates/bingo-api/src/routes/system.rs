//! Health, readiness, metrics, and the OpenAPI document.

use crate::{ApiResult, ApiState};
use actix_web::{web, HttpResponse};
use serde_json::json;

pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Ready when the database and the bus answer.
pub async fn ready(state: web::Data<ApiState>) -> HttpResponse {
    let db = state.service.blocking(|s| s.ping()).await;
    let bus = state.service.bus().ping().await;
    let body = json!({
        "database": db.as_ref().map_or_else(|e| e.to_string(), |_| "ok".into()),
        "bus": bus.as_ref().map_or_else(|e| e.to_string(), |_| "ok".into()),
    });
    if db.is_ok() && bus.is_ok() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(json!({"error": {"code": "not_ready", "message": body.to_string()}}))
    }
}

pub async fn metrics(state: web::Data<ApiState>) -> HttpResponse {
    let (content_type, body) = state.metrics.render();
    HttpResponse::Ok().content_type(content_type).body(body)
}

/// The OpenAPI document, kept beside the code and checked against `ROUTES` by the tests.
pub const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn openapi() -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().content_type("application/json").body(OPENAPI))
}
