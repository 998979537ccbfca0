//! The caller's console: create and run games, players, claims, paper cards.

use super::{body, Body};
use crate::auth::Admin;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use bingo_core::GameConfig;
use serde::Deserialize;
use serde_json::json;

fn game_id(path: &str) -> ApiResult<String> {
    let ok = !path.is_empty() && path.len() <= 64 && path.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(path.to_ascii_lowercase())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no game {path:?}")))
    }
}

/// The game's id, checked to be a game that exists (for routes that only read the store, where an
/// unknown game would otherwise look like an empty one).
async fn existing_game(state: &ApiState, path: &str) -> ApiResult<String> {
    let id = game_id(path)?;
    if state.service.game_meta(&id).await?.is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no game {id:?}")));
    }
    Ok(id)
}

pub async fn list(state: web::Data<ApiState>, _admin: Admin) -> ApiResult<HttpResponse> {
    let games = state.service.games(200).await?;
    let games: Vec<_> = games
        .into_iter()
        .map(|m| {
            json!({"id": m.id, "join_code": m.join_code, "kind": m.kind, "state": m.state,
                   "created_at_ms": m.created_at_ms, "updated_at_ms": m.updated_at_ms})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "games": games })))
}

pub async fn create(state: web::Data<ApiState>, _admin: Admin, config: Body<GameConfig>) -> ApiResult<HttpResponse> {
    let created = state.service.create_game(body(config)?).await?;
    Ok(HttpResponse::Created().json(created))
}

pub async fn get(state: web::Data<ApiState>, _admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let snapshot = state.service.snapshot(&game_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(snapshot))
}

pub async fn control(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    state.service.take_control(&game_id(&id)?, &admin.0).await?;
    Ok(HttpResponse::Ok().json(json!({"controlling": true})))
}

/// Runs a caller's command once this console controls the game; answers with the snapshot.
async fn run<F>(state: &ApiState, admin: &Admin, id: &str, command: F) -> ApiResult<HttpResponse>
where
    F: Fn(&mut bingo_core::Game, i64) -> Result<Vec<bingo_core::Event>, bingo_core::GameError>,
{
    let id = game_id(id)?;
    state.service.require_control(&id, &admin.0).await?;
    let events = state.service.command(&id, command).await?;
    Ok(HttpResponse::Ok().json(json!({"events": events, "snapshot": state.service.snapshot(&id).await?})))
}

pub async fn open(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &id, |g, now| g.open(now)).await
}

pub async fn start(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &id, |g, now| g.start(now)).await
}

pub async fn draw(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &id, |g, now| g.draw(now)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    number: u8,
}

pub async fn call(
    state: web::Data<ApiState>,
    admin: Admin,
    id: web::Path<String>,
    call: Body<Call>,
) -> ApiResult<HttpResponse> {
    let number = body(call)?.number;
    run(&state, &admin, &id, move |g, now| g.call_number(number, now)).await
}

pub async fn void(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &id, |g, now| g.void_last_call(now)).await
}

pub async fn pause(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &id, |g, now| g.pause(now)).await
}

/// Runs one of the service's own multi-step commands (resume, finish, auto-draw).
async fn run_service<F, Fut>(state: &ApiState, admin: &Admin, id: &str, f: F) -> ApiResult<HttpResponse>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = bingo_service::Result<()>>,
{
    let id = game_id(id)?;
    state.service.require_control(&id, &admin.0).await?;
    f(id.clone()).await?;
    Ok(HttpResponse::Ok().json(json!({"snapshot": state.service.snapshot(&id).await?})))
}

pub async fn resume(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let service = state.service.clone();
    run_service(&state, &admin, &id, |id| async move { service.resume(&id).await }).await
}

pub async fn finish(state: web::Data<ApiState>, admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let service = state.service.clone();
    run_service(&state, &admin, &id, |id| async move { service.finish(&id).await }).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoDraw {
    on: bool,
}

pub async fn auto_draw(
    state: web::Data<ApiState>,
    admin: Admin,
    id: web::Path<String>,
    auto: Body<AutoDraw>,
) -> ApiResult<HttpResponse> {
    let (service, on) = (state.service.clone(), body(auto)?.on);
    run_service(&state, &admin, &id, |id| async move { service.set_auto_draw(&id, on).await }).await
}

pub async fn players(state: web::Data<ApiState>, _admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = existing_game(&state, &id).await?;
    let players = state.service.players_of_game(&id).await?;
    let players: Vec<_> = players
        .into_iter()
        .map(|p| json!({"id": p.player.id, "nickname": p.player.nickname, "cards": p.cards, "joined_at_ms": p.player.created_at_ms}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "players": players })))
}

/// Every claim of the game, accepted or rejected, in order.
pub async fn claims(state: web::Data<ApiState>, _admin: Admin, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = existing_game(&state, &id).await?;
    let stored = state.service.claims(&id).await?;
    let claims: Vec<serde_json::Value> = stored.iter().filter_map(|e| serde_json::from_str(&e.payload).ok()).collect();
    Ok(HttpResponse::Ok().json(json!({ "claims": claims })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Serial {
    serial: u64,
}

/// The caller claims for a paper card read out in the hall; the engine decides.
pub async fn claim_paper(
    state: web::Data<ApiState>,
    admin: Admin,
    id: web::Path<String>,
    serial: Body<Serial>,
) -> ApiResult<HttpResponse> {
    let serial = body(serial)?.serial;
    let id = game_id(&id)?;
    state.service.require_control(&id, &admin.0).await?;
    let event = state.service.claim_paper(&id, serial).await?;
    Ok(HttpResponse::Ok().json(event))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct After {
    #[serde(default)]
    after: u64,
    limit: Option<u32>,
}

/// The stored log with its hash chain (for the ledger export).
pub async fn events(
    state: web::Data<ApiState>,
    _admin: Admin,
    id: web::Path<String>,
    query: web::Query<After>,
) -> ApiResult<HttpResponse> {
    let id = existing_game(&state, &id).await?;
    let (after, limit) = (query.after, query.limit.unwrap_or(1000).min(10_000));
    let stored = state.service.events_after(&id, after, limit).await?;
    let events: Vec<_> = stored
        .iter()
        .map(|e| {
            json!({"seq": e.seq, "at_ms": e.at_ms, "kind": e.kind, "payload": e.payload,
                   "prev_hash": hex::encode(e.prev_hash), "hash": hex::encode(e.hash)})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "events": events })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    count: u64,
}

pub async fn paper(
    state: web::Data<ApiState>,
    _admin: Admin,
    id: web::Path<String>,
    paper: Body<Paper>,
) -> ApiResult<HttpResponse> {
    let count = body(paper)?.count;
    let cards = state.service.issue_paper(&game_id(&id)?, count).await?;
    Ok(HttpResponse::Created().json(cards))
}

pub async fn check_card(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<(String, u64)>,
) -> ApiResult<HttpResponse> {
    let (id, serial) = path.into_inner();
    let check = state.service.check_card(&game_id(&id)?, serial).await?;
    Ok(HttpResponse::Ok().json(json!({"card": check.card, "verdict": check.verdict, "message": check.message})))
}
