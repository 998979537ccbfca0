//! The first run of `bingo serve` as a person sees it: on a terminal, readable log lines (one a
//! line, no JSON) and the banner of addresses and the passphrase standing apart from them; off a
//! terminal (systemd, a redirect), JSON lines and the same banner, without the passphrase; and
//! either format when asked for, wherever stdout goes.

use crate::game::bin;
use crate::support::on_terminal;
use bingo_testkit::{free_port, Http};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where the server's stdout goes.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Out {
    Terminal,
    File,
}

/// Runs `bingo serve` on a fresh data directory until it is ready and its banner is out, stops it
/// with SIGTERM, and returns everything it printed on stdout, as written (escape codes included).
fn first_run(out: Out, env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let stdout_file = dir.path().join("stdout");
    let mut cmd = Command::new(bin());
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let shown = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reader = match out {
        Out::File => {
            cmd.stdout(std::fs::File::create(&stdout_file).expect("stdout file"));
            None
        }
        Out::Terminal => Some(on_terminal(&mut cmd, shown.clone())),
    };
    let mut child = crate::support::KillOnDrop(cmd.spawn().expect("start bingo"));
    drop(cmd); // this process's copy of the terminal's other side
    let printed = || match out {
        Out::Terminal => String::from_utf8_lossy(&shown.lock().unwrap()).into_owned(),
        Out::File => std::fs::read_to_string(&stdout_file).unwrap_or_default(),
    };
    let http = Http::new(&format!("http://127.0.0.1:{port}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get("/ready").0 != 200 || !printed().contains("Lost it?") {
        let exited = child.0.try_wait().ok().flatten();
        assert!(exited.is_none() && Instant::now() < deadline, "bingo did not start ({exited:?}): {}", printed());
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = rustix::process::Pid::from_child(&child.0);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.0.try_wait().ok().flatten().is_none() {
        assert!(Instant::now() < deadline, "bingo did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    if let Some(reader) = reader {
        reader.join().expect("the terminal reader");
    }
    printed()
}

/// `text` without its terminal escape sequences (colours), in lines, without the terminal's `\r`.
fn plain_lines(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, ended by a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain.lines().map(|l| l.trim_end_matches('\r').to_string()).collect()
}

/// The banner's lines (from "bingo ... is running on" to "Lost it?") and the lines around it;
/// checks that a blank line stands each side of it.
fn banner(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let start = lines.iter().position(|l| l.starts_with("bingo ") && l.contains(" is running on ")).expect("banner");
    let end = lines.iter().position(|l| l.contains("Lost it?")).expect("the banner's last line");
    assert!(start > 0 && lines[start - 1].is_empty(), "no blank line before the banner: {lines:#?}");
    assert!(lines.get(end + 1).is_some_and(String::is_empty), "no blank line after the banner: {lines:#?}");
    let others = lines[..start - 1].iter().chain(&lines[end + 2..]).filter(|l| !l.is_empty()).cloned().collect();
    (lines[start..=end].to_vec(), others)
}

/// A readable log line: `<time>  INFO <target>: <message> <field>=<value> ...`.
fn readable(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let time = words.next().unwrap_or_default();
    let level = words.next().unwrap_or_default();
    time.len() > 20
        && time.ends_with('Z')
        && time.as_bytes()[4] == b'-'
        && ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level)
}

#[test]
fn on_a_terminal_the_logs_are_for_people_and_the_banner_stands_apart() {
    let text = first_run(Out::Terminal, &[]);
    assert!(text.contains('\u{1b}'), "a terminal gets colours: {text:?}");
    let lines = plain_lines(&text);
    let (banner, logs) = banner(&lines);
    assert!(banner.iter().any(|l| l.starts_with("  Admin passphrase (shown only this once")), "{banner:#?}");
    assert!(banner.iter().any(|l| l.trim_start().starts_with("Screen:")), "{banner:#?}");
    assert!(!logs.is_empty());
    for line in &logs {
        assert!(!line.starts_with('{'), "a JSON line on a terminal: {line}");
        assert!(readable(line), "not a one-line readable log line: {line:?} in {lines:#?}");
    }
    let ready = logs.iter().find(|l| l.contains("bingo is ready")).expect("the ready line");
    assert!(ready.contains(" INFO bingo::server: bingo is ready") && ready.contains("listen=127.0.0.1:"), "{ready}");
    let last_log_before = lines.iter().position(|l| l.contains("bingo is ready")).expect("ready");
    let banner_at = lines.iter().position(|l| l.contains(" is running on ")).expect("banner");
    assert!(last_log_before < banner_at, "the banner comes after the start-up lines: {lines:#?}");
    assert!(logs.iter().any(|l| l.contains("stopped")), "the shutdown is logged: {logs:#?}");
    assert!(!text.contains("actix_server"), "actix-server's start-up lines crowd the banner: {lines:#?}");
}

#[test]
fn off_a_terminal_the_logs_are_json_and_the_banner_stands_apart() {
    let text = first_run(Out::File, &[]);
    assert!(!text.contains('\u{1b}'), "escape codes in a file: {text:?}");
    let lines = plain_lines(&text);
    let (banner, logs) = banner(&lines);
    assert!(banner.iter().any(|l| l.contains("Admin passphrase: generated and written to")), "{banner:#?}");
    for line in &logs {
        let json: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?} in {lines:#?}"));
        assert!(json["fields"]["message"].is_string(), "{line}");
    }
    assert!(logs.iter().any(|l| l.contains("\"bingo is ready\"")), "{logs:#?}");
}

#[test]
fn either_format_when_asked_wherever_the_output_goes() {
    let lines = plain_lines(&first_run(Out::Terminal, &[("BINGO_LOG_FORMAT", "json")]));
    let (_, logs) = banner(&lines);
    assert!(!logs.is_empty() && logs.iter().all(|l| l.starts_with('{')), "asked for JSON on a terminal: {lines:#?}");

    let text = first_run(Out::File, &[("BINGO_LOG_FORMAT", "pretty")]);
    assert!(!text.contains('\u{1b}'), "no colours in a file, even when readable lines are asked for: {text:?}");
    let lines = plain_lines(&text);
    let (_, logs) = banner(&lines);
    assert!(!logs.is_empty() && logs.iter().all(|l| readable(l)), "asked for readable lines in a file: {lines:#?}");
}
