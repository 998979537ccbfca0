//! One WebSocket connection: hello, then a welcome (snapshot, or the missed events when the
//! client resumes), then every event of its game in order, heartbeats, and the player's claims
//! and daubs.

use crate::hub::{Out, Outbox};
use crate::protocol::{event_frame, ClientMessage, ErrorMessage};
use crate::RealtimeState;
use bingo_service::{now_ms, PlayerRow, ServiceError};
use bingo_telemetry::{WsClient, WsConnectionGuard};
use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Missed events replayed from the log at most; beyond this a client gets a fresh snapshot.
const MAX_REPLAY: u64 = 500;
/// Messages larger than this are sent in fragments of this size. The socket's write buffer keeps
/// the capacity of the largest frame it has written, so one large resync or replay would
/// otherwise stay allocated for as long as the client is connected (the welcome bypasses it:
/// [`send_direct`]).
const FRAGMENT_BYTES: usize = 512;
/// A close frame's reason is at most 123 bytes (RFC 6455 5.5).
const MAX_CLOSE_REASON: usize = 123;

type Socket = WebSocketStream<TcpStream>;
/// The writing half: frames to the client.
type Sink = SplitSink<Socket, Message>;
/// The reading half: the client's messages.
type Source = SplitStream<Socket>;

/// Serves an upgraded connection on this worker until it closes.
pub(crate) fn start(state: Arc<RealtimeState>, socket: Socket) {
    // Every log line of this connection carries its id (and, after hello, its game and client).
    let span = tracing::info_span!(
        "ws",
        conn_id = %bingo_service::secrets::random_bytes::<6>().map(hex::encode).unwrap_or_default(),
        game_id = tracing::field::Empty,
        client = tracing::field::Empty,
    );
    actix_rt::spawn(tracing::Instrument::instrument(run(state, socket), span));
}

/// Who the client is, once its hello checks out.
struct Identity {
    game_id: String,
    client: WsClient,
    player: Option<PlayerRow>,
}

/// Sends a text message; one larger than [`FRAGMENT_BYTES`] goes out in fragments.
async fn send_text<S: futures_util::Sink<Message> + Unpin>(sink: &mut S, text: impl Into<Utf8Bytes>) -> bool {
    let text: Utf8Bytes = text.into();
    if text.len() <= FRAGMENT_BYTES {
        return sink.send(Message::Text(text)).await.is_ok();
    }
    // Fragments may split a character: a text message's UTF-8 is checked whole (RFC 6455 5.6).
    let bytes = Bytes::from(text);
    let mut opcode = OpCode::Data(Data::Text);
    for start in (0..bytes.len()).step_by(FRAGMENT_BYTES) {
        let end = (start + FRAGMENT_BYTES).min(bytes.len());
        let fragment = Frame::message(bytes.slice(start..end), opcode, end == bytes.len());
        if sink.feed(Message::Frame(fragment)).await.is_err() {
            return false;
        }
        opcode = OpCode::Data(Data::Continue);
    }
    sink.flush().await.is_ok()
}

async fn send_json<S: futures_util::Sink<Message> + Unpin>(sink: &mut S, value: &impl serde::Serialize) -> bool {
    match serde_json::to_string(value) {
        Ok(text) => send_text(sink, text).await,
        Err(_) => false,
    }
}

/// Sends a close frame; the reason is cut to what a close frame can carry.
async fn close<S: futures_util::Sink<Message> + Unpin>(sink: &mut S, code: CloseCode, reason: &str) {
    let mut end = reason.len().min(MAX_CLOSE_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let frame = CloseFrame { code, reason: reason[..end].into() };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// Tells the client why it is refused and closes; `None` for the caller to return.
async fn refuse<T>(mut socket: Socket, code: &str, message: &str) -> Option<T> {
    let _ = send_json(&mut socket, &ErrorMessage::new(code, message, None)).await;
    close(&mut socket, CloseCode::Policy, message).await;
    None
}

/// Writes one whole text message straight to the socket, in one frame and one write, past
/// tungstenite's write buffer (which would keep the capacity of its largest frame for as long as
/// the client is connected). For the welcome: large, once per connection, before anything else.
async fn send_direct(socket: &mut Socket, text: String) -> bool {
    // Whatever tungstenite holds (a pong) goes first, so frames never interleave.
    if socket.flush().await.is_err() {
        return false;
    }
    let frame = Frame::message(Bytes::from(text), OpCode::Data(Data::Text), true);
    let mut bytes = Vec::with_capacity(frame.len());
    if frame.format(&mut bytes).is_err() {
        return false;
    }
    socket.get_mut().write_all(&bytes).await.is_ok()
}

/// Who sent `hello`, and for a player its part of the welcome (cards and daubs, as JSON).
async fn identify(state: &RealtimeState, hello: &ClientMessage) -> Result<(Identity, Option<String>), ServiceError> {
    let ClientMessage::Hello { player_token, join_code, admin_token, game_id, .. } = hello else {
        return Err(ServiceError::Invalid("the first message must be a hello".into()));
    };
    if let Some(token) = player_token {
        let (player, cards, daubs) = state.service.player_with_cards(token).await?;
        #[derive(serde::Serialize)]
        struct You<'a> {
            player_id: &'a str,
            nickname: &'a str,
            cards: &'a [bingo_core::Card],
            daubs: &'a [(u64, u8)],
        }
        let you = You { player_id: &player.id, nickname: &player.nickname, cards: &cards, daubs: &daubs };
        let you = serde_json::to_string(&you).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let game_id = player.game_id.clone();
        return Ok((Identity { game_id, client: WsClient::Player, player: Some(player) }, Some(you)));
    }
    if let Some(code) = join_code {
        let game_id = state.service.game_id_by_join_code(code).await?;
        return Ok((Identity { game_id, client: WsClient::Screen, player: None }, None));
    }
    if let (Some(token), Some(game_id)) = (admin_token, game_id) {
        state.service.admin_session(token).await?;
        state.service.snapshot(game_id).await?;
        return Ok((Identity { game_id: game_id.clone(), client: WsClient::Console, player: None }, None));
    }
    Err(ServiceError::Invalid("hello needs a player_token, a join_code, or an admin_token with a game_id".into()))
}

async fn run(state: Arc<RealtimeState>, socket: Socket) {
    // The handshake's steps run in a boxed future of their own, so that the future held for every
    // connected client is only the stream's.
    let Some((mut conn, mut outbox, mut source)) = Box::pin(open(state, socket)).await else { return };
    conn.serve(&mut outbox, &mut source).await;
    conn.leave(outbox).await;
}

/// Hello, who the client is, joining the game's stream, and the welcome. `None` when the client
/// was refused or went away.
async fn open(state: Arc<RealtimeState>, mut socket: Socket) -> Option<(Conn, Outbox, Source)> {
    // 1. hello
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, first_message(&mut socket)).await {
        Ok(First::Text(text)) => match serde_json::from_str::<ClientMessage>(&text) {
            Ok(m @ ClientMessage::Hello { .. }) => m,
            Ok(_) => return refuse(socket, "hello_first", "the first message must be a hello").await,
            Err(e) => return refuse(socket, "bad_message", &format!("not a valid message: {e}")).await,
        },
        Ok(First::Binary) => return refuse(socket, "text_only", "send JSON text messages").await,
        Ok(First::Broken(e)) => return refuse(socket, "protocol", &e).await,
        Ok(First::Gone) => return None,
        Err(_) => return refuse(socket, "hello_timeout", "no hello within 10 seconds").await,
    };
    let (identity, you) = match identify(&state, &hello).await {
        Ok(found) => found,
        Err(e) => return refuse(socket, e.code(), &e.to_string()).await,
    };
    let connected = state.metrics.ws_connection(identity.client);
    let (last_seq, epoch) = match &hello {
        ClientMessage::Hello { last_seq, epoch, .. } => (*last_seq, epoch.clone()),
        _ => (0, None),
    };

    // 2. join the stream first, so nothing committed from now on is missed
    let snapshot = match state.service.shared_snapshot(&identity.game_id).await {
        Ok(s) => s,
        Err(e) => return refuse(socket, e.code(), &e.to_string()).await,
    };
    let Some(outbox) = state.hub.join(&identity.game_id, snapshot.last_seq, &snapshot.epoch).await else {
        return refuse(socket, "unavailable", "the server is shutting down").await;
    };
    let epoch_now = snapshot.epoch.clone();

    // 3. welcome: resume from the client's position, or a snapshot
    let resumable = last_seq > 0
        && epoch.as_deref() == Some(snapshot.epoch.as_str())
        && last_seq <= snapshot.last_seq
        && snapshot.last_seq - last_seq <= MAX_REPLAY;
    let (shown, upto) = if resumable { (None, last_seq) } else { (Some(&snapshot), snapshot.last_seq) };
    let text = welcome_text(&identity, &epoch_now, shown, upto, you.as_deref());
    let welcomed = send_direct(&mut socket, text).await;
    let (sink, source) = socket.split();
    let mut conn = Conn { state, sink, identity, epoch: epoch_now, sent_upto: upto, _connected: connected };
    // When resuming, the events after the client's position follow the welcome, from the log.
    if !(welcomed && (!resumable || conn.catch_up(snapshot.last_seq).await)) {
        conn.leave(outbox).await;
        return None;
    }
    Some((conn, outbox, source))
}

/// The welcome: who the client is, where its stream starts, its cards, and the snapshot (whose
/// shared bytes go in as they are: serialized once for every client).
fn welcome_text(
    identity: &Identity,
    epoch: &str,
    snapshot: Option<&bingo_service::SharedSnapshot>,
    upto: u64,
    you: Option<&str>,
) -> String {
    #[derive(serde::Serialize)]
    struct Head<'a> {
        r#type: &'static str,
        mode: &'static str,
        game_id: &'a str,
        epoch: &'a str,
        client: &'static str,
        last_seq: u64,
    }
    let mode = if snapshot.is_some() { "snapshot" } else { "resume" };
    let head = Head {
        r#type: "welcome",
        mode,
        game_id: &identity.game_id,
        epoch,
        client: identity.client.as_str(),
        last_seq: upto,
    };
    let head = serde_json::to_string(&head).unwrap_or_default();
    let head = head.strip_suffix('}').unwrap_or(&head);
    let (you, snapshot) = (you.unwrap_or("null"), snapshot.map_or("null", |s| &s.json));
    format!("{head},\"you\":{you},\"snapshot\":{snapshot}}}")
}

/// What a client sent first.
enum First {
    Text(String),
    /// A binary frame: the protocol is JSON text only.
    Binary,
    /// A frame the codec refused (too large, malformed).
    Broken(String),
    /// The client closed or went away.
    Gone,
}

/// The client's first message, skipping pings and pongs.
async fn first_message(source: &mut Socket) -> First {
    while let Some(msg) = source.next().await {
        match msg {
            Ok(Message::Text(text)) => return First::Text(text.to_string()),
            Ok(Message::Binary(_)) => return First::Binary,
            Ok(Message::Close(_)) => return First::Gone,
            // Pings are answered by tungstenite itself.
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => continue,
            Err(e) => return First::Broken(e.to_string()),
        }
    }
    First::Gone
}

/// What the heartbeat does at a tick.
#[derive(Debug, PartialEq, Eq)]
enum Beat {
    /// Nothing: the client answered, or it was sent something since the last tick (its TCP
    /// acknowledges that, or the kernel closes the socket: [`crate::Heartbeat::unacknowledged_limit`]).
    Quiet,
    /// Send a ping: nothing went to the client for a whole period.
    Ping,
    /// Close: a ping has gone unanswered for too long.
    Gone,
}

/// A connection's heartbeat state: pings only for clients that were sent nothing for a period,
/// so that a hall of phones following a game costs no ping traffic at all.
struct Liveness {
    answer_within: Duration,
    /// Something was sent to the client since the last tick.
    wrote: bool,
    /// When the ping still waiting for an answer was sent.
    ping_sent: Option<Instant>,
}

impl Liveness {
    fn new(answer_within: Duration) -> Self {
        Liveness { answer_within, wrote: false, ping_sent: None }
    }

    fn wrote(&mut self) {
        self.wrote = true;
    }

    /// Anything from the client (a pong, a message) shows it is there.
    fn heard(&mut self) {
        self.ping_sent = None;
    }

    fn tick(&mut self, now: Instant) -> Beat {
        let wrote = std::mem::take(&mut self.wrote);
        match self.ping_sent {
            Some(sent) if now.saturating_duration_since(sent) >= self.answer_within => Beat::Gone,
            Some(_) => Beat::Quiet,
            None if wrote => Beat::Quiet,
            None => {
                self.ping_sent = Some(now);
                Beat::Ping
            }
        }
    }
}

/// A client following its game, after the welcome.
struct Conn {
    state: Arc<RealtimeState>,
    sink: Sink,
    identity: Identity,
    epoch: String,
    /// The last event sequence number this client has been sent.
    sent_upto: u64,
    /// Counts the client in the open-sockets gauge while it lives.
    _connected: WsConnectionGuard,
}

impl Conn {
    /// Lets go of the game's stream (the hub forgets a game nobody follows).
    async fn leave(self, outbox: Outbox) {
        drop(outbox);
        self.state.hub.leave(&self.identity.game_id).await;
    }

    /// Sends the events after `sent_upto` up to `upto` from the log.
    async fn catch_up(&mut self, upto: u64) -> bool {
        while self.sent_upto < upto {
            let (id, after) = (self.identity.game_id.clone(), self.sent_upto);
            let limit = (upto - after).min(MAX_REPLAY) as u32;
            let Ok(events) = self.state.service.events_after(&id, after, limit).await else {
                return false;
            };
            if events.is_empty() {
                return true;
            }
            for e in events {
                let frame = event_frame(&self.identity.game_id, e.seq, &self.epoch, e.at_ms, now_ms(), &e.payload);
                if !send_text(&mut self.sink, frame).await {
                    return false;
                }
                self.sent_upto = e.seq;
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
                let text = format!("{{\"type\":\"resync\",\"snapshot\":{}}}", snapshot.json);
                send_text(&mut self.sink, text).await
            }
            Err(_) => false,
        }
    }

    async fn serve(&mut self, outbox: &mut Outbox, source: &mut Source) {
        // Bind the client's id to every log line of this connection.
        let span = tracing::Span::current();
        span.record("game_id", self.identity.game_id.as_str());
        span.record("client", self.identity.client.as_str());
        tracing::debug!("client following the game");
        // The first tick after a whole period (an interval's first tick is immediate: a ping
        // right after the welcome would cost every connecting client a write for nothing).
        let every = self.state.heartbeat.ping_every;
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut liveness = Liveness::new(self.state.heartbeat.answer_within());
        loop {
            tokio::select! {
                out = outbox.recv() => match out {
                    Ok(out) => {
                        if !self.forward(&out).await {
                            break;
                        }
                        liveness.wrote();
                    }
                    // A whole ring behind: the next frame shows the gap, which `forward` fills.
                    Err(RecvError::Lagged(_)) => self.state.metrics.ws_slow_client_drop(),
                    Err(RecvError::Closed) => break,
                },
                msg = source.next() => {
                    liveness.heard();
                    match msg {
                        Some(Ok(Message::Text(text))) => {
                            if !Box::pin(self.handle(&text)).await {
                                break;
                            }
                        }
                        // Pings are answered by tungstenite itself.
                        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                        Some(Ok(Message::Binary(_))) => {
                            let _ = send_json(&mut self.sink, &ErrorMessage::new("text_only", "send JSON text messages", None)).await;
                        }
                        Some(Ok(Message::Close(_))) | None => break,
                        Some(Err(e)) => {
                            let message = e.to_string();
                            let _ = send_json(&mut self.sink, &ErrorMessage::new("protocol", &message, None)).await;
                            close(&mut self.sink, CloseCode::Protocol, &message).await;
                            break;
                        }
                    }
                }
                now = heartbeat.tick() => match liveness.tick(now.into_std()) {
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
                let _ = send_json(&mut self.sink, &json!({"type": "reconnect", "reason": "the server is restarting"}))
                    .await;
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
                return send_json(
                    &mut self.sink,
                    &ErrorMessage::new("bad_message", &format!("not a valid message: {e}"), None),
                )
                .await
            }
        };
        match msg {
            ClientMessage::Ping => send_json(&mut self.sink, &json!({"type": "pong"})).await,
            ClientMessage::Hello { .. } => {
                send_json(
                    &mut self.sink,
                    &ErrorMessage::new("already_hello", "hello is sent once per connection", None),
                )
                .await
            }
            ClientMessage::Claim { serial, request_id } => {
                let Some(player) = &self.identity.player else {
                    return send_json(
                        &mut self.sink,
                        &ErrorMessage::new("forbidden", "only players claim over the socket", request_id.as_deref()),
                    )
                    .await;
                };
                match self.state.service.claim(player, serial).await {
                    Ok(event) => {
                        let accepted = matches!(event.kind, bingo_core::EventKind::ClaimAccepted { .. });
                        send_json(&mut self.sink, &json!({"type": "claim_result", "request_id": request_id, "accepted": accepted, "event": event})).await
                    }
                    Err(e) => {
                        send_json(&mut self.sink, &ErrorMessage::new(e.code(), &e.to_string(), request_id.as_deref()))
                            .await
                    }
                }
            }
            ClientMessage::Daub { serial, number, on, request_id } => {
                let Some(player) = &self.identity.player else {
                    return send_json(
                        &mut self.sink,
                        &ErrorMessage::new("forbidden", "only players daub", request_id.as_deref()),
                    )
                    .await;
                };
                match self.state.service.daub(player, serial, number, on).await {
                    Ok(()) => send_json(&mut self.sink, &json!({"type": "daubed", "request_id": request_id, "serial": serial, "number": number, "on": on})).await,
                    Err(e) => send_json(&mut self.sink, &ErrorMessage::new(e.code(), &e.to_string(), request_id.as_deref())).await,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Beat, Liveness};
    use std::time::{Duration, Instant};

    const PERIOD: Duration = Duration::from_secs(15);

    fn ticks(liveness: &mut Liveness, start: Instant, n: u32) -> Vec<Beat> {
        (1..=n).map(|k| liveness.tick(start + PERIOD * k)).collect()
    }

    #[test]
    fn an_idle_client_that_never_answers_is_pinged_once_then_closed() {
        let start = Instant::now();
        let mut liveness = Liveness::new(PERIOD * 2);
        assert_eq!(ticks(&mut liveness, start, 3), [Beat::Ping, Beat::Quiet, Beat::Gone]);
    }

    #[test]
    fn an_idle_client_that_answers_is_pinged_every_period() {
        let start = Instant::now();
        let mut liveness = Liveness::new(PERIOD * 2);
        for k in 1..=5 {
            assert_eq!(liveness.tick(start + PERIOD * k), Beat::Ping, "tick {k}");
            liveness.heard();
        }
    }

    #[test]
    fn a_client_sent_events_every_period_is_never_pinged() {
        let start = Instant::now();
        let mut liveness = Liveness::new(PERIOD * 2);
        for k in 1..=10 {
            liveness.wrote();
            assert_eq!(liveness.tick(start + PERIOD * k), Beat::Quiet, "tick {k}");
        }
        // The game pauses: a period with nothing sent brings the pings back.
        assert_eq!(liveness.tick(start + PERIOD * 11), Beat::Ping);
    }

    #[test]
    fn events_sent_do_not_excuse_an_unanswered_ping() {
        let start = Instant::now();
        let mut liveness = Liveness::new(PERIOD * 2);
        assert_eq!(liveness.tick(start + PERIOD), Beat::Ping);
        liveness.wrote();
        assert_eq!(liveness.tick(start + PERIOD * 2), Beat::Quiet);
        liveness.wrote();
        assert_eq!(liveness.tick(start + PERIOD * 3), Beat::Gone);
    }
}
