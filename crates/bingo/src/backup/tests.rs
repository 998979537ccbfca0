use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The time is given, not read from the clock: a backup is named by its second, a second one
/// in the same second is refused without touching the first, and the next second is free.
#[test]
fn a_backup_is_named_by_its_second_and_another_in_that_second_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bingo.db");
    let store = bingo_storage::Store::open(&format!("sqlite://{}", db.display()), 1).unwrap();
    store.migrate().unwrap();
    drop(store);
    let mut conn = sqlite::open(&db).unwrap();
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let mut progress = Progress::new();
    let at = Stamp { unix: 1_735_788_600 };

    let first = write_backup(Live::Sqlite(&mut conn), &backups, at, "scheduled", &mut progress).unwrap();
    assert_eq!(first.path, backups.join("bingo-20250102T033000Z.sqlite"));
    assert_eq!((first.manifest.created_at.as_str(), first.manifest.created_at_unix), ("2025-01-02T03:30:00Z", at.unix));
    let written = names(&backups);
    assert_eq!(written.len(), 3, "{written:?}");

    let again = write_backup(Live::Sqlite(&mut conn), &backups, at, "scheduled", &mut progress).unwrap_err();
    assert!(format!("{again:#}").contains("already exists (two backups in the same second?)"), "{again:#}");
    assert_eq!(names(&backups), written, "the refusal touched nothing");

    let next = Stamp { unix: at.unix + 1 };
    let safety = write_backup(Live::Sqlite(&mut conn), &backups, next, "before-restore", &mut progress).unwrap();
    assert_eq!(safety.path, backups.join("bingo-20250102T033001Z-before-restore.sqlite"));
    assert_eq!(names(&backups).len(), 6);
}
