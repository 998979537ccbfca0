//! The embedded database's filesystem full: `bingo serve` on SQLite with its data directory on a
//! small tmpfs the test mounts, filled to the last byte mid-game. The caller's draw is refused
//! with a clear error (a status that is not a 500, the one error body), the process stays up,
//! nothing committed before is lost or changed, and once space is back the game continues
//! and the exported ledger verifies.

use super::{is_root, report, run};
use crate::game::{bin, join, ninety_ball};
use crate::support::{
    calls, card_number, draw, last_seq, numbers, post, screen_hello, stored_events, verify_finished, Client,
};
use bingo_testkit::{Backend, Options, Platform};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const TEST: &str = "disk_full";
const SIZE: &str = "16m";

/// A tmpfs of `SIZE` mounted on a directory; unmounted on drop, whether the test passed or not.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path) -> Tmpfs {
        std::fs::create_dir_all(path).expect("mount point");
        run(Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={SIZE},mode=0700"), "tmpfs"]).arg(path));
        Tmpfs { path: path.to_path_buf() }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily if something still holds a file there, so the mount never outlives the test.
        let unmounted = Command::new("umount").arg(&self.path).status().is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// Writes zeros to `path` until the filesystem refuses (ENOSPC); returns the bytes written.
fn fill(path: &Path) -> u64 {
    let mut file = std::fs::File::create(path).expect("the filler file");
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        match file.write(&chunk) {
            Ok(0) => panic!("the filesystem took nothing and said nothing"),
            Ok(n) => written += n as u64,
            Err(e) if e.raw_os_error() == Some(28) => return written,
            Err(e) => panic!("filling {}: {e}", path.display()),
        }
        assert!(written < 1 << 30, "a {SIZE} filesystem took over 1 GiB");
    }
}

#[test]
fn a_full_data_directory_refuses_clearly_and_loses_nothing() {
    if !is_root() {
        eprintln!("skipped: mounting a tmpfs needs root (CI runs as root)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let tmpfs = Tmpfs::mount(&dir.path().join("data"));
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.data_dir = Some(tmpfs.path.clone());
    let mut platform = Platform::start(options);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let ann = join(&platform.api().http(), &code, "ann", 6);
    let (mut screen, _) = Client::connect("screen", &platform.api().ws_url(), screen_hello(&code, 0, None));
    post(&console, &format!("/api/v1/games/{id}/start"));
    for _ in 0..5 {
        draw(&console, &id);
    }
    let committed = stored_events(&console, &id);
    let committed_calls = calls(&console, &id);

    let filler = tmpfs.path.join("filler");
    let filled = fill(&filler);
    let asked = Instant::now();
    let (status, body) = console.post(&format!("/api/v1/games/{id}/draw"), &serde_json::Value::Null);
    let answered_in = asked.elapsed();
    assert_eq!(status, 503, "a draw on a full disk: {body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("full"), "the message says what is wrong: {body}");
    // A player's daub is refused the same way.
    let player = platform.api().http().with_token(&ann.token);
    let (_, me) = player.get("/api/v1/me");
    let card = &me["cards"][0];
    let daub = serde_json::json!({"serial": card["serial"], "number": card_number(card), "on": true});
    let (daub_status, body) = player.put("/api/v1/me/daubs", &daub);
    assert_eq!((daub_status, &body["error"]["code"]), (503, &"unavailable".into()), "a daub on a full disk: {body}");
    assert!(platform.api_mut().is_running(), "the server stays up:\n{}", platform.api().output());
    assert_eq!(platform.api().http().get("/health").0, 200);
    // Nothing committed is lost or changed, and the refused ball is nowhere.
    assert_eq!(stored_events(&console, &id), committed);
    assert_eq!(calls(&console, &id), committed_calls);

    std::fs::remove_file(&filler).expect("remove the filler");
    let next = draw(&console, &id);
    let after: Vec<u64> = (0..3).map(|_| draw(&console, &id)).collect();
    let now = calls(&console, &id);
    assert!(now.starts_with(&committed_calls), "{committed_calls:?} then {now:?}");
    assert_eq!(now[committed_calls.len()..], [&[next][..], &after].concat());
    let rows = stored_events(&console, &id);
    assert_eq!(rows[..committed.len()], committed[..], "the log before the fill is unchanged");

    assert_eq!(player.put("/api/v1/me/daubs", &daub).0, 204, "the daub once space is back");
    let body = post(&console, &format!("/api/v1/games/{id}/finish"));
    let game = body["snapshot"]["game"].clone();
    verify_finished(bin(), &game, "90");
    let log = crate::support::stored_payloads(&console, &id);
    screen.sync_to(last_seq(&console, &id));
    screen.assert_matches_log(&log);
    assert_eq!(screen.balls(), numbers(&game["calls"]));
    let ledger = dir.path().join("ledger.json");
    run(Command::new(bin())
        .args(["ledger", "export", "--game", &id, "--data-dir"])
        .arg(&tmpfs.path)
        .arg("--out")
        .arg(&ledger));
    let verified = run(Command::new(bin()).arg("verify").arg("--ledger").arg(&ledger));
    assert!(verified.starts_with("FAIR"), "{verified}");
    let output = platform.api().output();
    assert!(!output.contains("panicked"), "{output}");

    report(TEST, "filesystem", format!("tmpfs of {SIZE}, filled with {} KiB of zeros", filled / 1024));
    report(TEST, "the draw on the full disk", format!("{status} {message:?} in {} ms", answered_in.as_millis()));
    report(TEST, "a daub on the full disk", daub_status);
    report(TEST, "balls before the fill / after space was back", format!("{} / {}", committed_calls.len(), 4));
    // The server is stopped before the mount goes.
    drop(platform);
    drop(tmpfs);
}
