//! Bad HTTP input: about 185 requests, each with its exact status and stable code.

use crate::game::{bin, ninety_ball};
use crate::support::{draw, post};
use bingo_testkit::{Backend, Http, Options, Platform, PASSPHRASE};
use serde_json::{json, Value};

/// One bad request and the answer it must get.
struct Case {
    what: String,
    method: &'static str,
    path: String,
    token: Option<String>,
    body: Vec<u8>,
    content_type: &'static str,
    status: u16,
    code: &'static str,
}

fn case(what: &str, method: &'static str, path: &str, body: Value, status: u16, code: &'static str) -> Case {
    let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    Case {
        what: what.into(),
        method,
        path: path.into(),
        token: None,
        body,
        content_type: "application/json",
        status,
        code,
    }
}

impl Case {
    fn token(mut self, token: &str) -> Case {
        self.token = Some(token.into());
        self
    }

    fn raw(mut self, body: &[u8], content_type: &'static str) -> Case {
        self.body = body.to_vec();
        self.content_type = content_type;
        self
    }
}

/// Sends a case; returns a description of what went wrong, if anything.
fn run_case(base: &str, c: &Case) -> Option<String> {
    let mut http = Http::new(base);
    http.token = c.token.clone();
    let (status, body) = http.send(c.method, &c.path, &c.body, c.content_type);
    let shown_path: String = c.path.chars().take(100).collect();
    let label = format!("{} ({} {shown_path})", c.what, c.method);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    let only_error = body.as_object().map(|o| o.len()) == Some(1);
    let ok = status == c.status && body["error"]["code"] == c.code && !message.is_empty() && only_error;
    (!ok).then(|| format!("{label}: expected {} {}, got {status} {body}", c.status, c.code))
}

fn run_all(base: &str, cases: &[Case]) {
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(base, c)).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn login(http: &Http) -> String {
    let (status, body) = http.post("/api/v1/admin/login", &json!({"passphrase": PASSPHRASE}));
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().expect("token").to_string()
}

#[test]
#[allow(clippy::vec_init_then_push)] // one push per case reads as a table
fn bad_http_input_gets_a_4xx_with_a_stable_code() {
    let mut platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let base = platform.api().base.clone();
    let http = platform.api().http();
    let console = platform.console();
    let admin = console.token.clone().expect("admin token");
    let (id, code) = platform.open_game(&console, ninety_ball());
    let mut manual = ninety_ball();
    manual["draw_mode"] = json!("manual");
    let (manual_id, _) = platform.open_game(&console, manual);
    post(&console, &format!("/api/v1/games/{manual_id}/start"));
    let ann = crate::game::join(&http, &code, "ann", 2);
    let bob = crate::game::join(&http, &code, "bob", 2);
    let paper = console.post(&format!("/api/v1/games/{id}/paper"), &json!({"count": 2}));
    assert_eq!(paper.0, 201, "{}", paper.1);
    let paper_serial = paper.1["first"].as_u64().expect("first");
    // A console token that has been logged out (as good as expired).
    let expired = login(&http);
    let (status, _) = http.with_token(&expired).post("/api/v1/admin/logout", &Value::Null);
    assert_eq!(status, 204);

    let g = |rest: &str| format!("/api/v1/games/{id}{rest}");
    let m = |rest: &str| format!("/api/v1/games/{manual_id}{rest}");
    let join_ok = json!({"join_code": code, "nickname": "cat"});
    let big = "x".repeat(70 * 1024);
    let mut cases = Vec::new();
    // Malformed JSON and not JSON at all.
    cases.push(
        case("truncated JSON", "POST", "/api/v1/join", Value::Null, 400, "bad_request")
            .raw(b"{\"join_code\":", "application/json"),
    );
    cases.push(
        case("not JSON", "POST", "/api/v1/join", Value::Null, 400, "bad_request")
            .raw(b"hello there", "application/json"),
    );
    cases.push(case("empty body", "POST", "/api/v1/join", Value::Null, 400, "bad_request"));
    cases.push(
        case("JSON null", "POST", "/api/v1/join", Value::Null, 400, "bad_request").raw(b"null", "application/json"),
    );
    cases.push(case("a JSON array", "POST", "/api/v1/join", json!([1, 2]), 400, "bad_request"));
    cases.push(
        case("invalid UTF-8", "POST", "/api/v1/join", Value::Null, 400, "bad_request")
            .raw(b"{\"join_code\":\"\xff\xfe\"}", "application/json"),
    );
    cases.push(
        case("JSON as text/plain", "POST", "/api/v1/join", Value::Null, 400, "bad_request")
            .raw(join_ok.to_string().as_bytes(), "text/plain"),
    );
    cases.push(
        case("deeply nested JSON", "POST", "/api/v1/join", Value::Null, 400, "bad_request")
            .raw(format!("{}{}", "[".repeat(5000), "]".repeat(5000)).as_bytes(), "application/json"),
    );
    cases.push(
        case("malformed create", "POST", "/api/v1/games", Value::Null, 400, "bad_request")
            .raw(b"{kind: 75}", "application/json")
            .token(&admin),
    );
    // Wrong types.
    cases.push(case(
        "join_code a number",
        "POST",
        "/api/v1/join",
        json!({"join_code": 5, "nickname": "x"}),
        400,
        "bad_request",
    ));
    cases.push(case(
        "cards a string",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "cards": "two"}),
        400,
        "bad_request",
    ));
    cases.push(case(
        "cards negative",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "cards": -1}),
        400,
        "bad_request",
    ));
    cases.push(case(
        "cards fractional",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "cards": 1.5}),
        400,
        "bad_request",
    ));
    cases.push(
        case(
            "kind a number",
            "POST",
            "/api/v1/games",
            json!({"kind": 75, "stages": [{"pattern": {"builtin": "any-line"}}]}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "kind unknown",
            "POST",
            "/api/v1/games",
            json!({"kind": "76", "stages": [{"pattern": {"builtin": "any-line"}}]}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "stages not a list",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": "any-line"}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "pattern a string",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": "any-line"}]}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "prize negative",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": -5}]}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "draw_mode unknown",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "draw_mode": "psychic"}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(case("on a string", "POST", &g("/auto-draw"), json!({"on": "yes"}), 400, "bad_request").token(&admin));
    cases.push(
        case("serial a string", "POST", "/api/v1/me/claims", json!({"serial": "1"}), 400, "bad_request")
            .token(&ann.token),
    );
    cases.push(case(
        "passphrase a number",
        "POST",
        "/api/v1/admin/login",
        json!({"passphrase": 12345678}),
        400,
        "bad_request",
    ));
    // Unknown or missing fields.
    cases.push(case(
        "unknown join field",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "admin": true}),
        400,
        "bad_request",
    ));
    cases.push(case("missing nickname", "POST", "/api/v1/join", json!({"join_code": code}), 400, "bad_request"));
    cases.push(
        case(
            "unknown game field",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "bonus": 1}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "unknown stage field",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "jackpot": 1}]}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case("unknown auto-draw field", "POST", &g("/auto-draw"), json!({"on": true, "every": 3}), 400, "bad_request")
            .token(&admin),
    );
    cases.push(
        case(
            "unknown claim field",
            "POST",
            "/api/v1/me/claims",
            json!({"serial": 1, "force": true}),
            400,
            "bad_request",
        )
        .token(&ann.token),
    );
    cases.push(
        case(
            "unknown daub field",
            "PUT",
            "/api/v1/me/daubs",
            json!({"serial": ann.serials[0], "number": 1, "colour": "red"}),
            400,
            "bad_request",
        )
        .token(&ann.token),
    );
    cases.push(
        case("unknown query parameter", "GET", &g("/events?after=0&bogus=1"), Value::Null, 400, "bad_request")
            .token(&admin),
    );
    cases.push(case("negative after", "GET", &g("/events?after=-1"), Value::Null, 400, "bad_request").token(&admin));
    cases.push(
        case("limit not a number", "GET", &g("/events?limit=lots"), Value::Null, 400, "bad_request").token(&admin),
    );
    cases.push(
        case("limit over 10000", "GET", &g("/events?limit=10001"), Value::Null, 400, "bad_request").token(&admin),
    );
    cases.push(
        case(
            "prize over 2^53 - 1",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": 9_007_199_254_740_992_u64}]}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    cases.push(case(
        "join code of 33 characters",
        "POST",
        "/api/v1/join",
        json!({"join_code": "\u{1F3B2}".repeat(33), "nickname": "x"}),
        400,
        "bad_request",
    ));
    // Oversize bodies (> 64 KiB).
    cases.push(case(
        "oversize join",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": big}),
        413,
        "payload_too_large",
    ));
    cases.push(
        case(
            "oversize create",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "currency": big}),
            413,
            "payload_too_large",
        )
        .token(&admin),
    );
    cases.push(case(
        "oversize login",
        "POST",
        "/api/v1/admin/login",
        json!({"passphrase": big}),
        413,
        "payload_too_large",
    ));
    cases.push(case(
        "long nickname",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "n".repeat(300)}),
        422,
        "invalid",
    ));
    // Unknown join codes.
    cases.push(case(
        "unknown join code",
        "POST",
        "/api/v1/join",
        json!({"join_code": "ZZZZZZ", "nickname": "x"}),
        404,
        "not_found",
    ));
    cases.push(case(
        "empty join code",
        "POST",
        "/api/v1/join",
        json!({"join_code": "", "nickname": "x"}),
        404,
        "not_found",
    ));
    cases.push(case(
        "long join code",
        "POST",
        "/api/v1/join",
        json!({"join_code": "Q".repeat(40), "nickname": "x"}),
        400,
        "bad_request",
    ));
    cases.push(case(
        "unknown recover code",
        "POST",
        "/api/v1/recover",
        json!({"join_code": "ZZZZZZ", "recovery_code": "AAAA-AAAA"}),
        404,
        "not_found",
    ));
    cases.push(case(
        "wrong recovery code",
        "POST",
        "/api/v1/recover",
        json!({"join_code": code, "recovery_code": "AAAA-AAAA"}),
        401,
        "unauthorized",
    ));
    cases.push(case("unknown screen", "GET", "/api/v1/screen/ZZZZZZ", Value::Null, 404, "not_found"));
    cases.push(case("emoji screen", "GET", "/api/v1/screen/%F0%9F%8E%B2%20%00", Value::Null, 404, "not_found"));
    cases.push(case(
        "long screen code",
        "GET",
        &format!("/api/v1/screen/{}", "Q".repeat(500)),
        Value::Null,
        400,
        "bad_request",
    ));
    // Bearer tokens: missing, malformed, forged, expired, and the wrong kind.
    cases.push(case("no token", "GET", "/api/v1/games", Value::Null, 401, "unauthorized"));
    cases.push(case("empty bearer", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(""));
    cases.push(
        case("garbage token", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token("!!! not a token !!!"),
    );
    cases.push(
        case("forged admin token", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(&"ab".repeat(32)),
    );
    cases.push(
        case("very long token", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(&"a".repeat(4000)),
    );
    cases.push(case("expired admin token", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(&expired));
    cases.push(case("expired admin draws", "POST", &g("/draw"), Value::Null, 401, "unauthorized").token(&expired));
    cases.push(
        case("player token as admin", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(&ann.token),
    );
    cases.push(
        case("player token starts a game", "POST", &g("/start"), Value::Null, 401, "unauthorized").token(&ann.token),
    );
    cases.push(case("admin token as player", "GET", "/api/v1/me", Value::Null, 401, "unauthorized").token(&admin));
    cases.push(
        case("admin token claims", "POST", "/api/v1/me/claims", json!({"serial": ann.serials[0]}), 401, "unauthorized")
            .token(&admin),
    );
    cases.push(
        case("forged player token", "GET", "/api/v1/me", Value::Null, 401, "unauthorized").token(&"cd".repeat(32)),
    );
    cases.push(case(
        "wrong passphrase",
        "POST",
        "/api/v1/admin/login",
        json!({"passphrase": "not the passphrase"}),
        401,
        "unauthorized",
    ));
    // Out-of-range numbers.
    cases.push(case("call 0", "POST", &m("/call"), json!({"number": 0}), 422, "out_of_range").token(&admin));
    cases.push(case("call 91", "POST", &m("/call"), json!({"number": 91}), 422, "out_of_range").token(&admin));
    cases.push(case("call 255", "POST", &m("/call"), json!({"number": 255}), 422, "out_of_range").token(&admin));
    cases.push(case("call 256", "POST", &m("/call"), json!({"number": 256}), 400, "bad_request").token(&admin));
    cases.push(case("call -1", "POST", &m("/call"), json!({"number": -1}), 400, "bad_request").token(&admin));
    cases.push(
        case("call in a random game", "POST", &g("/call"), json!({"number": 5}), 409, "wrong_mode").token(&admin),
    );
    cases.push(case("draw in a manual game", "POST", &m("/draw"), Value::Null, 409, "wrong_mode").token(&admin));
    cases.push(case("draw before the start", "POST", &g("/draw"), Value::Null, 409, "wrong_state").token(&admin));
    cases.push(
        case("auto-draw without interval", "POST", &g("/auto-draw"), json!({"on": true}), 422, "invalid").token(&admin),
    );
    cases.push(case("void with nothing called", "POST", &m("/void"), Value::Null, 409, "cannot_void").token(&admin));
    cases.push(case(
        "cards over the max",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "cards": 7}),
        422,
        "invalid",
    ));
    cases.push(case(
        "cards 0",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "cards": 0}),
        422,
        "invalid",
    ));
    cases.push(case(
        "cards 2^32",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "x", "cards": 4_294_967_296u64}),
        400,
        "bad_request",
    ));
    cases.push(case(
        "empty nickname",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "  "}),
        422,
        "invalid",
    ));
    cases.push(case(
        "control characters",
        "POST",
        "/api/v1/join",
        json!({"join_code": code, "nickname": "a\u{7}b"}),
        422,
        "invalid",
    ));
    cases.push(case("paper 0", "POST", &g("/paper"), json!({"count": 0}), 422, "invalid").token(&admin));
    cases.push(case("paper 1001", "POST", &g("/paper"), json!({"count": 1001}), 422, "invalid").token(&admin));
    cases.push(
        case(
            "max cards 0",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "max_cards_per_player": 0}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "max cards 70000",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "max_cards_per_player": 70000}),
            400,
            "bad_request",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "auto_draw_ms 5",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "auto_draw_ms": 5}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    cases.push(
        case("no stages", "POST", "/api/v1/games", json!({"kind": "75", "stages": []}), 422, "invalid_game")
            .token(&admin),
    );
    cases.push(
        case(
            "13 stages",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": vec![json!({"pattern": {"builtin": "any-line"}}); 13]}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "unknown pattern",
            "POST",
            "/api/v1/games",
            json!({"kind": "90", "stages": [{"pattern": {"builtin": "any-line"}}]}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    let empty_mask = json!({"custom": {"name": "none", "masks": [[".....", ".....", ".....", ".....", "....."]]}});
    cases.push(
        case(
            "empty custom mask",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": empty_mask}]}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    cases.push(
        case(
            "lower-case currency",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "currency": "gbp"}),
            422,
            "invalid_game",
        )
        .token(&admin),
    );
    cases.push(case("card serial 0", "GET", &g("/cards/0"), Value::Null, 404, "no_such_card").token(&admin));
    cases.push(
        case("card serial past the deck", "GET", &g("/cards/9223372036854775807"), Value::Null, 404, "no_such_card")
            .token(&admin),
    );
    cases.push(
        case("card serial over 2^63 - 1", "GET", &g("/cards/18446744073709551615"), Value::Null, 400, "bad_request")
            .token(&admin),
    );
    cases
        .push(case("card serial not a number", "GET", &g("/cards/abc"), Value::Null, 400, "bad_request").token(&admin));
    cases.push(case("card serial negative", "GET", &g("/cards/-1"), Value::Null, 400, "bad_request").token(&admin));
    cases.push(
        case("card serial 2^64", "GET", &g("/cards/18446744073709551616"), Value::Null, 400, "bad_request")
            .token(&admin),
    );
    // Claims and daubs for someone else's card (or none).
    cases.push(
        case("claim bob's card", "POST", "/api/v1/me/claims", json!({"serial": bob.serials[0]}), 403, "forbidden")
            .token(&ann.token),
    );
    cases.push(
        case("claim a paper card", "POST", "/api/v1/me/claims", json!({"serial": paper_serial}), 403, "forbidden")
            .token(&ann.token),
    );
    cases.push(
        case("claim an unissued card", "POST", "/api/v1/me/claims", json!({"serial": 99_999}), 403, "forbidden")
            .token(&ann.token),
    );
    cases.push(
        case("claim serial 2^63 - 1", "POST", "/api/v1/me/claims", json!({"serial": i64::MAX}), 403, "forbidden")
            .token(&ann.token),
    );
    cases.push(
        case(
            "claim serial over 2^63 - 1",
            "POST",
            "/api/v1/me/claims",
            json!({"serial": u64::MAX}),
            400,
            "bad_request",
        )
        .token(&ann.token),
    );
    cases.push(
        case("paper claim of ann's card", "POST", &g("/claims"), json!({"serial": ann.serials[0]}), 403, "forbidden")
            .token(&admin),
    );
    cases.push(
        case("paper claim of an unissued card", "POST", &g("/claims"), json!({"serial": 99_999}), 404, "not_found")
            .token(&admin),
    );
    cases.push(
        case(
            "daub bob's card",
            "PUT",
            "/api/v1/me/daubs",
            json!({"serial": bob.serials[0], "number": 1}),
            403,
            "forbidden",
        )
        .token(&ann.token),
    );
    cases.push(
        case("daub 0", "PUT", "/api/v1/me/daubs", json!({"serial": ann.serials[0], "number": 0}), 422, "invalid")
            .token(&ann.token),
    );
    cases.push(
        case(
            "daub 300",
            "PUT",
            "/api/v1/me/daubs",
            json!({"serial": ann.serials[0], "number": 300}),
            400,
            "bad_request",
        )
        .token(&ann.token),
    );
    // Nothing here.
    cases.push(case("no such path", "GET", "/api/v1/nothing", Value::Null, 404, "not_found"));
    cases.push(case("no such version", "GET", "/api/v2/games", Value::Null, 404, "not_found"));
    cases.push(case("wrong method", "DELETE", "/api/v1/games", Value::Null, 405, "method_not_allowed").token(&admin));
    cases.push(case("wrong method on a template", "DELETE", &g(""), Value::Null, 405, "method_not_allowed"));
    cases.push(case("GET where only PUT is", "GET", "/api/v1/me/daubs", Value::Null, 405, "method_not_allowed"));
    cases.push(case("traversal", "GET", "/api/v1/../../etc/passwd", Value::Null, 404, "not_found"));
    // Unknown game ids on every game route: unknown hex, non-hex, too long and very long.
    let long = "f".repeat(4000);
    let ids = ["0123456789abcdef01234567", "not-a-game", "%F0%9F%8E%B2", &"a".repeat(65), long.as_str()];
    let routes: &[(&'static str, &str, Value)] = &[
        ("GET", "", Value::Null),
        ("POST", "/control", Value::Null),
        ("POST", "/open", Value::Null),
        ("POST", "/start", Value::Null),
        ("POST", "/draw", Value::Null),
        ("POST", "/call", json!({"number": 5})),
        ("POST", "/void", Value::Null),
        ("POST", "/auto-draw", json!({"on": true})),
        ("POST", "/pause", Value::Null),
        ("POST", "/resume", Value::Null),
        ("POST", "/finish", Value::Null),
        ("GET", "/players", Value::Null),
        ("GET", "/claims", Value::Null),
        ("POST", "/claims", json!({"serial": 1})),
        ("GET", "/events", Value::Null),
        ("POST", "/paper", json!({"count": 1})),
        ("GET", "/cards/1", Value::Null),
    ];
    for unknown in ids {
        for (method, rest, body) in routes {
            let path = format!("/api/v1/games/{unknown}{rest}");
            cases.push(
                case(&format!("unknown game {rest}"), method, &path, body.clone(), 404, "not_found").token(&admin),
            );
        }
    }
    run_all(&base, &cases);
    // A wrong method is told which ones the address answers.
    let (_, body) = console.send("DELETE", "/api/v1/games", b"", "application/json");
    assert_eq!(body["error"]["message"], "this address answers GET, POST only", "{body}");

    // The barrage left the server up, well and unchanged.
    let node = platform.api_mut();
    assert!(node.is_running(), "the server died:\n{}", node.output());
    let (status, body) = node.http().get("/health");
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "{body}");
    assert!(!node.output().contains("panicked"), "{}", node.output());
    let (status, body) = console.get(&format!("/api/v1/games/{id}/players"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["players"].as_array().map(Vec::len), Some(2), "no bad join got in: {body}");
    let (status, body) = console.get("/api/v1/games");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["games"].as_array().map(Vec::len), Some(2), "no bad game was created: {body}");
    post(&console, &format!("/api/v1/games/{id}/start"));
    draw(&console, &id);
    let (status, body) = console.post(&format!("/api/v1/games/{manual_id}/call"), &json!({"number": 90}));
    assert_eq!(status, 200, "{body}");
}
