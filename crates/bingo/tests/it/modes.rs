//! The data directory, the database, backups, ledger exports and the admin passphrase hold
//! seeds and secrets: bingo makes them its owner's only whatever the umask, here a shell's
//! usual 022, which would leave them readable by every local user.

use crate::game::bin;
use crate::support::KillOnDrop;
use bingo_testkit::{free_port, Http};
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `bingo ARGS` under umask 022, with only the settings given in `env`.
fn umask_022(env: &[(&str, String)], args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "umask 022; exec \"$0\" \"$@\"", bin()]).args(args);
    for var in ["DATABASE_URL", "BINGO_DATABASE_URL", "BINGO_DATA_DIR", "BINGO_BACKUP_DIR", "BINGO_CONFIG"] {
        cmd.env_remove(var);
    }
    cmd.env("BINGO_LOG_FORMAT", "json").envs(env.iter().map(|(k, v)| (*k, v.as_str()))).stdin(Stdio::null());
    cmd
}

fn ok(out: Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "bingo failed: {text}");
    text
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

fn assert_mode(path: &Path, expected: u32) {
    assert_eq!(mode(path), expected, "{} is {:o}, expected {expected:o}", path.display(), mode(path));
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).expect("list").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
}

/// Starts `bingo serve` under umask 022 and waits until it is ready.
fn serve(env: &[(&str, String)], listen: &str, log: &Path) -> KillOnDrop {
    let out = std::fs::File::create(log).expect("log");
    let mut server = KillOnDrop(
        umask_022(env, &["serve"])
            .env("BINGO_LISTEN", listen)
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("start bingo"),
    );
    let http = Http::new(&format!("http://{listen}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get("/ready").0 != 200 {
        let log = || std::fs::read_to_string(log).unwrap_or_default();
        assert!(server.0.try_wait().expect("wait").is_none(), "bingo exited: {}", log());
        assert!(Instant::now() < deadline, "bingo was not ready: {}", log());
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

#[test]
fn data_backups_and_exports_are_the_owners_alone_under_umask_022() {
    let root = tempfile::tempdir().expect("tmp");
    let arg = |p: &Path| p.to_string_lossy().into_owned();
    let (data, backups) = (root.path().join("data"), root.path().join("backups"));
    let env = [("BINGO_DATA_DIR", arg(&data)), ("BINGO_BACKUP_DIR", arg(&backups))];
    let listen = format!("127.0.0.1:{}", free_port());
    let mut server = serve(&env, &listen, &root.path().join("serve.log"));

    // A game, so that the database holds a seed and the ledger has events.
    let passphrase = std::fs::read_to_string(data.join("admin-passphrase")).expect("the generated passphrase");
    let mut console = Http::new(&format!("http://{listen}"));
    let (status, body) = console.post("/api/v1/admin/login", &json!({"passphrase": passphrase.trim()}));
    assert_eq!(status, 200, "{body}");
    console.token = body["token"].as_str().map(String::from);
    let config = json!({"kind": "75", "stages": [{"pattern": {"builtin": "any-line"}, "prize": 1}]});
    let (status, body): (u16, Value) = console.post("/api/v1/games", &config);
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().expect("id").to_string();

    assert_mode(&data, 0o700);
    for name in ["admin-passphrase", "bingo.db", "bingo.db-wal", "bingo.db-shm"] {
        assert_mode(&data.join(name), 0o600);
    }

    let export = root.path().join("ledger.json");
    ok(umask_022(&env, &["ledger", "export", "--game", &id, "--out", &arg(&export)]).output().expect("run"));
    assert_mode(&export, 0o600);

    ok(umask_022(&env, &["backup"]).output().expect("run"));
    assert_mode(&backups, 0o700);
    let written = files_in(&backups);
    assert_eq!(written.len(), 3, "{written:?}");
    for file in &written {
        assert_mode(file, 0o600);
    }

    let _ = Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status();
    assert!(server.0.wait().expect("wait").success());
    let dump = written.iter().find(|p| p.extension().is_some_and(|e| e == "sqlite")).expect("a dump");
    ok(umask_022(&env, &["restore", &arg(dump), "--yes"]).output().expect("run"));
    assert_mode(&data.join("bingo.db"), 0o600);
    let with_safety = files_in(&backups);
    assert_eq!(with_safety.len(), 6, "the safety backup: {with_safety:?}");
    for file in &with_safety {
        assert_mode(file, 0o600);
    }
}

#[test]
fn a_database_left_open_by_an_older_bingo_is_tightened_and_an_open_directory_named() {
    let root = tempfile::tempdir().expect("tmp");
    let data = root.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let env = [("BINGO_DATA_DIR", data.to_string_lossy().into_owned())];

    let out = ok(umask_022(&env, &["migrate"]).output().expect("run"));
    assert_mode(&data.join("bingo.db"), 0o600);
    assert!(out.contains("warning: other users can enter"), "{out}");
    assert_mode(&data, 0o755); // its owner's to change: it may be managed elsewhere

    std::fs::set_permissions(data.join("bingo.db"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = ok(umask_022(&env, &["migrate"]).output().expect("run"));
    assert_mode(&data.join("bingo.db"), 0o600);
    assert!(out.contains("bingo.db was open to other users; it is now its owner's only"), "{out}");
}

#[test]
fn a_postgresql_backup_is_the_owners_alone_under_umask_022() {
    let db = bingo_testkit::PgDatabase::create();
    let root = tempfile::tempdir().expect("tmp");
    let backups = root.path().join("backups");
    let env = [("BINGO_DATABASE_URL", db.url.clone()), ("BINGO_BACKUP_DIR", backups.to_string_lossy().into_owned())];
    ok(umask_022(&env, &["migrate"]).output().expect("run"));
    ok(umask_022(&env, &["backup"]).output().expect("run"));
    assert_mode(&backups, 0o700);
    let written = files_in(&backups);
    assert!(written.iter().any(|p| p.extension().is_some_and(|e| e == "pgdump")), "{written:?}");
    assert_eq!(written.len(), 3, "{written:?}");
    for file in &written {
        assert_mode(file, 0o600);
    }
}
