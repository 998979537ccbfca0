//! The start of a connection: the client's hello, who it is, joining its game's stream, and the
//! welcome (a snapshot, or the events it missed when it resumes).

use super::frames::{refuse, send_direct, Io, Socket};
use super::{Conn, Identity, Source, MAX_REPLAY};
use crate::hub::Outbox;
use crate::protocol::{ClientKind, ClientMessage, Hello, ServerMessage, SocketError, WelcomeMode, You};
use crate::RealtimeState;
use bingo_bus::Update;
use bingo_service::{ErrorCode, ServiceError, SharedSnapshot};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Hello, who the client is, joining the game's stream, and the welcome. `None` when the client
/// was refused or went away.
pub(super) async fn open<S: Io>(
    state: Arc<RealtimeState>,
    mut socket: Socket<S>,
) -> Option<(Conn<S>, Outbox, Source<S>)> {
    // 1. hello
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, first_message(&mut socket)).await {
        Ok(First::Text(text)) => match serde_json::from_str::<ClientMessage>(&text) {
            Ok(ClientMessage::Hello(hello)) => hello,
            Ok(_) => return refuse(socket, SocketError::HelloFirst, "the first message must be a hello").await,
            Err(e) => return refuse(socket, SocketError::BadMessage, &format!("not a valid message: {e}")).await,
        },
        Ok(First::Binary) => return refuse(socket, SocketError::TextOnly, "send JSON text messages").await,
        Ok(First::Broken(e)) => return refuse(socket, SocketError::Protocol, &e).await,
        Ok(First::Gone) => return None,
        Err(_) => return refuse(socket, SocketError::HelloTimeout, "no hello within 10 seconds").await,
    };
    let (identity, you) = match identify(&state, &hello).await {
        Ok(found) => found,
        Err(e) => return refuse(socket, e.code(), &e.to_string()).await,
    };
    let connected = state.metrics.ws_connection(identity.client.into());

    // 2. join the stream first, so nothing committed from now on is missed
    let snapshot = match state.service.shared_snapshot(&identity.game_id).await {
        Ok(s) => s,
        Err(e) => return refuse(socket, e.code(), &e.to_string()).await,
    };
    let Some(outbox) = state.hub.join(&identity.game_id, snapshot.last_seq, &snapshot.epoch).await else {
        return refuse(socket, ErrorCode::Unavailable, "the server is shutting down").await;
    };

    // 3. welcome: resume from the client's position, or a snapshot
    let resumable = hello.last_seq > 0
        && hello.epoch.as_deref() == Some(snapshot.epoch.as_str())
        && hello.last_seq <= snapshot.last_seq
        && snapshot.last_seq - hello.last_seq <= MAX_REPLAY;
    let upto = if resumable { hello.last_seq } else { snapshot.last_seq };
    let welcome = welcome(&identity, &snapshot, resumable.then_some(hello.last_seq), you);
    let mut welcomed = send_direct(&mut socket, &welcome).await;
    if welcomed && resumable {
        // Updates are not replayed, and this one lasts: a client that resumes is told the
        // announcement shown now (or none), which may have changed while it was away.
        let update = Update::Announcement { text: snapshot.announcement.clone() };
        let told = ServerMessage::Update { game_id: identity.game_id.clone(), update };
        welcomed = send_direct(&mut socket, &told).await;
    }
    let (sink, source) = socket.split();
    let mut conn = Conn { state, sink, identity, epoch: snapshot.epoch, sent_upto: upto, _connected: connected };
    // When resuming, the events after the client's position follow the welcome, from the log.
    if !(welcomed && (!resumable || conn.catch_up(snapshot.last_seq).await)) {
        conn.leave(outbox).await;
        return None;
    }
    Some((conn, outbox, source))
}

/// The welcome: who the client is, where its stream starts (`resume_from`, or the snapshot), its
/// cards, and the snapshot (whose shared bytes go in as they are: serialized once for every client).
fn welcome(
    identity: &Identity,
    snapshot: &SharedSnapshot,
    resume_from: Option<u64>,
    you: Option<You>,
) -> ServerMessage {
    ServerMessage::Welcome {
        mode: if resume_from.is_some() { WelcomeMode::Resume } else { WelcomeMode::Snapshot },
        game_id: identity.game_id.clone(),
        epoch: snapshot.epoch.clone(),
        client: identity.client,
        last_seq: resume_from.unwrap_or(snapshot.last_seq),
        you,
        snapshot: resume_from.is_none().then(|| snapshot.json.clone().into()),
    }
}

/// Who sent `hello`, and for a player its part of the welcome.
async fn identify(state: &RealtimeState, hello: &Hello) -> Result<(Identity, Option<You>), ServiceError> {
    if let Some(token) = &hello.player_token {
        let (player, cards, daubs) = state.service.player_with_cards(token).await?;
        let you = You { player_id: player.id.clone(), nickname: player.nickname.clone(), cards, daubs };
        let game_id = player.game_id.clone();
        return Ok((Identity { game_id, client: ClientKind::Player, player: Some(player) }, Some(you)));
    }
    if let Some(code) = &hello.join_code {
        let game_id = state.service.game_id_by_join_code(code).await?;
        return Ok((Identity { game_id, client: ClientKind::Screen, player: None }, None));
    }
    if let (Some(token), Some(game_id)) = (&hello.admin_token, &hello.game_id) {
        state.service.admin_session(token).await?;
        state.service.snapshot(game_id).await?;
        return Ok((Identity { game_id: game_id.clone(), client: ClientKind::Console, player: None }, None));
    }
    Err(ServiceError::Invalid("hello needs a player_token, a join_code, or an admin_token with a game_id".into()))
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
async fn first_message<S: Io>(source: &mut Socket<S>) -> First {
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
