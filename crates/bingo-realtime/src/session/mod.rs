//! One WebSocket connection: hello, then a welcome (snapshot, or the missed events when the
//! client resumes), then every event of its game in order, heartbeats, and the player's claims
//! and daubs.
//!
//! - `welcome`: the hello, who the client is, and the welcome;
//! - `frames`: writing messages and close frames to the socket;
//! - `heartbeat`: when to ping a client, and when it has gone.

mod frames;
mod heartbeat;
mod welcome;

use crate::hub::{Out, Outbox};
use crate::protocol::{ClientKind, ClientMessage, ServerMessage, SocketError};
use crate::{EventLog, RealtimeState};
use bingo_service::{now_ms, ErrorCode, PlayerRow};
use bingo_telemetry::WsConnectionGuard;
use bytes::Bytes;
use frames::{close, send, send_error, send_text, Io, Socket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use heartbeat::{Beat, Pacemaker};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

/// Missed events replayed from the log at most; beyond this a client gets a fresh snapshot.
const MAX_REPLAY: u64 = 500;

/// The writing half: frames to the client.
type Sink<S> = SplitSink<Socket<S>, Message>;
/// The reading half: the client's messages.
type Source<S> = SplitStream<Socket<S>>;

/// Serves an upgraded connection on this worker until it closes.
pub(crate) fn start<S: Io>(state: Arc<RealtimeState>, socket: Socket<S>) {
    // Every log line of this connection carries its id (and, after hello, its game and client).
    let span = tracing::info_span!(
        "ws",
        conn_id = %bingo_service::secrets::random_bytes::<6>().map(hex::encode).unwrap_or_default(),
        game_id = tracing::field::Empty,
        client = tracing::field::Empty,
    );
    let session = state.track(run(state.clone(), socket));
    actix_rt::spawn(tracing::Instrument::instrument(session, span));
}

async fn run<S: Io>(state: Arc<RealtimeState>, socket: Socket<S>) {
    // The handshake's steps run in a boxed future of their own, so that the future held for every
    // connected client is only the stream's.
    let Some((mut conn, mut outbox, mut source)) = Box::pin(welcome::open(state, socket)).await else { return };
    conn.serve(&mut outbox, &mut source).await;
    conn.leave(outbox).await;
}

/// Who the client is, once its hello checks out.
struct Identity {
    game_id: String,
    client: ClientKind,
    player: Option<PlayerRow>,
}

/// A client following its game, after the welcome.
struct Conn<S> {
    state: Arc<RealtimeState>,
    sink: Sink<S>,
    identity: Identity,
    epoch: String,
    /// The last event sequence number this client has been sent.
    sent_upto: u64,
    /// Counts the client in the open-sockets gauge while it lives.
    _connected: WsConnectionGuard,
}

impl<S: Io> Conn<S> {
    /// Lets go of the game's stream (the hub forgets a game nobody follows).
    async fn leave(self, outbox: Outbox) {
        drop(outbox);
        self.state.hub.leave(&self.identity.game_id).await;
    }

    /// Sends the events after `sent_upto` up to `upto` from the log.
    async fn catch_up(&mut self, upto: u64) -> bool {
        while self.sent_upto < upto {
            let limit = (upto - self.sent_upto).min(MAX_REPLAY) as u32;
            let Ok(events) = self.state.service.read(&self.identity.game_id, self.sent_upto, limit).await else {
                return false;
            };
            if events.is_empty() {
                return true;
            }
            for event in events {
                let seq = event.seq;
                let message = ServerMessage::Event {
                    game_id: self.identity.game_id.clone(),
                    seq,
                    epoch: self.epoch.clone(),
                    published_at_ms: event.at_ms,
                    sent_at_ms: now_ms(),
                    event,
                };
                if !send(&mut self.sink, &message).await {
                    return false;
                }
                self.sent_upto = seq;
                self.state.metrics.events_delivered(1);
            }
        }
        true
    }

    async fn resync(&mut self) -> bool {
        self.state.metrics.ws_resync();
        match self.state.service.shared_snapshot(&self.identity.game_id).await {
            Ok(snapshot) => {
                self.sent_upto = snapshot.last_seq;
                send(&mut self.sink, &ServerMessage::Resync { snapshot: snapshot.json.into() }).await
            }
            Err(_) => false,
        }
    }

    async fn serve(&mut self, outbox: &mut Outbox, source: &mut Source<S>) {
        // Bind the client's id to every log line of this connection.
        let span = tracing::Span::current();
        span.record("game_id", self.identity.game_id.as_str());
        span.record("client", bingo_telemetry::WsClient::from(self.identity.client).as_str());
        tracing::debug!("client following the game");
        let mut heartbeat = Pacemaker::new(self.state.heartbeat);
        loop {
            tokio::select! {
                out = outbox.recv() => match out {
                    Ok(out) => {
                        if !self.forward(&out).await {
                            break;
                        }
                        heartbeat.wrote();
                    }
                    // A whole ring behind: the next frame shows the gap, which `forward` fills.
                    Err(RecvError::Lagged(_)) => self.state.metrics.ws_slow_client_drop(),
                    Err(RecvError::Closed) => break,
                },
                msg = source.next() => {
                    heartbeat.heard();
                    match msg {
                        Some(Ok(Message::Text(text))) => {
                            if !Box::pin(self.handle(&text)).await {
                                break;
                            }
                        }
                        // Pings are answered by tungstenite itself.
                        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                        Some(Ok(Message::Binary(_))) => {
                            let _ = send_error(&mut self.sink, SocketError::TextOnly, "send JSON text messages", None).await;
                        }
                        Some(Ok(Message::Close(_))) | None => break,
                        Some(Err(e)) => {
                            let message = e.to_string();
                            let _ = send_error(&mut self.sink, SocketError::Protocol, message.as_str(), None).await;
                            close(&mut self.sink, CloseCode::Protocol, &message).await;
                            break;
                        }
                    }
                }
                beat = heartbeat.beat() => match beat {
                    Beat::Quiet => {}
                    Beat::Ping => {
                        if self.sink.send(Message::Ping(Bytes::new())).await.is_err() {
                            break;
                        }
                    }
                    Beat::Gone => {
                        tracing::debug!("no answer to a ping: closing");
                        break;
                    }
                },
            }
        }
        let _ = self.sink.close().await;
    }

    /// Writes what the hub sent, keeping the client's sequence gapless.
    async fn forward(&mut self, out: &Out) -> bool {
        match out {
            &Out::Event { seq, published_at_ms, ball, ref frame } => {
                if seq <= self.sent_upto {
                    return true;
                }
                if seq > self.sent_upto + 1 {
                    // Missed frames (a full queue or a join race): from the log, or a snapshot if many.
                    let ok = if seq - self.sent_upto > MAX_REPLAY {
                        Box::pin(self.resync()).await
                    } else {
                        Box::pin(self.catch_up(seq - 1)).await
                    };
                    if !ok {
                        return false;
                    }
                    if seq <= self.sent_upto {
                        return true;
                    }
                }
                if !send_text(&mut self.sink, frame.clone()).await {
                    return false;
                }
                self.sent_upto = seq;
                self.state.metrics.events_delivered(1);
                if ball {
                    let delay = now_ms().saturating_sub(published_at_ms).max(0) as u64;
                    self.state.metrics.record_ball_delivery_delay(Duration::from_millis(delay));
                }
                true
            }
            Out::Update(frame) => send_text(&mut self.sink, frame.clone()).await,
            Out::Shutdown => {
                let reconnect = ServerMessage::Reconnect { reason: "the server is restarting".into() };
                let _ = send(&mut self.sink, &reconnect).await;
                close(&mut self.sink, CloseCode::Restart, "server restarting").await;
                false
            }
        }
    }

    /// A message from the client; false ends the connection.
    async fn handle(&mut self, text: &str) -> bool {
        let msg = match serde_json::from_str::<ClientMessage>(text) {
            Ok(m) => m,
            Err(e) => {
                let message = format!("not a valid message: {e}");
                return send_error(&mut self.sink, SocketError::BadMessage, message, None).await;
            }
        };
        let answer = match msg {
            ClientMessage::Ping => ServerMessage::Pong,
            ClientMessage::Hello(_) => {
                ServerMessage::error(SocketError::AlreadyHello, "hello is sent once per connection")
            }
            ClientMessage::Claim { serial, request_id } => {
                let Some(player) = &self.identity.player else {
                    let message = "only players claim over the socket";
                    return send_error(&mut self.sink, ErrorCode::Forbidden, message, request_id).await;
                };
                match self.state.service.claim(player, serial).await {
                    Ok(event) => {
                        let accepted = matches!(event.kind, bingo_core::EventKind::ClaimAccepted { .. });
                        ServerMessage::ClaimResult { request_id, accepted, event }
                    }
                    Err(e) => ServerMessage::Error { code: e.code().into(), message: e.to_string(), request_id },
                }
            }
            ClientMessage::Daub { serial, number, on, request_id } => {
                let Some(player) = &self.identity.player else {
                    return send_error(&mut self.sink, ErrorCode::Forbidden, "only players daub", request_id).await;
                };
                match self.state.service.daub(player, serial, number, on).await {
                    Ok(()) => ServerMessage::Daubed { request_id, serial, number, on },
                    Err(e) => ServerMessage::Error { code: e.code().into(), message: e.to_string(), request_id },
                }
            }
        };
        send(&mut self.sink, &answer).await
    }
}

#[cfg(test)]
mod tests;
