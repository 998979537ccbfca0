//! The backup files on disk: hashing, atomic writes, verified copies and the metrics file (their
//! text formats, which read foreign files, are in format.rs).
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

use super::format::{parse_checksums, NotChecksums, Stamp};
use super::progress::Progress;
use anyhow::{bail, Context};
pub use bingo_storage::backup::{fsync_dir, fsync_file, sidecar};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

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

/// Reads a `.sha256` file: (hash, file name) pairs (`sha256sum` text or binary mode).
pub fn read_checksums(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_checksums(&text).map_err(|NotChecksums| anyhow::anyhow!("{} is not a sha256sum file", path.display()))
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
    use crate::backup::format::checksum_line;

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
