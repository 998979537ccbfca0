//! The caller's claims: the claims list, a paper card's check and claim (with the name the
//! caller writes for its holder), and the Screen's "being checked" notice.

use super::games::{existing_game, game_id, GamePath};
use super::Json;
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::{get, post, put, web, HttpResponse};
use bingo_core::{Card, Event, Verdict};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A card of a game.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CardPath {
    /// The game's id (hex); any other text is 404.
    #[param(pattern = "^[0-9a-fA-F]{1,64}$")]
    id: String,
    /// The card's serial.
    #[serde(deserialize_with = "super::int64")]
    #[param(minimum = 0, maximum = 9223372036854775807_usize)]
    serial: u64,
}

#[derive(Serialize, ToSchema)]
pub struct Claims {
    /// `claim_accepted` and `claim_rejected` events, in order.
    claims: Vec<Event>,
}

/// Every claim of the game, accepted or rejected, in order.
#[utoipa::path(tag = "console", operation_id = "list_claims", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Claims.", body = Claims),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/claims")]
pub async fn claims(state: web::Data<ApiState>, _admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let id = existing_game(&state, &path.id).await?;
    let stored = state.service.claims(&id).await?;
    let found = stored.iter().filter_map(|e| e.event().ok()).collect();
    Ok(HttpResponse::Ok().json(Claims { claims: found }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperClaim {
    /// The paper card's serial.
    #[serde(deserialize_with = "super::int64")]
    #[schema(minimum = 0, maximum = 9223372036854775807_usize, examples(7))]
    serial: u64,
    /// Who holds the card, as the caller writes it down: recorded with the claim and shown with
    /// the win. 1 to 24 characters, no control characters; surrounding spaces are dropped, and a
    /// blank name counts as none.
    #[serde(default)]
    #[schema(max_length = 24, examples("Ann"))]
    name: Option<String>,
}

/// Claim for a paper card read out in the hall; the engine decides.
#[utoipa::path(tag = "console", operation_id = "claim_paper", security(("adminBearer" = [])), params(GamePath), request_body = PaperClaim, responses(
    (status = 200, description = "The `claim_accepted` or `claim_rejected` event (with its reason and the name given).", body = Event),
    (status = 403, description = "`forbidden`: the card belongs to a player, who claims it.", body = ErrorBody),
    (status = 422, description = "`invalid`: the name breaks the rule for names.", body = ErrorBody),
    (status = 404, description = "`not_found` (no such game, or a card not issued), `card_not_issued` or `no_such_card`.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not running; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/claims")]
pub async fn claim_paper(
    state: web::Data<ApiState>,
    admin: Admin,
    path: web::Path<GamePath>,
    body: Json<PaperClaim>,
) -> ApiResult<HttpResponse> {
    let claim = body.get()?;
    let id = game_id(&path.id)?;
    state.service.require_control(&id, &admin.0).await?;
    let event = state.service.claim_paper(&id, claim.serial, claim.name.as_deref()).await?;
    Ok(HttpResponse::Ok().json(event))
}

/// A card checked against the current stage.
#[derive(Serialize, ToSchema)]
pub struct CardCheck {
    card: Card,
    verdict: Verdict,
    /// The verdict in words a caller can read out.
    message: String,
}

/// Check a card against the current stage without claiming.
#[utoipa::path(tag = "console", operation_id = "check_card", security(("adminBearer" = [])), params(CardPath), responses(
    (status = 200, description = "The card and its verdict.", body = CardCheck),
    (status = 400, description = "`bad_request`: the serial is not a number from 0 to 2^63 - 1.", body = ErrorBody),
    (status = 404, description = "`not_found` (no such game), `card_not_issued` (a serial never issued says nothing) or `no_such_card`.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: every stage is settled (a finished game), so there is nothing to check against.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/cards/{serial}")]
pub async fn check_card(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<CardPath>,
) -> ApiResult<HttpResponse> {
    let check = state.service.check_card(&game_id(&path.id)?, path.serial).await?;
    Ok(HttpResponse::Ok().json(CardCheck { card: check.card, verdict: check.verdict, message: check.message }))
}

/// The card the caller is checking, or none.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Checking {
    /// The card being checked; `null` when the check is over (dismissed or rejected; a claim
    /// ends it too).
    #[serde(deserialize_with = "super::int64_or_null")]
    #[schema(minimum = 0, maximum = 9223372036854775807_usize, examples(7))]
    serial: Option<u64>,
}

/// Tell the hall that the caller is checking a card, or has stopped: the game's clients get the
/// `checking` update (docs/PROTOCOL.md), and the Screen shows it until the verdict.
#[utoipa::path(tag = "console", operation_id = "set_checking", security(("adminBearer" = [])), params(GamePath), request_body = Checking, responses(
    (status = 204, description = "Told."),
    (status = 404, description = "`not_found` (no such game), `card_not_issued` or `no_such_card`.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: no stage is being played; `conflict`: another console controls the game (take control first).", body = ErrorBody),
))]
#[put("/api/v1/games/{id}/checking")]
pub async fn checking(
    state: web::Data<ApiState>,
    admin: Admin,
    path: web::Path<GamePath>,
    body: Json<Checking>,
) -> ApiResult<HttpResponse> {
    let serial = body.get()?.serial;
    let id = game_id(&path.id)?;
    state.service.require_control(&id, &admin.0).await?;
    state.service.set_checking(&id, serial).await?;
    Ok(HttpResponse::NoContent().finish())
}
