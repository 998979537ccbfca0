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

fn lines(out: &Output) -> Vec<String> {
    stdout(out).lines().map(String::from).collect()
}

#[test]
fn verify_says_fair_or_not_fair_and_why() {
    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", SEED]);
    assert!(out.status.success());
    assert!(lines(&out).last().is_some_and(|l| l.starts_with("FAIR")), "{}", stdout(&out));

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

/// docs/FAIRNESS.md, section 2: one line per check, then the verdict; 0 fair, 1 not fair.
#[test]
fn verify_prints_a_line_per_check_and_a_verdict() {
    let fair = ["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "20,42,71,40,51"];
    let out = bingo(&fair);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        lines(&out),
        [
            "commitment: ok (SHA-256 of the seed is the commitment)",
            "draws: ok (5 balls, the start of the seed's 75-ball draw order)",
            "FAIR: the seed matches the commitment, and all 5 balls called are the seed's draw order.",
        ]
    );

    let upper = COMMITMENT.to_uppercase();
    let out = bingo(&["verify", "--commitment", &upper, "--seed", SEED]);
    assert_eq!(out.status.code(), Some(0), "hex in either case: {}", stderr(&out));
    assert_eq!(lines(&out)[1], "draws: not checked (give --kind and --draws to check the balls called)");
    assert!(lines(&out)[2].starts_with("FAIR: "), "{}", stdout(&out));

    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75", "--draws", "20,42,40"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines(&out),
        [
            "commitment: ok (SHA-256 of the seed is the commitment)",
            "draws: MISMATCH (call 3 was 40, the seed gives 71)",
            "NOT FAIR: call 3 was 40, but the committed seed gives 71.",
        ]
    );

    // A wrong seed: both checks still reported, then one verdict.
    let other = "ff".repeat(32);
    let out = bingo(&["verify", "--commitment", COMMITMENT, "--seed", &other, "--kind", "75", "--draws", "20"]);
    assert_eq!(out.status.code(), Some(1));
    let got = lines(&out);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].starts_with("commitment: MISMATCH (SHA-256 of the seed is "), "{got:?}");
    assert!(got[1].starts_with("draws: "), "{got:?}");
    assert!(got[2].starts_with("NOT FAIR: the seed does not match the commitment"), "{got:?}");
}

/// Malformed input (docs/FAIRNESS.md, section 2) is refused, never half-checked: status 2, one
/// line on stderr, nothing on stdout.
#[test]
fn malformed_fairness_input_is_refused_with_status_2_and_one_line() {
    let verify = |kind: &str, draws: &str| -> Vec<String> {
        ["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", kind, "--draws", draws]
            .map(String::from)
            .to_vec()
    };
    let with_seed = |seed: &str| ["verify", "--commitment", COMMITMENT, "--seed", seed].map(String::from).to_vec();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (verify("75", ""), "--draws is empty"),
        (verify("75", "20,,42"), "item 2 (\"\") is empty"),
        (verify("75", "20,42,"), "item 3 (\"\") is empty"),
        (verify("75", "+20"), "item 1 (\"+20\") is not a ball number"),
        (verify("75", "020"), "item 1 (\"020\") has a leading zero"),
        (verify("75", "20, 42"), "item 2 (\" 42\") is not a ball number"),
        (verify("75", "20,42,20"), "ball 20 is listed twice (items 1 and 3)"),
        (verify("75", "20,76"), "item 2 (\"76\") is not a ball of a 75-ball game (1 to 75)"),
        (verify("30", "0"), "(1 to 30)"),
        (verify(" 75", "20"), "unknown game kind"),
        (
            ["verify", "--commitment", COMMITMENT, "--seed", SEED, "--kind", "75"].map(String::from).to_vec(),
            "--kind needs --draws",
        ),
        (with_seed(&format!(" {SEED}")), "exactly 64 hexadecimal digits"),
        (with_seed(&format!("{SEED}\n")), "exactly 64 hexadecimal digits"),
        (with_seed(&format!("0x{SEED}")), "no spaces or 0x"),
        (with_seed(&SEED[2..]), "exactly 64 hexadecimal digits"),
        (["cards", "--kind", "75", "--seed", SEED, "--from", "+5"].map(String::from).to_vec(), "no sign"),
        (["cards", "--kind", "75", "--seed", SEED, "--from", "05"].map(String::from).to_vec(), "no leading zeros"),
        (["cards", "--kind", "75", "--seed", SEED, "--count", "+2"].map(String::from).to_vec(), "no sign"),
        (["draws", "--kind", "75", "--seed", &format!("{SEED} ")].map(String::from).to_vec(), "exactly 64"),
        (
            ["cards", "--kind", "75", "--seed", SEED, "--from", "18446744073709551615", "--count", "3"]
                .map(String::from)
                .to_vec(),
            "serials 18446744073709551615 to 18446744073709551617 are not all cards",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = bingo(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}{err}", stdout(&out));
        assert_eq!(stdout(&out), "", "{args:?}: nothing is checked");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.starts_with("error: ") && err.contains(needle), "{args:?}: expected {needle:?} in {err}");
    }
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
