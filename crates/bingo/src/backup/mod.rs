//! `bingo backup` and `bingo restore`: what `nix run .#backup` / `.#restore` and the
//! `bingo-backup` timer run.
//!
//! Backup: PostgreSQL with `pg_dump --format=custom` (compressed), verified by reading it whole
//! with `pg_restore --file=/dev/null`; the embedded SQLite with `VACUUM INTO` (an online,
//! consistent copy), verified with `PRAGMA integrity_check`. Each dump gets a manifest and a
//! `sha256sum` file beside it ([`files`]); retention deletes only this tool's own files older than
//! the limit and always keeps the newest; the time of the last good backup goes to a
//! node-exporter textfile.
//!
//! Restore: checks the manifest and checksum and reads the dump whole (a corrupt, truncated or
//! foreign file is refused before anything changes), asks for confirmation, refuses while the
//! server is running, takes a safety backup of the live database, restores into a side database
//! (PostgreSQL: `<live>_restore_<time>`; SQLite: `<file>.restore-<time>` beside the live file),
//! checks it (migrations, row counts, every game's hash chain) and only then swaps it in:
//! PostgreSQL renames live to `<live>_old_<time>` (kept) and the side database to live in one
//! transaction; SQLite renames the side file over the live one. A failure before the swap
//! leaves the live data as it was.
//!
//! This module holds the files (names, manifests, checksums: [`files`]), retention and the
//! command-line flow; the database work under it (the online copy, pg_dump and pg_restore, the
//! side database, the check of a restored copy) is `bingo_storage::backup`.

pub mod files;
pub mod format;
mod progress;
mod retention;

use crate::out::{errln, outln};
use crate::server::config::ServerArgs;
use anyhow::{bail, Context};
use bingo_storage::backup::pg::{self, PgTarget, PgTools};
use bingo_storage::backup::{self as db, sqlite, CheckReport, Conn, MIGRATIONS_TABLE};
use bingo_storage::Backend;
use files::Access;
use format::{checksum_line, Kind, Manifest, Stamp, BEFORE_RESTORE, FORMAT, FORMAT_VERSION, PREFIX};
use progress::{human, Progress};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The setting that says where the PostgreSQL client tools are (`bingo backup` and
/// `bingo restore` run them).
#[derive(clap::Args, Debug)]
pub struct PgToolArgs {
    /// Directory holding pg_dump and pg_restore, e.g. /usr/lib/postgresql/16/bin (PostgreSQL
    /// only; they must be at least as new as the server) [default: found on PATH].
    #[arg(long, env = "BINGO_PG_BIN_DIR", value_name = "DIR")]
    pub pg_bin_dir: Option<PathBuf>,
}

impl PgToolArgs {
    pub fn tools(&self) -> PgTools {
        PgTools::new(self.pg_bin_dir.clone())
    }
}

/// `bingo backup`.
#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// Directory to write the backup into (created if missing).
    #[arg(long, env = "BINGO_BACKUP_DIR")]
    pub dir: PathBuf,
    /// Delete this tool's backups older than this many days (the newest is always kept).
    #[arg(long, env = "BINGO_BACKUP_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: u32,
    /// Write the time and size of this backup here, in Prometheus text format (for
    /// node-exporter's textfile collector), once it has succeeded.
    #[arg(long, env = "BINGO_BACKUP_METRICS_FILE")]
    pub metrics_file: Option<PathBuf>,
    #[command(flatten)]
    pub pg: PgToolArgs,
    /// The server's settings: the database is found as `bingo serve` finds it.
    #[command(flatten)]
    pub server: ServerArgs,
}

/// `bingo restore`.
#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// The backup to restore: a bingo-*.pgdump or bingo-*.sqlite file written by `bingo backup`,
    /// with its .manifest.json and .sha256 beside it.
    pub file: PathBuf,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Where the safety backup of the live database goes [default: the backup file's directory].
    #[arg(long, env = "BINGO_BACKUP_DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub pg: PgToolArgs,
    /// The server's settings: the database is found as `bingo serve` finds it.
    #[command(flatten)]
    pub server: ServerArgs,
}

/// The database being backed up.
enum Live<'a> {
    Pg(&'a PgTarget),
    Sqlite(&'a mut Conn),
}

/// A backup on disk.
#[derive(Debug)]
struct Written {
    path: PathBuf,
    manifest: Manifest,
}

fn kind_of(url: &str) -> anyhow::Result<Kind> {
    if url.starts_with("sqlite://") {
        Ok(Kind::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Kind::Postgres)
    } else {
        bail!("the database URL is neither sqlite:// nor postgres://")
    }
}

fn backend(kind: Kind) -> Backend {
    match kind {
        Kind::Postgres => Backend::Postgres,
        Kind::Sqlite => Backend::Sqlite,
    }
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    sqlite::path_of(url).context("not an SQLite URL")
}

/// Writes one verified backup of `live` into `dir`: the dump as `.partial`, read back whole,
/// then its manifest and checksum, then the dump renamed to its final name.
fn write_backup(
    live: Live<'_>,
    dir: &Path,
    stamp: Stamp,
    reason: &str,
    progress: &mut Progress,
) -> anyhow::Result<Written> {
    let kind = match live {
        Live::Pg(_) => Kind::Postgres,
        Live::Sqlite(_) => Kind::Sqlite,
    };
    let tag = if reason == "before-restore" { BEFORE_RESTORE } else { "" };
    let name = format!("{PREFIX}{}{tag}.{}", stamp.compact(), kind.extension());
    let path = dir.join(&name);
    if path.exists() {
        bail!("{} already exists (two backups in the same second?)", path.display());
    }
    let partial = files::sidecar(&path, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = (|| -> anyhow::Result<Written> {
        // Made here, the owner's only: pg_dump and VACUUM INTO write into it, keeping its mode.
        crate::private::create_new(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let (migrations, rows, server_version) = match live {
            Live::Pg(target) => {
                let mut conn = target.connect()?;
                let info = pg::live_info(&mut conn)?;
                let migrations = conn.migrations().context("reading the applied migrations")?;
                drop(conn);
                progress.step(&format!(
                    "dumping PostgreSQL database {} with pg_dump into {}",
                    info.name,
                    partial.display()
                ));
                pg::dump(target, &partial, |n| progress.bytes("written", n))?;
                progress.done();
                progress.step("verifying the dump: pg_restore reads it whole");
                pg::verify_dump(target.tools(), &partial)?;
                (migrations, None, Some(info.server_version))
            }
            Live::Sqlite(conn) => {
                progress.step(&format!("copying the SQLite database (VACUUM INTO) into {}", partial.display()));
                sqlite::vacuum_into(conn, &partial)?;
                progress.step("verifying the copy: integrity_check reads it whole");
                let mut copy = sqlite::integrity_check(sqlite::open_immutable(&partial)?, &partial)?;
                let migrations = copy.migrations().context("reading the copy's migrations")?;
                let rows = copy.row_counts().context("counting the copy's rows")?;
                (migrations, Some(rows), None)
            }
        };
        if migrations.is_none() {
            progress.step("note: the database has no migrations table (empty, or never migrated)");
        }
        files::fsync_file(&partial)?;
        progress.step("computing the SHA-256 checksum");
        let (sha256, size_bytes) = files::sha256_file(&partial, |n| progress.bytes("hashed", n))?;
        progress.done();
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            backend: kind,
            file: name.clone(),
            created_at: stamp.rfc3339(),
            created_at_unix: stamp.unix,
            reason: reason.into(),
            bingo_version: env!("CARGO_PKG_VERSION").into(),
            migrations: migrations.unwrap_or_default(),
            size_bytes,
            sha256: sha256.clone(),
            rows,
            server_version,
        };
        let manifest_path = files::sidecar(&path, ".manifest.json");
        let manifest_text = serde_json::to_string_pretty(&manifest).context("encoding the manifest")? + "\n";
        files::write_atomic(&manifest_path, manifest_text.as_bytes(), Access::Owner)?;
        let manifest_name = format!("{name}.manifest.json");
        let sums = checksum_line(&sha256, &name)
            + &checksum_line(&files::sha256_bytes(manifest_text.as_bytes()), &manifest_name);
        files::write_atomic(&files::sidecar(&path, ".sha256"), sums.as_bytes(), Access::Owner)?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("renaming {} to {}", partial.display(), path.display()))?;
        files::fsync_dir(dir)?;
        Ok(Written { path: path.clone(), manifest })
    })();
    if result.is_err() {
        for p in [partial, files::sidecar(&path, ".manifest.json"), files::sidecar(&path, ".sha256")] {
            let _ = std::fs::remove_file(p);
        }
    }
    result
}

/// `bingo backup`.
pub fn run_backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let config = args.server.resolve("backup")?;
    let started = Instant::now();
    let mut progress = Progress::new();
    files::create_dir(&args.dir, &mut progress)?;
    let stamp = Stamp::now();
    let written = match kind_of(&config.database_url)? {
        Kind::Postgres => {
            let target = PgTarget::parse(&config.database_url, args.pg.tools())?;
            write_backup(Live::Pg(&target), &args.dir, stamp, "scheduled", &mut progress)?
        }
        Kind::Sqlite => {
            let mut conn = sqlite::open(&sqlite_path(&config.database_url)?)?;
            write_backup(Live::Sqlite(&mut conn), &args.dir, stamp, "scheduled", &mut progress)?
        }
    };
    progress.step(&format!("retention: deleting this tool's backups older than {} days", args.retention_days));
    let pruned = retention::prune(&args.dir, args.retention_days, Stamp::now())?;
    for path in &pruned.deleted {
        errln!("         deleted {}", path.display());
    }
    if let Some(metrics) = &args.metrics_file {
        files::write_metrics(metrics, stamp, written.manifest.size_bytes, started.elapsed().as_secs_f64())?;
    }
    progress.done();
    outln!(
        "backup written: {} ({}, sha256 {}); {} backups kept, {} old files deleted",
        written.path.display(),
        human(written.manifest.size_bytes),
        written.manifest.sha256,
        pruned.kept,
        pruned.deleted.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

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

#[cfg(test)]
mod tests;
