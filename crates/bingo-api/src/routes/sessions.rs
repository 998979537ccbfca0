//! A night at the hall: sessions (an ordered programme of games) for the console and the screen,
//! their reports and templates (sales, books and the snowball: `sales.rs`).

use super::{at_most, Json};
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::StatusCode;
use actix_web::{delete, get, post, put, web, HttpResponse};
use bingo_core::report::session::SessionReport;
use bingo_service::{SessionPlan, SessionSummary, SessionTemplate, SessionView};
use serde::Deserialize;
use utoipa::IntoParams;

/// Longest join code read, in characters.
const MAX_CODE: usize = 32;

/// A session's address.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SessionPath {
    /// The session's id (hex); any other text is 404.
    #[param(pattern = "^[0-9a-fA-F]{1,64}$")]
    pub(super) id: String,
}

pub(super) fn session_id(path: &str) -> ApiResult<String> {
    let ok = !path.is_empty() && path.len() <= 64 && path.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(path.to_ascii_lowercase())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no session {path:?}")))
    }
}

/// Create a session: every game is created with the session's currency and prices, and the first
/// is opened for sales and joins.
#[utoipa::path(tag = "console", operation_id = "create_session", security(("adminBearer" = [])),
    request_body(content = SessionPlan, example = json!({"name": "Friday night", "currency": "GBP",
        "prices": {"card": 50, "strip": 250, "book": 1000}, "interval_s": 300, "games": [
        {"kind": "90", "stages": [{"pattern": {"builtin": "one-line"}, "prize": 1000},
            {"pattern": {"builtin": "full-house"}, "prize": 5000}]},
        {"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": 500}]}]})),
    responses(
        (status = 201, description = "Created; the first game is open.", body = SessionView),
        (status = 400, description = "`bad_request`: the body is not a plan of this schema, or the name is longer than 80 characters or holds a control character.", body = ErrorBody),
        (status = 422, description = "`invalid`: not 1 to 20 games, an interval over 3600 s or a price over 2^53 - 1; `invalid_game`: a game's settings break a rule (the message names the game).", body = ErrorBody),
    ))]
#[post("/api/v1/sessions")]
pub async fn create(state: web::Data<ApiState>, _admin: Admin, plan: Json<SessionPlan>) -> ApiResult<HttpResponse> {
    let view = state.service.create_session(plan.get()?).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The latest sessions.
#[utoipa::path(tag = "console", operation_id = "list_sessions", security(("adminBearer" = [])), responses(
    (status = 200, description = "Sessions, newest first (up to 200).", body = [SessionSummary]),
))]
#[get("/api/v1/sessions")]
pub async fn list(state: web::Data<ApiState>, _admin: Admin) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.sessions().await?))
}

/// A session and its games: their states, join codes, stages, prize pools and the interval.
#[utoipa::path(tag = "screen", operation_id = "get_session", params(SessionPath), responses(
    (status = 200, description = "The session.", body = SessionView),
    (status = 404, description = "`not_found`: no such session.", body = ErrorBody),
))]
#[get("/api/v1/sessions/{id}")]
pub async fn get(state: web::Data<ApiState>, path: web::Path<SessionPath>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.session_view(&session_id(&path.id)?).await?))
}

/// A screen's game address.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ScreenSessionPath {
    /// The join code of one of the session's games.
    #[param(max_length = 32, example = "QK7MPA")]
    join_code: String,
}

/// The session of the game with this join code, for the screen's programme and interval countdown.
#[utoipa::path(tag = "screen", operation_id = "screen_session", params(ScreenSessionPath), responses(
    (status = 200, description = "The game's session.", body = SessionView),
    (status = 400, description = "`bad_request`: the join code is longer than 32 characters.", body = ErrorBody),
    (status = 404, description = "`not_found`: no game has this join code, or the game is not part of a session.", body = ErrorBody),
))]
#[get("/api/v1/screen/{join_code}/session")]
pub async fn screen_session(state: web::Data<ApiState>, path: web::Path<ScreenSessionPath>) -> ApiResult<HttpResponse> {
    at_most("the join code", &path.join_code, MAX_CODE)?;
    Ok(HttpResponse::Ok().json(state.service.session_by_code(&path.join_code).await?))
}

/// The session's report: every game's report (docs/REPORT.md) and the night's totals.
#[utoipa::path(tag = "console", operation_id = "session_report", security(("adminBearer" = [])), params(SessionPath), responses(
    (status = 200, description = "The report, derived from the games' ledgers.", body = SessionReport),
    (status = 404, description = "`not_found`: no such session.", body = ErrorBody),
))]
#[get("/api/v1/sessions/{id}/report")]
pub async fn report(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<SessionPath>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.session_report(&session_id(&path.id)?).await?))
}

/// The session's report as one CSV table, as a file to download.
#[utoipa::path(tag = "console", operation_id = "session_report_csv", security(("adminBearer" = [])), params(SessionPath), responses(
    (status = 200, description = "The report as CSV (UTF-8, CRLF line ends).", body = String, content_type = "text/csv",
        headers(("Content-Disposition" = String, description = "attachment; filename=\"bingo-session-<id>.csv\""))),
    (status = 404, description = "`not_found`: no such session.", body = ErrorBody),
))]
#[get("/api/v1/sessions/{id}/report.csv")]
pub async fn report_csv(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<SessionPath>,
) -> ApiResult<HttpResponse> {
    let id = session_id(&path.id)?;
    let csv = state.service.session_report_csv(&id).await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        // The id is checked hex, so the name needs no escaping.
        parameters: vec![DispositionParam::Filename(format!("bingo-session-{id}.csv"))],
    };
    Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").insert_header(disposition).body(csv))
}

/// The saved session plans.
#[utoipa::path(tag = "console", operation_id = "list_session_templates", security(("adminBearer" = [])), responses(
    (status = 200, description = "Templates, by name.", body = [SessionTemplate]),
))]
#[get("/api/v1/session-templates")]
pub async fn templates(state: web::Data<ApiState>, _admin: Admin) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.session_templates().await?))
}

/// A template's address.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TemplatePath {
    /// The template's name: 1 to 80 characters, no control characters (surrounding spaces dropped).
    #[param(min_length = 1, max_length = 80, example = "Friday night")]
    name: String,
}

/// Save a session plan under a name, replacing the template of that name.
#[utoipa::path(tag = "console", operation_id = "put_session_template", security(("adminBearer" = [])), params(TemplatePath),
    request_body = SessionPlan, responses(
    (status = 204, description = "Saved."),
    (status = 400, description = "`bad_request`: the body is not a plan of this schema, or the name is longer than 80 characters.", body = ErrorBody),
    (status = 422, description = "`invalid`: a blank name or one with control characters, or a plan a session would refuse; `invalid_game`.", body = ErrorBody),
))]
#[put("/api/v1/session-templates/{name}")]
pub async fn put_template(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<TemplatePath>,
    plan: Json<SessionPlan>,
) -> ApiResult<HttpResponse> {
    let plan = plan.get()?;
    at_most("the template's name", &path.name, bingo_core::game_name::MAX_NAME_CHARS)?;
    state.service.put_session_template(&path.name, &plan).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Delete a template.
#[utoipa::path(tag = "console", operation_id = "delete_session_template", security(("adminBearer" = [])), params(TemplatePath), responses(
    (status = 204, description = "Deleted."),
    (status = 404, description = "`not_found`: no template has this name.", body = ErrorBody),
))]
#[delete("/api/v1/session-templates/{name}")]
pub async fn delete_template(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<TemplatePath>,
) -> ApiResult<HttpResponse> {
    state.service.delete_session_template(path.name.trim()).await?;
    Ok(HttpResponse::NoContent().finish())
}
