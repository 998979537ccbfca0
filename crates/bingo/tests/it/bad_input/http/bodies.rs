//! Bad HTTP bodies: malformed JSON, wrong types, unknown or missing fields, oversize bodies.

use super::{case, Case, Scene};
use serde_json::{json, Value};

#[allow(clippy::vec_init_then_push)] // one push per case reads as a table
pub(super) fn cases(s: &Scene) -> Vec<Case> {
    let Scene { code, ann, admin, .. } = s;
    let g = |rest: &str| s.game(rest);
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
            .token(admin),
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
        .token(admin),
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
        .token(admin),
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
        .token(admin),
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
        .token(admin),
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
        .token(admin),
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
        .token(admin),
    );
    cases.push(case("on a string", "POST", &g("/auto-draw"), json!({"on": "yes"}), 400, "bad_request").token(admin));
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
        .token(admin),
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
        .token(admin),
    );
    cases.push(
        case("unknown auto-draw field", "POST", &g("/auto-draw"), json!({"on": true, "every": 3}), 400, "bad_request")
            .token(admin),
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
            .token(admin),
    );
    cases.push(case("negative after", "GET", &g("/events?after=-1"), Value::Null, 400, "bad_request").token(admin));
    cases.push(
        case("limit not a number", "GET", &g("/events?limit=lots"), Value::Null, 400, "bad_request").token(admin),
    );
    cases
        .push(case("limit over 10000", "GET", &g("/events?limit=10001"), Value::Null, 400, "bad_request").token(admin));
    cases.push(
        case(
            "prize over 2^53 - 1",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": 9_007_199_254_740_992_u64}]}),
            422,
            "invalid_game",
        )
        .token(admin),
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
        .token(admin),
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
    let body = json!({"text": big});
    cases.push(case("oversize announcement", "PUT", &g("/announcement"), body, 413, "payload_too_large").token(admin));
    cases.push(
        case("announcement as text/plain", "PUT", &g("/announcement"), Value::Null, 400, "bad_request")
            .raw(b"{\"text\":\"Eyes down\"}", "text/plain")
            .token(admin),
    );
    cases
}
