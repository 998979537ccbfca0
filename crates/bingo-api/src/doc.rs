//! The OpenAPI document. Each operation is declared once, on its handler (`#[utoipa::path]`
//! beside actix-web's route attribute), and registered through utoipa-actix-web, which collects
//! the operations and their schemas as the app is configured. Here: the document's frame (info,
//! security schemes, tags), the rules every operation follows (below, [`tidy`]), and [`finish`],
//! which serves the document and answers 405 on its paths, both from the document itself.

use crate::error::Body as ErrorBody;
use crate::routes::Document;
use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::web;
use std::collections::BTreeMap;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document3, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi, ToSchema};

/// The tags of operations that go to the game service (and so to the database).
const SERVICE_TAGS: [&str; 3] = ["console", "players", "screen"];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bingo platform API",
        description = "The HTTP API of the bingo platform.\n\n\
            Every error is a 4xx or 5xx with the body {\"error\": {\"code\", \"message\"}}; codes are stable, \
            messages are for people. Bad input of any kind is a 4xx.\n\n\
            Integers: JSON numbers without a fraction; a whole number written with one (7.0, 1e3) is \
            taken as that integer up to 2^53. Prizes are at most 2^53 - 1, so that a JavaScript \
            client reads every amount exactly. Lengths (maxLength) count characters (Unicode code \
            points), not bytes.\n\n\
            A request that is not HTTP/1.1 at all (a malformed request line or header) gets a bare \
            400 with no body, and a request with too many headers a bare 431: no route is \
            reached, so no error body can be given.\n\n\
            The realtime protocol (the WebSocket at /ws) is described in docs/PROTOCOL.md.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/")),
    components(schemas(ErrorBody)),
    tags(
        (name = "system", description = "Health, readiness, metrics, the patterns and this document."),
        (name = "console", description = "The caller's console: create and run games (a console session token). \
            These go to the game service: when its database does not answer in time they get 503 `unavailable`."),
        (name = "players", description = "Players: join, recover, the player's own view, claims and daubs (a player token). \
            These go to the game service: 503 `unavailable` as for the console."),
        (name = "screen", description = "What the hall's screen shows (no token). 503 `unavailable` as for the console."),
        (name = "web", description = "What the web apps need besides their files: where players go, QR codes."),
        (name = "realtime", description = "The WebSocket (docs/PROTOCOL.md)."),
    ),
    modifiers(&Rules),
)]
struct Frame;

/// The document before any operation is added (utoipa-actix-web adds them as routes register).
pub fn frame() -> Document3 {
    Frame::openapi()
}

/// The security schemes, and the rules applied to every operation when the document is finished.
struct Rules;

impl Modify for Rules {
    fn modify(&self, doc: &mut Document3) {
        let components = doc.components.get_or_insert_with(Default::default);
        for (name, description) in [
            ("adminBearer", "A console session token from POST /api/v1/admin/login."),
            ("playerBearer", "A player token from POST /api/v1/join or /api/v1/recover."),
        ] {
            let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build();
            components.add_security_scheme(name, SecurityScheme::Http(scheme));
        }
    }
}

fn error(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(ErrorBody::name()))).build();
    ResponseBuilder::new().description(description).content("application/json", content).build().into()
}

/// The rules every operation follows, written once here rather than on each handler:
/// - it states its authentication: a bearer scheme, or none (an empty list);
/// - with a token it may get 401; with a JSON body, 400 (not JSON, the wrong content type, a
///   field missing, unknown or of the wrong type) and 413 (over 64 KiB);
/// - one that goes to the game service (the tags in [`SERVICE_TAGS`]) may get 503.
fn tidy(doc: &mut Document3) {
    for item in doc.paths.paths.values_mut() {
        for op in operations(item) {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            op.security.get_or_insert_with(Vec::new);
            let has_body = op.request_body.is_some();
            let service = op.tags.iter().flatten().any(|t| SERVICE_TAGS.contains(&t.as_str()));
            let responses = &mut op.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses.entry(status.to_string()).or_insert_with(|| error(description));
            };
            if secured {
                add(
                    "401",
                    "`unauthorized`: no token, or not a valid one of this kind (Authorization: Bearer <token>).",
                );
            }
            if has_body {
                add(
                    "400",
                    "`bad_request`: the body is not a JSON object of this schema (not JSON, not \
                     application/json, a field missing, unknown or of the wrong type).",
                );
                add("413", "`payload_too_large`: the body is over 64 KiB.");
            }
            if service {
                add("503", "`unavailable`: the database did not answer in time; try again.");
            }
        }
    }
}

/// The operations of a path item, in a fixed order.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

/// Each documented path with the methods it answers, upper-case (for `Allow`).
pub fn methods(doc: &Document3) -> BTreeMap<String, Vec<&'static str>> {
    doc.paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("OPTIONS", item.options.is_some()),
                ("HEAD", item.head.is_some()),
                ("PATCH", item.patch.is_some()),
                ("TRACE", item.trace.is_some()),
            ];
            (path.clone(), methods.into_iter().filter(|&(_, on)| on).map(|(m, _)| m).collect())
        })
        .collect()
}

/// Finishes an app whose routes are all registered: applies the rules to the document, serves it
/// (GET /api/openapi.json, when registered), answers a documented path asked with another method
/// with 405 and `Allow`, and anything else with the API's 404. Returns the app and the document.
pub fn finish<T>(app: utoipa_actix_web::UtoipaApp<T>) -> (actix_web::App<T>, Document3)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let (app, mut doc) = app.split_for_parts();
    tidy(&mut doc);
    let json = doc.to_json().unwrap_or_else(|e| format!("{{\"error\": \"the document did not serialize: {e}\"}}"));
    let allow = methods(&doc);
    let app = app
        .app_data(web::Data::new(Document(web::Bytes::from(json))))
        .configure(|cfg| {
            // Registered after every route, so only what they did not match reaches these.
            for (path, methods) in allow {
                let allow = methods.join(", ");
                cfg.route(
                    &path,
                    web::route().to(move || {
                        let allow = allow.clone();
                        async move { method_not_allowed(&allow) }
                    }),
                );
            }
        })
        .default_service(web::to(crate::not_found));
    (app, doc)
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
