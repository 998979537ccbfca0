//! Which cards exist is in the ledger (issue #15, finding 1): a host who looks for a serial that
//! has already won cannot learn it, issue it or claim it once the first ball is called, and
//! `bingo verify --ledger` checks every claimed card's issue.

use super::game::{bin, join, ninety_ball};
use super::ledger::{export, rehash, stdout, verify, win_and_finish};
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::{json, Value};

fn paper(console: &Http, id: &str, count: u64) -> (u16, Value) {
    console.post(&format!("/api/v1/games/{id}/paper"), &json!({"count": count}))
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn cards_never_issued_say_nothing_and_cannot_be_issued_or_claimed_after_the_first_ball() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, join_code) = platform.open_game(&console, ninety_ball());
    let (status, printed) = paper(&console, &id, 5);
    assert_eq!(status, 201, "{printed}");
    let player = join(&platform.api().http(), &join_code, "ann", 6);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null).0, 200);

    let issued_last =
        player.serials.iter().copied().chain([printed["last"].as_u64().expect("last")]).max().expect("serials");
    let never = issued_last + 1;
    let (status, body) = console.get(&format!("/api/v1/games/{id}/cards/{never}"));
    assert_eq!((status, code(&body)), (404, "card_not_issued"), "{body}");
    let (status, body) = console.post(&format!("/api/v1/games/{id}/claims"), &json!({"serial": never}));
    assert_eq!(status, 404, "{body}");
    let (status, body) = paper(&console, &id, 1);
    assert_eq!((status, code(&body)), (409, "sales_closed"), "{body}");
    let (status, body) =
        platform.api().http().post("/api/v1/join", &json!({"join_code": join_code, "nickname": "late", "cards": 1}));
    assert_eq!(status, 409, "{body}");
    for serial in player.serials.iter().chain(&[printed["first"].as_u64().expect("first")]) {
        assert_eq!(console.get(&format!("/api/v1/games/{id}/cards/{serial}")).0, 200, "issued card {serial}");
    }
}

#[test]
fn late_entry_is_marked_in_the_ledger_and_a_claim_on_a_card_never_issued_does_not_verify() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let mut config = ninety_ball();
    config["late_entry"] = json!(true);
    let (id, join_code) = platform.open_game(&console, config);
    let early = join(&platform.api().http(), &join_code, "ann", 6);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null).0, 200);
    let (status, printed) = paper(&console, &id, 3);
    assert_eq!(status, 201, "late entry allows paper after the first ball: {printed}");
    let late = join(&platform.api().http(), &join_code, "bob", 2);

    let winner = win_and_finish(&platform, &console, &id, &early);

    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("ledger.json");
    export(&platform, &id, &path);
    let o = verify(&path);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("cards: 11 issued (8 on phones, 3 on paper), 6 before the first ball, 5 late"), "{out}");
    let (first, last) = (printed["first"].as_u64().expect("first"), printed["last"].as_u64().expect("last"));
    assert!(out.contains(&format!("late: cards {first}-{last} (paper) issued after call 1")), "{out}");
    let (a, b) = (late.serials[0], late.serials[1]);
    assert!(out.contains(&format!("late: cards {a}-{b} (phone) issued after call 1")), "{out}");

    // A forger drops the winning card's issue and re-hashes the chain: the claim no longer verifies.
    let mut ledger: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let events = ledger["events"].as_array_mut().expect("events");
    let at = events
        .iter()
        .position(|e| {
            let p: Value = serde_json::from_str(e["payload"].as_str().unwrap_or("")).unwrap_or_default();
            p["type"] == "cards_issued" && p["first"].as_u64() <= Some(winner) && Some(winner) <= p["last"].as_u64()
        })
        .expect("the winner's issue");
    events.remove(at);
    for (i, e) in events.iter_mut().enumerate() {
        let mut p: Value = serde_json::from_str(e["payload"].as_str().expect("payload")).expect("json");
        p["seq"] = json!(i + 1);
        e["payload"] = json!(p.to_string());
        e["seq"] = json!(i + 1);
    }
    rehash(&mut ledger);
    let forged = dir.path().join("forged.json");
    std::fs::write(&forged, ledger.to_string()).expect("write");
    let o = verify(&forged);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("NOT FAIR"), "{}", stdout(&o));
}
