//! Two realtime nodes and one API node on PostgreSQL + Redis: every client, on either node, gets
//! every event in the same order with no gap, identical to the stored log; claims made over a
//! socket on one realtime node are decided right and seen on the other; clients that drop
//! resume on the other node with exactly what they missed; a realtime node's SIGTERM tells its
//! clients to reconnect.

use crate::game::{bin, join, ninety_ball, winners};
use crate::support::{
    calls, draw, eventually, last_seq, player_hello, post, screen_hello, snapshot, stored_payloads, verify_finished,
    Client,
};
use bingo_testkit::{Backend, Next, Options, Platform};
use serde_json::{json, Value};
use std::time::Duration;

fn sync_all(clients: &mut [&mut Client], seq: u64) {
    for c in clients.iter_mut() {
        c.sync_to(seq);
    }
}

/// The claim event (`claim_accepted` / `claim_rejected`) for `serial` among a client's events.
fn claim_event<'a>(client: &'a Client, kind: &str, serial: u64) -> Option<&'a Value> {
    client.events.iter().map(|m| &m["event"]).find(|e| e["type"] == kind && e["serial"] == serial)
}

#[test]
fn two_realtime_nodes_one_api_node_on_postgres_and_redis() {
    let mut options = Options::new(bin(), Backend::Postgres);
    options.realtime_nodes = 2;
    let mut platform = Platform::start(options);
    assert_eq!(platform.nodes.len(), 3);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    let ann = join(&http, &code, "ann", 6);
    let bob = join(&http, &code, "bob", 6);
    let (rt1, rt2) = (platform.nodes[1].ws_url(), platform.nodes[2].ws_url());
    // The API node serves no sockets, the realtime nodes no API.
    assert_eq!(platform.nodes[1].http().get("/api/v1/games").0, 404);

    let start_seq = last_seq(&console, &id);
    let (mut screen_a, w) = Client::connect("screen@rt1", &rt1, screen_hello(&code, 0, None));
    assert_eq!(w["last_seq"].as_u64(), Some(start_seq), "{w}");
    let (mut screen_b, w) = Client::connect("screen@rt2", &rt2, screen_hello(&code, 0, None));
    assert_eq!(w["last_seq"].as_u64(), Some(start_seq), "{w}");
    assert_eq!(w["snapshot"]["players"], 2, "the player count reached the realtime node: {w}");
    let (mut ann_c, w) = Client::connect("ann@rt1", &rt1, player_hello(&ann.token, 0, None));
    assert_eq!(w["you"]["cards"].as_array().map(Vec::len), Some(6), "{w}");
    let (mut bob_c, _) = Client::connect("bob@rt2", &rt2, player_hello(&bob.token, 0, None));

    post(&console, &format!("/api/v1/games/{id}/start"));
    for _ in 0..5 {
        draw(&console, &id);
    }
    sync_all(&mut [&mut screen_a, &mut screen_b, &mut ann_c, &mut bob_c], last_seq(&console, &id));
    assert_eq!(screen_a.balls(), calls(&console, &id));

    // A claim on rt2 that does not win: rejected with the reason, seen on rt1.
    let all: Vec<u64> = ann.serials.iter().chain(&bob.serials).copied().collect();
    let won_now = winners(&console, &id, &all);
    let loser = *bob.serials.iter().find(|s| !won_now.contains(s)).expect("a card that has not won");
    bob_c.ws().send(&json!({"type": "claim", "serial": loser, "request_id": "b1"}));
    let result = bob_c.wait_for(Duration::from_secs(10), |m| m["type"] == "claim_result");
    assert_eq!((result["accepted"].as_bool(), result["request_id"].as_str()), (Some(false), Some("b1")), "{result}");
    assert_eq!(result["event"]["reason"], "not_complete", "{result}");
    // Someone else's card over the socket is refused and changes nothing.
    bob_c.ws().send(&json!({"type": "claim", "serial": ann.serials[0], "request_id": "b2"}));
    let refused = bob_c.wait_for(Duration::from_secs(10), |m| m["type"] == "error");
    assert_eq!((refused["code"].as_str(), refused["request_id"].as_str()), (Some("forbidden"), Some("b2")));
    // The API node's view follows the claim a realtime node committed.
    let stored = stored_payloads(&console, &id).len() as u64;
    let seq = eventually(Duration::from_secs(5), "the API's view to include the claim", || {
        Some(last_seq(&console, &id)).filter(|&s| s == stored)
    });
    sync_all(&mut [&mut screen_a, &mut screen_b, &mut ann_c, &mut bob_c], seq);
    for c in [&screen_a, &ann_c] {
        let e = claim_event(c, "claim_rejected", loser).unwrap_or_else(|| panic!("{} did not see the claim", c.name));
        assert_eq!(e["serial"], loser);
    }
    assert!(claim_event(&screen_b, "claim_rejected", ann.serials[0]).is_none());

    // ann and the rt1 screen lose their connection, bob his on rt2; three balls meanwhile; they
    // come back on the other node and get exactly what they missed.
    ann_c.drop_connection();
    screen_a.drop_connection();
    bob_c.drop_connection();
    let missed: Vec<u64> = (0..3).map(|_| draw(&console, &id)).collect();
    let seq = last_seq(&console, &id);
    ann_c.resume(&rt2);
    ann_c.name = "ann@rt2".into();
    screen_a.resume(&rt2);
    screen_a.name = "screen@rt1->rt2".into();
    bob_c.resume(&rt1);
    bob_c.name = "bob@rt1".into();
    for c in [&mut ann_c, &mut screen_a, &mut bob_c] {
        c.sync_to(seq);
        let balls = c.balls();
        assert_eq!(&balls[balls.len() - 3..], &missed[..], "{}", c.name);
        c.assert_no_event_for(Duration::from_millis(300));
    }
    // A wrong epoch on rt1: a snapshot. This screen stays on rt1 from here on.
    let (mut screen_c, w) =
        Client::connect("screen@rt1 (late)", &rt1, screen_hello(&code, 3, Some("feedfacefeedface")));
    assert_eq!(w["last_seq"].as_u64(), Some(seq), "{w}");
    assert_eq!(w["snapshot"]["game"]["calls"], json!(calls(&console, &id)), "{w}");

    // Play until a card wins; its owner claims over the socket of whichever node they are on.
    let mut winner = None;
    for _ in 0..90 {
        draw(&console, &id);
        if let Some(&w) = winners(&console, &id, &all).first() {
            winner = Some(w);
            break;
        }
    }
    let winner = winner.expect("a card wins the first stage within 90 balls");
    let (owner, others): (&mut Client, [&mut Client; 3]) = if ann.serials.contains(&winner) {
        (&mut ann_c, [&mut bob_c, &mut screen_a, &mut screen_c])
    } else {
        (&mut bob_c, [&mut ann_c, &mut screen_a, &mut screen_c])
    };
    owner.ws().send(&json!({"type": "claim", "serial": winner, "request_id": "win"}));
    let result = owner.wait_for(Duration::from_secs(10), |m| m["type"] == "claim_result");
    assert_eq!(result["accepted"], true, "{}: {result}", owner.name);
    assert_eq!(result["event"]["serial"], winner);
    // The console (API node) sees the claim the realtime node committed.
    eventually(Duration::from_secs(5), "the API's view to show the pending winner", || {
        Some(()).filter(|_| snapshot(&console, &id)["game"]["pending_winners"] == json!([winner]))
    });
    let (status, claims) = console.get(&format!("/api/v1/games/{id}/claims"));
    assert_eq!(status, 200);
    let accepted: Vec<&Value> =
        claims["claims"].as_array().expect("claims").iter().filter(|c| c["type"] == "claim_accepted").collect();
    assert_eq!(accepted.len(), 1, "{claims}");
    let seq = last_seq(&console, &id);
    owner.sync_to(seq);
    for c in others {
        c.sync_to(seq);
        assert!(claim_event(c, "claim_accepted", winner).is_some(), "{} did not see the win", c.name);
    }
    // The next ball settles the stage and goes on (the API node draws after a realtime node wrote).
    draw(&console, &id);
    let game = &snapshot(&console, &id)["game"];
    assert_eq!(game["stage"], 1, "{game}");
    assert_eq!(game["results"][0]["winners"][0]["serial"], winner, "{game}");
    draw(&console, &id);
    let body = post(&console, &format!("/api/v1/games/{id}/finish"));
    let game = body["snapshot"]["game"].clone();
    verify_finished(bin(), &game, "90");

    // Every client has every event to the end, in order (Client checks gaplessness as it reads),
    // payload for payload the stored log, and the balls are exactly the API's calls.
    let log = stored_payloads(&console, &id);
    let end = log.len() as u64;
    assert_eq!(log.last().expect("log")["type"], "seed_revealed");
    let final_calls = crate::support::numbers(&game["calls"]);
    for c in [&mut screen_a, &mut screen_b, &mut ann_c, &mut bob_c] {
        c.sync_to(end);
        c.assert_matches_log(&log);
        assert_eq!(c.events.first().map(|m| m["seq"].as_u64()), Some(Some(start_seq + 1)), "{}", c.name);
        assert_eq!(c.balls(), final_calls, "{}", c.name);
    }
    screen_c.sync_to(end);
    screen_c.assert_matches_log(&log);
    assert!(final_calls.ends_with(&screen_c.balls()));

    // SIGTERM on rt1: its clients (bob, the late screen) are told to reconnect; it exits 0.
    assert!(platform.nodes[1].terminate(), "rt1 exits 0 on SIGTERM:\n{}", platform.nodes[1].output());
    for c in [&mut bob_c, &mut screen_c] {
        let mut got_reconnect = false;
        let close = loop {
            match c.ws().next(Duration::from_secs(5)) {
                Next::Message(m) => got_reconnect |= m["type"] == "reconnect",
                Next::Closed(code) => break code,
                Next::Nothing => panic!("{}: no close after SIGTERM", c.name),
            }
        };
        assert!(got_reconnect, "{}", c.name);
        assert_eq!(close, Some(1012), "{}", c.name);
        // ... and come back on rt2 with nothing missing.
        c.resume(&rt2);
        c.assert_no_event_for(Duration::from_millis(300));
    }
}
