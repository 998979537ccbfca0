//! `bingo-loadgen baseline-server`: the least a WebSocket broadcast server can do, to measure the
//! platform against on the same machine in the same run. It accepts sockets (tokio-tungstenite),
//! answers a client's hello with `{"type":"welcome","last_seq":N}`, and, each time a control
//! client sends `{"type":"draw"}`, encodes one ~130-byte frame shaped like the platform's
//! `ball_called` event frame (with `sent_at_ms`) once and hands it to every socket through a
//! tokio broadcast channel. No game, no database, no per-client state beyond the socket.
//!
//! Control: connect to the same `/ws`, send `{"type":"hello","control":true}`, then
//! `{"type":"draw"}`; each is answered with `{"type":"drawn","seq":N}`.

use crate::stats::raise_nofile;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9001")]
    pub listen: SocketAddr,
    /// Runtime worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

/// Small buffers, as a server holding tens of thousands of sockets would configure.
pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0).max_message_size(Some(64 << 10))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    raise_nofile();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(args.threads.max(1)).enable_all().build()?;
    runtime.block_on(serve(args.listen))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(listen: SocketAddr) -> anyhow::Result<()> {
    let socket = if listen.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(listen)?;
    let listener = socket.listen(4096)?;
    let (tx, _) = broadcast::channel::<Message>(1024);
    let seq = Arc::new(AtomicU64::new(0));
    crate::out::err(&format!("baseline server listening on {listen}"));
    let accept = async {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, tx.clone(), seq.clone()));
                }
                // Out of file descriptors or similar: back off a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    };
    tokio::select! {
        () = accept => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

async fn connection(stream: tokio::net::TcpStream, tx: broadcast::Sender<Message>, seq: Arc<AtomicU64>) {
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(ws_config())).await else { return };
    let (mut sink, mut stream) = ws.split();
    let hello = match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => text,
        _ => return,
    };
    if hello.as_str().contains("\"control\"") {
        while let Some(Ok(msg)) = stream.next().await {
            if let Message::Text(text) = msg {
                if text.as_str().contains("\"draw\"") {
                    let n = seq.fetch_add(1, Ordering::SeqCst) + 1;
                    let now = crate::stats::now_ms() as i64;
                    let frame = format!(
                        "{{\"type\":\"event\",\"game_id\":\"baseline\",\"seq\":{n},\"published_at_ms\":{now},\"sent_at_ms\":{now},\"event\":{{\"type\":\"ball_called\",\"number\":{}}}}}",
                        n % 75 + 1
                    );
                    let _ = tx.send(Message::text(frame));
                    if sink.send(Message::text(format!("{{\"type\":\"drawn\",\"seq\":{n}}}"))).await.is_err() {
                        return;
                    }
                }
            }
        }
        return;
    }
    let mut rx = tx.subscribe();
    let welcome = format!("{{\"type\":\"welcome\",\"last_seq\":{}}}", seq.load(Ordering::SeqCst));
    if sink.send(Message::text(welcome)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Ok(msg) => {
                    if sink.send(msg).await.is_err() {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}
