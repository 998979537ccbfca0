//! The OpenAPI document, as the server serves it at /api/openapi.json (made from the handlers'
//! declarations; the unit test `server::tests` checks it names exactly the routes registered):
//! it is OpenAPI 3.1, every operation has a summary, its auth and its error responses; every
//! documented route is really routed, with the auth the document says; and where the document
//! makes a promise about input (integers, lengths, bounds), the server keeps it.

use crate::game::{bin, join, ninety_ball};
use crate::support::post;
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn served(http: &Http) -> Value {
    let (status, doc) = http.get("/api/openapi.json");
    assert_eq!(status, 200, "{doc}");
    doc
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

/// Follows local `$ref`s (`#/components/...`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("only local refs: {r}"));
            resolve(doc, doc.pointer(pointer).unwrap_or_else(|| panic!("{r} does not resolve")))
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

/// Which token an operation needs: "admin", "player" or "none", from its `security`.
fn auth(op: &Value) -> &'static str {
    let security = op["security"].as_array().expect("security is stated");
    match security.as_slice() {
        [] => "none",
        [one] if one == &json!({"adminBearer": []}) => "admin",
        [one] if one == &json!({"playerBearer": []}) => "player",
        other => panic!("security {other:?}"),
    }
}

/// Every integer schema reachable from `v` (through refs, properties, items and combinators),
/// with where it was found.
fn integers<'a>(doc: &'a Value, v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>, depth: usize) {
    let v = resolve(doc, v);
    if depth > 12 {
        return;
    }
    let is_integer = v["type"] == "integer" || v["type"].as_array().is_some_and(|t| t.contains(&json!("integer")));
    if is_integer {
        out.push((at.clone(), v));
    }
    if let Some(props) = v["properties"].as_object() {
        for (name, p) in props {
            integers(doc, p, format!("{at}.{name}"), out, depth + 1);
        }
    }
    for key in ["items", "additionalProperties"] {
        if v[key].is_object() {
            integers(doc, &v[key], format!("{at}[]"), out, depth + 1);
        }
    }
    for key in ["oneOf", "allOf", "anyOf", "prefixItems"] {
        for (i, s) in v[key].as_array().into_iter().flatten().enumerate() {
            integers(doc, s, format!("{at}|{i}"), out, depth + 1);
        }
    }
}

fn check_document(doc: &Value) {
    let version = doc["openapi"].as_str().expect("openapi");
    assert!(version.starts_with("3.1."), "OpenAPI 3.1.x, got {version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let mut refs = Vec::new();
    all_refs(doc, &mut refs);
    for r in &refs {
        resolve(doc, &json!({ "$ref": r }));
    }
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(error["required"], json!(["error"]));
    assert_eq!(resolve(doc, &error["properties"]["error"])["required"], json!(["code", "message"]));
    let schemes = &doc["components"]["securitySchemes"];
    for name in ["adminBearer", "playerBearer"] {
        assert_eq!((schemes[name]["type"].as_str(), schemes[name]["scheme"].as_str()), (Some("http"), Some("bearer")));
    }
    // Endpoints the hand-written document used to leave out (#15).
    for path in ["/ws", "/qr.svg", "/api/v1/web/config"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
    }

    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(doc) {
        let at = format!("{method} {path}");
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{at}: a summary");
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{at}: an operationId"));
        assert!(ids.insert(id.to_string()), "{at}: operationId {id} is used twice");
        let auth = auth(&op);
        // Path parameters are declared, one for each template variable.
        let vars: BTreeSet<String> =
            path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}').map(String::from)).collect();
        let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().map(|p| resolve(doc, p)).collect();
        let declared: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().expect("name").to_string())
            .collect();
        assert_eq!(vars, declared, "{at}: path parameters");
        // Responses: at least one success; protected routes document 401 with the error body; every
        // 4xx has the error body; every 429 says when to retry.
        let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{at}: responses"));
        let success = |k: &String| k.starts_with('2') || k.starts_with('3') || k == "101";
        assert!(responses.keys().any(success), "{at}: a success response");
        if auth != "none" {
            assert!(responses.contains_key("401"), "{at}: 401");
        }
        for (status, r) in responses {
            let r = resolve(doc, r);
            assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()), "{at} {status}: a description");
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
                    "{at} {status}"
                );
            }
            if status == "429" {
                assert!(r["headers"]["Retry-After"]["schema"]["type"] == "integer", "{at}: 429 documents Retry-After");
            }
        }
        // Every integer a client sends is bounded (serials and sequence numbers by 2^64 - 1).
        let mut sent = Vec::new();
        for p in &params {
            integers(doc, &p["schema"], format!("parameter {}", p["name"]), &mut sent, 0);
        }
        if let Some(body) = op.get("requestBody") {
            let schema = resolve(doc, &body["content"]["application/json"]["schema"]);
            assert_eq!(schema["type"], "object", "{at}: a JSON object body");
            assert!(schema["properties"].as_object().is_some_and(|p| !p.is_empty()), "{at}: its fields");
            assert_eq!(schema["additionalProperties"], false, "{at}: unknown fields are refused");
            integers(doc, schema, "body".into(), &mut sent, 0);
            assert!(responses.contains_key("400") && responses.contains_key("413"), "{at}: 400 and 413 for bodies");
        }
        for (field, schema) in sent {
            assert!(schema["maximum"].is_number() && schema["minimum"].is_number(), "{at}: {field} is bounded");
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
    let doc = served(&anonymous);
    check_document(&doc);

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
        let auth = auth(&op);
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
        // A method the path does not document gets 405 with the documented ones in Allow.
        let documented: Vec<String> =
            doc["paths"][&template].as_object().expect("path item").keys().map(|m| m.to_uppercase()).collect();
        if !documented.contains(&"DELETE".to_string()) {
            let (status, _) = anonymous.send("DELETE", &path, b"", "application/json");
            if status != 405 {
                failures.push(format!("{at}: DELETE, not documented, got {status}"));
            }
        }
    }
    // And something that is not documented is not routed.
    let (status, body) = anonymous.get("/api/v1/not-documented");
    assert!(is_unrouted(status, &body), "{status} {body}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue #15's list of places where the document and the server disagreed, each now kept.
#[test]
fn the_server_keeps_what_the_document_says() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let http = platform.api().http();
    let doc = served(&http);
    let (id, code) = platform.open_game(&console, ninety_ball());

    // maxLength counts characters: a join code of 32 four-byte characters is not "too long" (it is
    // simply no game's code); 33 are (the bad_input table checks that).
    let dice = "\u{1F3B2}".repeat(32);
    let (status, body) = http.post("/api/v1/join", &json!({"join_code": dice, "nickname": "x"}));
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
    let max_code = &doc["components"]["schemas"]["Join"]["properties"]["join_code"]["maxLength"];
    assert_eq!(max_code, 32);

    // An integer written as 7.0 is the integer 7 (JSON Schema counts it as one).
    let (status, body) = http.post("/api/v1/join", &json!({"join_code": code, "nickname": "ann", "cards": 2.0}));
    assert_eq!(status, 201, "{body}");
    let ann_token = body["player_token"].as_str().expect("token").to_string();
    let serial = body["cards"][0]["serial"].as_u64().expect("serial");
    let (status, body) = console.post(&format!("/api/v1/games/{id}/paper"), &json!({"count": 1e0}));
    assert_eq!(status, 201, "{body}");

    // limit: at most 10000, as documented.
    let limit = &doc["paths"]["/api/v1/games/{id}/events"]["get"]["parameters"][2];
    assert_eq!((limit["name"].as_str(), &limit["schema"]["maximum"]), (Some("limit"), &json!(10000)));
    let (status, _) = console.get(&format!("/api/v1/games/{id}/events?limit=10000"));
    assert_eq!(status, 200);
    let (status, body) = console.get(&format!("/api/v1/games/{id}/events?limit=10001"));
    assert_eq!(status, 400, "{body}");

    // Prizes: at most 2^53 - 1, documented and enforced.
    let prize = &doc["components"]["schemas"]["StageSpec"]["properties"]["prize"]["maximum"];
    assert_eq!(prize, &json!(9_007_199_254_740_991_u64));
    let mut config = ninety_ball();
    config["stages"][0]["prize"] = json!(9_007_199_254_740_991_u64);
    let (status, body) = console.post("/api/v1/games", &config);
    assert_eq!(status, 201, "{body}");

    // Daubing a number that has not been called is the player's own mark: accepted, and said so.
    post(&console, &format!("/api/v1/games/{id}/start"));
    let me = http.with_token(&ann_token);
    let (status, view) = me.get("/api/v1/me");
    assert_eq!(status, 200);
    let number = view["cards"][0]["grid"]
        .as_array()
        .expect("grid")
        .iter()
        .flat_map(|row| row.as_array().expect("row").iter().filter_map(Value::as_u64).collect::<Vec<_>>());
    let number = number.into_iter().next().expect("a number");
    let (status, body) = me.send(
        "PUT",
        "/api/v1/me/daubs",
        json!({"serial": serial, "number": number}).to_string().as_bytes(),
        "application/json",
    );
    assert_eq!(status, 204, "{body}");
    let daub = &doc["paths"]["/api/v1/me/daubs"]["put"]["description"];
    assert!(daub.as_str().is_some_and(|d| d.contains("called or not")), "{daub}");

    // A card check once every stage is settled answers 409 `wrong_state`, which the document lists.
    let speed = json!({"kind": "30", "draw_mode": "manual", "stages": [{"pattern": {"builtin": "full-card"}}]});
    let (speed_id, _) = platform.open_game(&console, speed);
    let (status, paper) = console.post(&format!("/api/v1/games/{speed_id}/paper"), &json!({"count": 1}));
    assert_eq!(status, 201, "{paper}");
    let card = &paper["cards"][0];
    post(&console, &format!("/api/v1/games/{speed_id}/start"));
    for number in card["grid"].as_array().expect("grid").iter().flat_map(|r| r.as_array().expect("row").clone()) {
        if let Some(n) = number.as_u64() {
            let (status, body) = console.post(&format!("/api/v1/games/{speed_id}/call"), &json!({"number": n}));
            assert_eq!(status, 200, "{body}");
        }
    }
    let (status, claim) = console.post(&format!("/api/v1/games/{speed_id}/claims"), &json!({"serial": card["serial"]}));
    assert_eq!((status, claim["type"].as_str()), (200, Some("claim_accepted")), "{claim}");
    post(&console, &format!("/api/v1/games/{speed_id}/finish"));
    let (status, body) = console.get(&format!("/api/v1/games/{speed_id}/cards/{}", card["serial"]));
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("wrong_state")), "{body}");
    assert!(doc["paths"]["/api/v1/games/{id}/cards/{serial}"]["get"]["responses"]["409"].is_object());
    let _ = id;

    // Malformed HTTP reaches no route: a bare 400 (431 for too many headers), as the document's
    // description says.
    let description = doc["info"]["description"].as_str().expect("description");
    assert!(description.contains("bare 400") && description.contains("431"), "{description}");
    let (status, body) = raw(&platform.api().base, b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n");
    assert_eq!((status, body.as_str()), (400, ""));
    let many: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let big = format!("GET /health HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    let (status, body) = raw(&platform.api().base, big.as_bytes());
    assert_eq!((status, body.as_str()), (431, ""));
}

/// Sends raw bytes; the status and body of the answer.
fn raw(base: &str, request: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).expect("timeout");
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}
