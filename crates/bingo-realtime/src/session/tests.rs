//! Sessions served in this process over an in-memory pipe, on tokio's paused clock: heartbeats
//! are checked by the period, not by waiting for it. (A client whose network vanishes while it is
//! sent events is closed by the kernel's TCP_USER_TIMEOUT, which only a real socket and a real
//! clock show: crates/bingo/tests/it/heartbeat.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use super::run;
use crate::protocol::{ClientMessage, Hello, ServerMessage};
use crate::{Heartbeat, RealtimeState};
use bingo_bus::Bus;
use bingo_service::Service;
use bingo_storage::Store;
use bingo_telemetry::{Metrics, MetricsConfig};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::DuplexStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

const PERIOD: Duration = Duration::from_secs(15);

/// One node with one open 90-ball game, in a temporary SQLite database.
struct Node {
    state: Arc<RealtimeState>,
    game_id: String,
    join_code: String,
    _dir: tempfile::TempDir,
}

impl Node {
    async fn start() -> Node {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::open(&format!("sqlite://{}", dir.path().join("bingo.db").display()), 4).expect("store");
        store.migrate().expect("migrations");
        let config = MetricsConfig { service: "bingo", role: "test", node: "n1".into(), version: "0", commit: "0" };
        let metrics = Metrics::new(config).expect("metrics");
        let service = Service::new(store, Bus::local(), "n1", metrics.clone());
        let config = serde_json::from_value(serde_json::json!({"kind": "90", "stages": [
            {"pattern": {"builtin": "one-line"}, "prize": 1000},
            {"pattern": {"builtin": "full-house"}, "prize": 5000}
        ]}))
        .expect("a game's config");
        let created = service.create_game(config).await.expect("created");
        service.command(&created.id, |game, now| game.open(now)).await.expect("opened");
        let state = RealtimeState::start(service, metrics, Heartbeat { ping_every: PERIOD });
        Node { state, game_id: created.id, join_code: created.join_code, _dir: dir }
    }

    async fn command(
        &self,
        command: fn(&mut bingo_core::Game, i64) -> Result<Vec<bingo_core::Event>, bingo_core::GameError>,
    ) {
        self.state.service.command(&self.game_id, command).await.expect("the command");
    }

    /// A screen connected and welcomed.
    async fn screen(&self) -> Client {
        let (theirs, ours) = tokio::io::duplex(64 * 1024);
        let server = WebSocketStream::from_raw_socket(theirs, Role::Server, None).await;
        tokio::task::spawn_local(run(self.state.clone(), server));
        let mut ws = WebSocketStream::from_raw_socket(ours, Role::Client, None).await;
        let hello = ClientMessage::Hello(Hello { join_code: Some(self.join_code.clone()), ..Hello::default() });
        ws.send(Message::text(serde_json::to_string(&hello).expect("hello"))).await.expect("sent");
        let Some(Ok(Message::Text(welcome))) = ws.next().await else { panic!("no welcome") };
        let welcome: ServerMessage = serde_json::from_str(&welcome).expect("a message");
        assert!(matches!(welcome, ServerMessage::Welcome { .. }), "{welcome:?}");
        Client { ws, since: Instant::now() }
    }
}

struct Client {
    ws: WebSocketStream<DuplexStream>,
    /// When it was welcomed.
    since: Instant,
}

/// What a client read in a while.
#[derive(Debug, Default)]
struct Seen {
    messages: Vec<ServerMessage>,
    /// When each ping came, after the welcome.
    pings: Vec<Duration>,
    closed: bool,
}

impl Seen {
    fn balls(&self) -> usize {
        let ball = |m: &&ServerMessage| matches!(m, ServerMessage::Event { event, .. } if matches!(event.kind, bingo_core::EventKind::BallCalled { .. }));
        self.messages.iter().filter(ball).count()
    }
}

impl Client {
    /// Reads (and so answers pings) for `time`.
    async fn read_for(&mut self, time: Duration) -> Seen {
        let until = Instant::now() + time;
        let mut seen = Seen::default();
        while let Ok(next) = tokio::time::timeout_at(until, self.ws.next()).await {
            match next {
                Some(Ok(Message::Text(text))) => seen.messages.push(serde_json::from_str(&text).expect("a message")),
                Some(Ok(Message::Ping(_))) => {
                    seen.pings.push(self.since.elapsed());
                    let _ = self.ws.flush().await; // tungstenite queued the pong (a closed socket fails here)
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    seen.closed = true;
                    break;
                }
            }
        }
        seen
    }
}

async fn in_local_set(test: impl std::future::Future<Output = ()>) {
    tokio::task::LocalSet::new().run_until(test).await;
}

#[tokio::test(start_paused = true)]
async fn idle_clients_are_pinged_every_period_and_those_that_stop_answering_are_closed() {
    in_local_set(async {
        let node = Node::start().await;
        let mut answering = node.screen().await;
        let mut silent = node.screen().await;

        // Nothing happens in the game: the reading client is pinged every period and kept.
        let seen = answering.read_for(PERIOD * 5 + PERIOD / 2).await;
        assert_eq!(seen.pings, (1..=5).map(|k| PERIOD * k).collect::<Vec<_>>(), "{seen:?}");
        assert!(!seen.closed, "{seen:?}");

        // The other one read nothing meanwhile, so never answered its ping at one period: it was
        // closed two periods later, with one ping only.
        let seen = silent.read_for(Duration::from_secs(1)).await;
        assert_eq!(seen.pings, [PERIOD * 5 + PERIOD / 2], "its one ping, read late: {seen:?}");
        assert!(seen.closed, "a client that never answers is closed: {seen:?}");

        // The answering one still follows the game.
        node.command(|game, now| game.start(now)).await;
        let seen = answering.read_for(Duration::from_millis(100)).await;
        assert!(matches!(&seen.messages[..], [ServerMessage::Event { .. }]), "{seen:?}");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn clients_being_sent_events_are_not_pinged_until_the_game_goes_quiet() {
    in_local_set(async {
        let node = Node::start().await;
        node.command(|game, now| game.start(now)).await;
        let mut screen = node.screen().await;

        // A ball every 5 s for four periods: never a whole period without a frame.
        let mut balls = 0;
        for _ in 0..12 {
            node.command(|game, now| game.draw(now)).await;
            let seen = screen.read_for(Duration::from_secs(5)).await;
            assert!(seen.pings.is_empty() && !seen.closed, "{seen:?}");
            balls += seen.balls();
        }
        assert_eq!(balls, 12);

        // The caller stops: after a whole quiet period (by the second tick at the latest) the
        // pings come back, and the client that answers them stays.
        let seen = screen.read_for(PERIOD * 4).await;
        assert!(!seen.closed, "{seen:?}");
        let first = seen.pings.first().copied().expect("pings once the game is quiet");
        assert!(first > Duration::from_secs(60) && first <= Duration::from_secs(60) + PERIOD * 2, "{seen:?}");
        assert!(seen.pings.len() >= 2, "{seen:?}");
    })
    .await;
}
