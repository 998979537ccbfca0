//! The WebSocket protocol's messages (docs/PROTOCOL.md is the reference).

use serde::{Deserialize, Serialize};

/// What a client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// The first message: who the client is and what it has already seen.
    Hello {
        /// A player's token (from joining).
        #[serde(default)]
        player_token: Option<String>,
        /// A screen's join code.
        #[serde(default)]
        join_code: Option<String>,
        /// A console's admin token, with the game it watches.
        #[serde(default)]
        admin_token: Option<String>,
        #[serde(default)]
        game_id: Option<String>,
        /// The last event sequence number the client saw (0: none).
        #[serde(default)]
        last_seq: u64,
        /// The epoch the client's `last_seq` belongs to.
        #[serde(default)]
        epoch: Option<String>,
    },
    /// A player's claim.
    Claim {
        serial: u64,
        #[serde(default)]
        request_id: Option<String>,
    },
    /// A player's mark on a card.
    Daub {
        serial: u64,
        number: u8,
        #[serde(default = "yes")]
        on: bool,
        #[serde(default)]
        request_id: Option<String>,
    },
    /// An application-level heartbeat; answered with `pong`.
    Ping,
}

fn yes() -> bool {
    true
}

/// An error sent to the client.
#[derive(Debug, Serialize)]
pub struct ErrorMessage<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub code: &'a str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
}

impl<'a> ErrorMessage<'a> {
    pub fn new(code: &'a str, message: &'a str, request_id: Option<&'a str>) -> Self {
        ErrorMessage { kind: "error", code, message, request_id }
    }
}

/// The frame of one committed event, serialized once by the hub and shared by every session:
/// `{"type":"event","game_id":..,"seq":..,"epoch":..,"published_at_ms":..,"sent_at_ms":..,"event":{..}}`
pub fn event_frame(game_id: &str, seq: u64, epoch: &str, published_at_ms: i64, sent_at_ms: i64, event: &str) -> String {
    let mut s = String::with_capacity(event.len() + 160);
    s.push_str("{\"type\":\"event\",\"game_id\":");
    s.push_str(&serde_json::Value::from(game_id).to_string());
    s.push_str(&format!(",\"seq\":{seq},\"epoch\":"));
    s.push_str(&serde_json::Value::from(epoch).to_string());
    s.push_str(&format!(",\"published_at_ms\":{published_at_ms},\"sent_at_ms\":{sent_at_ms},\"event\":"));
    s.push_str(event);
    s.push('}');
    s
}

/// An update that is not part of the log (player counts, auto-draw timing).
pub fn ephemeral_frame(game_id: &str, body: &str) -> String {
    format!("{{\"type\":\"update\",\"game_id\":{},\"update\":{body}}}", serde_json::Value::from(game_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_valid_json() {
        let f = event_frame("g\"1", 7, "e", 1, 2, "{\"type\":\"ball_called\",\"number\":5}");
        let v: serde_json::Value = serde_json::from_str(&f).expect("valid JSON");
        assert_eq!(v["game_id"], "g\"1");
        assert_eq!(v["seq"], 7);
        assert_eq!(v["event"]["number"], 5);
        let u: serde_json::Value = serde_json::from_str(&ephemeral_frame("g", "{\"players\":3}")).expect("json");
        assert_eq!(u["update"]["players"], 3);
    }

    #[test]
    fn hello_parses_and_junk_is_refused() {
        let m: ClientMessage =
            serde_json::from_str(r#"{"type":"hello","join_code":"ABC","last_seq":3}"#).expect("hello");
        assert!(matches!(m, ClientMessage::Hello { last_seq: 3, .. }));
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"hello","bogus":1}"#).is_err());
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"claim","serial":-1}"#).is_err());
    }
}
