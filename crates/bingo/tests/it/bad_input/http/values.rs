//! Bad values in good shapes: join codes, bearer tokens, out-of-range numbers, someone else's card, unknown addresses and games.

use super::{case, Case, Scene};
use serde_json::{json, Value};

#[allow(clippy::vec_init_then_push)] // one push per case reads as a table
pub(super) fn cases(s: &Scene) -> Vec<Case> {
    let Scene { code, ann, bob, paper_serial, admin, expired, .. } = s;
    let g = |rest: &str| s.game(rest);
    let m = |rest: &str| s.manual(rest);
    let mut cases = Vec::new();
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
    cases.push(case("expired admin token", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(expired));
    cases.push(case("expired admin draws", "POST", &g("/draw"), Value::Null, 401, "unauthorized").token(expired));
    cases.push(
        case("player token as admin", "GET", "/api/v1/games", Value::Null, 401, "unauthorized").token(&ann.token),
    );
    cases.push(
        case("player token starts a game", "POST", &g("/start"), Value::Null, 401, "unauthorized").token(&ann.token),
    );
    cases.push(case("admin token as player", "GET", "/api/v1/me", Value::Null, 401, "unauthorized").token(admin));
    cases.push(
        case("admin token claims", "POST", "/api/v1/me/claims", json!({"serial": ann.serials[0]}), 401, "unauthorized")
            .token(admin),
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
    cases.push(case("call 0", "POST", &m("/call"), json!({"number": 0}), 422, "out_of_range").token(admin));
    cases.push(case("call 91", "POST", &m("/call"), json!({"number": 91}), 422, "out_of_range").token(admin));
    cases.push(case("call 255", "POST", &m("/call"), json!({"number": 255}), 422, "out_of_range").token(admin));
    cases.push(case("call 256", "POST", &m("/call"), json!({"number": 256}), 400, "bad_request").token(admin));
    cases.push(case("call -1", "POST", &m("/call"), json!({"number": -1}), 400, "bad_request").token(admin));
    cases
        .push(case("call in a random game", "POST", &g("/call"), json!({"number": 5}), 409, "wrong_mode").token(admin));
    cases.push(case("draw in a manual game", "POST", &m("/draw"), Value::Null, 409, "wrong_mode").token(admin));
    cases.push(case("draw before the start", "POST", &g("/draw"), Value::Null, 409, "wrong_state").token(admin));
    cases.push(
        case("auto-draw without interval", "POST", &g("/auto-draw"), json!({"on": true}), 422, "invalid").token(admin),
    );
    cases.push(case("void with nothing called", "POST", &m("/void"), Value::Null, 409, "cannot_void").token(admin));
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
    cases.push(case("paper 0", "POST", &g("/paper"), json!({"count": 0}), 422, "invalid").token(admin));
    cases.push(case("paper 1001", "POST", &g("/paper"), json!({"count": 1001}), 422, "invalid").token(admin));
    cases.push(
        case(
            "max cards 0",
            "POST",
            "/api/v1/games",
            json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}], "max_cards_per_player": 0}),
            422,
            "invalid_game",
        )
        .token(admin),
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
        .token(admin),
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
        .token(admin),
    );
    cases.push(
        case("no stages", "POST", "/api/v1/games", json!({"kind": "75", "stages": []}), 422, "invalid_game")
            .token(admin),
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
        .token(admin),
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
        .token(admin),
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
        .token(admin),
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
        .token(admin),
    );
    // A game's name: one short line of printable text (bingo-core's GameName), else the one 400.
    let named = |name: Value| json!({"name": name, "kind": "75", "stages": [{"pattern": {"builtin": "any-line"}}]});
    for (what, name) in [
        ("a name with a line break", json!("Bingo\nnight")),
        ("a name with a tab", json!("Bingo\tnight")),
        ("a name with an escape", json!("\u{1b}[31mred")),
        ("a name of 81 characters", json!("x".repeat(81))),
        ("a name that is a number", json!(7)),
    ] {
        cases.push(case(what, "POST", "/api/v1/games", named(name), 400, "bad_request").token(admin));
    }
    cases.push(case("card serial 0", "GET", &g("/cards/0"), Value::Null, 404, "no_such_card").token(admin));
    cases.push(
        case("card serial past the deck", "GET", &g("/cards/9223372036854775807"), Value::Null, 404, "no_such_card")
            .token(admin),
    );
    cases.push(
        case("card serial over 2^63 - 1", "GET", &g("/cards/18446744073709551615"), Value::Null, 400, "bad_request")
            .token(admin),
    );
    cases.push(case("card serial not a number", "GET", &g("/cards/abc"), Value::Null, 400, "bad_request").token(admin));
    cases.push(case("card serial negative", "GET", &g("/cards/-1"), Value::Null, 400, "bad_request").token(admin));
    cases.push(
        case("card serial 2^64", "GET", &g("/cards/18446744073709551616"), Value::Null, 400, "bad_request")
            .token(admin),
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
            .token(admin),
    );
    cases.push(
        case("paper claim of an unissued card", "POST", &g("/claims"), json!({"serial": 99_999}), 404, "not_found")
            .token(admin),
    );
    // The name the caller writes for a paper card's winner keeps the rule for nicknames.
    for (what, name) in [("control characters", json!("a\u{7}b")), ("25 characters", json!("n".repeat(25)))] {
        let body = json!({"serial": paper_serial, "name": name});
        cases.push(
            case(&format!("paper claim, name of {what}"), "POST", &g("/claims"), body, 422, "invalid").token(admin),
        );
    }
    let body = json!({"serial": paper_serial, "name": 5});
    cases.push(case("paper claim, name a number", "POST", &g("/claims"), body, 400, "bad_request").token(admin));
    // Telling the hall a card is being checked: only a card that can be checked, and a serial.
    let body = json!({"serial": 99_999});
    cases.push(case("checking an unissued card", "PUT", &g("/checking"), body, 404, "card_not_issued").token(admin));
    cases.push(case("checking no serial", "PUT", &g("/checking"), json!({}), 400, "bad_request").token(admin));
    let body = json!({"serial": u64::MAX});
    cases.push(case("checking serial over 2^63 - 1", "PUT", &g("/checking"), body, 400, "bad_request").token(admin));
    // The caller's announcement: one line of 1 to 200 characters (blank clears), and a `text`.
    for (what, text) in [
        ("201 characters", json!("a".repeat(201))),
        ("a line break", json!("Eyes down\nin 5")),
        ("a tab", json!("Eyes\tdown")),
        ("an escape", json!("\u{1b}[31mred")),
    ] {
        let body = json!({"text": text});
        cases.push(
            case(&format!("announcement of {what}"), "PUT", &g("/announcement"), body, 422, "invalid").token(admin),
        );
    }
    for (what, body) in [
        ("a number", json!({"text": 5})),
        ("a list", json!({"text": ["Eyes down"]})),
        ("no text", json!({})),
        ("an unknown field", json!({"text": "Eyes down", "colour": "red"})),
        ("not an object", json!("Eyes down")),
    ] {
        let refused = case(&format!("announcement, {what}"), "PUT", &g("/announcement"), body, 400, "bad_request");
        cases.push(refused.token(admin));
    }
    let body = json!({"text": "Eyes down"});
    cases.push(case("announcement without a token", "PUT", &g("/announcement"), body, 401, "unauthorized"));
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
    cases.push(case("wrong method", "DELETE", "/api/v1/games", Value::Null, 405, "method_not_allowed").token(admin));
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
        ("PUT", "/checking", json!({"serial": null})),
        ("PUT", "/announcement", json!({"text": "Eyes down"})),
        ("GET", "/events", Value::Null),
        ("POST", "/paper", json!({"count": 1})),
        ("GET", "/cards/1", Value::Null),
    ];
    for unknown in ids {
        for (method, rest, body) in routes {
            let path = format!("/api/v1/games/{unknown}{rest}");
            cases.push(
                case(&format!("unknown game {rest}"), method, &path, body.clone(), 404, "not_found").token(admin),
            );
        }
    }
    cases
}
