//! Losing the process: kill -9 in the middle of auto-draw (the game carries on from the next
//! ball after a restart, nothing repeated or lost, the log gapless), and SIGTERM (clients are
//! told to reconnect, the process exits 0, nothing committed is lost).

use crate::game::{bin, join, ninety_ball};
use crate::support::{
    calls, card_number, draw, eventually, last_seq, numbers, player_hello, post, screen_hello, snapshot, stored_events,
    stored_payloads, verify_finished, Client,
};
use bingo_testkit::{Backend, Next, Options, Platform};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

fn auto_draw_survives_kill_9(backend: Backend) {
    let mut platform = Platform::start(Options::new(bin(), backend));
    let console = platform.console();
    let mut config = ninety_ball();
    config["auto_draw_ms"] = json!(1000);
    let (id, code) = platform.open_game(&console, config);
    join(&platform.api().http(), &code, "ann", 6);
    post(&console, &format!("/api/v1/games/{id}/start"));
    let (status, body) = console.post(&format!("/api/v1/games/{id}/auto-draw"), &json!({"on": true}));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["snapshot"]["auto_draw"]["on"], true, "{body}");

    let before = eventually(Duration::from_secs(15), "3 auto-drawn balls", || {
        Some(calls(&console, &id)).filter(|c| c.len() >= 3)
    });
    platform.api_mut().kill();
    // What was committed before the kill (a ball may have landed after the read above).
    let restarted_at = Instant::now();
    platform.api_mut().restart();
    // The console's session (and its control of the game) survives the restart.
    let at_restart = calls(&console, &id);
    assert!(at_restart.starts_with(&before), "the log lost balls: {before:?} then {at_restart:?}");
    assert_eq!(snapshot(&console, &id)["auto_draw"]["on"], true, "auto-draw is still on after the restart");

    // The game carries on by itself, from the next ball.
    let after = eventually(Duration::from_secs(20), "3 more balls after the restart", || {
        Some(calls(&console, &id)).filter(|c| c.len() >= at_restart.len() + 3)
    });
    assert!(restarted_at.elapsed() < Duration::from_secs(25));
    assert!(after.starts_with(&at_restart), "{at_restart:?} then {after:?}");

    let (status, body) = console.post(&format!("/api/v1/games/{id}/auto-draw"), &json!({"on": false}));
    assert_eq!(status, 200, "{body}");
    let body = post(&console, &format!("/api/v1/games/{id}/finish"));
    let game = &body["snapshot"]["game"];
    assert_eq!(game["state"], "finished");
    let final_calls = numbers(&game["calls"]);
    assert!(final_calls.starts_with(&after));
    let distinct: HashSet<u64> = final_calls.iter().copied().collect();
    assert_eq!(distinct.len(), final_calls.len(), "a ball was repeated: {final_calls:?}");
    // The calls are a prefix of the seed's draw order: every ball, in order, none skipped.
    verify_finished(bin(), game, "90");

    // The log is gapless and hash-chained (stored_events checks), with call numbers 1, 2, 3, ...
    let log = stored_payloads(&console, &id);
    let balls: Vec<&Value> = log.iter().filter(|e| e["type"] == "ball_called").collect();
    assert_eq!(balls.len(), final_calls.len());
    for (i, e) in balls.iter().enumerate() {
        assert_eq!(e["call"].as_u64(), Some(i as u64 + 1), "{e}");
        assert_eq!(e["number"].as_u64(), Some(final_calls[i]), "{e}");
    }
    assert!(log.iter().all(|e| e["type"] != "ball_voided"));
    assert_eq!(log.last().expect("events")["type"], "seed_revealed");
    // No ball after the finish, whatever the timer thought.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(calls(&console, &id), final_calls);
}

#[test]
fn auto_draw_survives_kill_9_on_the_embedded_default() {
    auto_draw_survives_kill_9(Backend::Sqlite);
}

#[test]
fn auto_draw_survives_kill_9_on_postgres() {
    auto_draw_survives_kill_9(Backend::Postgres);
}

/// Reads a client's messages until the server closes; returns (messages, close code).
fn read_until_closed(client: &mut Client, timeout: Duration) -> (Vec<Value>, Option<u16>) {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "{}: not closed within {timeout:?}; got {seen:?}", client.name);
        match client.ws().next(left) {
            Next::Message(m) => seen.push(m),
            Next::Closed(code) => return (seen, code),
            Next::Nothing => {}
        }
    }
}

#[test]
fn sigterm_drains_and_loses_nothing() {
    let mut platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let ann = join(&platform.api().http(), &code, "ann", 3);
    post(&console, &format!("/api/v1/games/{id}/start"));
    let ws_url = platform.api().ws_url();
    let (mut player, _) = Client::connect("ann", &ws_url, player_hello(&ann.token, 0, None));
    let (mut screen, _) = Client::connect("screen", &ws_url, screen_hello(&code, 0, None));
    for _ in 0..4 {
        draw(&console, &id);
    }
    // A daub is committed too (outside the event log).
    let serial = ann.serials[0];
    let card = &player_card(&platform, &ann.token, serial);
    let number = card_number(card);
    let (status, body) = platform
        .api()
        .http()
        .with_token(&ann.token)
        .put("/api/v1/me/daubs", &json!({"serial": serial, "number": number, "on": true}));
    assert_eq!(status, 204, "{body}");
    let seq = last_seq(&console, &id);
    player.sync_to(seq);
    screen.sync_to(seq);
    let before_snapshot = snapshot(&console, &id);
    let before_log = stored_events(&console, &id);

    let started = Instant::now();
    let exited_ok = platform.api_mut().terminate();
    let took = started.elapsed();
    assert!(exited_ok, "SIGTERM must end the process with status 0:\n{}", platform.api().output());
    assert!(took < Duration::from_secs(12), "draining took {took:?}");
    for client in [&mut player, &mut screen] {
        let (messages, close) = read_until_closed(client, Duration::from_secs(5));
        assert!(
            messages.iter().any(|m| m["type"] == "reconnect" && m["reason"].is_string()),
            "{}: no reconnect message in {messages:?}",
            client.name
        );
        assert!(messages.iter().all(|m| m["type"] != "event"), "{}: {messages:?}", client.name);
        assert_eq!(close, Some(1012), "{}: the close code says service restart", client.name);
    }
    let log = platform.api().output();
    assert!(!log.contains("panicked"), "{log}");

    // Restart: the same game, the same log, and the clients resume where they were.
    platform.api_mut().restart();
    let after_snapshot = snapshot(&console, &id);
    assert_eq!(after_snapshot["game"], before_snapshot["game"]);
    assert_eq!(stored_events(&console, &id), before_log);
    let (status, me) = platform.api().http().with_token(&ann.token).get("/api/v1/me");
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["daubs"], json!([[serial, number]]), "{me}");
    for client in [&mut player, &mut screen] {
        client.resume(&ws_url);
        client.assert_no_event_for(Duration::from_millis(300));
    }
    let ball = draw(&console, &id);
    for client in [&mut player, &mut screen] {
        client.sync_to(seq + 1);
        assert_eq!(client.balls().last(), Some(&ball));
    }
    let log = stored_payloads(&console, &id);
    player.assert_matches_log(&log);
    screen.assert_matches_log(&log);
}

fn player_card(platform: &Platform, token: &str, serial: u64) -> Value {
    let (status, me) = platform.api().http().with_token(token).get("/api/v1/me");
    assert_eq!(status, 200, "{me}");
    me["cards"].as_array().expect("cards").iter().find(|c| c["serial"] == serial).expect("the card").clone()
}
