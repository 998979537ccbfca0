//! The caller's announcement to the hall ("Eyes down in 5 minutes"): shown on the Screen and
//! every phone until replaced or cleared.

use super::games::{game_id, GamePath};
use super::Json;
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::{put, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// The announcement to show, or none.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Announcement {
    /// What the hall is told: one line, 1 to 200 characters once surrounding spaces are dropped,
    /// no control characters. `null` or blank clears the announcement. Required (write `null`
    /// to clear), so that a body missing it is an error rather than a silent clear.
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(max_length = 200, examples("Eyes down in 5 minutes"))]
    text: Option<String>,
}

/// Show an announcement on the game's Screen and phones, replacing the one shown, or clear it
/// (any state of the game). The game's clients get the `announcement` update
/// (docs/PROTOCOL.md), and a client connecting later finds it in the snapshot. Any console may
/// announce, whether or not it controls the game: an announcement changes nothing in the game.
#[utoipa::path(tag = "console", operation_id = "set_announcement", security(("adminBearer" = [])), params(GamePath), request_body = Announcement, responses(
    (status = 204, description = "Shown (or cleared)."),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 422, description = "`invalid`: the text is over 200 characters or holds control characters.", body = ErrorBody),
))]
#[put("/api/v1/games/{id}/announcement")]
pub async fn announcement(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<GamePath>,
    body: Json<Announcement>,
) -> ApiResult<HttpResponse> {
    let text = body.get()?.text;
    let id = game_id(&path.id)?;
    state.service.set_announcement(&id, text.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}
