//! A running `bingo serve` pushing logs to a Loki that stops answering: the service carries on at
//! full speed, memory stays bounded, and what could not be shipped is counted in
//! `bingo_log_events_dropped_total`. (Decoding Loki's protobuf pushes and checking labels and
//! lines is tested against a fake Loki in crates/bingo-telemetry's own tests.)

use super::game::bin;
use bingo_testkit::{Backend, Options, Platform};
use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Accepts connections, reads what is sent, and never answers.
struct StalledLoki {
    port: u16,
    pushes: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl StalledLoki {
    fn start() -> StalledLoki {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let (pushes, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let (p, s) = (pushes.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            let mut held = Vec::new();
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                        let mut head = [0u8; 64];
                        if let Ok(n) = stream.read(&mut head) {
                            if head[..n].starts_with(b"POST /loki/api/v1/push") {
                                p.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        held.push(stream);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        StalledLoki { port, pushes, stop }
    }
}

impl Drop for StalledLoki {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn dropped(text: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with("bingo_log_events_dropped_total"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn a_stalled_loki_never_slows_the_service_and_drops_are_counted() {
    let loki = StalledLoki::start();
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_LOKI_URL".into(), format!("http://127.0.0.1:{}", loki.port)));
    let platform = Platform::start(options);
    let http = platform.api().http();

    // Every request logs a line; 3,000 of them while Loki answers nothing.
    let started = Instant::now();
    for _ in 0..3_000 {
        assert_eq!(http.get("/health").0, 200);
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "3,000 requests took {elapsed:?} with Loki stalled");

    // The pushes were attempted, and what could not be shipped is counted.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut count = 0.0;
    while Instant::now() < deadline {
        count = dropped(&platform.api().http().get_text("/metrics").1);
        if count > 0.0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(loki.pushes.load(Ordering::Relaxed) > 0, "the service never tried to push to Loki");
    assert!(count > 0.0, "bingo_log_events_dropped_total stayed 0");

    // Still serving, memory bounded.
    assert_eq!(http.get("/ready").0, 200);
    let metrics = platform.api().http().get_text("/metrics").1;
    let rss: f64 = metrics
        .lines()
        .find(|l| l.starts_with("process_resident_memory_bytes"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .expect("process_resident_memory_bytes");
    assert!(rss < 200.0 * 1024.0 * 1024.0, "resident memory {rss} bytes with Loki stalled");
}
