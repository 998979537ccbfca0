//! Players (no account: a token from joining) and the read-only screen.

use super::{body, client_ip, Body};
use crate::auth::Player;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    join_code: String,
    nickname: String,
    #[serde(default = "one")]
    cards: u32,
}

fn one() -> u32 {
    1
}

fn short(field: &str, value: &str, max: usize) -> ApiResult<()> {
    if value.len() > max {
        return Err(ApiError::bad_request(format!("{field} is too long")));
    }
    Ok(())
}

pub async fn join(req: HttpRequest, state: web::Data<ApiState>, body: web::Json<Join>) -> ApiResult<HttpResponse> {
    state.joins.check(&client_ip(&req, &state), state.clock.now()).map_err(ApiError::rate_limited)?;
    short("join_code", &body.join_code, 32)?;
    short("nickname", &body.nickname, 256)?;
    let joined = state.service.join(&body.join_code, &body.nickname, body.cards).await?;
    Ok(HttpResponse::Created().json(joined))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recover {
    join_code: String,
    recovery_code: String,
}

pub async fn recover(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: web::Json<Recover>,
) -> ApiResult<HttpResponse> {
    state.joins.check(&client_ip(&req, &state), state.clock.now()).map_err(ApiError::rate_limited)?;
    short("join_code", &body.join_code, 32)?;
    short("recovery_code", &body.recovery_code, 32)?;
    let joined = state.service.recover(&body.join_code, &body.recovery_code).await?;
    Ok(HttpResponse::Ok().json(joined))
}

pub async fn me(state: web::Data<ApiState>, player: Player) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.service.player_view(&player.0).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    serial: u64,
}

pub async fn claim(state: web::Data<ApiState>, player: Player, claim: Body<Claim>) -> ApiResult<HttpResponse> {
    // Per player, not per address: a hall behind one address claims as freely as one at home.
    state.claims.check(&player.0.id, state.clock.now()).map_err(ApiError::rate_limited)?;
    let serial = body(claim)?.serial;
    let event = state.service.claim(&player.0, serial).await?;
    Ok(HttpResponse::Ok().json(event))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Daub {
    serial: u64,
    number: u8,
    #[serde(default = "yes")]
    on: bool,
}

fn yes() -> bool {
    true
}

pub async fn daub(state: web::Data<ApiState>, player: Player, daub: Body<Daub>) -> ApiResult<HttpResponse> {
    let daub = body(daub)?;
    state.service.daub(&player.0, daub.serial, daub.number, daub.on).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The whole card of a winner, for the screen.
pub async fn winner_card(state: web::Data<ApiState>, path: web::Path<(String, u64)>) -> ApiResult<HttpResponse> {
    let (code, serial) = path.into_inner();
    short("join code", &code, 32)?;
    let card = state.service.winner_card(&code, serial).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "card": card })))
}

pub async fn screen(state: web::Data<ApiState>, code: web::Path<String>) -> ApiResult<HttpResponse> {
    short("join code", &code, 32)?;
    Ok(HttpResponse::Ok().json(state.service.snapshot_by_code(&code).await?))
}
