//! A game's ledger file over the API (docs/FAIRNESS.md, section 2): what `bingo ledger export`
//! writes, for a host without access to the server's database, checked with `bingo verify --ledger`.

use super::games::{game_id, GamePath};
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::{get, web, HttpResponse};
use bingo_service::Ledger;

/// The game's ledger file, for `bingo verify --ledger` (the seed is in it once the game has ended).
#[utoipa::path(tag = "console", operation_id = "ledger", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "The ledger file (`bingo-ledger/1`).", body = Ledger),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/ledger")]
pub async fn ledger(state: web::Data<ApiState>, _admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let ledger = state.service.ledger(&game_id(&path.id)?).await?;
    Ok(HttpResponse::Ok().json(ledger))
}
