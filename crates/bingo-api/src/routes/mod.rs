//! The routes. Each handler is declared once: its `#[utoipa::path]` and actix-web attributes
//! give both its registration here and its operation in the OpenAPI document (crate::doc).

pub(crate) mod admin;
pub(crate) mod announcements;
pub(crate) mod claims;
pub(crate) mod games;
mod ledger;
pub(crate) mod players;
mod report;
pub(crate) mod sales;
pub(crate) mod sessions;
mod system;

use actix_web::{web, FromRequest};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use utoipa_actix_web::service_config::ServiceConfig;

pub(crate) use system::Document;

/// `/health`, `/ready` and `/metrics`: every role serves them.
pub fn register_system(cfg: &mut ServiceConfig) {
    cfg.service(system::health).service(system::ready).service(system::metrics);
}

/// The whole API.
pub fn register(cfg: &mut ServiceConfig) {
    register_system(cfg);
    cfg.service(system::openapi)
        .service(system::patterns)
        .service(admin::login)
        .service(admin::logout)
        .service(games::list)
        .service(games::create)
        .service(games::get)
        .service(games::control)
        .service(games::open)
        .service(games::start)
        .service(games::draw)
        .service(games::call)
        .service(games::void)
        .service(games::auto_draw)
        .service(games::pause)
        .service(games::resume)
        .service(games::finish)
        .service(games::players)
        .service(claims::claims)
        .service(ledger::ledger)
        .service(report::game_report)
        .service(report::game_report_csv)
        .service(claims::claim_paper)
        .service(games::events)
        .service(games::paper)
        .service(claims::check_card)
        .service(claims::checking)
        .service(announcements::announcement)
        .service(players::screen)
        .service(players::winner_card)
        .service(players::join)
        .service(players::recover)
        .service(players::me)
        .service(players::claim)
        .service(players::daub)
        .service(sessions::create)
        .service(sessions::list)
        .service(sessions::get)
        .service(sessions::screen_session)
        .service(sessions::report)
        .service(sessions::report_csv)
        .service(sessions::templates)
        .service(sessions::put_template)
        .service(sessions::delete_template)
        .service(sales::game_sales)
        .service(sales::books)
        .service(sales::snowball)
        .service(sales::set_snowball);
}

/// A JSON body whose errors wait for the handler: actix runs a handler's extractors together, so
/// a body refused by the extractor could be answered (400) before a bad token (401), depending on
/// which finished first. Handlers take this and call [`Json::get`] when the body's turn comes.
///
/// The body is read by actix's `Json` (the app's `JsonConfig`: size limit, content type, errors),
/// then decoded by [`crate::bodies::from_value`] (whole numbers written as floats are integers).
pub(crate) struct Json<T>(crate::ApiResult<T>);

impl<T> Json<T> {
    pub(crate) fn get(self) -> crate::ApiResult<T> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &actix_web::HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let body = value.await.map_err(|e| match e.as_error::<crate::ApiError>() {
                Some(api) => crate::ApiError::new(api.status, api.code, api.message.clone()),
                None => crate::ApiError::bad_request(format!("the JSON body is not valid: {e}")),
            });
            Ok(Json(body.and_then(|v| crate::bodies::from_value(v.into_inner()))))
        })
    }
}

/// A u64 that is at most 2^63 - 1, the range of JSON Schema's int64 and of the database's
/// integers: serials and sequence numbers (`#[serde(deserialize_with = "int64")]`).
pub(crate) fn int64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = <u64 as serde::Deserialize>::deserialize(d)?;
    if n > i64::MAX as u64 {
        return Err(serde::de::Error::custom(format!("{n} is over 2^63 - 1")));
    }
    Ok(n)
}

/// [`int64`] for a number that may be `null`.
pub(crate) fn int64_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match <Option<u64> as serde::Deserialize>::deserialize(d)? {
        Some(n) if n > i64::MAX as u64 => Err(serde::de::Error::custom(format!("{n} is over 2^63 - 1"))),
        other => Ok(other),
    }
}

/// The client's IP address, for rate limits: the TCP peer's, or what a trusted proxy forwarded.
pub(crate) fn client_ip(req: &actix_web::HttpRequest, state: &crate::ApiState) -> std::net::IpAddr {
    state.trusted_proxies.client_ip(req.peer_addr().map(|a| a.ip()), req.headers())
}

/// Refuses text longer than `max` characters (as JSON Schema's maxLength counts: Unicode code
/// points, not bytes).
pub(crate) fn at_most(field: &str, value: &str, max: usize) -> crate::ApiResult<()> {
    if value.chars().count() > max {
        return Err(crate::ApiError::bad_request(format!("{field} is longer than {max} characters")));
    }
    Ok(())
}
