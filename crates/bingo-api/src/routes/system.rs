//! Health, readiness, metrics, and the OpenAPI document.

use crate::{ApiResult, ApiState};
use actix_web::{web, HttpResponse};
use serde_json::json;

pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Ready when the database and the bus answer.
pub async fn ready(state: web::Data<ApiState>) -> HttpResponse {
    let db = state.service.database_ready().await;
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

/// The built-in patterns of every kind, each alternative drawn as rows of `X` and `.`.
pub async fn patterns() -> ApiResult<HttpResponse> {
    use bingo_core::{pattern::builtin_ids, GameKind, PatternSpec};
    let mut kinds = serde_json::Map::new();
    for kind in GameKind::ALL {
        let list: Vec<serde_json::Value> = builtin_ids(kind)
            .into_iter()
            .filter_map(|id| PatternSpec::Builtin(id.to_string()).resolve(kind).ok())
            .map(|p| {
                let pictures: Vec<Vec<String>> = (0..p.alternatives.len()).map(|i| p.picture(i)).collect();
                json!({"id": p.id, "name": p.name, "pictures": pictures})
            })
            .collect();
        kinds.insert(kind.as_str().to_string(), serde_json::Value::Array(list));
    }
    let defaults: serde_json::Map<String, serde_json::Value> = GameKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), json!(bingo_core::pattern::default_stages(k))))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"kinds": kinds, "default_stages": defaults})))
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
