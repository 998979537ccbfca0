//! A WebSocket client's text frame: bytes -> `bingo_realtime::protocol::ClientMessage`
//! (serde_json, as a session reads every frame). A message that reads must write back to JSON
//! that reads as the same message: the protocol's types and docs/PROTOCOL.md rely on it.
#![no_main]

use bingo_realtime::protocol::ClientMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A text frame is UTF-8 (the WebSocket codec refuses anything else).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(message) = serde_json::from_str::<ClientMessage>(text) else {
        return;
    };
    let written = serde_json::to_string(&message).unwrap_or_default();
    assert_eq!(serde_json::from_str::<ClientMessage>(&written).ok(), Some(message), "{written}");
});
