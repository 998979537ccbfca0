//! The routes. `ROUTES` lists every one; the OpenAPI document is tested against it.

mod admin;
mod games;
mod players;
mod system;

use actix_web::web;

/// Every route of the API as (method, path template).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("POST", "/api/v1/admin/login"),
    ("POST", "/api/v1/admin/logout"),
    ("GET", "/api/v1/games"),
    ("POST", "/api/v1/games"),
    ("GET", "/api/v1/games/{id}"),
    ("POST", "/api/v1/games/{id}/control"),
    ("POST", "/api/v1/games/{id}/open"),
    ("POST", "/api/v1/games/{id}/start"),
    ("POST", "/api/v1/games/{id}/draw"),
    ("POST", "/api/v1/games/{id}/call"),
    ("POST", "/api/v1/games/{id}/void"),
    ("POST", "/api/v1/games/{id}/auto-draw"),
    ("POST", "/api/v1/games/{id}/pause"),
    ("POST", "/api/v1/games/{id}/resume"),
    ("POST", "/api/v1/games/{id}/finish"),
    ("GET", "/api/v1/games/{id}/players"),
    ("GET", "/api/v1/games/{id}/claims"),
    ("POST", "/api/v1/games/{id}/claims"),
    ("GET", "/api/v1/games/{id}/events"),
    ("POST", "/api/v1/games/{id}/paper"),
    ("GET", "/api/v1/games/{id}/cards/{serial}"),
    ("GET", "/api/v1/screen/{join_code}"),
    ("GET", "/api/v1/screen/{join_code}/winners/{serial}"),
    ("GET", "/api/v1/patterns"),
    ("POST", "/api/v1/join"),
    ("POST", "/api/v1/recover"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/me/claims"),
    ("PUT", "/api/v1/me/daubs"),
];

pub fn register_system(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(system::health))
        .route("/ready", web::get().to(system::ready))
        .route("/metrics", web::get().to(system::metrics));
}

pub fn register(cfg: &mut web::ServiceConfig) {
    register_system(cfg);
    cfg.route("/api/openapi.json", web::get().to(system::openapi))
        .route("/api/v1/admin/login", web::post().to(admin::login))
        .route("/api/v1/admin/logout", web::post().to(admin::logout))
        .route("/api/v1/games", web::get().to(games::list))
        .route("/api/v1/games", web::post().to(games::create))
        .route("/api/v1/games/{id}", web::get().to(games::get))
        .route("/api/v1/games/{id}/control", web::post().to(games::control))
        .route("/api/v1/games/{id}/open", web::post().to(games::open))
        .route("/api/v1/games/{id}/start", web::post().to(games::start))
        .route("/api/v1/games/{id}/draw", web::post().to(games::draw))
        .route("/api/v1/games/{id}/call", web::post().to(games::call))
        .route("/api/v1/games/{id}/void", web::post().to(games::void))
        .route("/api/v1/games/{id}/auto-draw", web::post().to(games::auto_draw))
        .route("/api/v1/games/{id}/pause", web::post().to(games::pause))
        .route("/api/v1/games/{id}/resume", web::post().to(games::resume))
        .route("/api/v1/games/{id}/finish", web::post().to(games::finish))
        .route("/api/v1/games/{id}/players", web::get().to(games::players))
        .route("/api/v1/games/{id}/claims", web::get().to(games::claims))
        .route("/api/v1/games/{id}/claims", web::post().to(games::claim_paper))
        .route("/api/v1/games/{id}/events", web::get().to(games::events))
        .route("/api/v1/games/{id}/paper", web::post().to(games::paper))
        .route("/api/v1/games/{id}/cards/{serial}", web::get().to(games::check_card))
        .route("/api/v1/screen/{join_code}", web::get().to(players::screen))
        .route("/api/v1/screen/{join_code}/winners/{serial}", web::get().to(players::winner_card))
        .route("/api/v1/patterns", web::get().to(system::patterns))
        .route("/api/v1/join", web::post().to(players::join))
        .route("/api/v1/recover", web::post().to(players::recover))
        .route("/api/v1/me", web::get().to(players::me))
        .route("/api/v1/me/claims", web::post().to(players::claim))
        .route("/api/v1/me/daubs", web::put().to(players::daub));
    register_wrong_methods(cfg);
}

/// A known path asked with a method it does not answer gets 405 with the methods it does (in
/// `Allow`), not 404. Registered after every route, so only what they did not match reaches it.
fn register_wrong_methods(cfg: &mut web::ServiceConfig) {
    let mut paths: Vec<&str> = ROUTES.iter().map(|&(_, path)| path).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let allow: Vec<&str> = ROUTES.iter().filter(|&&(_, p)| p == path).map(|&(method, _)| method).collect();
        let allow = allow.join(", ");
        cfg.route(
            path,
            web::route().to(move || {
                let allow = allow.clone();
                async move { method_not_allowed(&allow) }
            }),
        );
    }
}

fn method_not_allowed(allow: &str) -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    let message = format!("this address answers {allow} only");
    let mut response =
        crate::ApiError::new(actix_web::http::StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message)
            .error_response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(actix_web::http::header::ALLOW, value);
    }
    response
}

/// A JSON body whose errors wait for the handler: actix runs a handler's extractors together, so
/// with a plain `web::Json` a bad body could be answered (400) before a bad token (401), depending
/// on which finished first. Handlers that need a token take this and call [`body`] after it.
pub(crate) type Body<T> = Result<web::Json<T>, actix_web::Error>;

/// The body, or the error the JSON config made of it.
pub(crate) fn body<T>(body: Body<T>) -> crate::ApiResult<T> {
    body.map(web::Json::into_inner).map_err(|e| match e.as_error::<crate::ApiError>() {
        Some(api) => crate::ApiError::new(api.status, api.code, api.message.clone()),
        None => crate::ApiError::bad_request(format!("the JSON body is not valid: {e}")),
    })
}

/// The client's IP address, for rate limits: the TCP peer's, or what a trusted proxy forwarded.
pub(crate) fn client_ip(req: &actix_web::HttpRequest, state: &crate::ApiState) -> std::net::IpAddr {
    state.trusted_proxies.client_ip(req.peer_addr().map(|a| a.ip()), req.headers())
}
