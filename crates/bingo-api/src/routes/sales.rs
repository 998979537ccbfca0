//! Sales: a game's ticket figures, a session's paper books, and the hall's snowball.

use super::games::{game_id, GamePath};
use super::sessions::{session_id, SessionPath};
use super::Json;
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::{get, post, put, web, HttpResponse};
use bingo_core::Sales;
use bingo_service::{BooksSold, SnowballView};
use serde::Deserialize;
use utoipa::ToSchema;

/// A game's sales as they stand: cards by channel and by how they were sold, the takings, each
/// stage's prize (final once sales closed at the first ball) and the snowball offered.
#[utoipa::path(tag = "console", operation_id = "game_sales", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "The game's sales.", body = Sales),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/sales")]
pub async fn game_sales(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<GamePath>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.sales(&game_id(&path.id)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Books {
    /// How many books.
    #[schema(minimum = 1, maximum = 1000, examples(10))]
    count: u32,
}

/// Sell paper books: each holds cards for every game of the session whose sales are open (six in
/// a 90-ball game, one otherwise), recorded as sold in books at the session's book price.
#[utoipa::path(tag = "console", operation_id = "sell_books", security(("adminBearer" = [])), params(SessionPath), request_body = Books, responses(
    (status = 200, description = "The books' cards, game by game.", body = BooksSold),
    (status = 404, description = "`not_found`: no such session.", body = ErrorBody),
    (status = 409, description = "`conflict`: no game of the session is selling books now; `sales_closed`.", body = ErrorBody),
    (status = 422, description = "`invalid`: count is not 1 to 1000, or a game has no more serials.", body = ErrorBody),
))]
#[post("/api/v1/sessions/{id}/books")]
pub async fn books(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<SessionPath>,
    body: Json<Books>,
) -> ApiResult<HttpResponse> {
    let count = body.get()?.count;
    Ok(HttpResponse::Ok().json(state.service.sell_books(&session_id(&path.id)?, count).await?))
}

/// The hall's snowball: the pot now, and the latest games' results (won or carried), newest first.
#[utoipa::path(tag = "screen", operation_id = "snowball", responses(
    (status = 200, description = "The pot and its history.", body = SnowballView),
))]
#[get("/api/v1/snowball")]
pub async fn snowball(state: web::Data<ApiState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.snowball().await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnowballPot {
    /// The pot, in minor units (at most 2^53 - 1).
    #[serde(deserialize_with = "super::int64")]
    #[schema(minimum = 0, maximum = 9007199254740991usize, examples(25000))]
    pot: u64,
}

/// Set the hall's snowball pot: the next game with a snowball is offered it when it starts.
#[utoipa::path(tag = "console", operation_id = "set_snowball", security(("adminBearer" = [])), request_body = SnowballPot, responses(
    (status = 204, description = "Set."),
    (status = 422, description = "`invalid`: the pot is over 2^53 - 1.", body = ErrorBody),
    (status = 409, description = "`conflict`: a game is playing for the pot now; it is set when that game ends.", body = ErrorBody),
))]
#[put("/api/v1/snowball")]
pub async fn set_snowball(
    state: web::Data<ApiState>,
    _admin: Admin,
    body: Json<SnowballPot>,
) -> ApiResult<HttpResponse> {
    let pot = body.get()?.pot;
    state.service.set_snowball(pot).await?;
    Ok(HttpResponse::NoContent().finish())
}
