//! The caller's announcement over HTTP and the socket: `PUT .../announcement` answers 204 and
//! every client of the game hears the `announcement` update; a client connecting afterwards finds
//! it in the welcome's snapshot (and the Screen's HTTP snapshot); one that resumes is told it right
//! after the welcome; bad text is refused (422) and a blank one clears.

use crate::game::{bin, join, ninety_ball};
use crate::support::{draw, player_hello, post, screen_hello, Client};
use bingo_testkit::{Backend, Options, Platform};
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn is_announcement(msg: &Value) -> bool {
    msg["type"] == "update" && msg["update"]["type"] == "announcement"
}

#[test]
fn announcements_reach_every_client_and_later_ones() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let ann = join(&platform.api().http(), &code, "ann", 1);
    let ws_url = platform.api().ws_url();
    let path = format!("/api/v1/games/{id}/announcement");
    let (mut screen, welcome) = Client::connect("screen", &ws_url, screen_hello(&code, 0, None));
    assert_eq!(welcome["snapshot"]["announcement"], Value::Null, "none yet: {welcome}");

    // Set (trimmed): the connected screen hears it; a phone connecting later has it.
    let (status, body) = console.put(&path, &json!({"text": "  Eyes down in 5 minutes "}));
    assert_eq!(status, 204, "{body}");
    let heard = screen.wait_for(WAIT, is_announcement);
    assert_eq!(heard["update"]["text"], "Eyes down in 5 minutes", "{heard}");
    assert_eq!(heard["game_id"], id.as_str());
    let (mut phone, welcome) = Client::connect("ann", &ws_url, player_hello(&ann.token, 0, None));
    assert_eq!(welcome["snapshot"]["announcement"], "Eyes down in 5 minutes", "{welcome}");
    let (_, snapshot) = platform.api().http().get(&format!("/api/v1/screen/{code}"));
    assert_eq!(snapshot["announcement"], "Eyes down in 5 minutes", "{snapshot}");

    // Refused: the shown one stays.
    let (status, body) = console.put(&path, &json!({"text": "Eyes down\nnow"}));
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");

    // The phone drops out; the game starts and the announcement is replaced meanwhile. Resuming,
    // it is told the new one right after the welcome, before the events it missed.
    let seq = screen.seq;
    phone.sync_to(seq);
    phone.drop_connection();
    post(&console, &format!("/api/v1/games/{id}/start"));
    draw(&console, &id);
    assert_eq!(console.put(&path, &json!({"text": "Raffle at the interval"})).0, 204);
    let heard = screen.wait_for(WAIT, is_announcement);
    assert_eq!(heard["update"]["text"], "Raffle at the interval", "{heard}");
    phone.resume(&ws_url);
    let told = phone.ws().recv(WAIT).expect("a message after the welcome");
    assert!(is_announcement(&told), "the announcement comes first: {told}");
    assert_eq!(told["update"]["text"], "Raffle at the interval", "{told}");

    // Cleared by null: both hear it, and a new screen's snapshot has none.
    assert_eq!(console.put(&path, &json!({"text": null})).0, 204);
    for client in [&mut screen, &mut phone] {
        let heard = client.wait_for(WAIT, is_announcement);
        assert_eq!(heard["update"]["text"], Value::Null, "{}: {heard}", client.name);
    }
    let (_, welcome) = Client::connect("screen 2", &ws_url, screen_hello(&code, 0, None));
    assert_eq!(welcome["snapshot"]["announcement"], Value::Null, "{welcome}");

    // A player may not announce.
    let (status, _) = platform.api().http().with_token(&ann.token).put(&path, &json!({"text": "hi"}));
    assert_eq!(status, 401);
}
