//! The WebSocket protocol's messages, both ways. docs/PROTOCOL.md describes them and is tested
//! against these types (`protocol/tests.rs`): every message type and error code is documented,
//! and every example there reads into these types and is written back as it stands.

use bingo_bus::Update;
use bingo_core::{Card, Event};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::sync::Arc;

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// The first message: who the client is and what it has already seen.
    Hello(Hello),
    /// A player's claim.
    Claim {
        serial: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
    /// A player's mark on a card.
    Daub {
        serial: u64,
        number: u8,
        #[serde(default = "yes")]
        on: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
    /// An application-level heartbeat; answered with `pong`.
    Ping,
}

fn yes() -> bool {
    true
}

/// A client's hello: a player's token, a screen's join code, or a console's admin token with
/// its game; and where its stream left off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hello {
    /// A player's token (from joining).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_token: Option<String>,
    /// A screen's join code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_code: Option<String>,
    /// A console's admin token, with the game it watches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game_id: Option<String>,
    /// The last event sequence number the client saw (0: none).
    #[serde(default)]
    pub last_seq: u64,
    /// The epoch the client's `last_seq` belongs to.
    #[serde(default)]
    pub epoch: Option<String>,
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMessage {
    /// The answer to a good hello: who the client is, where its stream starts, and (unless it
    /// resumes) the game as it stands.
    Welcome {
        mode: WelcomeMode,
        game_id: String,
        epoch: String,
        client: ClientKind,
        /// The last event included in `snapshot` (or, resuming, the client's own `last_seq`).
        last_seq: u64,
        /// A player's cards and daubs.
        you: Option<You>,
        /// With mode `snapshot`: the game (the same document as `GET /api/v1/screen/{join_code}`).
        snapshot: Option<Encoded>,
    },
    /// One event of the game's log; `seq` continues the client's stream without a gap.
    Event {
        game_id: String,
        seq: u64,
        epoch: String,
        /// When the server committed and published it (Unix ms).
        published_at_ms: i64,
        /// When this node sent it (Unix ms).
        sent_at_ms: i64,
        /// The game's domain event, as stored.
        event: Event,
    },
    /// News that is not part of the log.
    Update { game_id: String, update: Update },
    /// The client fell too far behind: the game as it stands, its stream continuing from there.
    Resync { snapshot: Encoded },
    /// The answer to a `ping`.
    Pong,
    /// The answer to a `claim`: the claim's event, which every client of the game is also sent.
    ClaimResult { request_id: Option<String>, accepted: bool, event: Event },
    /// The answer to a `daub`.
    Daubed { request_id: Option<String>, serial: u64, number: u8, on: bool },
    /// A message refused, or a hello that did not check out (then the connection closes).
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
    /// The server is going away: reconnect, to another node if there is one.
    Reconnect { reason: String },
}

impl ServerMessage {
    /// An error answering no request.
    pub fn error(code: impl Into<ErrorCode>, message: impl Into<String>) -> ServerMessage {
        ServerMessage::Error { code: code.into(), message: message.into(), request_id: None }
    }

    /// The message as JSON text. Nothing in these types fails to serialize (no map has keys that
    /// are not strings); the error is for the caller to treat as a connection that failed.
    pub fn encode(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

/// Whether the welcome carries a snapshot, or the client resumes from its own position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WelcomeMode {
    Snapshot,
    Resume,
}

/// Who the client said it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    Player,
    Screen,
    Console,
}

impl From<ClientKind> for bingo_telemetry::WsClient {
    fn from(kind: ClientKind) -> Self {
        match kind {
            ClientKind::Player => bingo_telemetry::WsClient::Player,
            ClientKind::Screen => bingo_telemetry::WsClient::Screen,
            ClientKind::Console => bingo_telemetry::WsClient::Console,
        }
    }
}

/// A player's part of the welcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct You {
    pub player_id: String,
    pub nickname: String,
    /// As in docs/CARDS.md.
    pub cards: Vec<Card>,
    /// (serial, number) of every daub.
    pub daubs: Vec<(u64, u8)>,
}

/// The code of an `error` message: the service's codes (those of the HTTP API) and the socket's
/// own. Written as a bare string either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorCode {
    Socket(SocketError),
    Service(bingo_service::ErrorCode),
}

impl From<SocketError> for ErrorCode {
    fn from(code: SocketError) -> Self {
        ErrorCode::Socket(code)
    }
}

impl From<bingo_service::ErrorCode> for ErrorCode {
    fn from(code: bingo_service::ErrorCode) -> Self {
        ErrorCode::Service(code)
    }
}

/// The socket's own error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocketError {
    /// The first message was not a hello.
    HelloFirst,
    /// No hello within 10 seconds.
    HelloTimeout,
    /// Not JSON, or not a message of this protocol.
    BadMessage,
    /// A binary frame: the protocol is JSON text.
    TextOnly,
    /// A frame the WebSocket codec refused (too large, malformed); the connection closes.
    Protocol,
    /// A second hello on one connection.
    AlreadyHello,
}

impl SocketError {
    /// Every code.
    pub const ALL: [SocketError; 6] = [
        SocketError::HelloFirst,
        SocketError::HelloTimeout,
        SocketError::BadMessage,
        SocketError::TextOnly,
        SocketError::Protocol,
        SocketError::AlreadyHello,
    ];
}

/// JSON encoded once and written as it stands into every message that carries it (a game's
/// shared snapshot: one serialization for a crowd that connects at once).
#[derive(Clone, Debug)]
pub struct Encoded(Arc<RawValue>);

impl Encoded {
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl From<Arc<RawValue>> for Encoded {
    fn from(json: Arc<RawValue>) -> Self {
        Encoded(json)
    }
}

impl PartialEq for Encoded {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Encoded {}

impl Serialize for Encoded {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Any JSON value, kept as its text. (Through a `Value`: a `RawValue` cannot be read inside a
/// message with a `type` tag, which serde buffers first. Only readers of messages pay for it.)
impl<'de> Deserialize<'de> for Encoded {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let raw = serde_json::value::to_raw_value(&value).map_err(serde::de::Error::custom)?;
        Ok(Encoded(raw.into()))
    }
}

#[cfg(test)]
mod tests;
