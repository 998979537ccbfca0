//! A game's ledger file over the API (docs/FAIRNESS.md, section 2): what `bingo ledger export`
//! writes, for a host without access to the server's database, checked with `bingo verify --ledger`.

use super::games::{game_id, GamePath};
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// `bingo-ledger/1`: the game's whole stored log with its hash chain.
#[derive(Serialize, ToSchema)]
pub struct LedgerFile {
    #[schema(examples("bingo-ledger/1"))]
    format: String,
    game_id: String,
    join_code: String,
    epoch: String,
    /// Hex SHA-256 of the seed, as published before the first ball.
    commitment: String,
    events: Vec<LedgerEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct LedgerEntry {
    /// 1, 2, 3, ... with no gap.
    #[schema(minimum = 1)]
    seq: u64,
    /// The event exactly as stored (JSON text); the hash covers these bytes.
    payload: String,
    /// Hex of the previous event's `hash` (64 zeros for event 1).
    prev_hash: String,
    /// Hex SHA-256 of prev_hash's bytes, seq as 8 bytes big-endian and the payload's bytes.
    hash: String,
}

impl From<bingo_service::Ledger> for LedgerFile {
    fn from(l: bingo_service::Ledger) -> Self {
        LedgerFile {
            format: l.format,
            game_id: l.game_id,
            join_code: l.join_code,
            epoch: l.epoch,
            commitment: l.commitment,
            events: l
                .events
                .into_iter()
                .map(|e| LedgerEntry { seq: e.seq, payload: e.payload, prev_hash: e.prev_hash, hash: e.hash })
                .collect(),
        }
    }
}

/// The game's ledger file, for `bingo verify --ledger` (the seed is in it once the game has ended).
#[utoipa::path(tag = "console", operation_id = "ledger", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "The ledger file (`bingo-ledger/1`).", body = LedgerFile),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/ledger")]
pub async fn ledger(state: web::Data<ApiState>, _admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let ledger = state.service.ledger(&game_id(&path.id)?).await?;
    Ok(HttpResponse::Ok().json(LedgerFile::from(ledger)))
}
