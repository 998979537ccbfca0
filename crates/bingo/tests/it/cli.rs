//! The command-line tools: output matches the published algorithm (test vectors and the
//! independent Python reference), verdicts are right, and bad arguments fail cleanly.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bingo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bingo")).args(args).output().expect("run bingo")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn output_matches_the_published_test_vectors() {
    let text = std::fs::read_to_string(repo().join("tests/fairness/vectors.json")).expect("vectors.json");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let mut checked = 0;
    for seed in doc["seeds"].as_array().expect("seeds") {
        let hex = seed["seed"].as_str().expect("seed");
        for (kind, v) in seed["kinds"].as_object().expect("kinds") {
            let out = bingo(&["draws", "--kind", kind, "--seed", hex, "--format", "json"]);
            assert_eq!(stdout(&out).trim_end(), v["draws"].as_str().expect("draws"), "draws {kind}");
            let serials = v["card_serials"].as_array().expect("serials");
            for (serial, line) in serials.iter().zip(v["cards"].as_array().expect("cards")) {
                let serial = serial.as_u64().expect("serial").to_string();
                let out = bingo(&["cards", "--kind", kind, "--seed", hex, "--from", &serial, "--format", "json"]);
                assert_eq!(stdout(&out).trim_end(), line.as_str().expect("line"), "card {kind} {serial}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} cards checked");
}

#[test]
fn output_matches_the_independent_python_reference() {
    let reference = repo().join("tests/fairness/reference.py");
    let seeds = [
        "5f4dcc3b5aa765d61d8327deb882cf99b0c1e2f3a4b5c6d7e8f9000112233445",
        "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
    ];
    for seed in seeds {
        for kind in ["75", "90", "80", "30"] {
            let args = ["cards", "--kind", kind, "--seed", seed, "--from", "995", "--count", "30"];
            let ours = bingo(&[&args[..], &["--format", "json"]].concat());
            let theirs =
                Command::new("python3").arg(&reference).args(args).output().expect("python3 must be installed");
            assert!(theirs.status.success(), "reference failed: {}", stderr(&theirs));
            assert_eq!(stdout(&ours), stdout(&theirs), "cards {kind} {seed}");
            let ours = bingo(&["draws", "--kind", kind, "--seed", seed, "--format", "json"]);
            let theirs = Command::new("python3")
                .arg(&reference)
                .args(["draws", "--kind", kind, "--seed", seed])
                .output()
                .expect("python3");
            assert_eq!(stdout(&ours), stdout(&theirs), "draws {kind} {seed}");
        }
    }
}

const SEED: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const COMMITMENT: &str = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd";

#[test]
fn verify_says_fair_or_not_fair_and_why() {
    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", SEED]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("FAIR"), "{}", stdout(&out));

    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "20,42,71,40"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("all 4 balls"));

    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "20,42,40,71"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("NOT FAIR: call 3 was 40, but the committed seed gives 71"), "{}", stdout(&out));

    let other = "ff".repeat(32);
    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", &other]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("does not match the commitment"));
}

#[test]
fn text_cards_are_readable() {
    let out = bingo(&["cards", "--kind", "75", "--seed", SEED, "--count", "2"]);
    let text = stdout(&out);
    assert!(text.starts_with("75-ball card 1\n   B    I    N    G    O\n"), "{text}");
    assert!(text.contains("FREE"));
    assert!(text.contains("75-ball card 2"));
    let out = bingo(&["cards", "--kind", "90", "--seed", SEED, "--from", "7"]);
    assert!(stdout(&out).starts_with("90-ball ticket 7 (strip 2, ticket 1 of 6)"), "{}", stdout(&out));
}

#[test]
fn bad_arguments_fail_with_one_line_and_no_panic() {
    let cases: &[&[&str]] = &[
        &["cards", "--kind", "76", "--seed", SEED],
        &["cards", "--kind", "75", "--seed", "xyz"],
        &["cards", "--kind", "30", "--seed", SEED, "--from", "1728000", "--count", "2"],
        &["cards", "--kind", "30", "--seed", SEED, "--from", "0"],
        &["cards", "--kind", "75", "--seed", SEED, "--count", "0"],
        &["cards", "--kind", "75", "--seed", SEED, "--from", "18446744073709551615", "--count", "3"],
        &["draws", "--kind", "90"],
        &["verify", "--commitment", "abc", "--seed", SEED],
        &["verify", "--commitment", COMMITMENT, "--seed", SEED, "--draws", "1,2"],
        &["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "1,x"],
        &["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "300"],
        &["no-such-command"],
        // Server settings out of range stop it before it binds anything.
        &["serve", "--ws-ping-secs", "0"],
        &["serve", "--ws-ping-secs", "3601"],
        &["serve", "--ws-ping-secs", "soon"],
        &["serve", "--db-pool-size", "0"],
        &["serve", "--log-format", "xml"],
    ];
    for args in cases {
        let out = bingo(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.starts_with("error:"), "{args:?}: {err}");
    }
}
