//! Who is asking: bearer tokens for consoles (admin sessions) and players.

use crate::{ApiError, ApiState};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use bingo_service::AdminSession;
use bingo_service::PlayerRow;
use std::future::Future;
use std::pin::Pin;

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("this needs an Authorization: Bearer token"))?;
    let value = header.to_str().map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    let token = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be: Bearer <token>"))?;
    Ok(token.to_string())
}

fn state(req: &HttpRequest) -> Result<web::Data<ApiState>, ApiError> {
    req.app_data::<web::Data<ApiState>>().cloned().ok_or_else(|| {
        ApiError::new(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR, "internal", "API state missing")
    })
}

type AuthFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Reads the bearer token and resolves it with `lookup` against the service.
fn authenticate<T, F, Fut>(req: &HttpRequest, lookup: F) -> AuthFuture<T>
where
    T: 'static,
    F: FnOnce(web::Data<ApiState>, String) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let found = bearer(req).and_then(|t| Ok((t, state(req)?)));
    Box::pin(async move {
        let (token, state) = found?;
        lookup(state, token).await
    })
}

/// A logged-in console.
pub struct Admin(pub AdminSession);

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, |state, token| async move { Ok(Admin(state.service.admin_session(&token).await?)) })
    }
}

/// A player, by the token they got when joining.
pub struct Player(pub PlayerRow);

impl FromRequest for Player {
    type Error = ApiError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, |state, token| async move { Ok(Player(state.service.player(&token).await?)) })
    }
}
