//! The backup files: names, times, checksums, the manifest, atomic writes and the metrics file.
//!
//! One backup is three files in the backup directory:
//! - `bingo-YYYYMMDDTHHMMSSZ[-before-restore].pgdump` (PostgreSQL custom format) or `.sqlite`
//!   (an SQLite database made by `VACUUM INTO`);
//! - `<that>.manifest.json`: `{"format": "bingo-backup", ...}`, which tells a backup of ours from
//!   a foreign file and records the backend, the time, the schema and the size and SHA-256;
//! - `<that>.sha256`: `sha256sum` lines for the dump and the manifest (`sha256sum -c` checks both).
//!
//! The dump is written as `<name>.partial` and renamed last, so a file with the final name always
//! has its manifest and checksum beside it.

use super::progress::Progress;
use anyhow::{bail, Context};
pub use bingo_storage::backup::{fsync_dir, fsync_file, sidecar};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// What the manifest's `format` field says.
pub const FORMAT: &str = "bingo-backup";
/// The manifest layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The name prefix of every file this tool writes.
pub const PREFIX: &str = "bingo-";
/// The name suffix of a safety backup taken by `bingo restore`.
pub const BEFORE_RESTORE: &str = "-before-restore";

/// Which database a backup holds (its file extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Postgres,
    Sqlite,
}

impl Kind {
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Postgres => "pgdump",
            Kind::Sqlite => "sqlite",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Postgres => "PostgreSQL",
            Kind::Sqlite => "SQLite",
        }
    }
}

/// The manifest beside each dump.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub backend: Kind,
    /// The dump's file name (no directory).
    pub file: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub created_at_unix: u64,
    /// "scheduled" (`bingo backup`) or "before-restore" (the safety backup of `bingo restore`).
    pub reason: String,
    pub bingo_version: String,
    /// The schema migrations applied to the source database, oldest first (versions as stored in
    /// `__diesel_schema_migrations`).
    pub migrations: Vec<String>,
    pub size_bytes: u64,
    pub sha256: String,
    /// Rows per table of the copy (SQLite: counted in the copy itself, so exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<std::collections::BTreeMap<String, u64>>,
    /// `SHOW server_version` of the source (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
}

/// A moment in UTC: Unix seconds and the compact form used in file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub unix: u64,
}

impl Stamp {
    pub fn now() -> Stamp {
        Stamp { unix: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) }
    }

    fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        // Howard Hinnant's days-to-civil algorithm.
        let secs = self.unix as i64;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day, (rem / 3600) as u32, (rem % 3600 / 60) as u32, (rem % 60) as u32)
    }

    /// `20250102T033000Z`.
    pub fn compact(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }

    /// `2025-01-02T03:30:00Z`.
    pub fn rfc3339(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// Parses the compact form.
    pub fn parse_compact(text: &str) -> Option<Stamp> {
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let s = text.get(r)?;
            s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
        };
        let (y, mo, d, h, mi, s) = (num(0..4)?, num(4..6)?, num(6..8)?, num(9..11)?, num(11..13)?, num(13..15)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
            return None;
        }
        // days-from-civil
        let y2 = if mo <= 2 { y - 1 } else { y };
        let era = y2.div_euclid(400);
        let yoe = y2.rem_euclid(400);
        let mp = if mo > 2 { mo - 3 } else { mo + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s).ok().map(|unix| Stamp { unix })
    }
}

/// A file name of ours, taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnName {
    /// The dump's name this file belongs to (`bingo-...Z.pgdump`).
    pub dump: String,
    pub stamp: Stamp,
    /// What follows the dump's name: "", ".sha256", ".manifest.json", ".partial" (or their temporary forms).
    pub suffix: String,
}

/// Whether `name` is one of this tool's files; anything else in the directory is never touched.
pub fn parse_own_name(name: &str) -> Option<OwnName> {
    let rest = name.strip_prefix(PREFIX)?;
    let stamp = Stamp::parse_compact(rest.get(..16)?)?;
    let mut rest = &rest[16..];
    if let Some(r) = rest.strip_prefix(BEFORE_RESTORE) {
        rest = r;
    }
    let rest = rest.strip_prefix('.')?;
    let (ext, suffix) = rest.split_once('.').map_or((rest, ""), |(e, s)| (e, s));
    if ext != Kind::Postgres.extension() && ext != Kind::Sqlite.extension() {
        return None;
    }
    let suffix = if suffix.is_empty() { String::new() } else { format!(".{suffix}") };
    let known = ["", ".sha256", ".manifest.json", ".partial", ".sha256.tmp", ".manifest.json.tmp"];
    if !known.contains(&suffix.as_str()) {
        return None;
    }
    let dump = name[..name.len() - suffix.len()].to_string();
    Some(OwnName { dump, stamp, suffix })
}

/// SHA-256 of a whole file, hex, and its length; `on_bytes` is told the running total.
pub fn sha256_file(path: &Path, mut on_bytes: impl FnMut(u64)) -> anyhow::Result<(String, u64)> {
    sha256_reading(path, |_, total| {
        on_bytes(total);
        Ok(())
    })
}

/// Reads `path` once, in 1 MiB chunks, hashing it; `each` gets every chunk and the running total
/// (to copy it on, to show progress). Returns the SHA-256, hex, and the length.
pub fn sha256_reading(
    path: &Path,
    mut each: impl FnMut(&[u8], u64) -> anyhow::Result<()>,
) -> anyhow::Result<(String, u64)> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
        each(&buf[..n], total)?;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Who may read a file that [`write_atomic`] writes.
#[derive(Clone, Copy)]
pub enum Access {
    /// Its owner alone (0600): the backups' manifests and checksums.
    Owner,
    /// Whoever the umask lets: the metrics file, which node-exporter reads as another user.
    Umask,
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8], access: Access) -> anyhow::Result<()> {
    let tmp = sidecar(path, ".tmp");
    let result = (|| -> anyhow::Result<()> {
        let created = match access {
            Access::Owner => crate::private::create_file(&tmp),
            Access::Umask => File::create(&tmp),
        };
        let mut f = created.with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(bytes).and_then(|()| f.sync_all()).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
        Ok(fsync_dir(path.parent().unwrap_or(Path::new(".")))?)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Copies the backup `src` to `dest` (which must not exist), hashing what it reads; fails unless
/// the SHA-256 is `sha256`. The copy becomes the live database: the owner's only, as the server
/// makes it.
pub fn copy_verified(src: &Path, dest: &Path, sha256: &str, progress: &mut Progress) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut to = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(crate::private::FILE_MODE)
        .open(dest)
        .and_then(|f| crate::private::restrict(&f).map(|()| f))
        .with_context(|| format!("creating {}", dest.display()))?;
    let (read, _) = sha256_reading(src, |chunk, total| {
        to.write_all(chunk).with_context(|| format!("writing {}", dest.display()))?;
        progress.bytes("copied", total);
        Ok(())
    })?;
    progress.done();
    to.sync_all().with_context(|| format!("flushing {}", dest.display()))?;
    if read != sha256 {
        bail!("{} changed while it was copied (its checksum no longer matches)", src.display());
    }
    Ok(())
}

/// Creates a directory for backups (or for the database they restore), its owner's only; an
/// existing one that other users can enter keeps its mode, with a warning.
pub fn create_dir(dir: &Path, progress: &mut Progress) -> anyhow::Result<()> {
    let loose = crate::private::create_dir(dir).with_context(|| format!("creating the directory {}", dir.display()))?;
    if let Some(why) = loose {
        progress.step(&format!("warning: {why}"));
    }
    Ok(())
}

/// The `sha256sum` line for a file name.
pub fn checksum_line(hash: &str, name: &str) -> String {
    format!("{hash}  {name}\n")
}

/// Reads a `.sha256` file: (hash, file name) pairs (`sha256sum` text or binary mode).
pub fn read_checksums(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, name)) = line.split_once(' ') else { bail!("{} is not a sha256sum file", path.display()) };
        let name = name.strip_prefix(' ').or_else(|| name.strip_prefix('*')).unwrap_or(name);
        if hash.len() != 64 || !hash.bytes().all(|c| c.is_ascii_hexdigit()) {
            bail!("{} is not a sha256sum file", path.display());
        }
        out.push((hash.to_ascii_lowercase(), name.to_string()));
    }
    Ok(out)
}

/// Writes the node-exporter textfile metrics of a successful backup.
pub fn write_metrics(path: &Path, stamp: Stamp, size: u64, duration_secs: f64) -> anyhow::Result<()> {
    let text = format!(
        "# HELP bingo_backup_last_success_timestamp_seconds Unix time of the last successful backup.\n\
         # TYPE bingo_backup_last_success_timestamp_seconds gauge\n\
         bingo_backup_last_success_timestamp_seconds {}\n\
         # HELP bingo_backup_last_size_bytes Size of the last successful backup.\n\
         # TYPE bingo_backup_last_size_bytes gauge\n\
         bingo_backup_last_size_bytes {size}\n\
         # HELP bingo_backup_last_duration_seconds How long the last successful backup took.\n\
         # TYPE bingo_backup_last_duration_seconds gauge\n\
         bingo_backup_last_duration_seconds {duration_secs:.3}\n",
        stamp.unix
    );
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    write_atomic(path, text.as_bytes(), Access::Umask).context("writing the metrics file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip() {
        for unix in [0, 951_782_400, 1_735_787_400, 1_767_225_599, 4_102_444_800] {
            let s = Stamp { unix };
            assert_eq!(Stamp::parse_compact(&s.compact()), Some(s), "{}", s.compact());
        }
        assert_eq!(Stamp { unix: 1_735_788_600 }.compact(), "20250102T033000Z");
        assert_eq!(Stamp { unix: 1_735_788_600 }.rfc3339(), "2025-01-02T03:30:00Z");
        assert_eq!(Stamp::parse_compact("20251301T000000Z"), None);
        assert_eq!(Stamp::parse_compact("2025010xT000000Z"), None);
    }

    #[test]
    fn own_names() {
        let n = parse_own_name("bingo-20250102T033000Z.pgdump.sha256").unwrap();
        assert_eq!(n.dump, "bingo-20250102T033000Z.pgdump");
        assert_eq!(n.suffix, ".sha256");
        let n = parse_own_name("bingo-20250102T033000Z-before-restore.sqlite").unwrap();
        assert_eq!(n.dump, "bingo-20250102T033000Z-before-restore.sqlite");
        assert_eq!(n.suffix, "");
        for foreign in [
            "bingo.db",
            "bingo-20250102T033000Z.dump",
            "bingo-20250102T033000Z.pgdump.bak",
            "notes.txt",
            "bingo-2025-01-02.pgdump",
            "xbingo-20250102T033000Z.pgdump",
        ] {
            assert_eq!(parse_own_name(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn checksum_files_parse() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.sha256");
        let h = sha256_bytes(b"abc");
        std::fs::write(&p, checksum_line(&h, "x") + &format!("{h} *y\n")).unwrap();
        assert_eq!(read_checksums(&p).unwrap(), vec![(h.clone(), "x".into()), (h, "y".into())]);
        std::fs::write(&p, "hello world\n").unwrap();
        assert!(read_checksums(&p).is_err());
    }
}
