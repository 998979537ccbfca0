//! A worker process: joins its share of the players through the API, holds their WebSockets
//! (each bound to a source address of its own), and records every event they receive. It talks
//! to the coordinator in JSON lines: reports on stdout, orders on stdin (`final <seq> <grace_ms>`
//! or `stop`). A process may hold at most so many open files, so big runs use several workers.

use crate::http::{Http, Target};
use crate::stats::{now_ms, raise_nofile, Hist};
use anyhow::{anyhow, Context};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncBufReadExt;
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

mod client;
use client::client;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[arg(long)]
    pub api_url: String,
    #[arg(long = "ws-url", required = true)]
    pub ws_urls: Vec<String>,
    /// The game to join; without it the clients say a bare hello (the baseline server).
    #[arg(long)]
    pub join_code: Option<String>,
    #[arg(long)]
    pub count: usize,
    /// Index of this worker's first player among all (nicknames, source addresses, nodes).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    #[arg(long, default_value_t = 1)]
    pub cards: u32,
    #[arg(long)]
    pub source_ips: Option<String>,
    /// Connections started per second by this worker (0: as fast as the handshakes allow).
    #[arg(long, default_value_t = 0.0)]
    pub connect_rate: f64,
    #[arg(long, default_value_t = 1000)]
    pub connect_concurrency: usize,
    #[arg(long, default_value_t = 16)]
    pub join_concurrency: usize,
    #[arg(long)]
    pub joins_only: bool,
    /// Runtime threads (1: a current-thread runtime).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    #[arg(long, default_value = "lg")]
    pub nick_prefix: String,
}

/// What a worker reports, one JSON line each.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    Progress { joined: usize, join_errors: usize, connected: usize, connect_errors: usize, events: u64 },
    Joined(JoinStats),
    Ready(ConnectStats),
    Done(DeliveryStats),
    Failed { error: String },
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct JoinStats {
    pub attempted: usize,
    pub ok: usize,
    pub errors: usize,
    pub first_start_ms: f64,
    pub last_end_ms: f64,
    pub latency: Hist,
    pub error_samples: BTreeMap<String, usize>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ConnectStats {
    pub attempted: usize,
    /// WebSocket handshakes completed (101).
    pub upgraded: usize,
    /// Welcomes received.
    pub welcomed: usize,
    pub errors: usize,
    pub first_start_ms: f64,
    pub last_upgrade_ms: f64,
    pub last_welcome_ms: f64,
    /// Connect + handshake time per client.
    pub handshake: Hist,
    /// Connect to welcome per client.
    pub to_welcome: Hist,
    pub error_samples: BTreeMap<String, usize>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BallAgg {
    pub number: Option<u64>,
    pub received: u64,
    pub max_sent_ms: f64,
    pub max_pub_ms: f64,
    /// Latest receipt (wall clock, ms).
    pub last_receipt_ms: f64,
    pub sent_at_min_ms: f64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct DeliveryStats {
    pub clients: usize,
    /// Clients that saw every event up to the final sequence number.
    pub complete: usize,
    /// Clients whose connection closed or failed during the game.
    pub dropped: usize,
    pub drop_samples: BTreeMap<String, usize>,
    /// Sequence numbers skipped (summed over clients).
    pub gaps: u64,
    pub duplicates: u64,
    pub resyncs: u64,
    pub events: u64,
    /// Receipt minus the node's `sent_at_ms`, every (client, ball).
    pub sent_delay: Hist,
    /// Receipt minus `published_at_ms` (commit), every (client, ball).
    pub pub_delay: Hist,
    /// Per ball event (by seq).
    pub balls: BTreeMap<u64, BallAgg>,
}

/// What the clients share.
#[derive(Default)]
struct Shared {
    connected: AtomicUsize,
    connect_errors: AtomicUsize,
    events: AtomicU64,
    /// Clients that reached the final seq, or whose connection ended during the game.
    finished: AtomicUsize,
    connect: Mutex<ConnectStats>,
}

/// The coordinator's orders, as the clients see them.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Running,
    Final(u64),
    Stop,
}

/// A report to the coordinator. If it is gone, so is the report: the coordinator's end closes
/// our stdin too, which stops the worker.
fn emit(report: &Report) {
    if let Ok(line) = serde_json::to_string(report) {
        let _ = crate::out::line(&line);
    }
}

fn sample(map: &mut BTreeMap<String, usize>, error: String) {
    if map.len() < 20 || map.contains_key(&error) {
        *map.entry(error).or_default() += 1;
    }
}

/// `127.0.0.2-127.0.0.20` or `127.0.0.2,127.0.0.3` (IPv4 ranges, or single addresses).
pub fn parse_source_ips(spec: &str) -> anyhow::Result<Vec<IpAddr>> {
    let mut ips = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((a, b)) = part.split_once('-') {
            let a: Ipv4Addr = a.trim().parse().with_context(|| format!("source address {a:?}"))?;
            let b: Ipv4Addr = b.trim().parse().with_context(|| format!("source address {b:?}"))?;
            let (a, b) = (u32::from(a), u32::from(b));
            if b < a || b - a > 65_536 {
                anyhow::bail!("source range {part:?} is empty or too large");
            }
            ips.extend((a..=b).map(|n| IpAddr::V4(Ipv4Addr::from(n))));
        } else {
            ips.push(part.parse().with_context(|| format!("source address {part:?}"))?);
        }
    }
    Ok(ips)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    raise_nofile();
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()?
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(args.threads).enable_all().build()?
    };
    if let Err(e) = runtime.block_on(work(args)) {
        emit(&Report::Failed { error: format!("{e:#}") });
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

async fn work(args: Args) -> anyhow::Result<()> {
    let ips = match &args.source_ips {
        Some(spec) => parse_source_ips(spec)?,
        None => Vec::new(),
    };
    let targets: Vec<Target> = args.ws_urls.iter().map(|u| Target::parse(u)).collect::<anyhow::Result<_>>()?;
    let shared = Arc::new(Shared::default());
    let (orders_tx, orders_rx) = watch::channel(Phase::Running);
    // Workers join their players, then wait until every worker has joined its own before
    // connecting, so that the joins and the connections are measured apart.
    let connect_now = Arc::new(tokio::sync::Notify::new());

    // Orders from the coordinator.
    let watcher = shared.clone();
    let go = connect_now.clone();
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["connect"] => go.notify_one(),
                ["final", seq, grace] => {
                    let (Ok(seq), Ok(grace)) = (seq.parse::<u64>(), grace.parse::<u64>()) else { continue };
                    let _ = orders_tx.send(Phase::Final(seq));
                    // Until every client has it (or is gone), or the grace time is over.
                    let until = tokio::time::Instant::now() + Duration::from_millis(grace);
                    while tokio::time::Instant::now() < until
                        && watcher.finished.load(Ordering::Relaxed) < watcher.connected.load(Ordering::Relaxed)
                    {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    let _ = orders_tx.send(Phase::Stop);
                }
                ["stop"] => {
                    go.notify_one();
                    let _ = orders_tx.send(Phase::Stop);
                }
                _ => {}
            }
        }
        // The coordinator is gone.
        go.notify_one();
        let _ = orders_tx.send(Phase::Stop);
    });

    // 1. joins
    let joined = Arc::new(AtomicUsize::new(0));
    let join_errors = Arc::new(AtomicUsize::new(0));
    let progress = {
        let (shared, joined, join_errors) = (shared.clone(), joined.clone(), join_errors.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(500));
            loop {
                every.tick().await;
                emit(&Report::Progress {
                    joined: joined.load(Ordering::Relaxed),
                    join_errors: join_errors.load(Ordering::Relaxed),
                    connected: shared.connected.load(Ordering::Relaxed),
                    connect_errors: shared.connect_errors.load(Ordering::Relaxed),
                    events: shared.events.load(Ordering::Relaxed),
                });
            }
        })
    };
    let tokens: Vec<Option<String>> = match &args.join_code {
        Some(code) => {
            let (tokens, stats) = join_all(&args, code, &joined, &join_errors).await;
            emit(&Report::Joined(stats));
            if !args.joins_only {
                connect_now.notified().await;
            }
            tokens
        }
        None => vec![None; args.count],
    };
    if args.joins_only {
        progress.abort();
        return Ok(());
    }

    // 2. connections
    let limit = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let started = tokio::time::Instant::now();
    let mut handles = Vec::with_capacity(tokens.len());
    let mut attempted = 0;
    if let Ok(mut c) = shared.connect.lock() {
        c.first_start_ms = now_ms();
    }
    for (i, token) in tokens.into_iter().enumerate() {
        let n = args.offset + i;
        if args.join_code.is_some() && token.is_none() {
            continue; // its join failed
        }
        if args.connect_rate > 0.0 {
            tokio::time::sleep_until(started + Duration::from_secs_f64(attempted as f64 / args.connect_rate)).await;
        }
        attempted += 1;
        let permit = limit.clone().acquire_owned().await.map_err(|_| anyhow!("semaphore closed"))?;
        let target = targets[n % targets.len()].clone();
        let source = (!ips.is_empty()).then(|| ips[n % ips.len()]);
        let hello = match &token {
            Some(t) => json!({"type": "hello", "player_token": t, "last_seq": 0}).to_string(),
            None => r#"{"type":"hello"}"#.to_string(),
        };
        handles.push(tokio::spawn(client(target, source, hello, shared.clone(), orders_rx.clone(), permit)));
    }
    // Wait until each client is connected or has failed.
    loop {
        let done = shared.connected.load(Ordering::Relaxed) + shared.connect_errors.load(Ordering::Relaxed);
        if done >= attempted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ready = match shared.connect.lock() {
        Ok(mut c) => {
            c.attempted = attempted;
            c.errors = shared.connect_errors.load(Ordering::Relaxed);
            std::mem::take(&mut *c)
        }
        Err(_) => ConnectStats::default(),
    };
    emit(&Report::Ready(ready));

    // 3. the game: clients run until they reach the final seq or are told to stop.
    let mut stats = DeliveryStats::default();
    for handle in handles {
        let Ok(outcome) = handle.await else { continue };
        let Some(outcome) = outcome else { continue };
        stats.clients += 1;
        stats.events += outcome.events;
        stats.gaps += outcome.gaps;
        stats.duplicates += outcome.duplicates;
        stats.resyncs += outcome.resyncs;
        if outcome.complete {
            stats.complete += 1;
        }
        if let Some(why) = outcome.dropped {
            stats.dropped += 1;
            sample(&mut stats.drop_samples, why);
        }
        for b in outcome.balls {
            stats.sent_delay.add(b.sent_delay);
            stats.pub_delay.add(b.pub_delay);
            let agg = stats.balls.entry(b.seq).or_default();
            agg.number = agg.number.or(b.number);
            agg.received += 1;
            agg.max_sent_ms = agg.max_sent_ms.max(b.sent_delay);
            agg.max_pub_ms = agg.max_pub_ms.max(b.pub_delay);
            agg.last_receipt_ms = agg.last_receipt_ms.max(b.receipt);
            agg.sent_at_min_ms = if agg.sent_at_min_ms == 0.0 { b.sent_at } else { agg.sent_at_min_ms.min(b.sent_at) };
        }
    }
    progress.abort();
    emit(&Report::Done(stats));
    Ok(())
}

/// Joins `count` players with `join_concurrency` keep-alive connections.
async fn join_all(
    args: &Args,
    code: &str,
    joined: &Arc<AtomicUsize>,
    errors: &Arc<AtomicUsize>,
) -> (Vec<Option<String>>, JoinStats) {
    let next = Arc::new(AtomicUsize::new(0));
    let results: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; args.count]));
    let stats = Arc::new(Mutex::new(JoinStats { first_start_ms: now_ms(), ..Default::default() }));
    let mut tasks = Vec::new();
    for _ in 0..args.join_concurrency.max(1).min(args.count.max(1)) {
        let (next, results, stats, joined, errors) =
            (next.clone(), results.clone(), stats.clone(), joined.clone(), errors.clone());
        let (api, code, prefix, count, offset, cards) =
            (args.api_url.clone(), code.to_string(), args.nick_prefix.clone(), args.count, args.offset, args.cards);
        tasks.push(tokio::spawn(async move {
            let mut http = match Http::new(&api) {
                Ok(h) => h,
                Err(_) => return,
            };
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return;
                }
                let body = json!({"join_code": code, "nickname": format!("{prefix}{}", offset + i), "cards": cards});
                let t0 = now_ms();
                let answer = http.call("POST", "/api/v1/join", None, Some(&body)).await;
                let took = now_ms() - t0;
                let token = match answer {
                    Ok((201, v)) => {
                        v["player_token"].as_str().map(str::to_string).ok_or_else(|| "no token".to_string())
                    }
                    Ok((status, v)) => Err(format!("HTTP {status} {}", v["error"]["code"].as_str().unwrap_or(""))),
                    Err(e) => Err(format!("{e:#}")),
                };
                let Ok(mut s) = stats.lock() else { return };
                s.attempted += 1;
                s.latency.add(took);
                s.last_end_ms = s.last_end_ms.max(now_ms());
                match token {
                    Ok(token) => {
                        s.ok += 1;
                        joined.fetch_add(1, Ordering::Relaxed);
                        if let Ok(mut r) = results.lock() {
                            r[i] = Some(token);
                        }
                    }
                    Err(e) => {
                        s.errors += 1;
                        errors.fetch_add(1, Ordering::Relaxed);
                        sample(&mut s.error_samples, e);
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let tokens = results.lock().map(|mut r| std::mem::take(&mut *r)).unwrap_or_default();
    let stats = stats.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
    (tokens, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_round_trip() {
        let mut stats = DeliveryStats::default();
        stats.sent_delay.add(12.5);
        stats.balls.insert(7, BallAgg { received: 3, ..Default::default() });
        let line = serde_json::to_string(&Report::Done(stats)).expect("json");
        let Ok(Report::Done(back)) = serde_json::from_str::<Report>(&line) else { panic!("{line}") };
        assert_eq!(back.balls[&7].received, 3);
        assert_eq!(back.sent_delay.summary().count, 1);
    }

    #[test]
    fn source_ranges() {
        let ips = parse_source_ips("127.0.0.2-127.0.0.4,127.0.1.1").expect("ips");
        assert_eq!(ips.len(), 4);
        assert!(parse_source_ips("127.0.0.9-127.0.0.2").is_err());
    }
}
