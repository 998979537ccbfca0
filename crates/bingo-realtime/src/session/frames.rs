//! Writing to the socket: messages (in fragments when large), the welcome in one write, close
//! frames, and refusals.

use crate::protocol::{ErrorCode, ServerMessage};
use bytes::Bytes;
use futures_util::{Sink, SinkExt};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

/// The connection a session serves (a TCP stream; an in-memory pipe in tests).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

pub(crate) type Socket<S> = WebSocketStream<S>;

/// Messages larger than this are sent in fragments of this size. The socket's write buffer keeps
/// the capacity of the largest frame it has written, so one large resync or replay would
/// otherwise stay allocated for as long as the client is connected (the welcome bypasses it:
/// [`send_direct`]).
const FRAGMENT_BYTES: usize = 512;
/// A close frame's reason is at most 123 bytes (RFC 6455 5.5).
const MAX_CLOSE_REASON: usize = 123;

/// Sends a text message; one larger than [`FRAGMENT_BYTES`] goes out in fragments.
pub(crate) async fn send_text<S: Sink<Message> + Unpin>(sink: &mut S, text: impl Into<Utf8Bytes>) -> bool {
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

/// Sends one message; false when it could not be (the connection is over).
pub(crate) async fn send<S: Sink<Message> + Unpin>(sink: &mut S, message: &ServerMessage) -> bool {
    match message.encode() {
        Ok(text) => send_text(sink, text).await,
        Err(e) => {
            tracing::error!(error = %e, "a message could not be encoded");
            false
        }
    }
}

/// Sends an `error` answering the request `request_id` (if any).
pub(crate) async fn send_error<S: Sink<Message> + Unpin>(
    sink: &mut S,
    code: impl Into<ErrorCode>,
    message: impl Into<String>,
    request_id: Option<String>,
) -> bool {
    send(sink, &ServerMessage::Error { code: code.into(), message: message.into(), request_id }).await
}

/// Sends a close frame; the reason is cut to what a close frame can carry.
pub(crate) async fn close<S: Sink<Message> + Unpin>(sink: &mut S, code: CloseCode, reason: &str) {
    let mut end = reason.len().min(MAX_CLOSE_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let frame = CloseFrame { code, reason: reason[..end].into() };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// Tells the client why it is refused and closes; `None` for the caller to return.
pub(crate) async fn refuse<S: Io, T>(mut socket: Socket<S>, code: impl Into<ErrorCode>, message: &str) -> Option<T> {
    let _ = send_error(&mut socket, code, message, None).await;
    close(&mut socket, CloseCode::Policy, message).await;
    None
}

/// Writes one whole message straight to the socket, in one frame and one write, past
/// tungstenite's write buffer (which would keep the capacity of its largest frame for as long as
/// the client is connected). For the welcome: large, once per connection, before anything else.
pub(crate) async fn send_direct<S: Io>(socket: &mut Socket<S>, message: &ServerMessage) -> bool {
    let Ok(text) = message.encode() else { return false };
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
