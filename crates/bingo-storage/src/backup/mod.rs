//! The database work under `bingo backup` and `bingo restore` (the binary keeps the backup
//! files, their manifests and checksums, retention and the command-line flow):
//!
//! - [`Conn`]: one direct connection of either backend, the same [`crate::conn::DbConn`] the
//!   [`crate::Store`] pools, for the SQL a backup needs outside the store (tables, row counts,
//!   the applied migrations);
//! - [`sqlite`]: the online copy (`VACUUM INTO`), its integrity check, the exclusive lock that
//!   tells a running server, and the swap of a restored file by rename;
//! - [`pg`]: `pg_dump --format=custom`, its full-read check with `pg_restore`, and the restore
//!   into a side database renamed over the live one;
//! - [`check_restored`]: the check of a restored copy before it goes live (its migrations, its
//!   rows, every game's hash chain).
//!
//! Every failure is a [`BackupError`] whose text is meant for the operator as it is.

mod check;
mod conn;
pub mod pg;
pub mod sqlite;

pub use check::{check_restored, unknown_migrations, CheckReport};
pub use conn::{ident, literal, Conn, MIGRATIONS_TABLE};

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A backup or restore step that failed, saying what was being done and why (`doing X: cause`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BackupError(String);

impl BackupError {
    pub(crate) fn new(message: impl Into<String>) -> BackupError {
        BackupError(message.into())
    }
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

/// `return Err(BackupError)` with a formatted message.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::backup::BackupError::new(format!($($arg)*)))
    };
}
pub(crate) use bail;

/// What was being done when a step failed: `what: cause`, or `what` for a missing value.
pub(crate) trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Result<T>;
    fn with_context<D: fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T> {
        self.map_err(|e| BackupError(format!("{what}: {e}")))
    }
    fn with_context<D: fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| BackupError(format!("{}: {e}", what())))
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, what: impl fmt::Display) -> Result<T> {
        self.ok_or_else(|| BackupError(what.to_string()))
    }
    fn with_context<D: fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.ok_or_else(|| BackupError(what().to_string()))
    }
}

/// `<file>` with `suffix` added to its name: `bingo.db-wal`, `<dump>.sha256`.
pub fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Flushes a file's data to disk.
pub fn fsync_file(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).with_context(|| format!("flushing {} to disk", path.display()))
}

/// Flushes a directory (a rename in it) to disk.
pub fn fsync_dir(dir: &Path) -> Result<()> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    File::open(dir).and_then(|f| f.sync_all()).with_context(|| format!("flushing the directory {}", dir.display()))
}
