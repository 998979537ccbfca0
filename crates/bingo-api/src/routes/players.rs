//! Players (no account: a token from joining) and the read-only screen.

use super::{at_most, client_ip, Json};
use crate::auth::Player;
use crate::error::Body as ErrorBody;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use bingo_core::{Card, Event};
use bingo_service::{Joined, PlayerView, Snapshot};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Longest join code read, in characters.
const MAX_CODE: usize = 32;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Join {
    /// The game's join code (any case; spaces and dashes are ignored).
    #[schema(max_length = 32, examples("QK7MPA"))]
    join_code: String,
    /// 1 to 24 characters, no control characters; surrounding spaces are dropped.
    #[schema(min_length = 1, max_length = 24, examples("Ann"))]
    nickname: String,
    /// How many cards; up to the game's max_cards_per_player.
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 120, default = 1)]
    cards: u32,
}

fn one() -> u32 {
    1
}

/// Join an open or running game.
#[utoipa::path(tag = "players", operation_id = "join", request_body = Join, responses(
    (status = 201, description = "Joined: keep the token, write down the recovery code.", body = Joined),
    (status = 404, description = "`not_found`: no game has this join code.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not open or running; `sales_closed`: the first ball has been called and the game does not allow late entry; `conflict`.", body = ErrorBody),
    (status = 422, description = "`invalid`: the nickname or the number of cards breaks the game's rules.", body = ErrorBody),
    (status = 429, description = "`rate_limited`: too many joins from this address; wait `Retry-After` seconds.", body = ErrorBody,
        headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
))]
#[post("/api/v1/join")]
pub async fn join(req: HttpRequest, state: web::Data<ApiState>, body: Json<Join>) -> ApiResult<HttpResponse> {
    state.joins.check(&client_ip(&req, &state), state.clock.now()).map_err(ApiError::rate_limited)?;
    let body = body.get()?;
    at_most("join_code", &body.join_code, MAX_CODE)?;
    let joined = state.service.join(&body.join_code, &body.nickname, body.cards).await?;
    Ok(HttpResponse::Created().json(joined))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recover {
    #[schema(max_length = 32, examples("QK7MPA"))]
    join_code: String,
    /// The code shown on joining (XXXX-XXXX; any case, the dash optional).
    #[schema(max_length = 32, examples("K7PM-2QXA"))]
    recovery_code: String,
}

/// Continue as a player on another device: a new token replaces the old one.
#[utoipa::path(tag = "players", operation_id = "recover", request_body = Recover, responses(
    (status = 200, description = "The player, with a new token.", body = Joined),
    (status = 401, description = "`unauthorized`: no player of this game has this recovery code.", body = ErrorBody),
    (status = 404, description = "`not_found`: no game has this join code.", body = ErrorBody),
    (status = 429, description = "`rate_limited`: too many tries from this address; wait `Retry-After` seconds.", body = ErrorBody,
        headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
))]
#[post("/api/v1/recover")]
pub async fn recover(req: HttpRequest, state: web::Data<ApiState>, body: Json<Recover>) -> ApiResult<HttpResponse> {
    state.joins.check(&client_ip(&req, &state), state.clock.now()).map_err(ApiError::rate_limited)?;
    let body = body.get()?;
    at_most("join_code", &body.join_code, MAX_CODE)?;
    at_most("recovery_code", &body.recovery_code, MAX_CODE)?;
    let joined = state.service.recover(&body.join_code, &body.recovery_code).await?;
    Ok(HttpResponse::Ok().json(joined))
}

/// The player's cards, daubs and game.
#[utoipa::path(tag = "players", operation_id = "me", security(("playerBearer" = [])), responses(
    (status = 200, description = "The player's view.", body = PlayerView),
))]
#[get("/api/v1/me")]
pub async fn me(state: web::Data<ApiState>, player: Player) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.player_view(&player.0).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// One of the player's own cards.
    #[serde(deserialize_with = "super::int64")]
    #[schema(minimum = 0, maximum = 9223372036854775807_usize, examples(7))]
    serial: u64,
}

/// Claim with one of the player's own cards; the engine decides.
#[utoipa::path(tag = "players", operation_id = "claim", security(("playerBearer" = [])), request_body = Claim, responses(
    (status = 200, description = "The `claim_accepted` or `claim_rejected` event (with its reason).", body = Event),
    (status = 403, description = "`forbidden`: not one of the player's cards.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not running.", body = ErrorBody),
    (status = 429, description = "`rate_limited`: too many claims by this player; wait `Retry-After` seconds.", body = ErrorBody,
        headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
))]
#[post("/api/v1/me/claims")]
pub async fn claim(state: web::Data<ApiState>, player: Player, body: Json<Claim>) -> ApiResult<HttpResponse> {
    // Per player, not per address: a hall behind one address claims as freely as one at home.
    state.claims.check(&player.0.id, state.clock.now()).map_err(ApiError::rate_limited)?;
    let serial = body.get()?.serial;
    let event = state.service.claim(&player.0, serial).await?;
    Ok(HttpResponse::Ok().json(event))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Daub {
    /// One of the player's own cards.
    #[serde(deserialize_with = "super::int64")]
    #[schema(minimum = 0, maximum = 9223372036854775807_usize, examples(7))]
    serial: u64,
    /// A number on that card.
    #[schema(minimum = 1, maximum = 255, examples(42))]
    number: u8,
    /// true marks the number, false unmarks it.
    #[serde(default = "yes")]
    #[schema(default = true)]
    on: bool,
}

fn yes() -> bool {
    true
}

/// Mark or unmark a number on one of the player's cards.
///
/// A daub is the player's own mark, as a pen on a paper card: any number on the card may be marked,
/// called or not. Claims are judged on the balls called, never on daubs.
#[utoipa::path(tag = "players", operation_id = "daub", security(("playerBearer" = [])), request_body = Daub, responses(
    (status = 204, description = "Saved."),
    (status = 403, description = "`forbidden`: not one of the player's cards.", body = ErrorBody),
    (status = 422, description = "`invalid`: the number is not on that card.", body = ErrorBody),
))]
#[put("/api/v1/me/daubs")]
pub async fn daub(state: web::Data<ApiState>, player: Player, body: Json<Daub>) -> ApiResult<HttpResponse> {
    let mark = body.get()?;
    state.service.daub(&player.0, mark.serial, mark.number, mark.on).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A game's address for screens.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ScreenPath {
    /// The game's join code.
    #[param(max_length = 32, example = "QK7MPA")]
    join_code: String,
}

/// A winner's card on a screen.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WinnerPath {
    /// The game's join code.
    #[param(max_length = 32, example = "QK7MPA")]
    join_code: String,
    /// The winning card's serial.
    #[serde(deserialize_with = "super::int64")]
    #[param(minimum = 0, maximum = 9223372036854775807_usize)]
    serial: u64,
}

#[derive(Serialize, ToSchema)]
pub struct WinnerCard {
    card: Card,
}

/// The whole card of a winner of this game (a stage settled or awaiting settlement), for the screen.
#[utoipa::path(tag = "screen", operation_id = "winner_card", params(WinnerPath), responses(
    (status = 200, description = "The card.", body = WinnerCard),
    (status = 400, description = "`bad_request`: the join code is longer than 32 characters, or the serial is not a number.", body = ErrorBody),
    (status = 404, description = "`not_found`: no such game, or the card has not won.", body = ErrorBody),
))]
#[get("/api/v1/screen/{join_code}/winners/{serial}")]
pub async fn winner_card(state: web::Data<ApiState>, path: web::Path<WinnerPath>) -> ApiResult<HttpResponse> {
    at_most("the join code", &path.join_code, MAX_CODE)?;
    let card = state.service.winner_card(&path.join_code, path.serial).await?;
    Ok(HttpResponse::Ok().json(WinnerCard { card }))
}

/// A game's snapshot by join code, for screens.
#[utoipa::path(tag = "screen", operation_id = "screen", params(ScreenPath), responses(
    (status = 200, description = "The game.", body = Snapshot),
    (status = 400, description = "`bad_request`: the join code is longer than 32 characters.", body = ErrorBody),
    (status = 404, description = "`not_found`: no game has this join code.", body = ErrorBody),
))]
#[get("/api/v1/screen/{join_code}")]
pub async fn screen(state: web::Data<ApiState>, path: web::Path<ScreenPath>) -> ApiResult<HttpResponse> {
    at_most("the join code", &path.join_code, MAX_CODE)?;
    Ok(HttpResponse::Ok().json(state.service.snapshot_by_code(&path.join_code).await?))
}
