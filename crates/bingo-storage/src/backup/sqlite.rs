//! SQLite: the online copy (`VACUUM INTO`, a consistent snapshot taken while the server runs),
//! its integrity check, the exclusive lock that tells a running server, and the swap by rename.

use super::{bail, fsync_dir, fsync_file, literal, sidecar, BackupError, Conn, Context, Result};
use crate::conn::DbConn;
use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The file of a `sqlite://` URL.
pub fn path_of(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite://").map(PathBuf::from)
}

fn establish(url: &str, path: &Path) -> Result<SqliteConnection> {
    SqliteConnection::establish(url).map_err(|e| BackupError::new(format!("cannot open {}: {e}", path.display())))
}

/// The SQLite connection inside `conn`.
fn sqlite<'a>(conn: &'a mut Conn, what: &str) -> Result<&'a mut SqliteConnection> {
    match &mut conn.0 {
        DbConn::Sqlite(c) => Ok(c),
        DbConn::Postgres(_) => bail!("{what} needs an SQLite database, and this connection is to PostgreSQL"),
    }
}

/// Opens an existing database file (never creates one) with a busy timeout.
pub fn open(path: &Path) -> Result<Conn> {
    if !path.is_file() {
        bail!(
            "there is no database at {} (the embedded database is created by the server's first start or bingo migrate)",
            path.display()
        );
    }
    let mut conn = establish(&path.to_string_lossy(), path)?;
    conn.batch_execute("PRAGMA busy_timeout = 5000;").with_context(|| format!("opening {}", path.display()))?;
    Ok(Conn(DbConn::Sqlite(conn)))
}

/// Opens a backup file read-only and without locks (`immutable=1`): nothing is written beside it.
pub fn open_immutable(path: &Path) -> Result<Conn> {
    let text = path.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23");
    Ok(Conn(DbConn::Sqlite(establish(&format!("file:{text}?mode=ro&immutable=1"), path)?)))
}

/// `PRAGMA integrity_check` (reads every page); the connection back when it says "ok".
pub fn integrity_check(mut conn: Conn, path: &Path) -> Result<Conn> {
    let found = conn
        .texts("SELECT integrity_check AS v FROM pragma_integrity_check")
        .map_err(|e| BackupError::new(format!("{} is not a readable SQLite database: {e}", path.display())))?;
    if found != ["ok"] {
        bail!("{} fails SQLite's integrity check: {}", path.display(), found.join("; "));
    }
    Ok(conn)
}

/// A consistent online copy of the database open on `conn` into `dest` (which must not exist).
pub fn vacuum_into(conn: &mut Conn, dest: &Path) -> Result<()> {
    sqlite(conn, "VACUUM INTO")?
        .batch_execute(&format!("VACUUM INTO {}", literal(&dest.to_string_lossy())))
        .map_err(|e| BackupError::new(format!("copying the SQLite database (VACUUM INTO) failed: {e}")))
}

/// Takes the live database's lock for good (`locking_mode = EXCLUSIVE`): fails at once while
/// any other process has it open, as a running server does (its pooled connections keep the
/// WAL index mapped). While the returned connection lives, no server can open the database.
pub fn lock_exclusive(path: &Path) -> Result<Conn> {
    let mut conn = open(path)?;
    conn.execute("PRAGMA busy_timeout = 1000; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;").map_err(
        |e| {
            BackupError::new(format!(
                "the database {} is in use ({e}): stop the bingo server first (systemctl stop bingo); nothing was changed",
                path.display()
            ))
        },
    )?;
    Ok(conn)
}

/// Removes `path` and its `-wal`, `-shm` and `-journal` files, if present.
pub fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
}

/// Leaves the database at `path` as one self-contained file: everything in its WAL checkpointed
/// into it and the WAL mode left, so that no `-wal`/`-shm` can outlive a rename of the file. The
/// checks of a restored copy write to it through a connection pool whose connections may close a
/// moment after the pool is dropped (SQLite answers "database is locked" at once while one is
/// open, busy timeout or not): the switch is tried again for up to ten seconds.
pub fn settle(path: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut conn = open(path)?;
        let switched = conn.execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
        drop(conn);
        // While another connection is open the mode stays WAL (an error, or quietly): its files say.
        let left: Vec<PathBuf> = ["-wal", "-shm"].iter().map(|s| sidecar(path, s)).filter(|f| f.exists()).collect();
        match (switched, left.is_empty()) {
            (Ok(()), true) => return Ok(()),
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            (Err(e), _) => return Err(e).with_context(|| format!("writing {} as one file", path.display())),
            (Ok(()), false) => {
                bail!("{} is still there: another connection holds {}", left[0].display(), path.display())
            }
        }
    }
}

/// Puts `side` in place of `live`. `lock` is the live database's exclusive connection: the WAL
/// is checkpointed into the file and emptied first, so no committed transaction is lost with
/// it, then the lock is released, the old `-wal`/`-shm` removed (a stale WAL must never meet
/// the new file) and `side` renamed over `live` (atomic).
pub fn swap(lock: Option<Conn>, live: &Path, side: &Path) -> Result<()> {
    if let Some(mut conn) = lock {
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE);").map_err(|e| {
            BackupError::new(format!("checkpointing the live database failed (nothing was changed): {e}"))
        })?;
        drop(conn);
    }
    for suffix in ["-wal", "-shm"] {
        let stale = sidecar(live, suffix);
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("cannot remove {} ({e}); the live database is unchanged", stale.display()),
        }
    }
    fsync_file(side)?;
    std::fs::rename(side, live).with_context(|| {
        format!("renaming {} over {} (the live database is unchanged)", side.display(), live.display())
    })?;
    fsync_dir(live.parent().unwrap_or(Path::new(".")))
}
