//! `bingo backup` and `bingo restore` find pg_dump and pg_restore through `BINGO_PG_BIN_DIR` /
//! `--pg-bin-dir` when PATH does not have them (a systemd unit's PATH, `systemd-run`); without the
//! setting they fail with one error naming the tool, where it was looked for and the setting.

use crate::backup::{bingo, dumps, ok, DropSideDatabases};
use bingo_testkit::PgDatabase;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn has_tools(dir: &Path) -> bool {
    ["pg_dump", "pg_restore"].iter().all(|t| dir.join(t).is_file())
}

/// A directory with the real pg_dump and pg_restore: `BINGO_TEST_PG_BIN_DIR`, else Debian's
/// newest `/usr/lib/postgresql/<version>/bin`, else `pg_config --bindir`, else the directory of
/// the pg_dump on PATH.
fn pg_bin_dir() -> PathBuf {
    let mut candidates: Vec<PathBuf> =
        std::env::var_os("BINGO_TEST_PG_BIN_DIR").map(PathBuf::from).into_iter().collect();
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
                .collect()
        })
        .unwrap_or_default();
    debian.sort();
    candidates.extend(debian.into_iter().rev().map(|(_, dir)| dir));
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    if let Ok(out) = Command::new("sh").args(["-c", "command -v pg_dump"]).output() {
        let found = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        candidates.extend(found.canonicalize().ok().and_then(|p| p.parent().map(Path::to_path_buf)));
    }
    candidates
        .into_iter()
        .find(|d| has_tools(d))
        .unwrap_or_else(|| panic!("no directory with pg_dump and pg_restore found: set BINGO_TEST_PG_BIN_DIR"))
}

/// Expects a failure whose one `error:` line contains every one of `needles`.
fn fails_with(out: Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    for needle in needles {
        assert!(errors[0].contains(needle), "expected {needle:?} in {:?}", errors[0]);
    }
}

#[test]
fn backup_and_restore_find_the_postgresql_tools_by_the_setting_and_not_on_path() {
    let tools = pg_bin_dir();
    let tools_arg = tools.to_string_lossy().into_owned();
    let db = PgDatabase::create();
    let admin = db.url.rsplit_once('/').map(|(base, _)| format!("{base}/postgres")).expect("admin url");
    let cleanup = DropSideDatabases { admin, name: db.name.clone() };
    let dir = tempfile::tempdir().expect("tmp");
    // A PATH with no PostgreSQL tools at all (bingo itself needs nothing from PATH).
    let path = dir.path().join("path");
    std::fs::create_dir_all(&path).unwrap();
    let path_arg = path.to_string_lossy().into_owned();
    let backups = dir.path().join("backups");
    let backups_arg = backups.to_string_lossy().into_owned();
    let bare = vec![("BINGO_DATABASE_URL", db.url.clone()), ("PATH", path_arg.clone())];
    let mut with_setting = bare.clone();
    with_setting.push(("BINGO_PG_BIN_DIR", tools_arg.clone()));
    ok(bingo(&bare, &["migrate"]));

    // Without the setting: the tool, PATH as it was, and the setting are named; no file is left.
    fails_with(
        bingo(&bare, &["backup", "--dir", &backups_arg]),
        &["pg_dump was not found on PATH", &path_arg, "--pg-bin-dir", "BINGO_PG_BIN_DIR"],
    );
    assert!(dumps(&backups).is_empty());
    // A setting that points elsewhere names the directory.
    let wrong = dir.path().join("no-tools-here");
    let mut wrong_setting = bare.clone();
    wrong_setting.push(("BINGO_PG_BIN_DIR", wrong.to_string_lossy().into_owned()));
    fails_with(
        bingo(&wrong_setting, &["backup", "--dir", &backups_arg]),
        &["pg_dump was not found in", &wrong.to_string_lossy(), "BINGO_PG_BIN_DIR"],
    );

    // With it: a backup, verified by pg_restore from the same directory.
    let out = ok(bingo(&with_setting, &["backup", "--dir", &backups_arg]));
    assert!(out.contains("backup written"), "{out}");
    let backup = dumps(&backups).pop().expect("a dump");
    let backup_arg = backup.to_string_lossy().into_owned();

    // Restore: without the setting it stops at reading the dump, with nothing changed.
    fails_with(
        bingo(&bare, &["restore", &backup_arg, "--yes"]),
        &["pg_restore was not found on PATH", &path_arg, "BINGO_PG_BIN_DIR", "nothing was changed"],
    );
    assert!(cleanup.list().is_empty(), "{:?}", cleanup.list());
    let out = ok(bingo(&with_setting, &["restore", &backup_arg, "--yes"]));
    assert!(out.contains("hash chains verified"), "{out}");
    assert_eq!(cleanup.list().len(), 1, "the previous database is kept: {:?}", cleanup.list());

    // The flag works as the environment variable does.
    std::thread::sleep(std::time::Duration::from_millis(1100)); // backups are named by the second
    let out = ok(bingo(&bare, &["backup", "--dir", &backups_arg, "--pg-bin-dir", &tools_arg]));
    assert!(out.contains("backup written"), "{out}");
}
