//! Redis stopped (kill -9) in the middle of a game played through an API node with three
//! realtime nodes, and started again on the same port a few seconds later: the caller's draws
//! keep being committed while it is down, every client on every realtime node ends with every
//! ball in order (the realtime nodes read what the bus lost from the log), the stored log is
//! gapless and hash-chained, and the bus carries notices again once Redis is back.

use super::report;
use crate::game::{bin, join, ninety_ball};
use crate::support::{
    calls, draw, eventually, last_seq, metric, numbers, player_hello, post, screen_hello, stored_payloads,
    verify_finished, Client,
};
use bingo_testkit::{free_port, Backend, Options, Platform};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TEST: &str = "redis";
/// How long Redis stays down.
const OUTAGE: Duration = Duration::from_secs(4);
/// The caller's pace while it is down.
const DRAW_EVERY: Duration = Duration::from_millis(400);

/// A `redis-server` of the test's own on a loopback port, with no persistence; killed on drop.
struct RedisServer {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl RedisServer {
    fn start() -> RedisServer {
        let mut server = RedisServer { port: free_port(), dir: tempfile::tempdir().expect("temp dir"), child: None };
        server.spawn();
        server
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server on its port and waits (at most 10 s) until it accepts connections.
    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("redis.log")).expect("log");
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("redis-server must be installed");
        self.child = Some(child);
        let port = self.port;
        eventually(Duration::from_secs(10), "redis-server to listen", || TcpStream::connect(("127.0.0.1", port)).ok());
    }

    /// kill -9: the connections drop without a goodbye, as when the machine or process dies.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Notices a realtime node has received over the bus so far.
fn notices_received(platform: &Platform, node: usize) -> f64 {
    metric(&platform.nodes[node].http(), "bingo_bus_lag_seconds_count", &[]).unwrap_or(0.0)
}

/// Median and maximum, over every client and every event with a sequence number in `seqs`, of
/// the time from the commit to the node sending it (the frame's `sent_at_ms - published_at_ms`).
fn delivery_lag(clients: &[Client], seqs: std::ops::RangeInclusive<u64>) -> (i64, i64) {
    let mut lags: Vec<i64> = clients
        .iter()
        .flat_map(|c| &c.events)
        .filter(|m| m["seq"].as_u64().is_some_and(|s| seqs.contains(&s)))
        .map(|m| {
            m["sent_at_ms"].as_i64().expect("sent_at_ms") - m["published_at_ms"].as_i64().expect("published_at_ms")
        })
        .collect();
    lags.sort_unstable();
    assert!(!lags.is_empty(), "no events in {seqs:?}");
    (lags[lags.len() / 2], lags[lags.len() - 1])
}

#[test]
fn redis_stopped_and_restarted_mid_game_loses_no_ball_for_any_client() {
    let mut redis = RedisServer::start();
    let mut options = Options::new(bin(), Backend::Postgres);
    options.realtime_nodes = 3;
    options.redis_url = Some(redis.url());
    let platform = Platform::start(options);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    let players: Vec<_> = (0..6).map(|i| join(&http, &code, &format!("p{i}"), 1)).collect();
    post(&console, &format!("/api/v1/games/{id}/start"));
    let start_seq = last_seq(&console, &id);

    // Three clients on each realtime node: a screen and two players.
    let mut clients = Vec::new();
    for node in 1..=3 {
        let url = platform.nodes[node].ws_url();
        clients.push(Client::connect(&format!("screen@rt{node}"), &url, screen_hello(&code, 0, None)).0);
        for p in &players[(node - 1) * 2..node * 2] {
            let hello = player_hello(&p.token, 0, None);
            clients.push(Client::connect(&format!("player@rt{node}"), &url, hello).0);
        }
    }
    for _ in 0..5 {
        draw(&console, &id);
    }
    let seq_before = last_seq(&console, &id);
    clients.iter_mut().for_each(|c| c.sync_to(seq_before));

    // Redis goes; the caller keeps drawing through the API node, and every draw is committed.
    redis.kill();
    let down_at = Instant::now();
    let mut drawn_while_down = 0;
    let mut slowest_draw = Duration::ZERO;
    while down_at.elapsed() < OUTAGE {
        let asked = Instant::now();
        draw(&console, &id);
        slowest_draw = slowest_draw.max(asked.elapsed());
        drawn_while_down += 1;
        std::thread::sleep(DRAW_EVERY.saturating_sub(asked.elapsed()));
    }
    let (status, ready) = platform.api().http().get("/ready");
    assert_eq!((status, &ready["error"]["code"]), (503, &"not_ready".into()), "/ready without Redis: {ready}");
    let seq_down = last_seq(&console, &id);
    assert_eq!(seq_down, seq_before + drawn_while_down, "every draw made while Redis was down is in the log");
    redis.spawn();
    let up_at = Instant::now();
    clients.iter_mut().for_each(|c| c.sync_to(seq_down));
    let caught_up = up_at.elapsed();
    eventually(Duration::from_secs(10), "the API node to be ready again", || {
        Some(()).filter(|_| platform.api().http().get("/ready").0 == 200)
    });

    // The bus carries notices again: each realtime node receives one for a ball drawn now
    // (resubscribing backs off up to 5 s, so keep drawing until they all have).
    let before: Vec<f64> = (1..=3).map(|n| notices_received(&platform, n)).collect();
    let mut drawn_after = 0;
    let bus_back = eventually(Duration::from_secs(15), "every realtime node to get a notice over Redis", || {
        draw(&console, &id);
        drawn_after += 1;
        std::thread::sleep(Duration::from_millis(200));
        let all = (1..=3).all(|n| notices_received(&platform, n) > before[n - 1]);
        all.then(|| up_at.elapsed())
    });
    // The last of those balls came over the bus.
    let seq_end = last_seq(&console, &id);
    let synced = Instant::now();
    clients.iter_mut().for_each(|c| c.sync_to(seq_end));
    let last_ball_delivery = synced.elapsed();

    let body = post(&console, &format!("/api/v1/games/{id}/finish"));
    let game = body["snapshot"]["game"].clone();
    verify_finished(bin(), &game, "90");
    let final_calls = numbers(&game["calls"]);
    assert_eq!(final_calls, calls(&console, &id));
    assert_eq!(final_calls.len() as u64, 5 + drawn_while_down + drawn_after);
    // The stored log is gapless and chained (stored_payloads checks); every client has all of
    // it from its first position, payload for payload (Client checks the order as it reads).
    let log = stored_payloads(&console, &id);
    for c in clients.iter_mut() {
        c.sync_to(log.len() as u64);
        c.assert_matches_log(&log);
        assert_eq!(c.events.first().map(|m| m["seq"].as_u64()), Some(Some(start_seq + 1)), "{}", c.name);
        assert_eq!(c.balls(), final_calls, "{}", c.name);
    }

    report(TEST, "Redis down for", format!("{:.1} s", OUTAGE.as_secs_f64()));
    report(TEST, "balls committed while Redis was down", drawn_while_down);
    report(TEST, "slowest draw while Redis was down", format!("{} ms", slowest_draw.as_millis()));
    let (typical, worst) = delivery_lag(&clients, seq_before + 1..=seq_down);
    report(
        TEST,
        "delay from commit to a client's socket for those balls",
        format!("median {typical} ms, max {worst} ms"),
    );
    report(TEST, "all 9 clients had every ball, after Redis came back", format!("{} ms", caught_up.as_millis()));
    report(TEST, "every realtime node got notices over Redis again, after", format!("{:.1} s", bus_back.as_secs_f64()));
    report(TEST, "balls drawn after Redis came back until then", drawn_after);
    let (typical, worst) = delivery_lag(&clients, seq_end..=seq_end);
    report(TEST, "delay from commit to a client's socket for the last", format!("median {typical} ms, max {worst} ms"));
    report(TEST, "the last ball was at all 9 clients within", format!("{} ms", last_ball_delivery.as_millis()));
}
