//! Issue #15's hall benchmark: with the shipped limits and the proxy the NixOS module trusts, a
//! hall of 1,000 phones behind the deployed Caddy (one address for all) joins within 10 s, and
//! every claim is answered by the game, never refused by a rate limit.

use super::caddy::caddy_in_front;
use super::game::{bin, ninety_ball};
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const PHONES: usize = 1000;
const THREADS: usize = 4;

/// A phone with its one ticket's rows (the numbers of each row).
struct Phone {
    token: String,
    serial: u64,
    rows: Vec<Vec<u64>>,
}

fn join(http: &Http, code: &str, i: usize) -> Phone {
    let (status, body) =
        http.post("/api/v1/join", &json!({"join_code": code, "nickname": format!("p{i}"), "cards": 1}));
    assert_eq!(status, 201, "join {i} through Caddy: {body}");
    let card = &body["cards"][0];
    let rows = card["grid"]
        .as_array()
        .expect("grid")
        .iter()
        .map(|row| row.as_array().expect("row").iter().filter_map(Value::as_u64).collect())
        .collect();
    Phone {
        token: body["player_token"].as_str().expect("token").into(),
        serial: card["serial"].as_u64().expect("serial"),
        rows,
    }
}

/// A claim through Caddy: the game's answer (`claim_accepted` / `claim_rejected`); any refusal fails.
fn claim(http: &Http, phone: &Phone) -> String {
    let (status, body) = http.with_token(&phone.token).post("/api/v1/me/claims", &json!({"serial": phone.serial}));
    assert_eq!(status, 200, "claim for card {} refused: {body}", phone.serial);
    body["type"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_hall_of_1000_behind_caddy_joins_within_10_seconds_and_every_claim_is_answered() {
    let mut options = Options::new(bin(), Backend::Sqlite);
    super::proxies::defaults(&mut options);
    // What modules/bingo sets for its Caddy on the same machine.
    options.env.push(("BINGO_TRUSTED_PROXIES".into(), "127.0.0.1,::1".into()));
    let platform = Platform::start(options);
    let (base, _caddy, _dir) = caddy_in_front(&platform);
    let hall = Http::new(&base);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());

    let started = Instant::now();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (hall, code) = (Http::new(&base), code.clone());
            let per = PHONES / THREADS;
            std::thread::spawn(move || (t * per..(t + 1) * per).map(|i| join(&hall, &code, i)).collect::<Vec<_>>())
        })
        .collect();
    let phones: Vec<Phone> = threads.into_iter().flat_map(|t| t.join().expect("thread")).collect();
    let took = started.elapsed();
    eprintln!("{PHONES} joins through Caddy from one address took {took:?}");
    assert_eq!(phones.len(), PHONES);
    assert!(took < Duration::from_secs(10), "{PHONES} joins took {took:?}");

    assert_eq!(console.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);
    // A hundred eager claims before anyone can win: rejected by the game, not by a limit.
    for phone in &phones[..100] {
        assert_eq!(claim(&hall, phone), "claim_rejected");
    }
    // Then every phone whose ticket completes a line claims on its ball, all from one address.
    let mut called = HashSet::new();
    let mut accepted = 0;
    for _ in 0..90 {
        let (status, body) = console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null);
        assert_eq!(status, 200, "{body}");
        called.insert(body["snapshot"]["game"]["calls"].as_array().and_then(|c| c.last()?.as_u64()).expect("ball"));
        let winners: Vec<&Phone> =
            phones.iter().filter(|p| p.rows.iter().any(|r| r.iter().all(|n| called.contains(n)))).collect();
        if winners.is_empty() {
            continue;
        }
        for phone in &winners {
            assert_eq!(claim(&hall, phone), "claim_accepted", "card {}", phone.serial);
            accepted += 1;
        }
        break;
    }
    eprintln!("{accepted} winning claims through Caddy, all accepted");
    assert!(accepted > 0, "a line was won");
}
