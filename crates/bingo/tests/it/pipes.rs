//! A reader that goes away (`bingo draws ... | head -1`) never makes a command panic: each one
//! stops quietly with status 141, as a program killed by SIGPIPE shows in a shell; a server
//! keeps serving without its banner.

use crate::game::bin;
use crate::support::KillOnDrop;
use bingo_testkit::{free_port, Backend, Http, Options, Platform};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const COMMITMENT: &str = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd";

/// A stdout whose reader is gone before the command starts: its first write fails with EPIPE.
fn closed_stdout() -> Stdio {
    let (reader, writer) = rustix::pipe::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

fn run_closed(env: &[(&str, String)], args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("DATABASE_URL")
        .env_remove("BINGO_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(closed_stdout())
        .output()
        .expect("run bingo")
}

fn assert_quiet_141(args: &[&str], out: &Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(!err.contains("error:"), "{args:?} reported an error: {err}");
    assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
}

#[test]
fn the_tools_stop_quietly_when_stdout_is_closed() {
    let dir = tempfile::tempdir().expect("tmp");
    let ledger = dir.path().join("broken.json");
    let event = json!({"seq": 2, "payload": "{}", "prev_hash": "00", "hash": "00"});
    let doc = json!({"format": "bingo-ledger/1", "game_id": "g", "join_code": "c", "epoch": "e",
        "commitment": COMMITMENT, "events": [event]});
    std::fs::write(&ledger, doc.to_string()).expect("write");
    let ledger = ledger.to_string_lossy().into_owned();
    let cases: &[&[&str]] = &[
        &["cards", "--kind", "90", "--seed", SEED, "--count", "5000"],
        &["cards", "--kind", "75", "--seed", SEED, "--count", "5000", "--format", "json"],
        &["draws", "--kind", "90", "--seed", SEED],
        &["draws", "--kind", "75", "--seed", SEED, "--format", "json"],
        &["verify", "--commitment", COMMITMENT, "--seed", SEED],
        &["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "20,42,71"],
        &["verify", "--ledger", &ledger],
    ];
    for args in cases {
        assert_quiet_141(args, &run_closed(&[], args));
    }
}

#[test]
fn database_tools_finish_their_work_and_stop_quietly_when_stdout_is_closed() {
    let mut platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, _) = platform
        .open_game(&console, json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": 1}]}));
    let dir = tempfile::tempdir().expect("tmp");
    let arg = |p: &Path| p.to_string_lossy().into_owned();
    let backups = dir.path().join("backups");
    let env = [("BINGO_DATA_DIR", arg(&platform.data_dir())), ("BINGO_BACKUP_DIR", arg(&backups))];

    let export = dir.path().join("ledger.json");
    let args = ["ledger", "export", "--game", &id, "--out", &arg(&export)];
    assert_quiet_141(&args, &run_closed(&env, &args));
    assert!(std::fs::read_to_string(&export).expect("the ledger was written").contains(&id));

    assert_quiet_141(&["migrate"], &run_closed(&env, &["migrate"]));
    assert_quiet_141(&["backup"], &run_closed(&env, &["backup"]));
    let dump = std::fs::read_dir(&backups)
        .expect("the backup was written")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .expect("a dump");

    assert!(platform.api_mut().terminate());
    let args = ["restore", &arg(&dump), "--yes"];
    assert_quiet_141(&args, &run_closed(&env, &args));
}

#[test]
fn a_server_keeps_serving_when_nobody_reads_its_banner() {
    let dir = tempfile::tempdir().expect("tmp");
    let listen = format!("127.0.0.1:{}", free_port());
    let log = std::fs::File::create(dir.path().join("log")).expect("log");
    let mut server = KillOnDrop(
        Command::new(bin())
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env_remove("BINGO_DATABASE_URL")
            .env("BINGO_DATA_DIR", dir.path().join("data"))
            .env("BINGO_LISTEN", &listen)
            .env("BINGO_LOG_FORMAT", "json")
            .stdin(Stdio::null())
            .stdout(closed_stdout())
            .stderr(log)
            .spawn()
            .expect("start bingo"),
    );
    let http = Http::new(&format!("http://{listen}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    let logs = || std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
    while http.get("/ready").0 != 200 {
        assert!(server.0.try_wait().expect("wait").is_none(), "bingo exited: {}", logs());
        assert!(Instant::now() < deadline, "not ready: {}", logs());
        std::thread::sleep(Duration::from_millis(50));
    }
    // The banner is printed once the server listens: give it time to fail.
    std::thread::sleep(Duration::from_millis(500));
    let running = server.0.try_wait().expect("wait").is_none();
    let ready: (u16, Value) = http.get("/ready");
    drop(server);
    assert!(running && ready.0 == 200, "the server stopped: {}", logs());
    assert!(!logs().contains("panicked"), "{}", logs());
}
