//! `bingo backup` and `bingo restore` against a real PostgreSQL and on the embedded SQLite: data
//! made by a running platform is backed up, wiped, restored and compared row for row; corrupt,
//! truncated and foreign files are refused with the live data unchanged; a running server is
//! detected; retention deletes only this tool's old files.

use crate::game::{bin, join, ninety_ball};
use bingo_testkit::{Backend, Options, PgDatabase, Platform};
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    v: String,
}

/// Runs a query whose rows are one text column `v`, on either backend.
macro_rules! texts {
    ($conn:expr, $sql:expr $(,)?) => {{
        let sql: &str = &$sql;
        diesel::sql_query(sql)
            .load::<TextRow>($conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.v)
            .collect::<Vec<String>>()
    }};
}

/// Every row of every table, in a fixed order: equal fingerprints mean identical data.
fn pg_fingerprint(url: &str) -> BTreeMap<String, String> {
    let mut conn = diesel::pg::PgConnection::establish(url).expect("connect");
    let tables =
        texts!(&mut conn, "SELECT tablename::text AS v FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",);
    tables
        .into_iter()
        .map(|t| {
            let rows = texts!(
                &mut conn,
                &format!("SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') AS v FROM \"{t}\" x"),
            );
            (t, rows.concat())
        })
        .collect()
}

fn sqlite_fingerprint(path: &Path) -> BTreeMap<String, String> {
    let mut conn = diesel::sqlite::SqliteConnection::establish(&path.to_string_lossy()).expect("open");
    let tables = texts!(
        &mut conn,
        "SELECT name AS v FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY 1",
    );
    tables
        .into_iter()
        .map(|t| {
            let cols = texts!(&mut conn, &format!("SELECT name AS v FROM pragma_table_info('{t}') ORDER BY cid"));
            let row = cols.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || ',' || ");
            let rows = texts!(
                &mut conn,
                &format!(
                    "SELECT coalesce(group_concat(r, char(10)), '') AS v FROM (SELECT {row} AS r FROM \"{t}\" ORDER BY r)"
                ),
            );
            (t, rows.concat())
        })
        .collect()
}

/// `bingo ARGS` with only the settings given in `env` (nothing inherited that could point elsewhere).
pub(crate) fn bingo(env: &[(&str, String)], args: &[&str]) -> Output {
    let mut cmd = Command::new(bin());
    for var in [
        "DATABASE_URL",
        "BINGO_DATABASE_URL",
        "BINGO_DATABASE_URL_FILE",
        "BINGO_DATA_DIR",
        "BINGO_CONFIG",
        "BINGO_BACKUP_DIR",
        "BINGO_BACKUP_RETENTION_DAYS",
        "BINGO_BACKUP_METRICS_FILE",
        "BINGO_PG_BIN_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("BINGO_LOG_FORMAT", "json");
    cmd.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    cmd.args(args).stdin(std::process::Stdio::null()).output().expect("run bingo")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

pub(crate) fn ok(out: Output) -> String {
    assert!(out.status.success(), "bingo failed: {}", text(&out));
    text(&out)
}

/// Runs the command and expects a refusal: non-zero, one `error:` line with `needle`, no panic.
pub(crate) fn refused(out: Output, needle: &str) {
    let all = text(&out);
    assert!(!out.status.success(), "expected a refusal, got success: {all}");
    assert!(!all.contains("panicked"), "{all}");
    let error = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(error.contains(needle), "expected an error with {needle:?}, got: {all}");
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs()
}

/// `20250102T033000Z` for `unix`.
fn compact(unix: u64) -> String {
    let out = Command::new("date").args(["-u", "-d", &format!("@{unix}"), "+%Y%m%dT%H%M%SZ"]).output().expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The dump files (not sidecars) in `dir`, sorted.
pub(crate) fn dumps(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".pgdump") || n.ends_with(".sqlite")
        })
        .collect();
    v.sort();
    v
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Copies a backup (dump, manifest, checksums) into `dir` under the same name.
fn copy_backup(path: &Path, dir: &Path) -> PathBuf {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    for suffix in ["", ".manifest.json", ".sha256"] {
        std::fs::copy(sidecar(path, suffix), dir.join(format!("{name}{suffix}"))).expect("copy");
    }
    dir.join(name)
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Rewrites the manifest's size and hash and the `.sha256` file to match the dump as it is now:
/// a damaged dump whose checksums were made after the damage, so only the full read catches it.
fn reseal(path: &Path) {
    let bytes = std::fs::read(path).expect("read dump");
    let manifest_path = sidecar(path, ".manifest.json");
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&manifest_path).expect("manifest")).expect("json");
    manifest["size_bytes"] = bytes.len().into();
    manifest["sha256"] = hex_sha256(&bytes).into();
    let manifest_text = serde_json::to_string_pretty(&manifest).expect("encode");
    std::fs::write(&manifest_path, &manifest_text).expect("write manifest");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::write(
        sidecar(path, ".sha256"),
        format!("{}  {name}\n{}  {name}.manifest.json\n", hex_sha256(&bytes), hex_sha256(manifest_text.as_bytes())),
    )
    .expect("write sha256");
}

fn flip_byte(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).expect("read");
    bytes[at] ^= 0x5a;
    std::fs::write(path, bytes).expect("write");
}

fn truncate(path: &Path, cut: usize) {
    let bytes = std::fs::read(path).expect("read");
    std::fs::write(path, &bytes[..bytes.len() - cut]).expect("write");
}

/// A game with players, cards and drawn balls, and a second game only opened; returns the
/// first game's id.
fn make_data(platform: &Platform) -> String {
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    for name in ["ann", "bob", "cat"] {
        join(&http, &code, name, 3);
    }
    let (status, body) = console.post(&format!("/api/v1/games/{id}/start"), &Value::Null);
    assert_eq!(status, 200, "{body}");
    for _ in 0..8 {
        let (status, body) = console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null);
        assert_eq!(status, 200, "{body}");
    }
    let (_, code2) = platform.open_game(&console, ninety_ball());
    join(&http, &code2, "dee", 2);
    id
}

/// The game's last seq and called balls, as the console sees them.
fn game_via_api(platform: &Platform, id: &str) -> (u64, Value) {
    let (status, body) = platform.console().get(&format!("/api/v1/games/{id}"));
    assert_eq!(status, 200, "{body}");
    (
        body["game"]["last_seq"].as_u64().unwrap_or_else(|| panic!("no last_seq in {body}")),
        body["game"]["calls"].clone(),
    )
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql]).output().expect("psql");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Drops the `<name>_old_*` / `<name>_restore_*` databases a restore leaves or a failure might.
pub(crate) struct DropSideDatabases {
    pub(crate) admin: String,
    pub(crate) name: String,
}

impl DropSideDatabases {
    pub(crate) fn list(&self) -> Vec<String> {
        psql(&self.admin, &format!("SELECT datname FROM pg_database WHERE datname LIKE '{}\\_%' ORDER BY 1", self.name))
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for DropSideDatabases {
    fn drop(&mut self) {
        for db in self.list() {
            psql(&self.admin, &format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"));
        }
    }
}

fn metrics_timestamp(path: &Path) -> u64 {
    let text = std::fs::read_to_string(path).expect("metrics file");
    let line = text
        .lines()
        .find(|l| l.starts_with("bingo_backup_last_success_timestamp_seconds "))
        .unwrap_or_else(|| panic!("no timestamp in {text}"));
    assert!(text.contains("\nbingo_backup_last_size_bytes "), "{text}");
    line.rsplit(' ').next().unwrap().parse().expect("number")
}

#[test]
fn postgres_backup_wipe_restore_gives_identical_data() {
    let db = PgDatabase::create();
    let admin = db.url.rsplit_once('/').map(|(base, _)| format!("{base}/postgres")).expect("admin url");
    let _cleanup = DropSideDatabases { admin: admin.clone(), name: db.name.clone() };
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_DATABASE_URL".into(), db.url.clone()));
    let mut platform = Platform::start(options);
    let id = make_data(&platform);
    let seen = game_via_api(&platform, &id);

    let dir = tempfile::tempdir().expect("tmp");
    let backups = dir.path().join("backups");
    let metrics = dir.path().join("textfile/bingo_backup.prom");
    let env = vec![("BINGO_DATABASE_URL", db.url.clone())];

    // A running server does not stop a backup (pg_dump reads one snapshot)...
    let started = unix_now();
    let out =
        ok(bingo(&env, &["backup", "--dir", &backups.to_string_lossy(), "--metrics-file", &metrics.to_string_lossy()]));
    assert!(out.contains("backup written"), "{out}");
    assert!(!out.contains(&db.url), "the URL must never be printed: {out}");
    let stamp = metrics_timestamp(&metrics);
    assert!(stamp >= started.saturating_sub(2) && stamp <= unix_now() + 2, "timestamp {stamp}");
    let backup = dumps(&backups).pop().expect("a dump");
    assert!(backup.file_name().unwrap().to_string_lossy().ends_with(".pgdump"));
    let check = Command::new("sha256sum").arg("-c").arg(sidecar(&backup, ".sha256")).current_dir(&backups).output();
    assert!(check.expect("sha256sum").status.success(), "sha256sum -c fails");

    // ...but it does stop a restore.
    refused(bingo(&env, &["restore", &backup.to_string_lossy(), "--yes"]), "stop the bingo server first");
    assert!(platform.api_mut().terminate());
    let before = pg_fingerprint(&db.url);
    assert!(before["events"].lines().count() >= 10, "{}", before["events"]);

    // Without --yes and without a terminal: refused, nothing done.
    refused(bingo(&env, &["restore", &backup.to_string_lossy()]), "pass --yes");

    // Wipe: the tables go, and a table the dump does not know appears (pg_restore --clean
    // would keep it; the side-database restore does not).
    psql(&db.url, "DROP TABLE daubs, cards, players, events, games, sessions, admin, leases CASCADE");
    psql(&db.url, "CREATE TABLE stray (x int); INSERT INTO stray VALUES (1)");
    assert_ne!(pg_fingerprint(&db.url), before);

    let out = ok(bingo(&env, &["restore", &backup.to_string_lossy(), "--yes"]));
    assert!(out.contains("hash chains verified"), "{out}");
    assert_eq!(pg_fingerprint(&db.url), before, "the restored data differs");
    let sides = _cleanup.list();
    assert_eq!(sides.len(), 1, "{sides:?}");
    assert!(sides[0].starts_with(&format!("{}_old_", db.name)), "{sides:?}");
    let old_url = format!("{}/{}", admin.rsplit_once('/').unwrap().0, sides[0]);
    assert_eq!(psql(&old_url, "SELECT count(*) FROM stray"), "1", "the old database is kept as it was");
    let safety: Vec<PathBuf> =
        dumps(&backups).into_iter().filter(|p| p.to_string_lossy().contains("-before-restore")).collect();
    assert_eq!(safety.len(), 1, "one safety backup");

    // The platform finds its game again.
    platform.api_mut().restart();
    assert_eq!(game_via_api(&platform, &id), seen);
    assert!(platform.api_mut().terminate());
    let live = pg_fingerprint(&db.url);

    // Damaged and foreign files are refused before anything changes.
    let bad = tempfile::tempdir().expect("tmp");
    let arg = |p: &Path| p.to_string_lossy().into_owned();
    let size = std::fs::metadata(&backup).unwrap().len() as usize;

    let corrupt = copy_backup(&backup, bad.path());
    flip_byte(&corrupt, size / 2);
    refused(bingo(&env, &["restore", &arg(&corrupt), "--yes"]), "SHA-256 does not match");

    let dir2 = tempfile::tempdir().expect("tmp");
    let truncated = copy_backup(&backup, dir2.path());
    truncate(&truncated, 200);
    refused(bingo(&env, &["restore", &arg(&truncated), "--yes"]), "truncated");

    // Damaged before its checksums were made: only reading it whole catches it.
    let dir3 = tempfile::tempdir().expect("tmp");
    let resealed = copy_backup(&backup, dir3.path());
    truncate(&resealed, 200);
    reseal(&resealed);
    refused(bingo(&env, &["restore", &arg(&resealed), "--yes"]), "not a readable PostgreSQL dump");

    let dir4 = tempfile::tempdir().expect("tmp");
    let foreign = dir4.path().join(format!("bingo-{}.pgdump", compact(unix_now())));
    std::fs::write(&foreign, b"PGDMP but not really a dump at all").unwrap();
    let sum = Command::new("sha256sum").arg(foreign.file_name().unwrap()).current_dir(dir4.path()).output().unwrap();
    std::fs::write(sidecar(&foreign, ".sha256"), &sum.stdout).unwrap();
    refused(bingo(&env, &["restore", &arg(&foreign), "--yes"]), "not a bingo backup");

    let sqlite_dir = tempfile::tempdir().expect("tmp");
    let data_env = vec![("BINGO_DATA_DIR", sqlite_dir.path().join("data").to_string_lossy().into_owned())];
    ok(bingo(&data_env, &["migrate"]));
    ok(bingo(&data_env, &["backup", "--dir", &arg(sqlite_dir.path())]));
    let sqlite_backup = dumps(sqlite_dir.path()).pop().expect("sqlite dump");
    refused(bingo(&env, &["restore", &arg(&sqlite_backup), "--yes"]), "is a SQLite backup");

    assert_eq!(pg_fingerprint(&db.url), live, "a refused restore changed the live data");
    assert_eq!(_cleanup.list().len(), 1, "a refused restore left a side database: {:?}", _cleanup.list());
    assert_eq!(dumps(&backups).len(), 2, "a refused restore took a safety backup");
}

#[test]
fn sqlite_backup_wipe_restore_gives_identical_data() {
    let mut platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let id = make_data(&platform);
    let seen = game_via_api(&platform, &id);
    let data_dir = platform.data_dir();
    let live = data_dir.join("bingo.db");
    let dir = tempfile::tempdir().expect("tmp");
    let backups = dir.path().join("backups");
    let arg = |p: &Path| p.to_string_lossy().into_owned();
    let env = vec![("BINGO_DATA_DIR", arg(&data_dir)), ("BINGO_BACKUP_DIR", arg(&backups))];

    // Online: the server keeps running while VACUUM INTO copies one snapshot.
    let started = unix_now();
    let metrics = dir.path().join("m.prom");
    ok(bingo(&env, &["backup", "--metrics-file", &arg(&metrics)]));
    let stamp = metrics_timestamp(&metrics);
    assert!(stamp >= started.saturating_sub(2) && stamp <= unix_now() + 2, "timestamp {stamp}");
    let backup = dumps(&backups).pop().expect("a dump");
    assert!(backup.to_string_lossy().ends_with(".sqlite"));

    // A running server holds the database: restore refuses, nothing changes.
    refused(bingo(&env, &["restore", &arg(&backup), "--yes"]), "stop the bingo server first");
    assert!(platform.api_mut().terminate());
    let before = sqlite_fingerprint(&live);
    assert!(before["events"].lines().count() >= 10, "{}", before["events"]);
    assert_eq!(dumps(&backups).len(), 1, "a refused restore took a safety backup");

    // Wipe: the database file is gone.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(&live, suffix));
    }
    let out = ok(bingo(&env, &["restore", &arg(&backup), "--yes"]));
    assert!(out.contains("no safety backup needed"), "{out}");
    assert_eq!(sqlite_fingerprint(&live), before, "the restored data differs");

    // Wipe again, by deleting rows this time: the restore takes a safety backup first.
    {
        let mut conn = diesel::sqlite::SqliteConnection::establish(&arg(&live)).unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "PRAGMA foreign_keys = OFF; DELETE FROM daubs; DELETE FROM cards; DELETE FROM players; DELETE FROM events; \
             DELETE FROM games;",
        )
        .unwrap();
    }
    let wiped = sqlite_fingerprint(&live);
    assert_ne!(wiped, before);
    ok(bingo(&env, &["restore", &arg(&backup), "--yes"]));
    assert_eq!(sqlite_fingerprint(&live), before, "the restored data differs");
    let safety: Vec<PathBuf> =
        dumps(&backups).into_iter().filter(|p| p.to_string_lossy().contains("-before-restore")).collect();
    assert_eq!(safety.len(), 1);
    assert!(!sidecar(&live, "-wal").exists() || std::fs::metadata(sidecar(&live, "-wal")).unwrap().len() == 0);
    let leftovers: Vec<String> = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".restore-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The safety backup holds the wiped state, and restores it. A backup's name has its second,
    // so each of these restores puts its own safety backup in a directory of its own: two in the
    // same second are refused (tested in backup/mod.rs with a given time), never waited for.
    let (safety_dir1, safety_dir2) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    ok(bingo(&env, &["restore", &arg(&safety[0]), "--yes", "--dir", &arg(safety_dir1.path())]));
    assert_eq!(sqlite_fingerprint(&live), wiped);
    ok(bingo(&env, &["restore", &arg(&backup), "--yes", "--dir", &arg(safety_dir2.path())]));
    assert_eq!(sqlite_fingerprint(&live), before);
    for dir in [&safety_dir1, &safety_dir2] {
        assert_eq!(dumps(dir.path()).len(), 1, "one safety backup in {}", dir.path().display());
    }

    // The platform finds its game again.
    platform.api_mut().restart();
    assert_eq!(game_via_api(&platform, &id), seen);
    assert!(platform.api_mut().terminate());
    let live_now = sqlite_fingerprint(&live);
    let count = dumps(&backups).len();

    let d1 = tempfile::tempdir().expect("tmp");
    let corrupt = copy_backup(&backup, d1.path());
    let size = std::fs::metadata(&backup).unwrap().len() as usize;
    flip_byte(&corrupt, size / 2);
    refused(bingo(&env, &["restore", &arg(&corrupt), "--yes"]), "SHA-256 does not match");

    let d2 = tempfile::tempdir().expect("tmp");
    let truncated = copy_backup(&backup, d2.path());
    truncate(&truncated, 1000);
    refused(bingo(&env, &["restore", &arg(&truncated), "--yes"]), "truncated");

    let d3 = tempfile::tempdir().expect("tmp");
    let resealed = copy_backup(&backup, d3.path());
    truncate(&resealed, 5000);
    reseal(&resealed);
    refused(bingo(&env, &["restore", &arg(&resealed), "--yes"]), "refusing it");

    let d4 = tempfile::tempdir().expect("tmp");
    let foreign = d4.path().join("bingo.db");
    std::fs::copy(&live, &foreign).unwrap();
    refused(bingo(&env, &["restore", &arg(&foreign), "--yes"]), "not a bingo backup");

    assert_eq!(sqlite_fingerprint(&live), live_now, "a refused restore changed the live data");
    assert_eq!(dumps(&backups).len(), count, "a refused restore took a safety backup");
}

#[test]
fn retention_deletes_only_old_files_of_its_own_and_keeps_the_newest() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let env = vec![("BINGO_DATA_DIR", data.to_string_lossy().into_owned())];
    ok(bingo(&env, &["migrate"]));
    let now = unix_now();
    let day = 86_400;
    let write = |name: &str| std::fs::write(backups.join(name), name).unwrap();
    let backup = |age_days: u64, tag: &str, ext: &str| -> String {
        let name = format!("bingo-{}{tag}.{ext}", compact(now - age_days * day));
        for suffix in ["", ".manifest.json", ".sha256"] {
            write(&format!("{name}{suffix}"));
        }
        name
    };
    let old = [backup(40, "", "sqlite"), backup(31, "", "pgdump"), backup(45, "-before-restore", "sqlite")];
    let young = [backup(29, "", "sqlite"), backup(2, "-before-restore", "sqlite")];
    let stale_partial = format!("bingo-{}.sqlite.partial", compact(now - 3 * day));
    write(&stale_partial);
    let orphan_old = format!("bingo-{}.pgdump.sha256", compact(now - 60 * day));
    write(&orphan_old);
    let unrelated = [
        "notes.txt".to_string(),
        "bingo.db".to_string(),
        "bingo-old.pgdump".to_string(),
        format!("other-{}.sqlite", compact(now - 90 * day)),
        format!("bingo-{}.sqlite.bak", compact(now - 90 * day)),
        format!("bingo-{}.dump", compact(now - 90 * day)),
    ];
    for n in &unrelated {
        write(n);
    }
    let subdir = backups.join(format!("bingo-{}.sqlite", compact(now - 90 * day)));
    std::fs::create_dir(&subdir).unwrap();

    let out = ok(bingo(&env, &["backup", "--dir", &backups.to_string_lossy(), "--retention-days", "30"]));
    assert!(out.contains("deleted"), "{out}");
    let exists = |n: &str| backups.join(n).exists();
    for name in &old {
        for suffix in ["", ".manifest.json", ".sha256"] {
            assert!(!exists(&format!("{name}{suffix}")), "{name}{suffix} should be deleted");
        }
    }
    for name in &young {
        for suffix in ["", ".manifest.json", ".sha256"] {
            assert!(exists(&format!("{name}{suffix}")), "{name}{suffix} should be kept");
        }
    }
    assert!(!exists(&stale_partial));
    assert!(!exists(&orphan_old));
    for n in &unrelated {
        assert!(exists(n), "{n} is not ours and must be untouched");
    }
    assert!(subdir.is_dir(), "a directory is never deleted");
    let fresh: Vec<PathBuf> = dumps(&backups)
        .into_iter()
        .filter(|p| p.is_file() && !unrelated.iter().chain(&young).any(|y| p.ends_with(y)))
        .collect();
    assert_eq!(fresh.len(), 1, "the new backup: {fresh:?}");

    // A backup far past the limit goes; the new one stays.
    let lonely = tempfile::tempdir().expect("tmp");
    let only_old = {
        let name = format!("bingo-{}.sqlite", compact(now - 400 * day));
        std::fs::write(lonely.path().join(&name), b"x").unwrap();
        name
    };
    ok(bingo(&env, &["backup", "--dir", &lonely.path().to_string_lossy(), "--retention-days", "1"]));
    assert!(!lonely.path().join(&only_old).exists());
    assert_eq!(dumps(lonely.path()).len(), 1);

    // Bad settings fail cleanly.
    refused(bingo(&env, &["backup", "--dir", &backups.to_string_lossy(), "--retention-days", "0"]), "");
    let missing = vec![("BINGO_DATA_DIR", dir.path().join("nothing-here").to_string_lossy().into_owned())];
    refused(bingo(&missing, &["backup", "--dir", &backups.to_string_lossy()]), "there is no database at");
}
