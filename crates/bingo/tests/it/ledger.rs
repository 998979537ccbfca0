//! `bingo ledger export` and `bingo verify --ledger`: a finished game verifies end to end; an
//! altered file, or a re-hashed forgery, does not.

use super::game::{bin, join, winners, Player};
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::{json, Value};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().expect("run bingo")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn export(platform: &Platform, game: &str, out: &std::path::Path) {
    let data = platform.data_dir();
    let o = run(&[
        "ledger",
        "export",
        "--game",
        game,
        "--data-dir",
        data.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
}

pub fn verify(path: &std::path::Path) -> Output {
    run(&["verify", "--ledger", path.to_str().expect("path")])
}

/// Re-hashes a ledger after editing payloads, as a forger with the file (but not the seed) would.
pub fn rehash(ledger: &mut Value) {
    use sha2::{Digest, Sha256};
    let mut prev = [0u8; 32];
    for e in ledger["events"].as_array_mut().expect("events") {
        let seq = e["seq"].as_u64().expect("seq");
        let mut h = Sha256::new();
        h.update(prev);
        h.update(seq.to_be_bytes());
        h.update(e["payload"].as_str().expect("payload").as_bytes());
        let hash: [u8; 32] = h.finalize().into();
        e["prev_hash"] = json!(hex::encode(prev));
        e["hash"] = json!(hex::encode(hash));
        prev = hash;
    }
}

/// Draws until one of `player`'s cards wins, claims it from the phone, ends the game: the winner.
pub fn win_and_finish(platform: &Platform, console: &Http, id: &str, player: &Player) -> u64 {
    let winner = loop {
        assert_eq!(console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null).0, 200);
        if let Some(&w) = winners(console, id, &player.serials).first() {
            break w;
        }
    };
    let (status, body) =
        platform.api().http().with_token(&player.token).post("/api/v1/me/claims", &json!({"serial": winner}));
    assert_eq!((status, body["type"].as_str()), (200, Some("claim_accepted")), "{body}");
    assert_eq!(console.post(&format!("/api/v1/games/{id}/finish"), &Value::Null).0, 200);
    winner
}

#[test]
fn a_finished_game_verifies_and_tampering_is_caught() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, code) = platform
        .open_game(&console, json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": 500}]}));
    let player = join(&platform.api().http(), &code, "ann", 6);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);
    let dir = tempfile::tempdir().expect("tmp");
    let unfinished = dir.path().join("unfinished.json");
    export(&platform, &id, &unfinished);
    let o = verify(&unfinished);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("INCOMPLETE"), "{}", stdout(&o));

    let winner = win_and_finish(&platform, &console, &id, &player);

    let path = dir.path().join("ledger.json");
    export(&platform, &id, &path);
    let o = verify(&path);
    assert!(o.status.success(), "{}", stdout(&o));

    // The same file over the API, for a host without the database, verifies the same.
    let (status, served) = console.get(&format!("/api/v1/games/{id}/ledger"));
    assert_eq!(status, 200, "{served}");
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    assert_eq!(served, exported, "the API serves exactly what `bingo ledger export` writes");
    let from_api = dir.path().join("from-api.json");
    std::fs::write(&from_api, served.to_string()).expect("write");
    let o = verify(&from_api);
    assert!(o.status.success() && stdout(&o).starts_with("FAIR"), "{}", stdout(&o));
    assert_eq!(platform.api().http().get(&format!("/api/v1/games/{id}/ledger")).0, 401, "the console's only");
    assert!(stdout(&o).starts_with("FAIR"), "{}", stdout(&o));
    assert!(stdout(&o).contains(&format!("card {winner} \"ann\" (500)")), "{}", stdout(&o));

    // A prize re-hashed as paid to another name: the share no longer matches the claim.
    let mut renamed: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let won = renamed["events"]
        .as_array_mut()
        .expect("events")
        .iter_mut()
        .find(|e| e["payload"].as_str().is_some_and(|p| p.contains("\"stage_won\"")))
        .expect("the stage's settlement");
    let mut payload: Value = serde_json::from_str(won["payload"].as_str().expect("p")).expect("json");
    assert_eq!(payload["winners"][0]["name"], "ann", "{payload}");
    payload["winners"][0]["name"] = json!("mallory");
    won["payload"] = json!(payload.to_string());
    rehash(&mut renamed);
    let path_renamed = dir.path().join("renamed.json");
    std::fs::write(&path_renamed, renamed.to_string()).expect("write");
    let o = verify(&path_renamed);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("NOT FAIR"), "{}", stdout(&o));

    // Change a called ball: the chain no longer matches.
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let mut altered = original.clone();
    let ball = altered["events"]
        .as_array_mut()
        .expect("events")
        .iter_mut()
        .find(|e| e["payload"].as_str().is_some_and(|p| p.contains("\"ball_called\"")))
        .expect("a ball");
    let mut payload: Value = serde_json::from_str(ball["payload"].as_str().expect("p")).expect("json");
    payload["number"] = json!(if payload["number"] == 1 { 2 } else { 1 });
    ball["payload"] = json!(payload.to_string());
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, altered.to_string()).expect("write");
    let o = verify(&tampered);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("NOT VALID"), "{}", stdout(&o));

    // A forger who re-hashes the whole chain is still caught: the seed gives other balls.
    rehash(&mut altered);
    std::fs::write(&tampered, altered.to_string()).expect("write");
    let o = verify(&tampered);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("NOT FAIR"), "{}", stdout(&o));

    // A file that is not a ledger gets a clear error, not a panic.
    std::fs::write(&tampered, "{\"format\": 3}").expect("write");
    let o = verify(&tampered);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error:"));
}
