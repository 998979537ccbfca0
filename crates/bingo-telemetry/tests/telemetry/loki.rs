//! (c) Logs reach a (fake) Loki with the right labels and span fields; a Loki that stalls never
//! slows logging, memory stays bounded, drops are counted, and shutdown is bounded.
//!
//! This is the only test of the binary that installs the global subscriber.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{test, web, App, HttpResponse};
use bingo_telemetry::{
    init_logging, log_events_dropped, LogConfig, LogFormat, LogOutput, RequestMetrics, LOG_SHUTDOWN_WAIT,
};
use tracing_subscriber::fmt::writer::BoxMakeWriter;

use crate::fake_loki::{FakeLoki, Mode};
use crate::{new_metrics, render_text, samples};

/// Keeps the first lines written (bounded; burst lines are not kept), standing in for stdout.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut lines = self.0.lock().unwrap();
        if lines.len() < 2_000 && !buf.windows(11).any(|w| w == b"burst event") {
            lines.push(String::from_utf8_lossy(buf).into_owned());
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// Polls `cond` every 50 ms for at most `limit` (a bound on waiting for something to happen, not a
/// time the test depends on).
fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

async fn draw(path: web::Path<String>) -> HttpResponse {
    tracing::info!(game = %path, "drawing a ball");
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn ships_to_loki_and_survives_a_stalled_loki() {
    let loki = FakeLoki::start();
    let stdout = Capture::default();
    let out = stdout.clone();
    let guard = init_logging(LogConfig {
        format: LogFormat::Json,
        level: "info".into(),
        loki_url: Some(loki.url.clone()),
        service: "bingo".into(),
        role: "realtime".into(),
        host: "test-node".into(),
        output: LogOutput::Writer(BoxMakeWriter::new(move || out.clone())),
    })
    .expect("init_logging");
    assert!(init_logging(LogConfig::default()).is_err(), "a second global subscriber must be refused");

    // --- healthy: a request's log line reaches Loki with its request id and route ---
    let metrics = new_metrics();
    let app = test::init_service(
        App::new().wrap(RequestMetrics::new(metrics.clone())).route("/api/v1/games/{id}/draw", web::post().to(draw)),
    )
    .await;
    let res = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/games/g77/draw")
            .insert_header(("x-request-id", "req-loki-1"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    tracing::warn!(players = 3, "a warning outside any request");

    let arrived = wait_until(Duration::from_secs(5), || {
        let lines = loki.lines();
        lines.iter().any(|(_, l)| l.contains("drawing a ball"))
            && lines.iter().any(|(_, l)| l.contains("a warning outside"))
    });
    assert!(arrived, "pushes did not arrive: {:?}", loki.received());
    let lines = loki.lines();
    let (labels, line) = lines.iter().find(|(_, l)| l.contains("drawing a ball")).unwrap();
    assert_eq!(labels, r#"{service="bingo",role="realtime",host="test-node",level="info"}"#);
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(json["request_id"], "req-loki-1", "{line}");
    assert_eq!(json["route"], "/api/v1/games/{id}/draw", "{line}");
    assert_eq!(json["method"], "POST", "{line}");
    assert_eq!(json["game"], "g77", "{line}");
    assert_eq!(json["message"], "drawing a ball", "{line}");
    let (warn_labels, _) = lines.iter().find(|(_, l)| l.contains("a warning outside")).unwrap();
    assert!(warn_labels.ends_with(r#"level="warn"}"#), "{warn_labels}");
    // Loki stream labels are the fixed small set, never a request id.
    for r in loki.received() {
        assert!(!r.labels.contains("req-loki-1"), "{}", r.labels);
    }
    // Stdout JSON carries the span fields too.
    let stdout_line = stdout.0.lock().unwrap().iter().find(|l| l.contains("drawing a ball")).cloned().unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout_line).unwrap();
    assert_eq!(json["span"]["request_id"], "req-loki-1", "{stdout_line}");
    assert_eq!(json["spans"][0]["name"], "http_request", "{stdout_line}");
    assert_eq!(json["fields"]["message"], "drawing a ball", "{stdout_line}");
    let dropped_before = log_events_dropped();

    // --- stalled: logging 10 000 events stays fast, memory bounded, drops counted ---
    loki.set_mode(Mode::Stall);
    // The current batch is pushed into the stall (the driver's schedule itself is tested on a
    // paused clock in src/loki.rs).
    tracing::info!("first event into a stalled loki");
    assert!(wait_until(Duration::from_secs(10), || loki.stalled() > 0), "no push reached the stalled Loki");
    let rss_before = rss_bytes();
    let started = Instant::now();
    for i in 0..10_000u32 {
        tracing::info!(i, payload = "some fairly ordinary log line with a few fields", "burst event");
    }
    let elapsed = started.elapsed();
    let rss_after = rss_bytes();
    assert!(elapsed < Duration::from_secs(2), "10 000 events took {elapsed:?}");
    assert!(
        rss_after < rss_before + 64 * 1024 * 1024,
        "memory grew from {rss_before} to {rss_after} bytes while Loki stalled"
    );
    let dropped = log_events_dropped();
    eprintln!(
        "stalled Loki: 10 000 events in {elapsed:?}; RSS {} -> {} KiB; dropped {dropped_before} -> {dropped}",
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(dropped >= dropped_before + 9_000, "dropped {dropped_before} -> {dropped}");
    let text = render_text(&metrics);
    let exported = samples(&text).into_iter().find(|(n, _, _)| n == "bingo_log_events_dropped_total").unwrap().2;
    assert!(exported >= 9_000.0, "bingo_log_events_dropped_total = {exported}");
    // The stalled push times out (5 s) and its batch is counted as dropped as well.
    assert!(wait_until(Duration::from_secs(8), || log_events_dropped() > dropped), "the stalled batch was not counted");

    // --- recovery: once Loki answers again, new events arrive ---
    loki.set_mode(Mode::Answer);
    let mut probe = 0u32;
    let recovered = wait_until(Duration::from_secs(20), || {
        probe += 1;
        if probe % 10 == 1 {
            tracing::info!(probe, "recovery probe");
        }
        loki.lines().iter().any(|(_, l)| l.contains("recovery probe"))
    });
    assert!(recovered, "no push after Loki recovered");
    assert!(stdout.0.lock().unwrap().iter().any(|l| l.contains("loki push failed")), "no warning on stdout");

    // --- closing connections: counted, never blocking ---
    loki.set_mode(Mode::Close);
    let before_close = log_events_dropped();
    let started = Instant::now();
    for i in 0..100u32 {
        tracing::info!(i, "event into a closing loki");
    }
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(
        wait_until(Duration::from_secs(5), || log_events_dropped() >= before_close + 100),
        "failed push not counted: {before_close} -> {}",
        log_events_dropped()
    );

    // --- shutdown is bounded even with a stalled Loki ---
    loki.set_mode(Mode::Stall);
    tracing::info!("last words");
    let started = Instant::now();
    drop(guard);
    assert!(started.elapsed() < LOG_SHUTDOWN_WAIT + Duration::from_secs(1), "shutdown took {:?}", started.elapsed());
}
