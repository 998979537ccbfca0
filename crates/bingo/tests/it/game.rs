//! A whole game through the API and the socket, on the embedded default and on PostgreSQL.

use bingo_testkit::{Backend, Http, Options, Platform, Ws};
use serde_json::{json, Value};
use std::time::Duration;

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_bingo")
}

pub fn ninety_ball() -> Value {
    json!({"kind": "90", "stages": [
        {"pattern": {"builtin": "one-line"}, "prize": 1000},
        {"pattern": {"builtin": "two-lines"}, "prize": 2000},
        {"pattern": {"builtin": "full-house"}, "prize": 5000}
    ], "currency": "GBP", "max_cards_per_player": 6})
}

pub struct Player {
    pub token: String,
    pub recovery: String,
    pub serials: Vec<u64>,
}

pub fn join(http: &Http, code: &str, nickname: &str, cards: u32) -> Player {
    let (status, body) = http.post("/api/v1/join", &json!({"join_code": code, "nickname": nickname, "cards": cards}));
    assert_eq!(status, 201, "join: {body}");
    let serials =
        body["cards"].as_array().expect("cards").iter().map(|c| c["serial"].as_u64().expect("serial")).collect();
    Player {
        token: body["player_token"].as_str().expect("token").into(),
        recovery: body["recovery_code"].as_str().expect("recovery").into(),
        serials,
    }
}

pub fn hello_screen(ws_url: &str, code: &str) -> Ws {
    let mut ws = Ws::connect(ws_url);
    ws.send(&json!({"type": "hello", "join_code": code}));
    let welcome = ws.recv(Duration::from_secs(5)).expect("welcome");
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    ws
}

/// The serials among `serials` whose check says they win the current stage now.
pub fn winners(console: &Http, id: &str, serials: &[u64]) -> Vec<u64> {
    serials
        .iter()
        .copied()
        .filter(|s| {
            let (status, body) = console.get(&format!("/api/v1/games/{id}/cards/{s}"));
            assert_eq!(status, 200, "{body}");
            body["verdict"]["verdict"] == "won"
        })
        .collect()
}

/// Event frames until `pred` matches, returning all event payloads read.
pub fn events_until(ws: &mut Ws, mut pred: impl FnMut(&Value) -> bool) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let msg = ws.recv(Duration::from_secs(10)).expect("an event in time");
        if msg["type"] != "event" {
            continue;
        }
        let done = pred(&msg["event"]);
        seen.push(msg);
        if done {
            return seen;
        }
    }
}

fn play_whole_game(backend: Backend, redis: bool) {
    let mut options = Options::new(bin(), backend);
    options.redis = redis;
    let platform = Platform::start(options);
    let console = platform.console();
    let mut config = ninety_ball();
    config["name"] = json!("  Charity night – game 1 <b>");
    let (id, code) = platform.open_game(&console, config);
    // The name, trimmed and kept as typed (markup is text), in the games list and the snapshots.
    let name = "Charity night – game 1 <b>";
    let (status, list) = console.get("/api/v1/games");
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["games"][0]["name"], name, "{list}");
    let http = platform.api().http();
    let (status, snap) = http.get(&format!("/api/v1/screen/{code}"));
    assert_eq!((status, &snap["game"]["name"]), (200, &json!(name)), "{snap}");
    let players: Vec<Player> = ["ann", "bob", "cat"].iter().map(|n| join(&http, &code, n, 6)).collect();
    let all: Vec<u64> = players.iter().flat_map(|p| p.serials.clone()).collect();
    assert_eq!(all.len(), 18);
    // Each join of six is one whole 90-ball strip (serials 6s-5 to 6s).
    for p in &players {
        assert_eq!((p.serials[0] - 1) % 6, 0, "{:?}", p.serials);
        assert!(p.serials.windows(2).all(|w| w[1] == w[0] + 1), "{:?}", p.serials);
    }

    let mut screen = hello_screen(&platform.api().ws_url(), &code);
    let mut player_ws = Ws::connect(&platform.api().ws_url());
    player_ws.send(&json!({"type": "hello", "player_token": players[0].token}));
    let welcome = player_ws.recv(Duration::from_secs(5)).expect("welcome");
    assert_eq!(welcome["you"]["cards"].as_array().map(Vec::len), Some(6));

    let (status, body) = console.post(&format!("/api/v1/games/{id}/start"), &Value::Null);
    assert_eq!(status, 200, "{body}");
    let mut false_claim_done = false;
    for stage in 0..3 {
        let winner = loop {
            let (status, body) = console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null);
            assert_eq!(status, 200, "draw: {body}");
            let w = winners(&console, &id, &all);
            if let Some(&first) = w.first() {
                break first;
            }
            if !false_claim_done && body["snapshot"]["game"]["calls"].as_array().map_or(0, Vec::len) >= 5 {
                // A false claim over the socket, rejected with the reason.
                let loser = players[0].serials[0];
                player_ws.send(&json!({"type": "claim", "serial": loser, "request_id": "r1"}));
                let result =
                    player_ws.recv_until(Duration::from_secs(5), |m| m["type"] == "claim_result").expect("result");
                assert_eq!(result["accepted"], false, "{result}");
                assert_eq!(result["request_id"], "r1");
                assert!(result["event"]["message"].as_str().expect("message").contains("still needs"), "{result}");
                false_claim_done = true;
            }
        };
        let owner = players.iter().find(|p| p.serials.contains(&winner)).expect("owner");
        let (status, body) = http.with_token(&owner.token).post("/api/v1/me/claims", &json!({"serial": winner}));
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["type"], "claim_accepted", "stage {stage}: {body}");
        // Someone else's card cannot be claimed.
        let other = players.iter().find(|p| !p.serials.contains(&winner)).expect("other");
        let (status, body) = http.with_token(&other.token).post("/api/v1/me/claims", &json!({"serial": winner}));
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    assert!(false_claim_done);
    let (status, body) = console.post(&format!("/api/v1/games/{id}/finish"), &Value::Null);
    assert_eq!(status, 200, "{body}");
    let game = &body["snapshot"]["game"];
    assert_eq!(game["state"], "finished");
    let results = game["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let paid: Vec<u64> = results
        .iter()
        .map(|r| r["winners"].as_array().expect("w").iter().map(|w| w["amount"].as_u64().expect("a")).sum())
        .collect();
    assert_eq!(paid, [1000, 2000, 5000]);

    // The screen saw every event, in order, with no gap, ending with the revealed seed.
    let events = events_until(&mut screen, |e| e["type"] == "seed_revealed");
    let seqs: Vec<u64> = events.iter().map(|m| m["seq"].as_u64().expect("seq")).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "gapless: {seqs:?}");
    let seed = events.last().expect("last")["event"]["seed"].as_str().expect("seed").to_string();

    // Anyone can now verify the draw.
    let calls: Vec<String> =
        game["calls"].as_array().expect("calls").iter().map(|n| n.as_u64().expect("n").to_string()).collect();
    let out = std::process::Command::new(bin())
        .args(["verify", "--commitment", game["commitment"].as_str().expect("c"), "--seed", &seed, "--kind", "90"])
        .args(["--draws", &calls.join(",")])
        .output()
        .expect("verify");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn whole_game_on_the_embedded_default() {
    play_whole_game(Backend::Sqlite, false);
}

#[test]
fn whole_game_on_postgres_and_redis() {
    play_whole_game(Backend::Postgres, true);
}

/// A crowd joining at once: connected clients are told the player count a few times a second,
/// not once per join (each count goes to every client), and the last count is exact.
#[test]
fn joins_in_a_burst_publish_a_few_exact_player_counts() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (_, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    let mut screen = hello_screen(&platform.api().ws_url(), &code);
    const CROWD: u64 = 40;
    for i in 0..CROWD {
        join(&http, &code, &format!("p{i}"), 1);
    }
    let mut counts = Vec::new();
    screen
        .recv_until(Duration::from_secs(5), |m| {
            let count = m["update"]["players"].as_u64().filter(|_| m["type"] == "update");
            counts.extend(count);
            count == Some(CROWD)
        })
        .unwrap_or_else(|| panic!("the count reached {CROWD}: saw {counts:?}"));
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "counts only grow: {counts:?}");
    assert!(counts.len() < CROWD as usize / 2, "joins were counted together: {counts:?}");
    assert_eq!(screen.recv(Duration::from_millis(600)), None, "nothing after the last count");
}

/// Hellos that arrive together are looked up together (one storage read for many players): each
/// socket still gets its own player, cards and marks, and a forged token among them is refused.
/// On one node with the in-process bus, players who joined there and changed nothing since are
/// answered from memory (`redis: false`): only the hellos of those who marked a number before
/// connecting, and the forged ones, read storage, and the marks must show.
fn hellos_arriving_together_each_get_their_own_cards(backend: Backend, redis: bool) {
    let mut options = Options::new(bin(), backend);
    options.redis = redis;
    // One storage connection: hellos queue while a read runs, so reads answer several.
    options.env.push(("BINGO_DB_POOL_SIZE".into(), "1".into()));
    let platform = Platform::start(options);
    let console = platform.console();
    let (_, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    let players: Vec<Player> = (0..40).map(|i| join(&http, &code, &format!("p{i}"), 1 + i % 3)).collect();
    // Some players mark a number before connecting.
    let mut marked = Vec::new();
    for p in players.iter().step_by(7) {
        let (_, me) = http.with_token(&p.token).get("/api/v1/me");
        let number = crate::support::card_number(&me["cards"][0]);
        let daub = json!({"serial": p.serials[0], "number": number, "on": true});
        assert_eq!(http.with_token(&p.token).put("/api/v1/me/daubs", &daub).0, 204);
        marked.push((p.token.clone(), json!([[p.serials[0], number]])));
    }
    let url = platform.api().ws_url();
    let mut sockets: Vec<Ws> = (0..=players.len()).map(|_| Ws::connect(&url)).collect();
    // Every hello before any welcome is read, the forged one in the middle.
    for (i, ws) in sockets.iter_mut().enumerate() {
        let token = match i.checked_sub(1).and_then(|i| players.get(i)) {
            Some(p) if i != 20 => p.token.clone(),
            _ => "forged-token".to_string(),
        };
        ws.send(&json!({"type": "hello", "player_token": token}));
    }
    let mut answers = sockets.iter_mut().map(|ws| ws.recv(Duration::from_secs(10)).expect("an answer"));
    let mut expected = players.iter();
    for (i, answer) in (0..).zip(&mut answers) {
        if i == 0 || i == 20 {
            assert_eq!(answer["type"], "error", "{answer}");
            assert_eq!(answer["code"], "unauthorized", "{answer}");
            if i == 20 {
                expected.next(); // the player whose token was replaced
            }
            continue;
        }
        let p = expected.next().expect("a player");
        assert_eq!(answer["type"], "welcome", "{answer}");
        let serials: Vec<u64> = answer["you"]["cards"]
            .as_array()
            .expect("cards")
            .iter()
            .map(|c| c["serial"].as_u64().expect("s"))
            .collect();
        assert_eq!(serials, p.serials, "socket {i} got its own cards");
        let daubs = marked.iter().find(|(t, _)| *t == p.token).map_or(json!([]), |(_, d)| d.clone());
        assert_eq!(answer["you"]["daubs"], daubs, "socket {i} got its own marks");
    }
    // Fewer reads than hellos: some read answered several.
    let reads = hello_reads(&http);
    assert!(reads < 41, "41 hellos took {reads} reads");

    // Now one at a time (no batch to share), players who never marked anything: remembered since
    // their join on one node, so no read; read each with Redis.
    let unmarked = players.iter().filter(|p| !marked.iter().any(|(t, _)| *t == p.token)).take(10);
    for p in unmarked {
        let (_, welcome) = crate::support::hello(&url, json!({"type": "hello", "player_token": p.token}));
        assert_eq!(welcome["you"]["daubs"], json!([]), "{welcome}");
    }
    let reads_after = hello_reads(&http);
    if redis {
        assert!(reads_after >= reads + 10, "{reads} then {reads_after} reads");
    } else {
        assert_eq!(reads_after, reads, "players who joined here and changed nothing are remembered");
    }
}

/// Storage reads for hellos so far, from /metrics.
fn hello_reads(http: &Http) -> u64 {
    let reads = crate::support::metric(http, "bingo_db_query_duration_seconds_count", &["\"players_with_cards\""]);
    reads.unwrap_or_else(|| panic!("no players_with_cards reads in /metrics")) as u64
}

#[test]
fn hellos_arriving_together_on_the_embedded_default() {
    hellos_arriving_together_each_get_their_own_cards(Backend::Sqlite, false);
}

#[test]
fn hellos_arriving_together_on_postgres_and_redis() {
    hellos_arriving_together_each_get_their_own_cards(Backend::Postgres, true);
}
