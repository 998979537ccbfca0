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
mod restore;
mod retention;

pub use restore::run_restore;

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

#[cfg(test)]
mod tests;
