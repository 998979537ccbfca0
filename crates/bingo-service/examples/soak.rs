//! Memory soak: plays and finishes games against one service (a temporary SQLite database) and
//! prints the process's resident memory after the first 10 games and every 500 after, with what
//! the service holds. A node's memory must not grow with the games it has finished (SQLite's page
//! cache, up to 2 MiB per pooled connection, fills as the database grows and then stays).
//!
//! `cargo run --release -p bingo-service --example soak -- 1000 [pool size]`

#![allow(clippy::expect_used)] // a measurement tool: a failure ends it with its reason

use bingo_bus::Bus;
use bingo_core::{GameConfig, GameKind};
use bingo_service::Service;
use bingo_storage::Store;
use bingo_telemetry::{Metrics, MetricsConfig};

/// Resident memory in KiB (Linux), from /proc/self/status.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn play(service: &Service, players: usize, balls: usize) {
    let created = service.create_game(GameConfig::standard(GameKind::Ball75)).await.expect("create");
    let id = created.id;
    service.command(&id, |g, now| g.open(now)).await.expect("open");
    for n in 0..players {
        service.join(&created.join_code, &format!("player {n}"), 3).await.expect("join");
    }
    service.command(&id, |g, now| g.start(now)).await.expect("start");
    for _ in 0..balls {
        service.command(&id, |g, now| g.draw(now)).await.expect("draw");
    }
    service.shared_snapshot(&id).await.expect("snapshot");
    service.finish(&id).await.expect("finish");
}

#[tokio::main]
async fn main() {
    let games: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    // The pool's size (default 8, the server's); each SQLite connection has a page cache of its own.
    let pool: u32 = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(8);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("soak.db").display()), pool).expect("open");
    store.migrate().expect("migrate");
    let metrics = Metrics::new(MetricsConfig {
        service: "bingo",
        role: "serve",
        node: "soak".into(),
        version: "soak",
        commit: "soak",
    })
    .expect("metrics");
    let service = Service::new(store, Bus::local(), "soak", metrics);
    let tasks = service.start(Default::default()).expect("start");
    let mut after_10 = 0;
    for n in 1..=games {
        play(&service, 5, 5).await;
        if n == 10 || n % 500 == 0 || n == games {
            let rss = rss_kib();
            if n == 10 {
                after_10 = rss;
            }
            println!(
                "after {n} games: RSS {rss} KiB (+{} KiB), held {:?}",
                rss.saturating_sub(after_10),
                service.held()
            );
        }
    }
    tasks.shutdown().await;
}
