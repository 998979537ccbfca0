//! A small blocking WebSocket client speaking JSON text messages.

use serde_json::Value;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// What the server did next (see [`Ws::next`]).
#[derive(Debug)]
pub enum Next {
    /// A text message (parsed as JSON, or the raw text as a JSON string).
    Message(Value),
    /// The server closed the connection: the close code, if it sent a close frame with one.
    Closed(Option<u16>),
    /// Nothing within the timeout.
    Nothing,
}

pub struct Ws {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    pub fn connect(url: &str) -> Ws {
        let (socket, _) = tungstenite::connect(url).expect("WebSocket connect");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
        }
        Ws { socket }
    }

    /// The handshake for `url` over a connection the test made itself (with socket options of its
    /// own, or from another network namespace).
    pub fn over(stream: TcpStream, url: &str) -> Ws {
        stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
        let (socket, _) = tungstenite::client(url, MaybeTlsStream::Plain(stream)).expect("WebSocket handshake");
        Ws { socket }
    }

    pub fn send(&mut self, value: &Value) {
        self.socket.send(Message::text(value.to_string())).expect("send");
    }

    pub fn send_raw(&mut self, message: Message) -> bool {
        self.socket.send(message).is_ok()
    }

    /// The next JSON message within `timeout`, or None (also when the socket closed).
    pub fn recv(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(Message::Text(text)) => return serde_json::from_str(text.as_str()).ok(),
                Ok(Message::Close(_)) => return None,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    continue
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// Reads messages until one satisfies `pred`, within `timeout`.
    pub fn recv_until(&mut self, timeout: Duration, mut pred: impl FnMut(&Value) -> bool) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(v) = self.recv(deadline.saturating_duration_since(Instant::now())) {
                if pred(&v) {
                    return Some(v);
                }
            }
        }
        None
    }

    /// Whether the server closed the connection within `timeout`.
    pub fn closed_within(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(Message::Close(_)) => return true,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    continue
                }
                Err(_) => return true,
            }
        }
        false
    }

    /// The next thing the server did within `timeout`: a message, a close (with its code), or nothing.
    pub fn next(&mut self, timeout: Duration) -> Next {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    let text = text.as_str();
                    return Next::Message(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into())));
                }
                Ok(Message::Close(frame)) => return Next::Closed(frame.map(|f| u16::from(f.code))),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    continue
                }
                Err(_) => return Next::Closed(None),
            }
        }
        Next::Nothing
    }

    pub fn close(mut self) {
        let _ = self.socket.close(None);
    }
}
