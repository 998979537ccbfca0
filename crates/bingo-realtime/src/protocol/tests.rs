//! docs/PROTOCOL.md against the protocol's types: every example reads into them (and the server's
//! are written back as they stand), every message type and error code is documented.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use super::{ClientMessage, Encoded, ErrorCode, Hello, ServerMessage, SocketError};
use bingo_bus::Update;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeSet;

/// Read at run time (nix/source.nix gives the Nix build's tests this file too).
fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/PROTOCOL.md");
    std::fs::read_to_string(path).expect("docs/PROTOCOL.md")
}

/// Every JSON example of the document: the fenced `json` blocks (indented ones too), each holding
/// one or more messages.
fn examples(doc: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut block: Option<String> = None;
    for line in doc.lines() {
        match (block.as_mut(), line.trim()) {
            (None, "```json") => block = Some(String::new()),
            (Some(text), "```") => {
                for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
                    found.push(value.unwrap_or_else(|e| panic!("not JSON in docs/PROTOCOL.md: {e}\n{text}")));
                }
                block = None;
            }
            (Some(text), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    found
}

/// The names a type is written with on the wire (its variants), from serde itself: its error for
/// an unknown one lists them all.
fn wire_names<T: DeserializeOwned + std::fmt::Debug>(unknown: &str) -> BTreeSet<String> {
    let error = serde_json::from_str::<T>(unknown).expect_err("an unknown variant").to_string();
    let (_, expected) = error.split_once("expected ").unwrap_or_else(|| panic!("no list in: {error}"));
    expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// What a part of the document writes as code in its prose and tables (not in its examples).
fn code_spans(part: &str) -> BTreeSet<String> {
    let mut in_example = false;
    let prose: Vec<&str> = part
        .lines()
        .filter(|line| {
            let fence = line.trim_start().starts_with("```");
            in_example ^= fence;
            !fence && !in_example
        })
        .collect();
    prose.join("\n").split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn type_of(value: &Value) -> String {
    value["type"].as_str().unwrap_or_default().to_string()
}

enum Example {
    Client(ClientMessage),
    Server(ServerMessage),
}

fn read(example: &Value) -> Example {
    let client = serde_json::from_value::<ClientMessage>(example.clone());
    let server = serde_json::from_value::<ServerMessage>(example.clone());
    match (client, server) {
        (Ok(m), Err(_)) => Example::Client(m),
        (Err(_), Ok(m)) => Example::Server(m),
        (Ok(_), Ok(_)) => panic!("both a client's and a server's message: {example}"),
        (Err(c), Err(s)) => panic!("not a message of the protocol: {example}\nas a client's: {c}\nas a server's: {s}"),
    }
}

#[test]
fn every_example_reads_into_the_types_and_back() {
    let examples = examples(&doc());
    assert!(examples.len() >= 15, "examples found: {}", examples.len());
    for example in &examples {
        match read(example) {
            // The server writes exactly what the document shows.
            Example::Server(m) => assert_eq!(&serde_json::to_value(&m).expect("encode"), example, "{m:?}"),
            // A client may leave out what has a default; what it wrote reads back the same.
            Example::Client(m) => {
                let written = serde_json::to_string(&m).expect("encode");
                assert_eq!(serde_json::from_str::<ClientMessage>(&written).expect("read back"), m, "{written}");
            }
        }
    }
}

#[test]
fn every_message_type_has_an_example() {
    let examples = examples(&doc());
    let shown: BTreeSet<String> = examples.iter().map(type_of).collect();
    for names in [wire_names::<ServerMessage>(r#"{"type":"~"}"#), wire_names::<ClientMessage>(r#"{"type":"~"}"#)] {
        assert!(names.len() >= 4, "{names:?}");
        for name in names {
            assert!(shown.contains(&name), "no example of `{name}` in docs/PROTOCOL.md");
        }
    }
    let updates: BTreeSet<String> =
        examples.iter().filter(|e| e["type"] == "update").map(|e| type_of(&e["update"])).collect();
    assert_eq!(updates, wire_names::<Update>(r#"{"type":"~"}"#), "every update, shown");
    let modes: BTreeSet<&str> = examples.iter().filter_map(|e| e["mode"].as_str()).collect();
    assert_eq!(modes, BTreeSet::from(["resume", "snapshot"]), "both welcomes, shown");
}

#[test]
fn every_kind_of_event_is_named() {
    let doc = doc();
    let (_, events) = doc.split_once("\n## Events").expect("an Events section");
    let (events, _) = events.split_once("\n## ").expect("a section after it");
    let named = code_spans(events);
    for kind in wire_names::<bingo_core::EventKind>(r#"{"type":"~"}"#) {
        assert!(named.contains(&kind), "the event `{kind}` is not named in docs/PROTOCOL.md, Events");
    }
}

#[test]
fn every_error_code_is_documented_and_none_other() {
    let doc = doc();
    let (_, errors) = doc.split_once("\n## Errors").expect("an Errors section");
    let listed = code_spans(errors);
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).filter(|w| !w.contains(' ')).collect();
    let service = wire_names::<bingo_service::ErrorCode>(r#""~""#);
    let socket = wire_names::<SocketError>(r#""~""#);
    // The lists the code keeps are complete, and written as serde writes them.
    assert_eq!(service.len(), bingo_service::ErrorCode::ALL.len());
    assert_eq!(socket.len(), SocketError::ALL.len());
    for code in bingo_service::ErrorCode::ALL {
        assert_eq!(serde_json::to_value(ErrorCode::from(code)).expect("encode"), code.as_str());
    }
    for code in service.iter().chain(&socket) {
        assert!(listed.contains(code.as_str()), "error code `{code}` is not in docs/PROTOCOL.md, Errors");
        let read: ErrorCode = serde_json::from_value(Value::from(code.as_str())).expect("a code");
        assert_eq!(serde_json::to_value(read).expect("encode"), code.as_str());
    }
    let known: BTreeSet<&str> = service.iter().chain(&socket).map(String::as_str).collect();
    let others: Vec<&&str> = listed.iter().filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_')).collect();
    for word in others {
        let is_field = ["type", "code", "message", "request_id", "hello", "error"].contains(word);
        assert!(is_field || known.contains(*word), "docs/PROTOCOL.md, Errors names a code that is not one: `{word}`");
    }
}

#[test]
fn junk_is_refused() {
    let hello: ClientMessage =
        serde_json::from_str(r#"{"type":"hello","join_code":"ABC","last_seq":3}"#).expect("hello");
    assert_eq!(hello, ClientMessage::Hello(Hello { join_code: Some("ABC".into()), last_seq: 3, ..Hello::default() }));
    for junk in [
        r#"{"type":"hello","bogus":1}"#,
        r#"{"type":"claim","serial":-1}"#,
        r#"{"type":"daub","serial":1}"#,
        r#"{"type":"pong"}"#,
        r#"{"serial":1}"#,
        "[]",
    ] {
        assert!(serde_json::from_str::<ClientMessage>(junk).is_err(), "{junk}");
    }
}

#[test]
fn an_encoded_value_is_written_as_it_stands() {
    let raw = serde_json::value::RawValue::from_string(r#"{"b": 1,  "a": [2]}"#.into()).expect("json");
    let snapshot = Encoded::from(std::sync::Arc::<serde_json::value::RawValue>::from(raw));
    let text = ServerMessage::Resync { snapshot }.encode().expect("encode");
    assert_eq!(text, r#"{"type":"resync","snapshot":{"b": 1,  "a": [2]}}"#);
}
