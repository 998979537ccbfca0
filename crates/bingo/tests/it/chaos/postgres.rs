//! PostgreSQL stopped (immediate shutdown: its sessions cut, crash recovery on start) during
//! auto-draw and started again a few seconds later: auto-draw resumes by itself, no ball is lost
//! or repeated, a screen's stream stays gapless, a caller's request made during the outage gets
//! an answer (not a 500) within the pool's timeout, and the exported ledger verifies.

use super::{is_root, report, run};
use crate::game::{bin, join, ninety_ball};
use crate::support::{calls, eventually, numbers, screen_hello, snapshot, stored_events, verify_finished, Client};
use bingo_testkit::{free_port, Backend, Options, Platform};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TEST: &str = "postgres";
const AUTO_DRAW_MS: u64 = 1000;
/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(4);

/// The directory of PostgreSQL's server programs (`initdb`, `pg_ctl`): the newest under
/// /usr/lib/postgresql, or the one on PATH.
fn server_programs() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort_by_key(|p| p.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()));
    versions.pop().or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
    })
}

/// A PostgreSQL cluster of the test's own, run as the `postgres` user (the server refuses root)
/// in a temporary directory, on a loopback port; stopped on drop.
struct PgCluster {
    programs: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PgCluster {
    fn create(programs: PathBuf) -> PgCluster {
        let dir = tempfile::tempdir().expect("temp dir");
        run(Command::new("chown").arg("postgres:").arg(dir.path()));
        let cluster = PgCluster { programs, dir, port: free_port() };
        run(cluster
            .as_postgres("initdb")
            .args(["-U", "postgres", "-A", "trust", "--no-sync", "-D"])
            .arg(cluster.data()));
        cluster.start();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn as_postgres(&self, program: &str) -> Command {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(self.programs.join(program));
        command
    }

    /// `pg_ctl` with the cluster's data directory and log; `-w` waits (at most 30 s).
    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut command = self.as_postgres("pg_ctl");
        command.arg("-D").arg(self.data()).arg("-l").arg(self.dir.path().join("server.log"));
        command.args(["-w", "-t", "30"]).args(args);
        command
    }

    fn start(&self) {
        let socket_dir: &Path = self.dir.path();
        let options = format!("-p {} -c listen_addresses=127.0.0.1 -k {}", self.port, socket_dir.display());
        run(&mut self.pg_ctl(&["-o", &options, "start"]));
    }

    /// Immediate shutdown: every session is cut at once and the next start recovers from the WAL.
    fn stop(&self) {
        run(&mut self.pg_ctl(&["-m", "immediate", "stop"]));
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]).output();
    }
}

#[test]
fn postgres_restarted_during_auto_draw_loses_and_repeats_no_ball() {
    if !is_root() {
        eprintln!("skipped: the test's own PostgreSQL cluster is run as the postgres user, which needs root (CI runs as root)");
        return;
    }
    let Some(programs) = server_programs() else {
        eprintln!("skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH");
        return;
    };
    if !Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: there is no postgres user to run the test's own cluster as");
        return;
    }
    let cluster = PgCluster::create(programs);
    run(Command::new("psql").args([&cluster.url("postgres"), "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE bingo"]));
    let mut options = Options::new(bin(), Backend::Postgres);
    options.database_url = Some(cluster.url("bingo"));
    let platform = Platform::start(options);
    let console = platform.console();
    let mut config = ninety_ball();
    config["auto_draw_ms"] = json!(AUTO_DRAW_MS);
    let (id, code) = platform.open_game(&console, config);
    join(&platform.api().http(), &code, "ann", 6);
    let (mut screen, _) = Client::connect("screen", &platform.api().ws_url(), screen_hello(&code, 0, None));
    crate::support::post(&console, &format!("/api/v1/games/{id}/start"));
    let (status, body) = console.post(&format!("/api/v1/games/{id}/auto-draw"), &json!({"on": true}));
    assert_eq!(status, 200, "{body}");

    let before = eventually(Duration::from_secs(15), "3 auto-drawn balls", || {
        Some(calls(&console, &id)).filter(|c| c.len() >= 3)
    });
    cluster.stop();
    let down_ms = now_ms();
    // A caller's read of the log while the database is away: the pool waits for a connection
    // (10 s at most), so it either succeeds once the database is back or says 503.
    let caller = {
        let http = platform.api().http().with_token(console.token.as_deref().expect("the console's token"));
        let path = format!("/api/v1/games/{id}/events?after=0&limit=10000");
        std::thread::spawn(move || {
            let asked = Instant::now();
            let (status, body) = http.get(&path);
            (status, body, asked.elapsed())
        })
    };
    std::thread::sleep(OUTAGE);
    cluster.start();
    let up_ms = now_ms();
    let (status, body, waited) = caller.join().expect("the caller's thread");
    assert!(status == 200 || status == 503, "a request during the outage: {status} {body}");
    if status == 503 {
        assert_eq!(body["error"]["code"], "unavailable", "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    }
    assert!(waited < Duration::from_secs(15), "the caller waited {waited:?}");

    // Auto-draw resumes by itself.
    let resumed = eventually(Duration::from_secs(20), "3 more balls after PostgreSQL is back", || {
        let (status, body) = console.get(&format!("/api/v1/games/{id}"));
        let now = (status == 200).then(|| numbers(&body["game"]["calls"]))?;
        now.len().checked_sub(before.len() + 3).map(|_| now)
    });
    assert!(resumed.starts_with(&before), "balls committed before the outage were lost: {before:?} then {resumed:?}");
    assert_eq!(snapshot(&console, &id)["auto_draw"]["on"], true);

    let (status, body) = console.post(&format!("/api/v1/games/{id}/auto-draw"), &json!({"on": false}));
    assert_eq!(status, 200, "{body}");
    let body = crate::support::post(&console, &format!("/api/v1/games/{id}/finish"));
    let game = body["snapshot"]["game"].clone();
    let final_calls = numbers(&game["calls"]);
    let distinct: HashSet<u64> = final_calls.iter().copied().collect();
    assert_eq!(distinct.len(), final_calls.len(), "a ball was repeated: {final_calls:?}");
    verify_finished(bin(), &game, "90");

    // The log is gapless and chained, its balls numbered 1, 2, 3, ...; the screen has all of it.
    let rows = stored_events(&console, &id);
    let log: Vec<Value> =
        rows.iter().map(|e| serde_json::from_str(e["payload"].as_str().expect("payload")).expect("json")).collect();
    let ball_times: Vec<i64> = rows
        .iter()
        .zip(&log)
        .filter(|(_, e)| e["type"] == "ball_called")
        .enumerate()
        .map(|(i, (row, e))| {
            assert_eq!((e["call"].as_u64(), e["number"].as_u64()), (Some(i as u64 + 1), Some(final_calls[i])), "{e}");
            row["at_ms"].as_i64().expect("at_ms")
        })
        .collect();
    assert_eq!(ball_times.len(), final_calls.len());
    screen.sync_to(log.len() as u64);
    screen.assert_matches_log(&log);
    assert_eq!(screen.balls(), final_calls);
    let ledger = platform.data_dir().with_file_name("ledger.json");
    run(Command::new(bin())
        .args(["ledger", "export", "--game", &id, "--database-url", &cluster.url("bingo"), "--out"])
        .arg(&ledger));
    let verified = run(Command::new(bin()).arg("verify").arg("--ledger").arg(&ledger));
    assert!(verified.starts_with("FAIR"), "{verified}");

    // The gap, by the log's times: from the last ball before the stop to the first after it.
    let after = ball_times.iter().position(|&t| t > down_ms).expect("a ball after the outage");
    let gap_ms = ball_times[after] - ball_times[after - 1];
    let away = format!("{} ms (pg_ctl stop -m immediate, {} s, pg_ctl start)", up_ms - down_ms, OUTAGE.as_secs());
    report(TEST, "PostgreSQL away for", away);
    report(TEST, "auto-draw interval", format!("{AUTO_DRAW_MS} ms"));
    report(TEST, "gap between the balls either side of the outage", format!("{gap_ms} ms"));
    report(TEST, "first ball after PostgreSQL was back", format!("{} ms", ball_times[after] - up_ms));
    let read = format!("{status} after {} ms (asked as it stopped)", waited.as_millis());
    report(TEST, "the caller's read of the log during the outage", read);
    report(TEST, "balls in all (none lost or repeated)", final_calls.len());
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970");
    i64::try_from(since.as_millis()).expect("ms fit")
}
