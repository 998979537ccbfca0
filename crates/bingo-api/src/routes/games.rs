//! The caller's console: create and run games, players, paper cards (claims: `claims.rs`).

use super::Json;
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiError, ApiResult, ApiState};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use bingo_core::{Event, GameConfig, GameKind, GameState};
use bingo_service::{CreatedGame, PaperCards, Snapshot};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The largest `limit` of GET /events.
const MAX_EVENTS_PAGE: u32 = 10_000;

/// A game's address.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GamePath {
    /// The game's id (hex); any other text is 404.
    #[param(pattern = "^[0-9a-fA-F]{1,64}$")]
    pub(super) id: String,
}

pub(super) fn game_id(path: &str) -> ApiResult<String> {
    let ok = !path.is_empty() && path.len() <= 64 && path.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(path.to_ascii_lowercase())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no game {path:?}")))
    }
}

/// The game's id, checked to be a game that exists (for routes that only read the store, where an
/// unknown game would otherwise look like an empty one).
pub(super) async fn existing_game(state: &ApiState, path: &str) -> ApiResult<String> {
    let id = game_id(path)?;
    if state.service.game_meta(&id).await?.is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no game {id:?}")));
    }
    Ok(id)
}

/// One game in the list.
#[derive(Serialize, ToSchema)]
pub struct GameSummary {
    id: String,
    /// The game's name (empty when it has none): untrusted text, to show as text.
    #[schema(examples("Charity night – game 1"))]
    name: String,
    join_code: String,
    kind: GameKind,
    state: GameState,
    /// Unix time in milliseconds.
    created_at_ms: i64,
    /// Unix time in milliseconds.
    updated_at_ms: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Games {
    /// Newest first.
    games: Vec<GameSummary>,
}

/// The latest games (up to 200).
#[utoipa::path(tag = "console", operation_id = "list_games", security(("adminBearer" = [])), responses(
    (status = 200, description = "Games, newest first.", body = Games),
))]
#[get("/api/v1/games")]
pub async fn list(state: web::Data<ApiState>, _admin: Admin) -> ApiResult<HttpResponse> {
    let games = state.service.games(200).await?;
    let games = games
        .into_iter()
        .map(|m| GameSummary {
            id: m.id,
            name: m.name,
            join_code: m.join_code,
            kind: m.kind,
            state: m.state,
            created_at_ms: m.created_at_ms,
            updated_at_ms: m.updated_at_ms,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Games { games }))
}

/// Create a game: a fresh seed is drawn and its commitment published.
#[utoipa::path(tag = "console", operation_id = "create_game", security(("adminBearer" = [])),
    request_body(content = GameConfig, example = json!({"kind": "90", "stages": [
        {"pattern": {"builtin": "one-line"}, "prize": 1000},
        {"pattern": {"builtin": "two-lines"}, "prize": 2000},
        {"pattern": {"builtin": "full-house"}, "prize": 5000}], "currency": "GBP", "name": "Charity night – game 1"})),
    responses(
        (status = 201, description = "Created.", body = CreatedGame),
        (status = 400, description = "`bad_request`: the body is not settings of this schema, or the name is longer than 80 characters or holds a control character.", body = ErrorBody),
        (status = 422, description = "`invalid_game`: the settings break a rule (the message says which); `invalid`.", body = ErrorBody),
    ))]
#[post("/api/v1/games")]
pub async fn create(state: web::Data<ApiState>, _admin: Admin, config: Json<GameConfig>) -> ApiResult<HttpResponse> {
    let created = state.service.create_game(config.get()?).await?;
    Ok(HttpResponse::Created().json(created))
}

/// A game's snapshot.
#[utoipa::path(tag = "console", operation_id = "get_game", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "The game.", body = Snapshot),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}")]
pub async fn get(state: web::Data<ApiState>, _admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let snapshot = state.service.snapshot(&game_id(&path.id)?).await?;
    Ok(HttpResponse::Ok().json(snapshot))
}

#[derive(Serialize, ToSchema)]
pub struct Controlling {
    /// Always true: this console now controls the game.
    controlling: bool,
}

/// Take control of a game from whichever console had it.
#[utoipa::path(tag = "console", operation_id = "take_control", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "This console controls the game.", body = Controlling),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`conflict`: another console took control at the same moment; try again.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/control")]
pub async fn control(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    state.service.take_control(&game_id(&path.id)?, &admin.0).await?;
    Ok(HttpResponse::Ok().json(Controlling { controlling: true }))
}

/// The events a command committed and the game after them.
#[derive(Serialize, ToSchema)]
pub struct CommandResult {
    events: Vec<Event>,
    snapshot: Snapshot,
}

/// Runs a caller's command once this console controls the game; answers with the snapshot.
async fn run<F>(state: &ApiState, admin: &Admin, id: &str, command: F) -> ApiResult<HttpResponse>
where
    F: Fn(&mut bingo_core::Game, i64) -> Result<Vec<bingo_core::Event>, bingo_core::GameError>,
{
    let id = game_id(id)?;
    state.service.require_control(&id, &admin.0).await?;
    let committed = state.service.command(&id, command).await?;
    Ok(HttpResponse::Ok().json(CommandResult { events: committed, snapshot: state.service.snapshot(&id).await? }))
}

/// Open the game for players to join.
#[utoipa::path(tag = "console", operation_id = "open_game", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Committed; the events and the game after them.", body = CommandResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not being set up; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/open")]
pub async fn open(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &path.id, |g, now| g.open(now)).await
}

/// Start calling balls (a game with a snowball is offered the hall's pot first).
#[utoipa::path(tag = "console", operation_id = "start_game", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Committed; the events and the game after them.", body = CommandResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not open; `conflict`: another console controls the game (take control first), another command went first, or another game is playing for the snowball (end it first).", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/start")]
pub async fn start(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let id = game_id(&path.id)?;
    state.service.require_control(&id, &admin.0).await?;
    // The service's start: a game with a snowball is offered the hall's pot first.
    let committed = state.service.start_game(&id).await?;
    Ok(HttpResponse::Ok().json(CommandResult { events: committed, snapshot: state.service.snapshot(&id).await? }))
}

/// Draw the next ball (random mode); settles a won stage first.
#[utoipa::path(tag = "console", operation_id = "draw_ball", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Committed; the events and the game after them.", body = CommandResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state` (not running), `wrong_mode` (a manual game), `all_balls_drawn` or `final_stage_won`; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/draw")]
pub async fn draw(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &path.id, |g, now| g.draw(now)).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// In range for the game's kind (1-75, 1-90, 1-80, 1-30); out of range is 422 `out_of_range`.
    #[schema(minimum = 1, maximum = 90, examples(42))]
    number: u8,
}

/// Call a ball from the ball machine (manual mode).
#[utoipa::path(tag = "console", operation_id = "call_ball", security(("adminBearer" = [])), params(GamePath), request_body = Call, responses(
    (status = 200, description = "Committed; the events and the game after them.", body = CommandResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state` (not running), `wrong_mode` (a random game), `already_called` or `final_stage_won`; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
    (status = 422, description = "`out_of_range`: not a ball of this kind of game.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/call")]
pub async fn call(
    state: web::Data<ApiState>,
    admin: Admin,
    path: web::Path<GamePath>,
    body: Json<Call>,
) -> ApiResult<HttpResponse> {
    let number = body.get()?.number;
    run(&state, &admin, &path.id, move |g, now| g.call_number(number, now)).await
}

/// Take back a mis-keyed manual call before the next ball.
#[utoipa::path(tag = "console", operation_id = "void_call", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Committed; the events and the game after them.", body = CommandResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state`, `wrong_mode` (a random game) or `cannot_void` (nothing to take back, or a claim was made on it); `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/void")]
pub async fn void(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &path.id, |g, now| g.void_last_call(now)).await
}

/// Pause the game.
#[utoipa::path(tag = "console", operation_id = "pause_game", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Committed; the events and the game after them.", body = CommandResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not running; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/pause")]
pub async fn pause(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    run(&state, &admin, &path.id, |g, now| g.pause(now)).await
}

/// The game after a command.
#[derive(Serialize, ToSchema)]
pub struct SnapshotResult {
    snapshot: Snapshot,
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
    Ok(HttpResponse::Ok().json(SnapshotResult { snapshot: state.service.snapshot(&id).await? }))
}

/// Resume a paused game (restarts the auto-draw countdown).
#[utoipa::path(tag = "console", operation_id = "resume_game", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Done; the game after it.", body = SnapshotResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game is not paused; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/resume")]
pub async fn resume(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let service = state.service.clone();
    run_service(&state, &admin, &path.id, |id| async move { service.resume(&id).await }).await
}

/// Finish the game and reveal its seed.
#[utoipa::path(tag = "console", operation_id = "finish_game", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Done; the game after it.", body = SnapshotResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state`: the game has already finished; `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/finish")]
pub async fn finish(state: web::Data<ApiState>, admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let service = state.service.clone();
    run_service(&state, &admin, &path.id, |id| async move { service.finish(&id).await }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoDraw {
    on: bool,
}

/// Turn auto-draw on or off (random mode, auto_draw_ms set, running).
#[utoipa::path(tag = "console", operation_id = "set_auto_draw", security(("adminBearer" = [])), params(GamePath), request_body = AutoDraw, responses(
    (status = 200, description = "Done; the game after it.", body = SnapshotResult),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`wrong_state` (not running) or `wrong_mode` (a manual game); `conflict`: another console controls the game (take control first), or another command went first.", body = ErrorBody),
    (status = 422, description = "`invalid`: the game has no auto_draw_ms.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/auto-draw")]
pub async fn auto_draw(
    state: web::Data<ApiState>,
    admin: Admin,
    path: web::Path<GamePath>,
    body: Json<AutoDraw>,
) -> ApiResult<HttpResponse> {
    let (service, on) = (state.service.clone(), body.get()?.on);
    run_service(&state, &admin, &path.id, |id| async move { service.set_auto_draw(&id, on).await }).await
}

/// One player of a game.
#[derive(Serialize, ToSchema)]
pub struct PlayerSummary {
    id: String,
    nickname: String,
    /// How many cards the player holds.
    cards: u64,
    /// Unix time in milliseconds.
    joined_at_ms: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Players {
    /// In joining order.
    players: Vec<PlayerSummary>,
}

/// The game's players.
#[utoipa::path(tag = "console", operation_id = "list_players", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "Players, in joining order.", body = Players),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/players")]
pub async fn players(state: web::Data<ApiState>, _admin: Admin, path: web::Path<GamePath>) -> ApiResult<HttpResponse> {
    let id = existing_game(&state, &path.id).await?;
    let rows = state.service.players_of_game(&id).await?;
    let found = rows
        .into_iter()
        .map(|p| PlayerSummary {
            id: p.player.id,
            nickname: p.player.nickname,
            cards: p.cards,
            joined_at_ms: p.player.created_at_ms,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Players { players: found }))
}

/// Which page of the log.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct After {
    /// Events after this sequence number.
    #[serde(default, deserialize_with = "super::int64")]
    #[param(minimum = 0, maximum = 9223372036854775807_usize, default = 0)]
    after: u64,
    /// At most this many events.
    #[param(minimum = 0, maximum = 10000, default = 1000)]
    limit: Option<u32>,
}

/// One stored event with its place in the hash chain.
#[derive(Serialize, ToSchema)]
pub struct LedgerEvent {
    #[schema(minimum = 1)]
    seq: u64,
    /// Unix time in milliseconds.
    at_ms: i64,
    /// The event's type (`ball_called`, ...).
    kind: String,
    /// The event as stored (JSON text); its hash is chained from this text.
    payload: String,
    /// The previous event's hash (hex; 64 zeros before the first).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    prev_hash: String,
    /// SHA-256 over the previous hash, the seq and the payload (hex).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    hash: String,
}

#[derive(Serialize, ToSchema)]
pub struct Ledger {
    /// Oldest first.
    events: Vec<LedgerEvent>,
}

/// The stored log with its hash chain (the ledger).
#[utoipa::path(tag = "console", operation_id = "list_events", security(("adminBearer" = [])), params(GamePath, After), responses(
    (status = 200, description = "Events after `after`, oldest first.", body = Ledger),
    (status = 400, description = "`bad_request`: the query string is not valid (an unknown parameter, or a value out of range).", body = ErrorBody),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/events")]
pub async fn events(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<GamePath>,
    query: web::Query<After>,
) -> ApiResult<HttpResponse> {
    let limit = query.limit.unwrap_or(1000);
    if limit > MAX_EVENTS_PAGE {
        return Err(ApiError::bad_request(format!("limit is at most {MAX_EVENTS_PAGE}")));
    }
    let id = existing_game(&state, &path.id).await?;
    let after = query.after;
    let stored = state.service.events_after(&id, after, limit).await?;
    let page = stored
        .into_iter()
        .map(|e| LedgerEvent {
            seq: e.seq,
            at_ms: e.at_ms,
            kind: e.kind,
            payload: e.payload,
            prev_hash: hex::encode(e.prev_hash),
            hash: hex::encode(e.hash),
        })
        .collect();
    Ok(HttpResponse::Ok().json(Ledger { events: page }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    #[schema(minimum = 1, maximum = 1000, examples(50))]
    count: u64,
}

/// Issue paper cards for printing.
#[utoipa::path(tag = "console", operation_id = "issue_paper", security(("adminBearer" = [])), params(GamePath), request_body = Paper, responses(
    (status = 201, description = "The cards issued.", body = PaperCards),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
    (status = 409, description = "`sales_closed`: the first ball has been called and the game does not allow late entry; `conflict`.", body = ErrorBody),
    (status = 422, description = "`invalid`: count is not 1 to 1000, or the game has no more serials.", body = ErrorBody),
))]
#[post("/api/v1/games/{id}/paper")]
pub async fn paper(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<GamePath>,
    body: Json<Paper>,
) -> ApiResult<HttpResponse> {
    let count = body.get()?.count;
    let cards = state.service.issue_paper(&game_id(&path.id)?, count).await?;
    Ok(HttpResponse::Created().json(cards))
}
