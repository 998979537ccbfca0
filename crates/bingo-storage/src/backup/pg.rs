//! PostgreSQL: `pg_dump --format=custom`, its full-read verification with `pg_restore`, and the
//! restore into a side database that is renamed over the live one.
//!
//! The database URL is never printed and never put on a command line (other users can read
//! `/proc/*/cmdline`): the tools get the URL without its password, and the password through
//! `PGPASSWORD`.

use super::{bail, ident, literal, BackupError, Conn, Context, Result};
use crate::conn::DbConn;
use diesel::pg::PgConnection;
use diesel::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Where the PostgreSQL client tools (pg_dump, pg_restore) are: a directory (`--pg-bin-dir`,
/// `BINGO_PG_BIN_DIR`), or, without one, looked up on PATH.
#[derive(Clone, Debug, Default)]
pub struct PgTools {
    bin_dir: Option<PathBuf>,
}

impl PgTools {
    pub fn new(bin_dir: Option<PathBuf>) -> PgTools {
        PgTools { bin_dir: bin_dir.filter(|d| !d.as_os_str().is_empty()) }
    }

    /// `program` from the configured directory, or by bare name (found on PATH).
    fn command(&self, program: &str) -> Command {
        match &self.bin_dir {
            Some(dir) => Command::new(dir.join(program)),
            None => Command::new(program),
        }
    }

    /// The error for a tool that could not be started: which one, where it was looked for, and
    /// the setting that says where it is.
    fn spawn_error(&self, program: &str, e: std::io::Error) -> BackupError {
        BackupError::new(match (&self.bin_dir, e.kind()) {
            (Some(dir), std::io::ErrorKind::NotFound) => format!(
                "{program} was not found in {} (the --pg-bin-dir / BINGO_PG_BIN_DIR setting): point it at the \
                 directory holding the PostgreSQL client tools pg_dump and pg_restore (a version at least the server's)",
                dir.display()
            ),
            (None, std::io::ErrorKind::NotFound) => format!(
                "{program} was not found on PATH ({}): install the PostgreSQL client tools (a version at least the \
                 server's, e.g. apt-get install postgresql-client), or set --pg-bin-dir / BINGO_PG_BIN_DIR to the \
                 directory holding pg_dump and pg_restore",
                std::env::var("PATH").unwrap_or_default()
            ),
            (Some(dir), _) => format!("cannot run {}: {e}", dir.join(program).display()),
            (None, _) => format!("cannot run {program}: {e}"),
        })
    }
}

/// A PostgreSQL database to connect to, from a `postgres://` URL, and the tools to dump and
/// restore it with.
#[derive(Clone)]
pub struct PgTarget {
    url: url::Url,
    tools: PgTools,
}

impl std::fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgTarget(..)") // the URL may hold a password
    }
}

fn pct_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl PgTarget {
    pub fn parse(url: &str, tools: PgTools) -> Result<PgTarget> {
        // Never echo the URL in an error: it may hold a password.
        let url =
            url::Url::parse(url).map_err(|e| BackupError::new(format!("the PostgreSQL URL is not valid ({e})")))?;
        Ok(PgTarget { url, tools })
    }

    pub fn tools(&self) -> &PgTools {
        &self.tools
    }

    fn query_pairs_raw(&self) -> Vec<(String, String)> {
        self.url
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').map_or((p.to_string(), String::new()), |(k, v)| (k.to_string(), v.to_string())))
            .collect()
    }

    fn set_query_raw(url: &mut url::Url, pairs: &[(String, String)]) {
        if pairs.is_empty() {
            url.set_query(None);
        } else {
            let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            url.set_query(Some(&q.join("&")));
        }
    }

    /// The database named in the URL (path or `dbname=`), if any.
    pub fn database_in_url(&self) -> Option<String> {
        if let Some((_, v)) = self.query_pairs_raw().into_iter().find(|(k, _)| k == "dbname") {
            return Some(pct_decode(&v)).filter(|d| !d.is_empty());
        }
        let path = self.url.path().trim_start_matches('/');
        Some(pct_decode(path)).filter(|d| !d.is_empty())
    }

    /// The same server and credentials, another database.
    pub fn with_database(&self, name: &str) -> PgTarget {
        let mut url = self.url.clone();
        let pairs: Vec<(String, String)> = self.query_pairs_raw().into_iter().filter(|(k, _)| k != "dbname").collect();
        Self::set_query_raw(&mut url, &pairs);
        let encoded: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        url.set_path(&format!("/{encoded}"));
        PgTarget { url, tools: self.tools.clone() }
    }

    /// The whole URL, for connections made in this process.
    pub fn url(&self) -> String {
        self.url.to_string()
    }

    /// The URL without any password, and the password.
    fn split_password(&self) -> (String, Option<String>) {
        let mut url = self.url.clone();
        let mut password = url.password().map(pct_decode);
        let _ = url.set_password(None);
        let mut pairs = self.query_pairs_raw();
        if let Some(i) = pairs.iter().position(|(k, _)| k == "password") {
            password = Some(pct_decode(&pairs.remove(i).1));
        }
        Self::set_query_raw(&mut url, &pairs);
        (url.to_string(), password)
    }

    /// `program` (pg_dump, pg_restore) set up to connect to this database.
    fn command(&self, program: &str) -> Command {
        let (url, password) = self.split_password();
        let mut cmd = self.tools.command(program);
        cmd.arg(format!("--dbname={url}")).arg("--no-password");
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        cmd
    }

    /// A connection to this database.
    pub fn connect(&self) -> Result<Conn> {
        PgConnection::establish(&self.url())
            .map(|c| Conn(DbConn::Postgres(c)))
            .map_err(|e| BackupError::new(format!("cannot connect to PostgreSQL: {}", e.to_string().trim())))
    }
}

/// The last lines a tool printed, for an error message.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(3)..].join(" / ")
}

/// Facts about the live database.
pub struct LiveInfo {
    pub name: String,
    pub owner: String,
    pub current_user: String,
    pub server_version: String,
}

/// Reads [`LiveInfo`] over a connection to the live database.
pub fn live_info(conn: &mut Conn) -> Result<LiveInfo> {
    let one = |conn: &mut Conn, sql: &str| -> Result<String> {
        conn.texts(sql)
            .context("reading the database's facts")?
            .into_iter()
            .next()
            .with_context(|| format!("no answer to {sql}"))
    };
    Ok(LiveInfo {
        name: one(conn, "SELECT current_database()::text AS v")?,
        owner: one(
            conn,
            "SELECT pg_catalog.pg_get_userbyid(datdba)::text AS v FROM pg_catalog.pg_database \
             WHERE datname = current_database()",
        )?,
        current_user: one(conn, "SELECT current_user::text AS v")?,
        server_version: one(conn, "SELECT current_setting('server_version') AS v")?,
    })
}

/// The role the connection is logged in as.
pub fn current_user(conn: &mut Conn) -> Result<String> {
    let user = conn.texts("SELECT current_user::text AS v").context("reading the current role")?;
    Ok(user.into_iter().next().unwrap_or_default())
}

/// Whether the connection's role may create databases (CREATEDB, or a superuser): the restore
/// needs it for its side database.
pub fn may_create_databases(conn: &mut Conn) -> Result<bool> {
    let answer = conn
        .texts("SELECT (rolcreatedb OR rolsuper)::text AS v FROM pg_catalog.pg_roles WHERE rolname = current_user")
        .context("reading the role's rights")?;
    Ok(answer == ["true"])
}

/// Other sessions connected to database `name` (a running server holds some). A client that
/// has just disconnected (the backup's pg_dump, a server stopped a moment ago) stays listed until
/// its backend process has exited: they are given up to two seconds to go.
pub fn other_sessions(conn: &mut Conn, name: &str) -> Result<Vec<String>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let sessions = sessions_now(conn, name)?;
        if sessions.is_empty() || std::time::Instant::now() >= deadline {
            return Ok(sessions);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn sessions_now(conn: &mut Conn, name: &str) -> Result<Vec<String>> {
    conn.texts(&format!(
        "SELECT coalesce(nullif(application_name, ''), 'pid ' || pid) || ' (' || coalesce(usename::text, '?') || ')' AS v \
         FROM pg_catalog.pg_stat_activity WHERE datname = {} AND pid <> pg_backend_pid() ORDER BY 1",
        literal(name)
    ))
    .context("listing the sessions on the database")
}

/// Connects to a maintenance database of the same server (`postgres`, else `template1`), from
/// which databases are created and renamed.
pub fn connect_maintenance(target: &PgTarget) -> Result<Conn> {
    let mut last = None;
    for db in ["postgres", "template1"] {
        match target.with_database(db).connect() {
            Ok(c) => return Ok(c),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| BackupError::new("no maintenance database")))
        .context("connecting to the maintenance database (postgres or template1) to create and rename databases")
}

/// Creates the (empty) side database.
pub fn create_database(maint: &mut Conn, name: &str, owner: Option<&str>) -> Result<()> {
    let owner = owner.map(|o| format!(" OWNER {}", ident(o))).unwrap_or_default();
    maint.execute(&format!("CREATE DATABASE {}{owner}", ident(name))).map_err(|e| {
        let hint = if e.to_string().contains("permission denied") {
            " (the database role needs CREATEDB: ALTER ROLE <role> CREATEDB, or run the restore as the postgres superuser)"
        } else {
            ""
        };
        BackupError::new(format!("cannot create the side database {name}: {}{hint}", e.to_string().trim()))
    })
}

/// Drops the side database `name`, ending its sessions.
pub fn drop_database(maint: &mut Conn, name: &str) -> Result<()> {
    maint
        .execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(name)))
        .with_context(|| format!("dropping the side database {name}"))
}

/// `pg_restore` of a verified dump into the (empty) database `target`, in one transaction,
/// stopping at the first error. Objects get the connecting role as owner, or `role`.
pub fn restore_into(target: &PgTarget, dump: &Path, role: Option<&str>) -> Result<()> {
    let mut cmd = target.command("pg_restore");
    cmd.args(["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]);
    if let Some(role) = role {
        cmd.arg(format!("--role={role}"));
    }
    let out = cmd.arg(dump).stdin(Stdio::null()).output().map_err(|e| target.tools.spawn_error("pg_restore", e))?;
    if !out.status.success() {
        bail!("pg_restore into the side database failed: {}", tail(&out.stderr));
    }
    Ok(())
}

/// Swaps the side database in: ends the sessions still on the live database, then in one
/// transaction renames live to `old` and side to live. Retried briefly if a client reconnects
/// between the two.
pub fn swap(maint: &mut Conn, live: &str, live_exists: bool, side: &str, old: &str) -> Result<()> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut sql = String::new();
        if live_exists {
            maint
                .texts(&format!(
                    "SELECT pg_catalog.pg_terminate_backend(pid)::text AS v FROM pg_catalog.pg_stat_activity \
                     WHERE datname = {} AND pid <> pg_backend_pid()",
                    literal(live)
                ))
                .context("ending the sessions on the live database")?;
            sql.push_str(&format!("ALTER DATABASE {} RENAME TO {};", ident(live), ident(old)));
        }
        sql.push_str(&format!("ALTER DATABASE {} RENAME TO {};", ident(side), ident(live)));
        match maint.execute(&format!("BEGIN; {sql} COMMIT;")) {
            Ok(()) => return Ok(()),
            Err(e) => {
                let _ = maint.execute("ROLLBACK");
                if attempt < 10 && e.to_string().contains("being accessed by other users") {
                    std::thread::sleep(Duration::from_millis(300));
                    continue;
                }
                bail!("renaming the databases failed (the live database is unchanged): {}", e.to_string().trim());
            }
        }
    }
}

/// Runs `pg_dump --format=custom` into `path`, telling `written` the file's size every tenth of a
/// second.
pub fn dump(target: &PgTarget, path: &Path, mut written: impl FnMut(u64)) -> Result<()> {
    let mut child = target
        .command("pg_dump")
        .args(["--format=custom", "--compress=6"])
        .arg(format!("--file={}", path.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| target.tools.spawn_error("pg_dump", e))?;
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_end(&mut s, &mut buf);
        }
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for pg_dump")? {
            break status;
        }
        written(std::fs::metadata(path).map_or(0, |m| m.len()));
        std::thread::sleep(Duration::from_millis(100));
    };
    let err = reader.join().unwrap_or_default();
    if !status.success() {
        bail!("pg_dump failed ({status}): {}", tail(&err));
    }
    Ok(())
}

/// Reads a dump whole: `pg_restore --list` (the header and table of contents), then
/// `pg_restore --file=/dev/null`, which reads and decompresses every data block (a listing alone
/// misses a truncated file).
pub fn verify_dump(tools: &PgTools, path: &Path) -> Result<()> {
    for args in [&["--list"][..], &["--file=/dev/null"][..]] {
        let out = tools
            .command("pg_restore")
            .args(args)
            .arg(path)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| tools.spawn_error("pg_restore", e))?;
        if !out.status.success() {
            bail!("{} is not a readable PostgreSQL dump: {}", path.display(), tail(&out.stderr));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_command_lines() {
        let t = PgTarget::parse("postgres://bingo:s%40cret@db.example:5433/bingo?sslmode=require", PgTools::default())
            .unwrap();
        assert_eq!(
            t.split_password(),
            ("postgres://bingo@db.example:5433/bingo?sslmode=require".into(), Some("s@cret".into()))
        );
        let t = PgTarget::parse("postgresql://u@h/db?password=p%20w&application_name=x", PgTools::default()).unwrap();
        assert_eq!(t.split_password(), ("postgresql://u@h/db?application_name=x".into(), Some("p w".into())));
        assert!(!format!("{t:?}").contains("p%20w"));
    }

    #[test]
    fn another_database_on_the_same_server() {
        let t = PgTarget::parse("postgres:///bingo?host=/run/postgresql", PgTools::default()).unwrap();
        assert_eq!(t.database_in_url().as_deref(), Some("bingo"));
        let side = t.with_database("bingo_restore_20250102t033000z");
        assert_eq!(side.url(), "postgres:///bingo_restore_20250102t033000z?host=/run/postgresql");
        let t = PgTarget::parse("postgres://u:pw@h:5432/x?dbname=bingo&sslmode=disable", PgTools::default()).unwrap();
        assert_eq!(t.database_in_url().as_deref(), Some("bingo"));
        assert_eq!(t.with_database("postgres").url(), "postgres://u:pw@h:5432/postgres?sslmode=disable");
        assert_eq!(PgTarget::parse("postgres://h", PgTools::default()).unwrap().database_in_url(), None);
    }

    #[test]
    fn a_missing_tool_names_itself_the_place_looked_and_the_setting() {
        let dir = std::env::temp_dir().join("bingo-no-such-pg-bin-dir");
        let tools = PgTools::new(Some(dir.clone()));
        let e = tools.command("pg_dump").output().map_err(|e| tools.spawn_error("pg_dump", e)).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("pg_dump was not found in "), "{text}");
        assert!(text.contains(&dir.display().to_string()) && text.contains("BINGO_PG_BIN_DIR"), "{text}");

        let tools = PgTools::new(None);
        let e = tools.spawn_error("pg_restore", std::io::Error::from(std::io::ErrorKind::NotFound)).to_string();
        assert!(e.starts_with("pg_restore was not found on PATH ("), "{e}");
        assert!(e.contains("--pg-bin-dir / BINGO_PG_BIN_DIR"), "{e}");
        assert_eq!(PgTools::new(Some(PathBuf::new())).bin_dir, None, "an empty setting means PATH");
    }
}
