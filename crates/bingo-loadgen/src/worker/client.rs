//! One player's socket: connect (from its own source address), wait for the welcome, then read
//! every frame and record what arrived, with its delays, until told to stop.

use super::*;

pub(super) struct BallSeen {
    pub(super) seq: u64,
    pub(super) number: Option<u64>,
    pub(super) sent_delay: f64,
    pub(super) pub_delay: f64,
    pub(super) receipt: f64,
    pub(super) sent_at: f64,
}

#[derive(Default)]
pub(super) struct Outcome {
    pub(super) events: u64,
    pub(super) gaps: u64,
    pub(super) duplicates: u64,
    pub(super) resyncs: u64,
    pub(super) complete: bool,
    pub(super) dropped: Option<String>,
    pub(super) balls: Vec<BallSeen>,
}

/// The parts of a server frame the load generator reads.
#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(default)]
    seq: Option<u64>,
    #[serde(default)]
    last_seq: Option<u64>,
    #[serde(default)]
    sent_at_ms: Option<f64>,
    #[serde(default)]
    published_at_ms: Option<f64>,
    #[serde(default, borrow)]
    event: Option<EventPart<'a>>,
    #[serde(default)]
    snapshot: Option<SnapshotPart>,
}

#[derive(Deserialize)]
struct EventPart<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(default)]
    number: Option<u64>,
}

#[derive(Deserialize)]
struct SnapshotPart {
    game: SnapshotGame,
}

#[derive(Deserialize)]
struct SnapshotGame {
    last_seq: u64,
}

async fn open(target: &Target, source: Option<IpAddr>) -> anyhow::Result<Socket> {
    let socket = match target.addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    if let Some(ip) = source {
        socket.bind(SocketAddr::new(ip, 0)).with_context(|| format!("binding to {ip}"))?;
    }
    let stream = socket.connect(target.addr).await.context("connect")?;
    stream.set_nodelay(true)?;
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0);
    let url = format!("ws://{}{}", target.host, target.path);
    let (ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config)).await.context("handshake")?;
    Ok(ws)
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Waits (60 s at most) for the welcome; its `last_seq`, or why it never came.
async fn welcome(ws: &mut Socket) -> Result<u64, String> {
    let wait = async {
        while let Some(msg) = ws.next().await {
            let text = match msg {
                Ok(Message::Text(text)) => text,
                Ok(Message::Close(_)) => break,
                Ok(_) => continue,
                Err(e) => return Err(format!("before the welcome: {e}")),
            };
            let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else { continue };
            match frame.kind {
                "welcome" => return Ok(frame.last_seq.unwrap_or(0)),
                "error" => return Err(format!("refused: {}", text.as_str().chars().take(120).collect::<String>())),
                _ => {}
            }
        }
        Err("closed before the welcome".to_string())
    };
    tokio::time::timeout(Duration::from_secs(60), wait).await.unwrap_or_else(|_| Err("no welcome within 60 s".into()))
}

/// One simulated player (or baseline client). `None` if it never got its welcome.
pub(super) async fn client(
    target: Target,
    source: Option<IpAddr>,
    hello: String,
    shared: Arc<Shared>,
    mut orders: watch::Receiver<Phase>,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Option<Outcome> {
    let fail = |shared: &Shared, e: String| {
        shared.connect_errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut c) = shared.connect.lock() {
            sample(&mut c.error_samples, e);
        }
    };
    let t0 = now_ms();
    let mut ws = match open(&target, source).await {
        Ok(ws) => ws,
        Err(e) => {
            fail(&shared, format!("{e:#}"));
            return None;
        }
    };
    let t_up = now_ms();
    if let Ok(mut c) = shared.connect.lock() {
        c.upgraded += 1;
        c.last_upgrade_ms = c.last_upgrade_ms.max(t_up);
        c.handshake.add(t_up - t0);
    }
    if let Err(e) = ws.send(Message::text(hello)).await {
        fail(&shared, format!("hello: {e}"));
        return None;
    }
    let mut last = match welcome(&mut ws).await {
        Ok(seq) => seq,
        Err(e) => {
            fail(&shared, e);
            return None;
        }
    };
    let t_welcome = now_ms();
    if let Ok(mut c) = shared.connect.lock() {
        c.welcomed += 1;
        c.last_welcome_ms = c.last_welcome_ms.max(t_welcome);
        c.to_welcome.add(t_welcome - t0);
    }
    shared.connected.fetch_add(1, Ordering::Relaxed);
    drop(permit);

    let mut out = Outcome::default();
    loop {
        match *orders.borrow_and_update() {
            Phase::Stop => break,
            Phase::Final(f) if last >= f && !out.complete => {
                out.complete = true;
                shared.finished.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        tokio::select! {
            msg = ws.next() => {
                let receipt = now_ms();
                match msg {
                    Some(Ok(Message::Text(text))) => {
                        let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else { continue };
                        match frame.kind {
                            "event" => {
                                let Some(seq) = frame.seq else { continue };
                                out.events += 1;
                                shared.events.fetch_add(1, Ordering::Relaxed);
                                if seq <= last {
                                    out.duplicates += 1;
                                    continue;
                                }
                                out.gaps += seq - last - 1;
                                last = seq;
                                if let Some(event) = frame.event.filter(|e| e.kind == "ball_called") {
                                    let sent_at = frame.sent_at_ms.unwrap_or(receipt);
                                    out.balls.push(BallSeen {
                                        seq,
                                        number: event.number,
                                        sent_delay: receipt - sent_at,
                                        pub_delay: receipt - frame.published_at_ms.unwrap_or(sent_at),
                                        receipt,
                                        sent_at,
                                    });
                                }
                            }
                            "resync" => {
                                out.resyncs += 1;
                                if let Some(s) = frame.snapshot {
                                    last = s.game.last_seq;
                                }
                            }
                            _ => {}
                        }
                    }
                    Some(Ok(Message::Close(reason))) => {
                        out.dropped = Some(format!("closed by the server: {reason:?}"));
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        out.dropped = Some(format!("{e}"));
                        break;
                    }
                    None => {
                        out.dropped = Some("connection ended".into());
                        break;
                    }
                }
            }
            changed = orders.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    if !out.complete {
        shared.finished.fetch_add(1, Ordering::Relaxed);
    }
    Some(out)
}
