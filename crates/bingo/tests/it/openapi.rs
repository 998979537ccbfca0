//! The OpenAPI document (crates/bingo-api/openapi.json, served at /api/openapi.json): it is
//! OpenAPI 3.1, documents exactly the routes in `bingo_api::ROUTES`, each with a summary, its
//! auth and its error responses; and every documented route is really routed by the server,
//! with the auth the document says.

use crate::game::{bin, join, ninety_ball};
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn document() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bingo-api/openapi.json");
    let text = std::fs::read_to_string(&path).expect("openapi.json");
    serde_json::from_str(&text).expect("openapi.json is JSON")
}

/// Every (METHOD, path template) the document describes, with its operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            assert!(METHODS.contains(&method.as_str()), "{path}: unexpected key {method}");
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("only local refs: {r}"));
            doc.pointer(pointer).unwrap_or_else(|| panic!("{r} does not resolve"))
        }
        None => v,
    }
}

fn all_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().expect("a $ref is a string").to_string());
                } else {
                    all_refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| all_refs(v, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_openapi_3_1_and_matches_the_routes_exactly() {
    let doc = document();
    let version = doc["openapi"].as_str().expect("openapi");
    assert!(version.starts_with("3.1."), "OpenAPI 3.1.x, got {version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let documented: BTreeSet<(String, String)> = operations(&doc).into_iter().map(|(m, p, _)| (m, p)).collect();
    let routed: BTreeSet<(String, String)> =
        bingo_api::ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(routed.len(), bingo_api::ROUTES.len(), "ROUTES has duplicates");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "undocumented: {undocumented:?}; not in ROUTES: {unrouted:?}"
    );

    let mut refs = Vec::new();
    all_refs(&doc, &mut refs);
    for r in &refs {
        resolve(&doc, &json!({ "$ref": r }));
    }
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(error["properties"]["error"]["required"], json!(["code", "message"]));
    let schemes = &doc["components"]["securitySchemes"];
    for name in ["adminBearer", "playerBearer"] {
        assert_eq!((schemes[name]["type"].as_str(), schemes[name]["scheme"].as_str()), (Some("http"), Some("bearer")));
    }

    for (method, path, op) in operations(&doc) {
        let at = format!("{method} {path}");
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{at}: a summary");
        // Auth is always stated: none (an empty list), or one of the two bearer schemes.
        let security = op["security"].as_array().unwrap_or_else(|| panic!("{at}: security is stated"));
        let auth = op["x-auth"].as_str().unwrap_or_default();
        let expected = match auth {
            "admin" => json!([{"adminBearer": []}]),
            "player" => json!([{"playerBearer": []}]),
            "none" => json!([]),
            other => panic!("{at}: x-auth {other:?}"),
        };
        assert_eq!(&Value::Array(security.clone()), &expected, "{at}");
        // Path parameters are declared, one for each template variable.
        let vars: BTreeSet<String> =
            path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}').map(String::from)).collect();
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| resolve(&doc, p))
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().expect("name").to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(vars, declared, "{at}: path parameters");
        // Responses: at least one success; protected routes document 401 with the error body.
        let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{at}: responses"));
        assert!(responses.keys().any(|k| k.starts_with('2')), "{at}: a success response");
        if auth != "none" {
            let unauthorized = resolve(&doc, &op["responses"]["401"]);
            assert_eq!(
                unauthorized["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
                "{at}: 401 with the error body"
            );
        }
        for (status, r) in responses {
            if status.starts_with('4') {
                let r = resolve(&doc, r);
                assert_eq!(
                    r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
                    "{at} {status}"
                );
            }
        }
        if let Some(body) = op.get("requestBody") {
            let schema = resolve(&doc, &body["content"]["application/json"]["schema"]);
            assert_eq!(schema["type"], "object", "{at}: a JSON object body");
            assert!(schema["properties"].as_object().is_some_and(|p| !p.is_empty()), "{at}: its fields");
        }
    }
}

/// A request to `path` as `method`, with a JSON object body for methods that take one.
fn call(http: &Http, method: &str, path: &str, body: &Value) -> (u16, Value) {
    match method {
        "GET" => http.get(path),
        _ => http.send(method, path, body.to_string().as_bytes(), "application/json"),
    }
}

fn is_unrouted(status: u16, body: &Value) -> bool {
    status == 404
        && body["error"]["code"] == "not_found"
        && body["error"]["message"] == "there is nothing at this address"
}

#[test]
fn every_documented_route_is_routed_with_the_documented_auth() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let admin = console.token.clone().expect("token");
    let (id, code) = platform.open_game(&console, ninety_ball());
    let ann = join(&platform.api().http(), &code, "ann", 1);
    let anonymous = platform.api().http();
    let doc = document();

    // The server serves this very document.
    let (status, served) = anonymous.get("/api/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(served, doc, "the served document is crates/bingo-api/openapi.json");

    let mut failures = Vec::new();
    for (method, template, op) in operations(&doc) {
        let path = template
            .replace("{id}", &id)
            .replace("{serial}", &ann.serials[0].to_string())
            .replace("{join_code}", &code);
        let at = format!("{method} {template}");
        // With no token (and an empty object body): routed, and refused if the route needs a token.
        let (status, body) = call(&anonymous, &method, &path, &json!({}));
        if is_unrouted(status, &body) || status == 405 {
            failures.push(format!("{at}: not routed ({status} {body})"));
            continue;
        }
        let auth = op["x-auth"].as_str().unwrap_or_default();
        let refused = status == 401 && body["error"]["code"] == "unauthorized";
        if (auth != "none") != refused {
            failures.push(format!("{at}: documented auth {auth}, but without a token: {status} {body}"));
        }
        // The wrong kind of token is refused too.
        let wrong = match auth {
            "admin" => Some(&ann.token),
            "player" => Some(&admin),
            _ => None,
        };
        if let Some(token) = wrong {
            let (status, body) = call(&anonymous.with_token(token), &method, &path, &json!({}));
            if status != 401 {
                failures.push(format!("{at}: the other kind of token got {status} {body}"));
            }
        }
        // With the right token, a body with a field the document does not list is refused.
        if op.get("requestBody").is_some() {
            let right = if auth == "player" { &ann.token } else { &admin };
            let (status, body) = call(&anonymous.with_token(right), &method, &path, &json!({"not_documented": 1}));
            if status != 400 || body["error"]["code"] != "bad_request" {
                failures.push(format!("{at}: an undocumented field got {status} {body}"));
            }
        }
    }
    // And something that is not documented is not routed.
    let (status, body) = anonymous.get("/api/v1/not-documented");
    assert!(is_unrouted(status, &body), "{status} {body}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
