//! The backup files' text formats, apart from any I/O so that a fuzz target can compile this
//! file alone (fuzz/fuzz_targets/backup_files.rs): file names and their times, the manifest and
//! `sha256sum` lines. Everything here reads what may be a foreign or edited file, so it returns
//! `None` or an error for anything it does not know, and never panics.

use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl Manifest {
    /// The manifest in `bytes`, when they are JSON of this layout saying `"format": "bingo-backup"`.
    pub fn parse(bytes: &[u8]) -> Option<Manifest> {
        serde_json::from_slice(bytes).ok().filter(|m: &Manifest| m.format == FORMAT)
    }
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
        let secs = self.unix as i64;
        let (year, month, day) = bingo_core::report::civil_from_days(secs.div_euclid(86_400));
        let rem = secs.rem_euclid(86_400);
        let (month, day) = (month as u32, day as u32);
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

/// The `sha256sum` line for a file name.
pub fn checksum_line(hash: &str, name: &str) -> String {
    format!("{hash}  {name}\n")
}

/// Why a `.sha256` file was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct NotChecksums;

/// The (hash, file name) pairs of `sha256sum` text (text or binary mode), hashes in lower case.
pub fn parse_checksums(text: &str) -> Result<Vec<(String, String)>, NotChecksums> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (hash, name) = line.split_once(' ').ok_or(NotChecksums)?;
        let name = name.strip_prefix(' ').or_else(|| name.strip_prefix('*')).unwrap_or(name);
        if hash.len() != 64 || !hash.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(NotChecksums);
        }
        out.push((hash.to_ascii_lowercase(), name.to_string()));
    }
    Ok(out)
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
    fn checksum_text_parses() {
        let h = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let text = checksum_line(h, "x") + &format!("{} *y\n", h.to_uppercase());
        assert_eq!(parse_checksums(&text), Ok(vec![(h.into(), "x".into()), (h.into(), "y".into())]));
        assert_eq!(parse_checksums("hello world\n"), Err(NotChecksums));
        assert_eq!(parse_checksums("\u{e9}\u{e9}"), Err(NotChecksums));
    }

    #[test]
    fn manifests_of_another_format_are_refused() {
        assert_eq!(Manifest::parse(b"{}"), None);
        assert_eq!(Manifest::parse(b"not json"), None);
    }
}
