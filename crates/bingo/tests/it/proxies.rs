//! Rate limits behind a proxy or a shared address: forwarded addresses from trusted proxies
//! only, a hall on one address joins and claims freely, and failed logins cannot lock the
//! admin out.

use crate::game::{bin, join, ninety_ball, winners, Player};
use bingo_testkit::{Backend, Options, Platform, PASSPHRASE};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Status, body and `Retry-After` of a POST with extra headers.
fn post(base: &str, path: &str, body: &Value, headers: &[(&str, &str)]) -> (u16, Value, Option<u64>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut req = agent.post(format!("{base}{path}")).header("Content-Type", "application/json");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let mut response = req.send(body.to_string()).expect("request");
    let retry = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (response.status().as_u16(), serde_json::from_str(&text).unwrap_or(Value::String(text)), retry)
}

/// The shipped defaults, not the test kit's high limits.
pub fn defaults(options: &mut Options) {
    let limits = bingo_api::Limits::default();
    options.env.push(("BINGO_JOINS_PER_MINUTE".into(), limits.joins_per_minute.to_string()));
    options.env.push(("BINGO_CLAIMS_PER_MINUTE".into(), limits.claims_per_minute.to_string()));
}

fn join_as(base: &str, code: &str, i: usize, headers: &[(&str, &str)]) -> (u16, Option<u64>) {
    let body = json!({"join_code": code, "nickname": format!("p{i}"), "cards": 1});
    let (status, body, retry) = post(base, "/api/v1/join", &body, headers);
    assert!([201, 429].contains(&status), "{status} {body}");
    (status, retry)
}

#[test]
fn forwarded_addresses_count_only_from_trusted_proxies() {
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_TRUSTED_PROXIES".into(), "127.0.0.1,::1".into()));
    // A burst of 3, then one every 20 s: no refill while the test runs, however slow the machine
    // (the exact refill is tested on a manual clock in crates/bingo-api/tests/limits.rs).
    options.env.push(("BINGO_JOINS_PER_MINUTE".into(), "3".into()));
    let platform = Platform::start(options);
    let (_, code) = platform.open_game(&platform.console(), ninety_ball());
    let base = &platform.api().base;

    // The client's own entry (left) is not believed; the one the proxy appended (right) is.
    let first = [("X-Forwarded-For", "6.6.6.6, 198.51.100.1")];
    let answers: Vec<(u16, Option<u64>)> = (0..5).map(|i| join_as(base, &code, i, &first)).collect();
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    assert_eq!(statuses, [201, 201, 201, 429, 429], "{answers:?}");
    assert!(answers[3].1.is_some_and(|s| (1..=20).contains(&s)), "Retry-After in seconds: {answers:?}");
    // Another forwarded address has its own limit, by either header.
    assert_eq!(join_as(base, &code, 20, &[("X-Forwarded-For", "6.6.6.6, 198.51.100.2")]).0, 201);
    assert_eq!(join_as(base, &code, 21, &[("Forwarded", "for=\"[2001:db8::2]:4711\";proto=http")]).0, 201);
    // Without headers the request is the proxy's own, limited apart from its clients.
    assert_eq!(join_as(base, &code, 22, &[]).0, 201);

    // A peer that is not a trusted proxy cannot pick its address with the headers.
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_TRUSTED_PROXIES".into(), "10.0.0.0/8".into()));
    options.env.push(("BINGO_JOINS_PER_MINUTE".into(), "3".into()));
    let platform = Platform::start(options);
    let (_, code) = platform.open_game(&platform.console(), ninety_ball());
    let base = &platform.api().base;
    let statuses: Vec<u16> = (0..5)
        .map(|i| {
            let spoofed = format!("198.51.100.{i}");
            join_as(base, &code, i, &[("X-Forwarded-For", &spoofed), ("Forwarded", &format!("for={spoofed}"))]).0
        })
        .collect();
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
}

#[test]
fn a_hall_of_1000_on_one_address_joins_within_10_seconds() {
    let mut options = Options::new(bin(), Backend::Sqlite);
    defaults(&mut options);
    let platform = Platform::start(options);
    let (id, code) = platform.open_game(&platform.console(), ninety_ball());
    let base = platform.api().base.clone();
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (base, code) = (base.clone(), code.clone());
            std::thread::spawn(move || (0..250).map(|i| join_as(&base, &code, t * 250 + i, &[]).0).collect::<Vec<_>>())
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().flat_map(|t| t.join().expect("thread")).collect();
    let took = started.elapsed();
    eprintln!("1000 joins from one address took {took:?}");
    assert!(statuses.iter().all(|s| *s == 201), "{} refused", statuses.iter().filter(|s| **s != 201).count());
    assert!(took < Duration::from_secs(10), "{took:?}");
    let (status, body) = platform.console().get(&format!("/api/v1/games/{id}/players"));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn every_claim_of_a_hall_on_one_address_is_answered() {
    let mut options = Options::new(bin(), Backend::Sqlite);
    let claims = bingo_api::Limits::default().claims_per_minute.to_string();
    options.env.push(("BINGO_CLAIMS_PER_MINUTE".into(), claims)); // joins stay unlimited here
    let platform = Platform::start(options);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    let players: Vec<Player> = (0..30).map(|i| join(&http, &code, &format!("p{i}"), 2)).collect();
    let (status, body) = console.post(&format!("/api/v1/games/{id}/start"), &Value::Null);
    assert_eq!(status, 200, "{body}");
    let claim = |serial: u64| {
        let owner = players.iter().find(|p| p.serials.contains(&serial)).expect("owner");
        let (status, body) = http.with_token(&owner.token).post("/api/v1/me/claims", &json!({"serial": serial}));
        assert_eq!(status, 200, "no claim is refused for the address: {body}");
        body["type"].as_str().unwrap_or_default().to_string()
    };
    // Everyone claims too early (rejected by the game, not by a limit) ...
    for p in &players {
        assert_eq!(claim(p.serials[0]), "claim_rejected");
    }
    // ... then every winner claims on its ball, all in the same few seconds.
    let all: Vec<u64> = players.iter().flat_map(|p| p.serials.clone()).collect();
    let mut accepted = 0;
    for _ in 0..90 {
        let (status, body) = console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null);
        if status == 409 {
            break; // the last stage is won
        }
        assert_eq!(status, 200, "{body}");
        for serial in winners(&console, &id, &all) {
            assert_eq!(claim(serial), "claim_accepted");
            accepted += 1;
        }
    }
    assert!(accepted >= 3, "every stage was won: {accepted}");
}

#[test]
fn the_right_passphrase_logs_in_after_many_failures() {
    // One failure a minute (a burst of one): no budget comes back while the test runs, however
    // slowly a loaded machine checks the passphrases (with the default of five, one came back
    // after 12 s and the last guess was let through).
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_FAILED_LOGINS_PER_MINUTE".into(), "1".into()));
    let platform = Platform::start(options);
    let base = &platform.api().base;
    let login = |passphrase: &str| post(base, "/api/v1/admin/login", &json!({"passphrase": passphrase}), &[]);
    let answers: Vec<(u16, Option<u64>)> = (0..9).map(|_| login("guess-guess")).map(|(s, _, r)| (s, r)).collect();
    assert_eq!(answers[0], (401, None));
    let limited: Vec<&(u16, Option<u64>)> = answers.iter().filter(|a| a.0 == 429).collect();
    assert!(!limited.is_empty(), "guessing is slowed: {answers:?}");
    assert!(limited.iter().all(|a| a.1.is_some_and(|s| (1..=60).contains(&s))), "Retry-After: {answers:?}");
    // The right passphrase from the same address, while guesses are being refused.
    let (status, body, _) = login(PASSPHRASE);
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].is_string(), "{body}");
    assert_eq!(login("guess-guess").0, 429, "a success does not reset the failures");
    // And from behind a proxy nobody trusts, the same (the headers change nothing).
    let (status, _, _) =
        post(base, "/api/v1/admin/login", &json!({"passphrase": PASSPHRASE}), &[("X-Forwarded-For", "6.6.6.6")]);
    assert_eq!(status, 200);
}

#[test]
fn the_login_limits_are_settings_like_the_others() {
    // From the environment: 120 a minute per address is a burst of 60, where the default's 5
    // would refuse the sixth guess.
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_FAILED_LOGINS_PER_MINUTE".into(), "120".into()));
    let platform = Platform::start(options);
    let base = &platform.api().base;
    let login = |passphrase: &str| post(base, "/api/v1/admin/login", &json!({"passphrase": passphrase}), &[]).0;
    let answers: Vec<u16> = (0..6).map(|_| login("guess-guess")).collect();
    assert_eq!(answers, [401; 6]);

    // From the settings file: 2 a minute from all addresses together is a burst of 3.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("bingo.toml");
    std::fs::write(&file, "failed_logins_per_minute_total = 2\n").expect("settings file");
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_CONFIG".into(), file.display().to_string()));
    let platform = Platform::start(options);
    let base = &platform.api().base;
    let guess = || {
        let (status, _, retry) = post(base, "/api/v1/admin/login", &json!({"passphrase": "guess-guess"}), &[]);
        (status, retry)
    };
    assert_eq!([guess().0, guess().0, guess().0], [401; 3]);
    let (status, retry) = guess();
    assert_eq!(status, 429);
    assert!(retry.is_some_and(|s| (1..=30).contains(&s)), "{retry:?}");
    let (status, body, _) = post(base, "/api/v1/admin/login", &json!({"passphrase": PASSPHRASE}), &[]);
    assert_eq!(status, 200, "{body}");

    // As a flag, checked: none at all is refused before anything starts.
    let out = std::process::Command::new(bin())
        .args(["migrate", "--failed-logins-per-minute", "0"])
        .env("BINGO_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("run bingo");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("failed admin logins per minute must be at least 1"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing was made");
}
