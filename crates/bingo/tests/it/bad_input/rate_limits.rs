//! The default rate limits (not the test kit's high ones) answer 429.

use crate::game::{bin, ninety_ball};
use bingo_testkit::{Backend, Options, Platform};
use serde_json::{json, Value};

#[test]
fn default_rate_limits_answer_429() {
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_JOINS_PER_MINUTE".into(), "30".into()));
    options.env.push(("BINGO_CLAIMS_PER_MINUTE".into(), "60".into()));
    let platform = Platform::start(options);
    let console = platform.console();
    let (_, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();

    let statuses: Vec<(u16, Value)> = (0..20)
        .map(|i| http.post("/api/v1/join", &json!({"join_code": code, "nickname": format!("p{i}"), "cards": 1})))
        .collect();
    let joined = statuses.iter().take_while(|(s, _)| *s == 201).count();
    assert!((1..20).contains(&joined), "a burst gets in, then the limit: {statuses:?}");
    for (status, body) in &statuses[joined..] {
        assert_eq!(*status, 429, "{body}");
        assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    }
    // Recovering shares the joins' limit.
    let (status, body) = http.post("/api/v1/recover", &json!({"join_code": code, "recovery_code": "AAAA-AAAA"}));
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");

    // Claims: one player hammering the claim button.
    let token = statuses[0].1["player_token"].as_str().expect("token");
    let serial = statuses[0].1["cards"][0]["serial"].as_u64().expect("serial");
    let player = http.with_token(token);
    let answers: Vec<u16> = (0..30).map(|_| player.post("/api/v1/me/claims", &json!({"serial": serial})).0).collect();
    assert!(answers.contains(&429), "{answers:?}");
    assert!(answers.iter().all(|s| [409, 429].contains(s)), "the game is not running, so 409, then 429: {answers:?}");
    // Logins: wrong passphrases are limited too.
    let logins: Vec<u16> =
        (0..8).map(|_| http.post("/api/v1/admin/login", &json!({"passphrase": "guess-guess"})).0).collect();
    assert!(logins.contains(&429), "{logins:?}");
    assert!(logins.iter().all(|s| [401, 429].contains(s)), "{logins:?}");
    assert_eq!(http.get("/health").0, 200);
}
