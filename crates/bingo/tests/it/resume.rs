//! Resume without a gap on one node (the embedded default): a player and a screen drop their
//! sockets mid-game, balls are drawn meanwhile, and on reconnecting with `last_seq` + `epoch`
//! they get a `resume` welcome followed by exactly the events they missed, then new ones. A wrong
//! epoch (or a position the server never had) gets a snapshot instead.

use crate::game::{bin, join, ninety_ball};
use crate::support::{calls, draw, last_seq, player_hello, screen_hello, stored_payloads, Client};
use bingo_testkit::{Backend, Options, Platform};
use serde_json::json;
use std::time::Duration;

#[test]
fn resume_without_a_gap_on_the_embedded_default() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let ann = join(&platform.api().http(), &code, "ann", 6);
    let ws_url = platform.api().ws_url();
    crate::support::post(&console, &format!("/api/v1/games/{id}/start"));
    for _ in 0..3 {
        draw(&console, &id);
    }

    let (mut player, welcome) = Client::connect("ann", &ws_url, player_hello(&ann.token, 0, None));
    assert_eq!(welcome["client"], "player");
    assert_eq!(welcome["you"]["cards"].as_array().map(Vec::len), Some(6), "{welcome}");
    assert_eq!(welcome["snapshot"]["game"]["calls"], json!(calls(&console, &id)));
    assert_eq!(welcome["last_seq"].as_u64(), Some(last_seq(&console, &id)));
    let (mut screen, welcome) = Client::connect("screen", &ws_url, screen_hello(&code, 0, None));
    assert_eq!(welcome["client"], "screen");
    assert!(welcome["you"].is_null(), "a screen is nobody: {welcome}");

    for _ in 0..2 {
        draw(&console, &id);
    }
    let seq = last_seq(&console, &id);
    player.sync_to(seq);
    screen.sync_to(seq);
    assert_eq!(player.balls().len(), 2);

    // Both lose their connection; four balls are drawn meanwhile.
    player.drop_connection();
    screen.drop_connection();
    let missed: Vec<u64> = (0..4).map(|_| draw(&console, &id)).collect();
    let now = last_seq(&console, &id);
    assert_eq!(now, seq + 4);

    for client in [&mut player, &mut screen] {
        let welcome = client.resume(&ws_url);
        if client.name == "ann" {
            assert_eq!(welcome["you"]["cards"].as_array().map(Vec::len), Some(6), "{welcome}");
        }
        // Exactly the missed events, in order, and nothing more.
        client.sync_to(now);
        assert_eq!(&client.balls()[2..], &missed[..], "{}", client.name);
        client.assert_no_event_for(Duration::from_millis(500));
    }

    // Then the new ones.
    let next = draw(&console, &id);
    let now = last_seq(&console, &id);
    for client in [&mut player, &mut screen] {
        client.sync_to(now);
        assert_eq!(client.balls().last(), Some(&next));
        assert_eq!(client.balls(), calls(&console, &id)[3..].to_vec(), "{}", client.name);
    }
    let log = stored_payloads(&console, &id);
    player.assert_matches_log(&log);
    screen.assert_matches_log(&log);

    // A wrong epoch, a position past the end, or no epoch at all: a snapshot, not a resume,
    // and the stream continues after the snapshot with no replay.
    let epoch = player.epoch.clone();
    let cases = [(now - 2, Some("00000000deadbeef")), (now + 50, Some(epoch.as_str())), (now - 2, None)];
    for (i, (last, epoch)) in cases.into_iter().enumerate() {
        let now = last_seq(&console, &id);
        let (mut ws, welcome) = crate::support::hello(&ws_url, player_hello(&ann.token, last, epoch));
        assert_eq!(welcome["mode"], "snapshot", "case {i}: last_seq {last}, epoch {epoch:?}: {welcome}");
        assert_eq!(welcome["last_seq"].as_u64(), Some(now), "{welcome}");
        assert_eq!(welcome["snapshot"]["game"]["calls"], json!(calls(&console, &id)), "{welcome}");
        assert_eq!(welcome["epoch"], player.epoch.as_str());
        let ball = draw(&console, &id);
        let frame = ws.recv_until(Duration::from_secs(10), |m| m["type"] == "event").expect("the next event");
        assert_eq!(frame["seq"].as_u64(), Some(now + 1), "case {i}: {frame}");
        assert_eq!(frame["event"]["number"].as_u64(), Some(ball), "case {i}: {frame}");
        ws.close();
    }
    let now = last_seq(&console, &id);
    player.sync_to(now);
    screen.sync_to(now);
    assert_eq!(player.balls(), calls(&console, &id)[3..].to_vec());
    assert_eq!(screen.balls(), player.balls());

    // ann continues on another phone with her recovery code: a new token, the old one is dead,
    // and the new phone resumes from where the old one was.
    let (status, recovered) =
        platform.api().http().post("/api/v1/recover", &json!({"join_code": code, "recovery_code": ann.recovery}));
    assert_eq!(status, 200, "{recovered}");
    assert_eq!(recovered["cards"].as_array().map(Vec::len), Some(6));
    let new_token = recovered["player_token"].as_str().expect("token");
    assert_ne!(new_token, ann.token);
    let (status, body) = platform.api().http().with_token(&ann.token).get("/api/v1/me");
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");
    // Nor does it open a socket (this node remembered ann since her join, until the recovery).
    let mut old_phone = bingo_testkit::Ws::connect(&ws_url);
    old_phone.send(&player_hello(&ann.token, 0, None));
    let refused = old_phone.recv(Duration::from_secs(5)).expect("an answer to the old token");
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("unauthorized")),
        "{refused}"
    );
    let (mut phone, welcome) = crate::support::hello(&ws_url, player_hello(new_token, player.seq, Some(&player.epoch)));
    assert_eq!(welcome["mode"], "resume", "{welcome}");
    assert_eq!(welcome["you"]["nickname"], "ann", "{welcome}");
    assert_eq!(player.seq, last_seq(&console, &id));
    // The announcement shown now (none) follows every resume; nothing was missed, so nothing is
    // replayed.
    let told = phone.recv(Duration::from_secs(5)).expect("the announcement after the welcome");
    assert_eq!(told["update"], json!({"type": "announcement", "text": null}), "{told}");
    assert!(phone.recv(Duration::from_millis(300)).is_none(), "nothing was missed, so nothing is replayed");
    phone.close();
}
