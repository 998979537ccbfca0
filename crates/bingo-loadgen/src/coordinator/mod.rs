//! The coordinator (`bingo-loadgen` without a subcommand): logs in, creates and opens a game,
//! starts worker processes (`bingo-loadgen worker`, hidden) that join the players through the API
//! and hold their WebSockets, starts the game, draws the balls, and merges what the workers
//! measured: for each ball event, receipt time minus the node's `sent_at_ms` and minus
//! `published_at_ms` (the commit), for every (client, ball); the time for the last client per
//! ball; connection errors; gaps and missed balls. With `--baseline` the same clients first
//! measure the minimal broadcast server (`bingo-loadgen baseline-server`) in the same run.

use crate::http::{self, Http};
use crate::stats::{self, cpu_secs, now_ms, raise_nofile, rss_kib, Hist};
use crate::worker::{ConnectStats, DeliveryStats, JoinStats, Report};
use anyhow::{anyhow, bail, Context};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

mod summary;
mod workers;
use summary::human;
use workers::Workers;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The API's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// WebSocket URL of a realtime node; repeat to spread the clients [default: the API's /ws].
    #[arg(long = "ws-url")]
    pub ws_urls: Vec<String>,
    /// Simulated players.
    #[arg(long, default_value_t = 1000)]
    pub players: usize,
    /// Cards per player.
    #[arg(long, default_value_t = 1)]
    pub cards: u32,
    /// Balls to draw.
    #[arg(long, default_value_t = 10)]
    pub balls: u32,
    /// Time between draws, and between the start and the first ball (whose delivery would
    /// otherwise queue behind the start's, to every client).
    #[arg(long, default_value_t = 1000)]
    pub interval_ms: u64,
    /// File holding the admin passphrase.
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
    /// Source addresses for the client sockets, e.g. 127.0.0.2-127.0.0.20 (loopback: each gives
    /// about 28,000 ephemeral ports).
    #[arg(long)]
    pub source_ips: Option<String>,
    /// New connections per second over all workers [default: as fast as handshakes complete].
    #[arg(long)]
    pub connect_rate: Option<f64>,
    /// Handshakes in flight over all workers.
    #[arg(long, default_value_t = 2000)]
    pub connect_concurrency: usize,
    /// Join requests in flight over all workers.
    #[arg(long, default_value_t = 32)]
    pub join_concurrency: usize,
    /// Write the JSON report here.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Only join the players as fast as possible and report joins/s.
    #[arg(long)]
    pub joins_only: bool,
    /// Also measure the minimal broadcast server at this WebSocket URL, first, in the same run.
    #[arg(long)]
    pub baseline: Option<String>,
    /// Measure only the baseline server.
    #[arg(long, requires = "baseline")]
    pub baseline_only: bool,
    /// Server processes whose memory and CPU to report [default: those listening on the URLs' ports].
    #[arg(long = "server-pid")]
    pub server_pids: Vec<u32>,
    /// Worker processes [default: one per 10,000 players].
    #[arg(long)]
    pub workers: Option<usize>,
    /// Runtime threads per worker (1: current-thread).
    #[arg(long, default_value_t = 1)]
    pub worker_threads: usize,
    /// How long to wait after the last draw for clients still missing events.
    #[arg(long, default_value_t = 15_000)]
    pub grace_ms: u64,
    /// The game's kind (75, 90, 80, 30).
    #[arg(long, default_value = "75")]
    pub kind: String,
    /// The game's single stage's built-in pattern.
    #[arg(long, default_value = "blackout")]
    pub pattern: String,
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let (soft, hard) = raise_nofile();
    crate::out::err(&format!("open files: {soft} (hard limit {hard})"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = runtime.block_on(async {
        let mut report = json!({
            "tool": "bingo-loadgen",
            "version": env!("CARGO_PKG_VERSION"),
            "machine": machine(),
            "args": format!("{args:?}"),
            "started_at_ms": now_ms() as i64,
        });
        if let Some(url) = &args.baseline {
            report["baseline"] = phase(&args, Kind::Baseline(url.clone())).await?;
        }
        if !args.baseline_only {
            report["bingo"] = phase(&args, if args.joins_only { Kind::JoinsOnly } else { Kind::Bingo }).await?;
        }
        anyhow::Ok(report)
    })?;
    crate::out::line(&human(&report))?;
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        crate::out::line(&format!("report written to {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| {
        c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
    });
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| m.lines().next().map(str::to_string));
    json!({"cpu": cpu, "cores": cores, "memory": mem})
}

#[derive(Clone, Debug)]
enum Kind {
    Baseline(String),
    Bingo,
    JoinsOnly,
}

/// The servers measured: pid → RSS at a few moments.
struct Servers {
    pids: Vec<u32>,
}

impl Servers {
    fn rss(&self) -> Vec<Option<u64>> {
        self.pids.iter().map(|&p| rss_kib(p)).collect()
    }
    fn cpu(&self) -> Vec<Option<f64>> {
        self.pids.iter().map(|&p| cpu_secs(p)).collect()
    }
}

fn port_of(url: &str) -> Option<u16> {
    url::Url::parse(url).ok().and_then(|u| u.port_or_known_default())
}

/// One measured run against the baseline server or the platform.
async fn phase(args: &RunArgs, kind: Kind) -> anyhow::Result<Value> {
    let ws_urls: Vec<String> = match &kind {
        Kind::Baseline(url) => vec![url.clone()],
        _ if !args.ws_urls.is_empty() => args.ws_urls.clone(),
        _ => {
            let base = url::Url::parse(&args.url).context("the API URL")?;
            let host = base.host_str().unwrap_or("127.0.0.1");
            vec![format!("ws://{host}:{}/ws", base.port_or_known_default().unwrap_or(80))]
        }
    };
    let servers = Servers {
        pids: if !args.server_pids.is_empty() && !matches!(kind, Kind::Baseline(_)) {
            args.server_pids.clone()
        } else {
            let mut pids: Vec<u32> =
                ws_urls.iter().filter_map(|u| port_of(u)).filter_map(stats::listener_pid).collect();
            if matches!(kind, Kind::JoinsOnly) {
                pids = port_of(&args.url).and_then(stats::listener_pid).into_iter().collect();
            }
            pids.dedup();
            pids
        },
    };
    let mut out = json!({"players": args.players, "ws_urls": ws_urls, "server_pids": servers.pids});

    // The game (or the baseline's control socket).
    let mut api = Http::new(&args.url)?;
    let mut control = None;
    let mut admin = None;
    let mut game: Option<(String, String)> = None;
    match &kind {
        Kind::Baseline(url) => {
            let target = http::Target::parse(url)?;
            let stream = tokio::net::TcpStream::connect(target.addr).await.context("the baseline's control socket")?;
            let (mut ws, _) =
                tokio_tungstenite::client_async(url.as_str(), stream).await.context("the baseline's control socket")?;
            ws.send(tokio_tungstenite::tungstenite::Message::text(r#"{"type":"hello","control":true}"#)).await?;
            control = Some(ws);
        }
        _ => {
            let file = args.passphrase_file.as_ref().ok_or_else(|| anyhow!("--passphrase-file is needed"))?;
            let passphrase = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
            let (status, body) =
                api.call("POST", "/api/v1/admin/login", None, Some(&json!({"passphrase": passphrase.trim()}))).await?;
            let token =
                body["token"].as_str().filter(|_| status == 200).ok_or_else(|| anyhow!("login: {status} {body}"))?;
            let config = json!({"kind": args.kind, "stages": [{"pattern": {"builtin": args.pattern}}],
                "max_cards_per_player": args.cards.max(1)});
            let (status, body) = api.call("POST", "/api/v1/games", Some(token), Some(&config)).await?;
            let (Some(id), Some(code)) = (body["id"].as_str(), body["join_code"].as_str()) else {
                bail!("creating the game: {status} {body}");
            };
            let (id, code) = (id.to_string(), code.to_string());
            let (status, body) = api.call("POST", &format!("/api/v1/games/{id}/open"), Some(token), None).await?;
            if status != 200 {
                bail!("opening the game: {status} {body}");
            }
            out["game_id"] = json!(id);
            admin = Some(token.to_string());
            game = Some((id, code));
        }
    }

    let rss_start = servers.rss();
    let mut workers = Workers::spawn(args, &kind, game.as_ref().map(|g| g.1.as_str()), &ws_urls)?;

    // Joins.
    if !matches!(kind, Kind::Baseline(_)) {
        let joins: Vec<JoinStats> = workers
            .collect(Duration::from_secs(3600), |r| match r {
                Report::Joined(s) => Some(s),
                _ => None,
            })
            .await?;
        let mut latency = Hist::default();
        let (mut ok, mut errors, mut first, mut last) = (0, 0, f64::MAX, 0.0f64);
        let mut samples = BTreeMap::new();
        for j in &joins {
            latency.merge(&j.latency);
            ok += j.ok;
            errors += j.errors;
            first = first.min(j.first_start_ms);
            last = last.max(j.last_end_ms);
            for (k, v) in &j.error_samples {
                *samples.entry(k.clone()).or_insert(0) += v;
            }
        }
        let secs = ((last - first) / 1000.0).max(1e-3);
        out["joins"] = json!({"ok": ok, "errors": errors, "seconds": secs, "per_second": ok as f64 / secs,
            "latency": latency.summary(), "error_samples": samples, "concurrency": args.join_concurrency});
        if matches!(kind, Kind::JoinsOnly) {
            workers.finish().await;
            out["server_rss_kib_after"] = json!(servers.rss());
            return Ok(out);
        }
        // Every worker has joined its players: the servers settle, then all connect together.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }

    // Connections.
    let rss_before = servers.rss();
    let cpu_before = servers.cpu();
    workers.tell("connect").await;
    let ready: Vec<ConnectStats> = workers
        .collect(Duration::from_secs(3600), |r| match r {
            Report::Ready(s) => Some(s),
            _ => None,
        })
        .await?;
    // Let the servers settle (welcomes flushed, allocator caches) before reading memory.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let rss_after = servers.rss();
    let cpu_connected = servers.cpu();
    let mut c = ConnectStats { first_start_ms: f64::MAX, ..Default::default() };
    for r in &ready {
        c.attempted += r.attempted;
        c.upgraded += r.upgraded;
        c.welcomed += r.welcomed;
        c.errors += r.errors;
        c.first_start_ms = c.first_start_ms.min(r.first_start_ms);
        c.last_upgrade_ms = c.last_upgrade_ms.max(r.last_upgrade_ms);
        c.last_welcome_ms = c.last_welcome_ms.max(r.last_welcome_ms);
        c.handshake.merge(&r.handshake);
        c.to_welcome.merge(&r.to_welcome);
        for (k, v) in &r.error_samples {
            *c.error_samples.entry(k.clone()).or_insert(0) += v;
        }
    }
    let upgrade_secs = ((c.last_upgrade_ms - c.first_start_ms) / 1000.0).max(1e-3);
    let welcome_secs = ((c.last_welcome_ms - c.first_start_ms) / 1000.0).max(1e-3);
    let total_before: u64 = rss_before.iter().flatten().sum();
    let total_after: u64 = rss_after.iter().flatten().sum();
    let per_conn = (c.welcomed > 0).then(|| (total_after as f64 - total_before as f64) / c.welcomed as f64);
    out["connect"] = json!({
        "attempted": c.attempted, "upgraded": c.upgraded, "welcomed": c.welcomed, "errors": c.errors,
        "error_samples": c.error_samples,
        "upgrade_seconds": upgrade_secs, "upgrades_per_second": c.upgraded as f64 / upgrade_secs,
        "welcome_seconds": welcome_secs, "welcomes_per_second": c.welcomed as f64 / welcome_secs,
        "handshake": c.handshake.summary(), "to_welcome": c.to_welcome.summary(),
        "connect_rate_limit": args.connect_rate,
    });
    out["memory"] = json!({
        "rss_kib_at_start": rss_start, "rss_kib_before_connect": rss_before, "rss_kib_connected": rss_after,
        "kib_per_connection": per_conn,
    });

    // The game.
    let mut draw_latency = Hist::default();
    let mut final_seq = 0;
    let mut draw_errors = Vec::new();
    if let (Some((id, _)), Some(token)) = (&game, &admin) {
        let (status, body) = api.call("POST", &format!("/api/v1/games/{id}/start"), Some(token), None).await?;
        if status != 200 {
            bail!("starting the game: {status} {body}");
        }
        final_seq = body["snapshot"]["game"]["last_seq"].as_u64().unwrap_or(0);
    }
    let t0 = tokio::time::Instant::now();
    let mut balls_drawn = 0u32;
    for b in 0..args.balls {
        tokio::time::sleep_until(t0 + Duration::from_millis(args.interval_ms * u64::from(b + 1))).await;
        let t = now_ms();
        match (&game, &admin, control.as_mut()) {
            (Some((id, _)), Some(token), _) => {
                match api.call("POST", &format!("/api/v1/games/{id}/draw"), Some(token), None).await {
                    Ok((200, body)) => {
                        final_seq = body["snapshot"]["game"]["last_seq"].as_u64().unwrap_or(final_seq);
                        balls_drawn += 1;
                    }
                    Ok((status, body)) => draw_errors.push(format!("{status} {body}")),
                    Err(e) => draw_errors.push(format!("{e:#}")),
                }
            }
            (_, _, Some(ws)) => {
                ws.send(tokio_tungstenite::tungstenite::Message::text(r#"{"type":"draw"}"#)).await?;
                while let Some(msg) = ws.next().await {
                    let msg = msg?;
                    if let Ok(v) = serde_json::from_str::<Value>(msg.to_text().unwrap_or("")) {
                        if v["type"] == "drawn" {
                            final_seq = v["seq"].as_u64().unwrap_or(final_seq);
                            balls_drawn += 1;
                            break;
                        }
                    }
                }
            }
            _ => bail!("nothing to draw with"),
        }
        draw_latency.add(now_ms() - t);
        // Keep the progress line moving while the clients receive.
        while let Ok((w, Report::Progress { joined, join_errors, connected, connect_errors, events })) =
            workers.rx.try_recv()
        {
            workers.progress[w] = (joined, join_errors, connected, connect_errors, events);
        }
        workers.draw_progress(false);
    }
    workers.tell(&format!("final {final_seq} {}", args.grace_ms)).await;
    let done: Vec<DeliveryStats> = workers
        .collect(Duration::from_millis(args.grace_ms) + Duration::from_secs(120), |r| match r {
            Report::Done(s) => Some(s),
            _ => None,
        })
        .await?;
    let cpu_after = servers.cpu();
    let rss_end = servers.rss();
    workers.finish().await;

    // Merge.
    let mut d = DeliveryStats::default();
    for w in done {
        d.clients += w.clients;
        d.complete += w.complete;
        d.dropped += w.dropped;
        d.gaps += w.gaps;
        d.duplicates += w.duplicates;
        d.resyncs += w.resyncs;
        d.events += w.events;
        d.sent_delay.merge(&w.sent_delay);
        d.pub_delay.merge(&w.pub_delay);
        for (k, v) in w.drop_samples {
            *d.drop_samples.entry(k).or_insert(0) += v;
        }
        for (seq, b) in w.balls {
            let agg = d.balls.entry(seq).or_default();
            agg.number = agg.number.or(b.number);
            agg.received += b.received;
            agg.max_sent_ms = agg.max_sent_ms.max(b.max_sent_ms);
            agg.max_pub_ms = agg.max_pub_ms.max(b.max_pub_ms);
            agg.last_receipt_ms = agg.last_receipt_ms.max(b.last_receipt_ms);
            agg.sent_at_min_ms =
                if agg.sent_at_min_ms == 0.0 { b.sent_at_min_ms } else { agg.sent_at_min_ms.min(b.sent_at_min_ms) };
        }
    }
    let clients = d.clients as u64;
    let distinct = d.balls.len() as u64;
    let unseen = u64::from(balls_drawn).saturating_sub(distinct);
    let missed: u64 = d.balls.values().map(|b| clients.saturating_sub(b.received)).sum::<u64>() + unseen * clients;
    let mut last_sent = Hist::default();
    let mut last_pub = Hist::default();
    let mut per_ball = Vec::new();
    for (seq, b) in &d.balls {
        last_sent.add(b.max_sent_ms);
        last_pub.add(b.max_pub_ms);
        per_ball.push(json!({"seq": seq, "number": b.number, "received": b.received,
            "last_client_sent_ms": b.max_sent_ms, "last_client_published_ms": b.max_pub_ms,
            "first_send_to_last_receipt_ms": b.last_receipt_ms - b.sent_at_min_ms}));
    }
    let cpu_game: Vec<Option<f64>> = cpu_after.iter().zip(&cpu_connected).map(|(a, b)| Some((*a)? - (*b)?)).collect();
    let cpu_connect: Vec<Option<f64>> =
        cpu_connected.iter().zip(&cpu_before).map(|(a, b)| Some((*a)? - (*b)?)).collect();
    out["game"] = json!({
        "balls_requested": args.balls, "balls_drawn": balls_drawn, "interval_ms": args.interval_ms,
        "final_seq": final_seq, "draw_errors": draw_errors, "draw_request": draw_latency.summary(),
        "clients": d.clients, "complete_clients": d.complete, "dropped_clients": d.dropped,
        "drop_samples": d.drop_samples, "gaps": d.gaps, "duplicates": d.duplicates, "resyncs": d.resyncs,
        "events_received": d.events, "missed_ball_deliveries": missed, "balls_seen_by_nobody": unseen,
        "delay_from_sent": d.sent_delay.summary(), "delay_from_published": d.pub_delay.summary(),
        "last_client_per_ball_from_sent": last_sent.summary(),
        "last_client_per_ball_from_published": last_pub.summary(),
        "per_ball": per_ball,
        "server_cpu_seconds_connect": cpu_connect, "server_cpu_seconds_game": cpu_game,
        "server_rss_kib_end": rss_end,
    });
    if let (Some((id, _)), Some(token)) = (&game, &admin) {
        let _ = api.call("POST", &format!("/api/v1/games/{id}/finish"), Some(token), None).await;
    }
    Ok(out)
}
