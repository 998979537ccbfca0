//! Health, readiness, metrics, the patterns, and the OpenAPI document.

use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    #[schema(examples("ok"), pattern = "^ok$")]
    status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "system", responses((status = 200, description = "Alive.", body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// What the readiness check found of each dependency: `ok`, or what is wrong.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(examples("ok"))]
    database: String,
    #[schema(examples("ok"))]
    bus: String,
}

/// Readiness: the database and the bus answer.
#[utoipa::path(tag = "system", responses(
    (status = 200, description = "Ready.", body = Readiness),
    (status = 503, description = "`not_ready`: the database or the bus does not answer; the message says which.", body = ErrorBody),
))]
#[get("/ready")]
pub async fn ready(state: web::Data<ApiState>) -> HttpResponse {
    let db = state.service.database_ready().await;
    let bus = state.service.bus().ping().await;
    let body = Readiness {
        database: db.as_ref().map_or_else(|e| e.to_string(), |_| "ok".into()),
        bus: bus.as_ref().map_or_else(|e| e.to_string(), |_| "ok".into()),
    };
    if db.is_ok() && bus.is_ok() {
        HttpResponse::Ok().json(body)
    } else {
        let message = format!("database: {}; bus: {}", body.database, body.bus);
        let error = crate::ApiError::new(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, "not_ready", message);
        actix_web::ResponseError::error_response(&error)
    }
}

/// One built-in pattern.
#[derive(Serialize, ToSchema)]
pub struct PatternInfo {
    #[schema(examples("any-line"))]
    id: String,
    #[schema(examples("Any line"))]
    name: String,
    /// Each alternative drawn as rows of `X` (a cell of the pattern) and `.`.
    #[schema(examples(json!([["XXXXX", ".....", ".....", ".....", "....."]])))]
    pictures: Vec<Vec<String>>,
}

/// The built-in patterns by kind of game, and each kind's usual stages.
#[derive(Serialize, ToSchema)]
pub struct Patterns {
    /// By kind ("75", "90", "80", "30").
    kinds: BTreeMap<String, Vec<PatternInfo>>,
    /// Each kind's usual stages, as pattern ids.
    #[schema(examples(json!({"90": ["one-line", "two-lines", "full-house"]})))]
    default_stages: BTreeMap<String, Vec<String>>,
}

/// The built-in patterns of every kind of game, each alternative drawn as rows of X and '.', and each kind's usual stages.
#[utoipa::path(tag = "system", responses((status = 200, description = "Patterns by kind.", body = Patterns)))]
#[get("/api/v1/patterns")]
pub async fn patterns() -> ApiResult<HttpResponse> {
    use bingo_core::{pattern::builtin_ids, GameKind, PatternSpec};
    let kinds = GameKind::ALL
        .into_iter()
        .map(|kind| {
            let list = builtin_ids(kind)
                .into_iter()
                .filter_map(|id| PatternSpec::Builtin(id.to_string()).resolve(kind).ok())
                .map(|p| PatternInfo {
                    pictures: (0..p.alternatives.len()).map(|i| p.picture(i)).collect(),
                    id: p.id,
                    name: p.name,
                })
                .collect();
            (kind.as_str().to_string(), list)
        })
        .collect();
    let default_stages = GameKind::ALL
        .into_iter()
        .map(|k| {
            let stages = bingo_core::pattern::default_stages(k).iter().map(|s| s.to_string()).collect();
            (k.as_str().to_string(), stages)
        })
        .collect();
    Ok(HttpResponse::Ok().json(Patterns { kinds, default_stages }))
}

/// Prometheus metrics.
#[utoipa::path(tag = "system", responses(
    (status = 200, description = "The Prometheus text exposition format.", body = String, content_type = "text/plain"),
))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<ApiState>) -> HttpResponse {
    let (content_type, body) = state.metrics.render();
    HttpResponse::Ok().content_type(content_type).body(body)
}

/// The OpenAPI document as served, made once when the app is built (crate::doc::finish).
pub(crate) struct Document(pub(crate) web::Bytes);

/// This document: the OpenAPI 3.1 description of what this server routes.
#[utoipa::path(tag = "system", responses(
    (status = 200, description = "The OpenAPI 3.1 document.", body = Object),
))]
#[get("/api/openapi.json")]
pub async fn openapi(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document.0.clone())
}
