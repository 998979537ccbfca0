//! Bad WebSocket input: an error message and/or a close, never a hang.

use crate::game::{bin, join, ninety_ball};
use crate::support::{hello, post};
use bingo_testkit::{Backend, Next, Options, Platform, Ws};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tungstenite::Message;

/// What the server did after a bad socket message: (messages, closed, close code).
fn answer(ws: &mut Ws, within: Duration) -> (Vec<Value>, bool, Option<u16>) {
    let deadline = Instant::now() + within;
    let mut messages = Vec::new();
    while Instant::now() < deadline {
        match ws.next(deadline.saturating_duration_since(Instant::now())) {
            Next::Message(m) => {
                let is_error = m["type"] == "error";
                messages.push(m);
                if is_error {
                    // Give a close that follows the error a moment to arrive.
                    if let Next::Closed(code) = ws.next(Duration::from_millis(500)) {
                        return (messages, true, code);
                    }
                    return (messages, false, None);
                }
            }
            Next::Closed(code) => return (messages, true, code),
            Next::Nothing => {}
        }
    }
    (messages, false, None)
}

fn error_code(messages: &[Value]) -> Option<&str> {
    messages.iter().find(|m| m["type"] == "error").and_then(|m| m["code"].as_str())
}

#[test]
fn bad_socket_input_gets_an_error_or_a_close_never_a_hang() {
    let mut platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let admin = console.token.clone().expect("token");
    let (id, code) = platform.open_game(&console, ninety_ball());
    let http = platform.api().http();
    let ann = join(&http, &code, "ann", 2);
    let bob = join(&http, &code, "bob", 2);
    post(&console, &format!("/api/v1/games/{id}/start"));
    let url = platform.api().ws_url();
    let within = Duration::from_secs(3);
    let big = format!("{{\"type\":\"ping\",\"pad\":\"{}\"}}", "x".repeat(17 * 1024));

    // Before (or instead of) a valid hello: an error with its code, then a policy close (1008).
    let refused: Vec<(&str, Message, &str)> = vec![
        ("non-JSON", Message::text("hello?"), "bad_message"),
        (
            "claim before hello",
            Message::text(json!({"type": "claim", "serial": ann.serials[0]}).to_string()),
            "hello_first",
        ),
        ("ping before hello", Message::text(json!({"type": "ping"}).to_string()), "hello_first"),
        ("unknown type", Message::text(json!({"type": "subscribe"}).to_string()), "bad_message"),
        (
            "hello with an unknown field",
            Message::text(json!({"type": "hello", "join_code": code, "x": 1}).to_string()),
            "bad_message",
        ),
        (
            "hello with a negative last_seq",
            Message::text(json!({"type": "hello", "join_code": code, "last_seq": -1}).to_string()),
            "bad_message",
        ),
        ("empty hello", Message::text(json!({"type": "hello"}).to_string()), "invalid"),
        (
            "hello with a forged player token",
            Message::text(json!({"type": "hello", "player_token": "ab".repeat(32)}).to_string()),
            "unauthorized",
        ),
        (
            "hello with a huge token",
            Message::text(json!({"type": "hello", "player_token": "a".repeat(10_000)}).to_string()),
            "unauthorized",
        ),
        (
            "hello with a forged admin token",
            Message::text(json!({"type": "hello", "admin_token": "ab".repeat(32), "game_id": id}).to_string()),
            "unauthorized",
        ),
        (
            "admin hello for an unknown game",
            Message::text(
                json!({"type": "hello", "admin_token": admin, "game_id": "0123456789abcdef01234567"}).to_string(),
            ),
            "not_found",
        ),
        (
            "admin hello for a very long game id",
            Message::text(json!({"type": "hello", "admin_token": admin, "game_id": "g".repeat(10_000)}).to_string()),
            "not_found",
        ),
        (
            "hello with an unknown join code",
            Message::text(json!({"type": "hello", "join_code": "ZZZZZZ"}).to_string()),
            "not_found",
        ),
        ("deeply nested JSON", Message::text(format!("{}{}", "[".repeat(5000), "]".repeat(5000))), "bad_message"),
        ("binary before hello", Message::binary(b"\x00\x01binary".to_vec()), "text_only"),
    ];
    let mut failures = Vec::new();
    for (what, message, code) in refused {
        let mut ws = Ws::connect(&url);
        ws.send_raw(message);
        let (messages, closed, close_code) = answer(&mut ws, within);
        if error_code(&messages) != Some(code) || !closed || close_code != Some(1008) {
            failures.push(format!(
                "{what}: expected {code} and close 1008, got {messages:?} closed={closed} {close_code:?}"
            ));
        }
    }
    // An oversize frame before hello: an error and a close, not left hanging.
    let mut ws = Ws::connect(&url);
    ws.send_raw(Message::text(big.clone()));
    let (messages, closed, _) = answer(&mut ws, within);
    if !closed || error_code(&messages) != Some("protocol") {
        failures.push(format!("oversize frame before hello: expected protocol and a close, got {messages:?}"));
    }

    // After a good hello: errors that keep the connection, each answered, then a pong proves it is alive.
    let (mut player, _) = hello(&url, json!({"type": "hello", "player_token": ann.token}));
    let kept: Vec<(&str, Message, &str)> = vec![
        ("non-JSON", Message::text("{oops"), "bad_message"),
        ("binary", Message::binary(vec![1, 2, 3]), "text_only"),
        (
            "second hello",
            Message::text(json!({"type": "hello", "player_token": ann.token}).to_string()),
            "already_hello",
        ),
        (
            "claim of bob's card",
            Message::text(json!({"type": "claim", "serial": bob.serials[0], "request_id": "c1"}).to_string()),
            "forbidden",
        ),
        (
            "claim of an unissued card",
            Message::text(json!({"type": "claim", "serial": 77_777, "request_id": "c2"}).to_string()),
            "forbidden",
        ),
        (
            "claim with a negative serial",
            Message::text(json!({"type": "claim", "serial": -1}).to_string()),
            "bad_message",
        ),
        (
            "claim with a string serial",
            Message::text(json!({"type": "claim", "serial": "1"}).to_string()),
            "bad_message",
        ),
        (
            "daub of bob's card",
            Message::text(
                json!({"type": "daub", "serial": bob.serials[0], "number": 5, "request_id": "d1"}).to_string(),
            ),
            "forbidden",
        ),
        (
            "daub of 0",
            Message::text(json!({"type": "daub", "serial": ann.serials[0], "number": 0}).to_string()),
            "invalid",
        ),
        (
            "daub of 256",
            Message::text(json!({"type": "daub", "serial": ann.serials[0], "number": 256}).to_string()),
            "bad_message",
        ),
        ("unknown type", Message::text(json!({"type": "draw"}).to_string()), "bad_message"),
    ];
    for (what, message, code) in kept {
        player.send_raw(message);
        let (messages, closed, _) = answer(&mut player, within);
        if error_code(&messages) != Some(code) || closed {
            failures.push(format!(
                "player, {what}: expected {code} on an open connection, got {messages:?} closed={closed}"
            ));
        }
        if code == "forbidden" {
            let request_id = messages.iter().find(|m| m["type"] == "error").map(|m| m["request_id"].clone());
            if request_id.as_ref().is_none_or(Value::is_null) {
                failures.push(format!("player, {what}: the error names the request: {messages:?}"));
            }
        }
    }
    player.send(&json!({"type": "ping"}));
    match player.recv_until(within, |m| m["type"] == "pong") {
        Some(_) => {}
        None => failures.push("player: no pong after the bad messages".into()),
    }
    // A screen cannot claim or daub.
    let (mut screen, _) = hello(&url, json!({"type": "hello", "join_code": code}));
    screen.send(&json!({"type": "claim", "serial": ann.serials[0], "request_id": "s1"}));
    let (messages, _, _) = answer(&mut screen, within);
    if error_code(&messages) != Some("forbidden") {
        failures.push(format!("screen claim: {messages:?}"));
    }
    // An oversize frame after hello: an error and/or a close, not a hang.
    screen.send_raw(Message::text(big));
    let (messages, closed, _) = answer(&mut screen, within);
    if !closed && error_code(&messages).is_none() {
        failures.push(format!("screen, oversize frame: {messages:?}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let node = platform.api_mut();
    assert!(node.is_running(), "the server died:\n{}", node.output());
    assert_eq!(node.http().get("/health").0, 200);
    assert!(!node.output().contains("panicked"), "{}", node.output());
    // The game was not touched: no claim got in.
    let (status, body) = console.get(&format!("/api/v1/games/{id}/claims"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["claims"], json!([]), "{body}");
}

/// Sends raw bytes and reads everything until the server closes: (status, lowercased head, the rest).
fn raw_exchange(addr: &str, request: &[u8]) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    stream.write_all(request).expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (status, head.to_ascii_lowercase(), rest.to_owned())
}

/// A client's text frame (clients mask theirs, RFC 6455 5.3); `text` is under 126 bytes.
fn masked_text_frame(text: &str) -> Vec<u8> {
    let mask = [0x12u8, 0x34, 0x56, 0x78];
    let mut frame = vec![0x81, 0x80 | text.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

#[test]
fn requests_that_are_not_a_websocket_handshake_get_the_api_error_body() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let url = platform.api().ws_url();
    let addr = url.trim_start_matches("ws://").trim_end_matches("/ws").to_owned();
    let upgrade = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let cases = [
        (
            "a handshake to another path",
            format!("GET /api/v1/patterns HTTP/1.1\r\nHost: x\r\n{upgrade}{key}\r\n"),
            404,
            "not_found",
        ),
        ("a handshake without a key", format!("GET /ws HTTP/1.1\r\nHost: x\r\n{upgrade}\r\n"), 400, "bad_handshake"),
        (
            "a handshake by POST",
            format!("POST /ws HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n{upgrade}{key}\r\n"),
            405,
            "bad_handshake",
        ),
        (
            "a plain GET of /ws",
            "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_owned(),
            426,
            "upgrade_required",
        ),
    ];
    for (what, request, status, code) in cases {
        let (got, head, body) = raw_exchange(&addr, request.as_bytes());
        assert_eq!(got, status, "{what}: {head}\n{body}");
        assert!(head.contains("content-type: application/json"), "{what}: {head}");
        // A 405 names the methods the resource allows (RFC 9110 15.5.6): the handshake's GET.
        assert_eq!(head.contains("\r\nallow: get\r\n"), status == 405, "{what}: {head}");
        let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert_eq!(body["error"]["code"], code, "{what}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
    }
    // A message in the same packet as the handshake is already in the HTTP reader's buffer when
    // the socket is handed over: it must still be read (here, a ping before hello is refused).
    let mut request = format!("GET /ws HTTP/1.1\r\nHost: x\r\n{upgrade}{key}\r\n").into_bytes();
    request.extend(masked_text_frame(r#"{"type":"ping"}"#));
    let (got, head, frames) = raw_exchange(&addr, &request);
    assert_eq!(got, 101, "{head}");
    assert!(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "{head}");
    assert!(frames.contains("\"code\":\"hello_first\""), "{frames:?}");
    assert!(platform.api().http().get("/health").0 == 200);
}
