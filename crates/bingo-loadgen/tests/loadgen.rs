//! `bingo-loadgen` against a real `bingo serve` and its own baseline server, small: every player
//! joins, every client gets every ball, and the report says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bingo_testkit::{free_port, Backend, Options, Platform, PASSPHRASE};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn loadgen() -> &'static str {
    env!("CARGO_BIN_EXE_bingo-loadgen")
}

/// The `bingo` binary, built beside this one by `cargo build`/`cargo nextest run` of the workspace.
fn bingo() -> PathBuf {
    let path = std::path::Path::new(loadgen()).with_file_name("bingo");
    assert!(path.is_file(), "{} is missing: build the server too (cargo build -p bingo)", path.display());
    path
}

/// The baseline server, stopped when dropped.
struct Baseline(Child);

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_baseline() -> (Baseline, String) {
    let port = free_port();
    let child = Command::new(loadgen())
        .args(["baseline-server", "--listen", &format!("127.0.0.1:{port}"), "--threads", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the baseline server");
    let baseline = Baseline(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the baseline server did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    (baseline, format!("ws://127.0.0.1:{port}/ws"))
}

#[test]
fn a_small_run_against_bingo_and_the_baseline_delivers_every_ball() {
    let platform = Platform::start(Options::new(bingo(), Backend::Sqlite));
    let (_baseline, baseline_url) = start_baseline();
    let dir = tempfile::tempdir().expect("tmp");
    let passphrase = dir.path().join("passphrase");
    std::fs::write(&passphrase, PASSPHRASE).expect("passphrase");
    let report = dir.path().join("report.json");
    let out = Command::new(loadgen())
        .args(["--url", &platform.api().base, "--baseline", &baseline_url])
        .args(["--players", "24", "--workers", "2", "--balls", "3", "--interval-ms", "200", "--grace-ms", "5000"])
        .arg("--passphrase-file")
        .arg(&passphrase)
        .arg("--report")
        .arg(&report)
        .stdin(Stdio::null())
        .output()
        .expect("run bingo-loadgen");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "bingo-loadgen failed: {text}");
    assert!(text.contains("== bingo: 24 players"), "{text}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(report["tool"], "bingo-loadgen");
    let bingo = &report["bingo"];
    assert_eq!(bingo["joins"]["ok"], 24, "{bingo:#}");
    assert_eq!(bingo["connect"]["welcomed"], 24, "{bingo:#}");
    for run in [bingo, &report["baseline"]] {
        let game = &run["game"];
        assert_eq!(game["balls_drawn"], 3, "{game:#}");
        assert_eq!(game["complete_clients"], 24, "{game:#}");
        assert_eq!(game["missed_ball_deliveries"], 0, "{game:#}");
        assert_eq!(game["gaps"], 0, "{game:#}");
    }
}

#[test]
fn bad_arguments_are_one_line_and_status_2() {
    let out = Command::new(loadgen()).args(["--url", "http://127.0.0.1:1", "--players", "1"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: --passphrase-file is needed"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
