//! `bingo restore`: check the backup file whole, confirm, take a safety backup, restore into a
//! side database or file, check it, and only then swap it in (the module doc of `backup` says
//! how, per backend).

use super::*;

/// Checks a backup file before anything is changed: its manifest says it is a bingo backup of
/// the configured backend made by this or an older schema, its size and SHA-256 match the
/// manifest and the `.sha256` file, and it starts as a dump of its kind should.
fn check_file(file: &Path, expected: Kind, progress: &mut Progress) -> anyhow::Result<Manifest> {
    let shown = file.display();
    let meta = std::fs::metadata(file).with_context(|| format!("cannot read the backup {shown}"))?;
    if !meta.is_file() {
        bail!("{shown} is not a file");
    }
    let manifest_path = files::sidecar(file, ".manifest.json");
    let refuse_foreign = |why: String| -> anyhow::Error {
        anyhow::anyhow!("refusing {shown}: it is not a bingo backup ({why}); nothing was changed")
    };
    let manifest_text = match std::fs::read(&manifest_path) {
        Ok(t) => t,
        Err(_) => return Err(refuse_foreign(format!("{} is missing", manifest_path.display()))),
    };
    let manifest = Manifest::parse(&manifest_text)
        .ok_or_else(|| refuse_foreign(format!("{} is not a {FORMAT} manifest", manifest_path.display())))?;
    if manifest.format_version > FORMAT_VERSION {
        bail!("refusing {shown}: its manifest is format {} and this bingo reads up to {FORMAT_VERSION}: use a newer bingo", manifest.format_version);
    }
    if manifest.backend != expected {
        bail!(
            "refusing {shown}: it is a {} backup but the configured database is {}; nothing was changed",
            manifest.backend.describe(),
            expected.describe()
        );
    }
    let sums_path = files::sidecar(file, ".sha256");
    let sums = files::read_checksums(&sums_path).map_err(|e| refuse_foreign(format!("{e:#}")))?;
    let own_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let listed = sums
        .iter()
        .find(|(_, n)| *n == own_name || *n == manifest.file)
        .map(|(h, _)| h.clone())
        .ok_or_else(|| refuse_foreign(format!("{} does not list it", sums_path.display())))?;
    let manifest_name = format!("{}.manifest.json", manifest.file);
    let own_manifest_name = format!("{own_name}.manifest.json");
    if let Some((h, _)) = sums.iter().find(|(_, n)| *n == manifest_name || *n == own_manifest_name) {
        if *h != files::sha256_bytes(&manifest_text) {
            bail!(
                "refusing {shown}: its manifest does not match its checksum (corrupt or edited); nothing was changed"
            );
        }
    }
    if meta.len() != manifest.size_bytes {
        bail!(
            "refusing {shown}: it is {} bytes but was written as {} bytes (truncated or corrupt); nothing was changed",
            meta.len(),
            manifest.size_bytes
        );
    }
    progress.step(&format!("checking the SHA-256 of {shown}"));
    let (sha256, _) = files::sha256_file(file, |n| progress.bytes("hashed", n))?;
    progress.done();
    if sha256 != listed || sha256 != manifest.sha256 {
        bail!(
            "refusing {shown}: its SHA-256 does not match the checksum written with it (corrupt); nothing was changed"
        );
    }
    let mut head = [0u8; 16];
    let n = std::fs::File::open(file).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    let magic: &[u8] = match expected {
        Kind::Postgres => b"PGDMP",
        Kind::Sqlite => b"SQLite format 3\0",
    };
    if !head[..n].starts_with(magic) {
        return Err(refuse_foreign(format!("it does not start as a {} dump does", expected.describe())));
    }
    let unknown = db::unknown_migrations(backend(expected), &manifest.migrations);
    if !unknown.is_empty() {
        bail!(
            "refusing {shown}: it was made by a newer bingo (schema migrations {} are unknown here); restore it with that version",
            unknown.join(", ")
        );
    }
    Ok(manifest)
}

/// Asks on the terminal, or refuses without `--yes` when there is none.
fn confirm(yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("not restoring without confirmation: stdin is not a terminal, pass --yes; nothing was changed");
    }
    crate::out::err(format_args!("Type yes to restore: "));
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).context("reading the answer")?;
    if answer.trim() != "yes" {
        bail!("not confirmed; nothing was changed");
    }
    Ok(())
}

/// `bingo restore`.
pub fn run_restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let config = args.server.resolve("restore")?;
    let kind = kind_of(&config.database_url)?;
    let mut progress = Progress::new();
    let manifest = check_file(&args.file, kind, &mut progress)?;
    progress.step(&format!("reading {} whole", args.file.display()));
    match kind {
        Kind::Postgres => pg::verify_dump(&args.pg.tools(), &args.file)
            .map_err(|e| anyhow::anyhow!("refusing it: {e:#}; nothing was changed"))?,
        Kind::Sqlite => {
            sqlite::integrity_check(sqlite::open_immutable(&args.file)?, &args.file)
                .map_err(|e| anyhow::anyhow!("refusing it: {e:#}; nothing was changed"))?;
        }
    }
    let safety_dir = match &args.dir {
        Some(d) => d.clone(),
        None => args.file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf(),
    };
    let stamp = Stamp::now();
    let suffix = stamp.compact().to_lowercase();
    progress.done();
    errln!(
        "\nThe backup {} ({}, made {} by bingo {}, {}) checks out.",
        args.file.display(),
        manifest.backend.describe(),
        manifest.created_at,
        manifest.bingo_version,
        human(manifest.size_bytes)
    );
    match kind {
        Kind::Postgres => {
            let target = PgTarget::parse(&config.database_url, args.pg.tools())?;
            let live = target.database_in_url().unwrap_or_else(|| "(the role's default database)".into());
            errln!(
                "Restoring replaces the PostgreSQL database {live}: a safety backup of it goes to {} first; the backup is \
                 restored into {live}_restore_{suffix} and checked; then {live} is renamed to {live}_old_{suffix} (kept \
                 until you drop it) and the restored database takes its name. The bingo server must be stopped.\n",
                safety_dir.display()
            );
            confirm(args.yes)?;
            restore_pg(&target, &args.file, &safety_dir, stamp, &mut progress)?;
        }
        Kind::Sqlite => {
            let live = sqlite_path(&config.database_url)?;
            errln!(
                "Restoring replaces the SQLite database {}: a safety backup of it goes to {} first; the backup is copied \
                 beside it, checked, and renamed over it. The bingo server must be stopped.\n",
                live.display(),
                safety_dir.display()
            );
            confirm(args.yes)?;
            restore_sqlite(&live, &args.file, &manifest, &safety_dir, stamp, &mut progress)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn safety_backup(live: Live<'_>, dir: &Path, stamp: Stamp, progress: &mut Progress) -> anyhow::Result<PathBuf> {
    progress.step(&format!("safety backup of the live database into {}", dir.display()));
    files::create_dir(dir, progress)?;
    let written = write_backup(live, dir, stamp, "before-restore", progress)
        .map_err(|e| anyhow::anyhow!("the safety backup failed, so nothing was changed: {e:#}"))?;
    Ok(written.path)
}

/// `games 3, events 120, players 10, ...` for messages.
fn describe_rows(rows: &BTreeMap<String, u64>) -> String {
    rows.iter().filter(|(t, _)| *t != MIGRATIONS_TABLE).map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", ")
}

/// The migrations a check applied to a restored copy, one step each.
fn show_migrated(check: &CheckReport, progress: &mut Progress) {
    for name in &check.migrated {
        progress.step(&format!("applied migration {name} to the restored copy (the backup had an older schema)"));
    }
}

fn report(check: &CheckReport) -> String {
    let mut text = format!(
        "{} games with {} events, hash chains verified; rows: {}",
        check.games,
        check.events,
        describe_rows(&check.rows)
    );
    if !check.migrated.is_empty() {
        text.push_str(&format!("; brought to the current schema with {}", check.migrated.join(", ")));
    }
    text
}

fn restore_pg(
    target: &PgTarget,
    file: &Path,
    safety_dir: &Path,
    stamp: Stamp,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let mut maint = pg::connect_maintenance(target)?;
    let (live_exists, name, owner, current_user) = match target.connect() {
        Ok(mut conn) => {
            let info = pg::live_info(&mut conn)?;
            (true, info.name, Some(info.owner), info.current_user)
        }
        Err(e) if e.to_string().contains("does not exist") => {
            let name = target.database_in_url().context("the database URL names no database")?;
            let user = pg::current_user(&mut maint)?;
            (false, name, None, user)
        }
        Err(e) => return Err(e.into()),
    };
    if !pg::may_create_databases(&mut maint)? {
        bail!(
            "the database role {current_user} may not create databases, which the restore needs for its side database: \
             grant it (ALTER ROLE \"{current_user}\" CREATEDB) or run the restore as the postgres superuser; nothing was changed"
        );
    }
    let suffix = stamp.compact().to_lowercase();
    let side = format!("{name}_restore_{suffix}");
    let old = format!("{name}_old_{suffix}");
    if old.len() > 63 {
        bail!("the database name {name} is too long to add _old_{suffix} (PostgreSQL allows 63 bytes)");
    }
    let safety = if live_exists {
        let sessions = pg::other_sessions(&mut maint, &name)?;
        if !sessions.is_empty() {
            bail!(
                "the database {name} is in use by {} other session(s) ({}): stop the bingo server first \
                 (systemctl stop bingo; in split mode bingo-api and bingo-realtime-*); nothing was changed",
                sessions.len(),
                sessions.join(", ")
            );
        }
        Some(safety_backup(Live::Pg(target), safety_dir, stamp, progress)?)
    } else {
        progress.step(&format!("the database {name} does not exist: no safety backup needed"));
        None
    };
    progress.step(&format!("creating the side database {side}"));
    pg::create_database(&mut maint, &side, owner.as_deref())?;
    let side_target = target.with_database(&side);
    let checked = (|| -> anyhow::Result<CheckReport> {
        progress.step(&format!("restoring into {side} with pg_restore"));
        let role = owner.as_deref().filter(|o| *o != current_user);
        pg::restore_into(&side_target, file, role)?;
        progress.step(&format!("checking {side}: migrations, rows, every game's hash chain"));
        let check = db::check_restored(side_target.connect()?, &side_target.url())?;
        show_migrated(&check, progress);
        Ok(check)
    })();
    let checked = match checked {
        Ok(c) => c,
        Err(e) => {
            let _ = pg::drop_database(&mut maint, &side);
            bail!("{e:#}; the side database was dropped and the live database is unchanged");
        }
    };
    progress.step(&report(&checked));
    progress.step(&format!("swapping: {name} → {old}, {side} → {name}"));
    if let Err(e) = pg::swap(&mut maint, &name, live_exists, &side, &old) {
        let _ = pg::drop_database(&mut maint, &side);
        return Err(e.into());
    }
    progress.done();
    outln!("restored {} into the PostgreSQL database {name}: {}", file.display(), report(&checked))?;
    if live_exists {
        outln!("the previous database is kept as {old}; drop it once satisfied: DROP DATABASE \"{old}\";")?;
    }
    if let Some(path) = safety {
        outln!("safety backup of the previous data: {}", path.display())?;
    }
    Ok(())
}

fn restore_sqlite(
    live: &Path,
    file: &Path,
    manifest: &Manifest,
    safety_dir: &Path,
    stamp: Stamp,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let live_exists = live.is_file();
    let mut lock = None;
    let safety = if live_exists {
        progress.step(&format!("locking {} (refused while a server has it open)", live.display()));
        let conn = lock.insert(sqlite::lock_exclusive(live)?);
        Some(safety_backup(Live::Sqlite(conn), safety_dir, stamp, progress)?)
    } else {
        progress.step(&format!("there is no database at {}: no safety backup needed", live.display()));
        if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::create_dir(dir, progress)?;
        }
        None
    };
    let mut side = live.as_os_str().to_os_string();
    side.push(format!(".restore-{}", stamp.compact()));
    let side = PathBuf::from(side);
    sqlite::remove_with_sidecars(&side);
    let checked = (|| -> anyhow::Result<CheckReport> {
        progress.step(&format!("copying the backup to {}", side.display()));
        files::copy_verified(file, &side, &manifest.sha256, progress)?;
        progress.step(&format!("checking {}: integrity, migrations, rows, every game's hash chain", side.display()));
        let conn = sqlite::integrity_check(sqlite::open(&side)?, &side)?;
        let url = format!("sqlite://{}", side.display());
        let check = db::check_restored(conn, &url)?;
        show_migrated(&check, progress);
        sqlite::settle(&side)?;
        if let Some(expected) = &manifest.rows {
            for (table, n) in expected {
                let found = check.rows.get(table).copied().unwrap_or(0);
                if found != *n {
                    bail!("the restored copy has {found} rows in {table}, the backup was written with {n}");
                }
            }
        }
        Ok(check)
    })();
    let checked = match checked {
        Ok(c) => c,
        Err(e) => {
            sqlite::remove_with_sidecars(&side);
            bail!("{e:#}; the live database is unchanged");
        }
    };
    progress.step(&report(&checked));
    progress.step(&format!("swapping: renaming {} over {}", side.display(), live.display()));
    if let Err(e) = sqlite::swap(lock, live, &side) {
        sqlite::remove_with_sidecars(&side);
        return Err(e.into());
    }
    progress.done();
    outln!("restored {} into {}: {}", file.display(), live.display(), report(&checked))?;
    if let Some(path) = safety {
        outln!("safety backup of the previous data: {}", path.display())?;
    }
    Ok(())
}
