//! A client that stops reading (a phone whose app froze with the socket open) holds up nobody,
//! costs the server no more than its place in the game's ring, and when it reads again continues
//! without a gap: here from a fresh snapshot, being more than 500 events behind.

use crate::game::{bin, ninety_ball};
use crate::support::{last_seq, metric, post, screen_hello, Client};
use bingo_testkit::{Backend, Options, Platform, Ws};
use std::net::SocketAddr;
use std::time::Duration;

/// Pause and resume pairs: 1,200 events, far more than the ring (64) and the replay limit (500).
const PAIRS: u64 = 600;

/// A connection whose receive window is a couple of KiB, so the server's writes to it stop soon.
fn small_window(to: SocketAddr) -> std::net::TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(2048).expect("SO_RCVBUF");
    socket.connect_timeout(&to.into(), Duration::from_secs(5)).expect("connect");
    socket.into()
}

#[test]
fn a_client_that_stops_reading_holds_up_nobody_and_continues_without_a_gap() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    post(&console, &format!("/api/v1/games/{id}/start"));
    let ws_url = platform.api().ws_url();
    let target = last_seq(&console, &id) + 2 * PAIRS;

    let address: SocketAddr = format!("127.0.0.1:{}", platform.api().port).parse().expect("address");
    let (mut slow, _) =
        Client::connect_on("slow", Ws::over(small_window(address), &ws_url), screen_hello(&code, 0, None));
    // The attentive one reads all along, on its own thread.
    let (mut attentive, _) = Client::connect("attentive", &ws_url, screen_hello(&code, 0, None));
    let reader = std::thread::spawn(move || {
        attentive.sync_to(target);
        attentive
    });

    for _ in 0..PAIRS {
        post(&console, &format!("/api/v1/games/{id}/pause"));
        post(&console, &format!("/api/v1/games/{id}/resume"));
    }
    // Every event reached the attentive client, gapless, while the slow one has read nothing.
    let attentive = reader.join().expect("the attentive client got every event within 15 s");
    assert_eq!(attentive.seq, target);
    assert!(attentive.other.iter().all(|m| m["type"] != "resync"), "the attentive client was never resynced");

    // The slow one reads again: a snapshot, then the rest in order, up to the last event.
    slow.sync_to(target);
    assert_eq!(slow.seq, target);
    let resyncs = slow.other.iter().filter(|m| m["type"] == "resync").count();
    assert_eq!(resyncs, 1, "one fresh snapshot for the slow client: {:?}", slow.other.len());
    // Its session noticed it had fallen a whole ring behind when its write went through.
    let drops = metric(&console, "bingo_ws_slow_client_drops_total", &[]);
    assert!(drops >= Some(1.0), "the slow client never fell a ring behind: {drops:?}");
    assert!(metric(&console, "bingo_ws_resyncs_total", &[]) >= Some(1.0));
    slow.assert_no_event_for(Duration::from_millis(300));
}
