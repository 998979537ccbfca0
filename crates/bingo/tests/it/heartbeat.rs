//! Heartbeats, with a ping period of one second (`BINGO_WS_PING_SECS=1`): a client that is sent
//! nothing is pinged every period and stays while it answers; one that stops answering is closed
//! two periods after its ping; a client that is being sent events gets no pings at all.

use crate::game::{bin, ninety_ball};
use crate::support::{draw, hello, post, screen_hello};
use bingo_testkit::{Backend, Options, Platform, Watched};
use std::time::Duration;

fn platform() -> Platform {
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_WS_PING_SECS".into(), "1".into()));
    Platform::start(options)
}

fn events(seen: &Watched, kind: &str) -> usize {
    seen.messages.iter().filter(|m| m["type"] == "event" && m["event"]["type"] == kind).count()
}

#[test]
fn idle_clients_are_pinged_and_those_that_stop_answering_are_closed() {
    let platform = platform();
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    let ws_url = platform.api().ws_url();
    let (mut answering, _) = hello(&ws_url, screen_hello(&code, 0, None));
    let (mut silent, _) = hello(&ws_url, screen_hello(&code, 0, None));

    // Nothing happens in the game: the reading client is pinged every second and kept.
    let seen = answering.watch(Duration::from_millis(4500));
    assert!((3..=5).contains(&seen.pings), "pings in 4.5 s: {seen:?}");
    assert!(!seen.closed, "{seen:?}");

    // The other one read nothing meanwhile, so never answered its first ping (at 1 s): closed at 3 s.
    let seen = silent.watch(Duration::from_secs(2));
    assert!(seen.closed, "a client that never answers is closed: {seen:?}");
    assert_eq!(seen.pings, 1, "one ping, then nothing until it is answered or the client closed: {seen:?}");

    // The answering one still follows the game.
    post(&console, &format!("/api/v1/games/{id}/start"));
    let seen = answering.watch(Duration::from_millis(500));
    assert_eq!(events(&seen, "game_started"), 1, "{seen:?}");
}

#[test]
fn clients_being_sent_events_are_not_pinged() {
    let platform = platform();
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    post(&console, &format!("/api/v1/games/{id}/start"));
    let ws_url = platform.api().ws_url();
    let (mut screen, _) = hello(&ws_url, screen_hello(&code, 0, None));

    // A ball every 300 ms for about 3.6 s: never a whole period without a frame.
    let mut pings = 0;
    let mut balls = 0;
    for _ in 0..12 {
        draw(&console, &id);
        let seen = screen.watch(Duration::from_millis(300));
        assert!(!seen.closed, "{seen:?}");
        pings += seen.pings;
        balls += events(&seen, "ball_called");
    }
    assert_eq!(pings, 0, "a client receiving balls needs no pings");
    assert!(balls >= 11, "balls seen: {balls}");

    // The caller stops: after a quiet period the pings come back.
    let seen = screen.watch(Duration::from_millis(2500));
    assert!(seen.pings >= 1, "{seen:?}");
    assert!(!seen.closed, "{seen:?}");
}
