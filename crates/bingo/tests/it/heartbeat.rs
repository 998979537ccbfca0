//! Heartbeats, with a ping period of a second or two (`BINGO_WS_PING_SECS`): a client that is sent
//! nothing is pinged every period and stays while it answers; one that stops answering is closed
//! two periods after its ping; a client that is being sent events gets no pings at all.

use crate::game::{bin, ninety_ball};
use crate::support::{draw, hello, hello_on, metric, post, screen_hello};
use bingo_testkit::{Backend, Options, Platform, Watched, Ws};
use std::time::Duration;

fn platform(ping_secs: u32) -> Platform {
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_WS_PING_SECS".into(), ping_secs.to_string()));
    Platform::start(options)
}

fn events(seen: &Watched, kind: &str) -> usize {
    seen.messages.iter().filter(|m| m["type"] == "event" && m["event"]["type"] == kind).count()
}

#[test]
fn idle_clients_are_pinged_and_those_that_stop_answering_are_closed() {
    let platform = platform(1);
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
    // Two-second periods: a busy test machine may hold up a draw for a while, not for a period.
    let platform = platform(2);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    post(&console, &format!("/api/v1/games/{id}/start"));
    let ws_url = platform.api().ws_url();
    let (mut screen, _) = hello(&ws_url, screen_hello(&code, 0, None));

    // A ball every 300 ms or so for two periods and more: never a whole period without a frame.
    let mut pings = 0;
    let mut balls = 0;
    for _ in 0..16 {
        draw(&console, &id);
        let seen = screen.watch(Duration::from_millis(300));
        assert!(!seen.closed, "{seen:?}");
        pings += seen.pings;
        balls += events(&seen, "ball_called");
    }
    assert_eq!(pings, 0, "a client receiving balls needs no pings");
    assert!(balls >= 15, "balls seen: {balls}");

    // The caller stops: after a whole quiet period (by the second tick at the latest) the pings
    // come back.
    let seen = screen.watch(Duration::from_millis(5000));
    assert!(seen.pings >= 1, "{seen:?}");
    assert!(!seen.closed, "{seen:?}");
}

/// A network namespace joined to this one by a veth pair: a "phone" whose network can vanish
/// without a FIN or RST, as a phone's does when it leaves the hall. Removed on drop.
struct Phone {
    namespace: String,
    host_link: String,
    host_ip: std::net::IpAddr,
}

impl Phone {
    fn ip(args: &[&str]) {
        let out = std::process::Command::new("ip").args(args).output().expect("the ip command (iproute2)");
        assert!(out.status.success(), "ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }

    fn create() -> Phone {
        let id = std::process::id();
        let (namespace, host_link, phone_link) = (format!("bingo-hb-{id}"), format!("bhb{id}h"), format!("bhb{id}p"));
        // A /30 of its own, so that parallel runs do not meet.
        let (a, b) = ((id >> 6) & 0xff, (id & 0x3f) << 2);
        let (host_ip, phone_ip) = (format!("10.213.{a}.{}", b + 1), format!("10.213.{a}.{}", b + 2));
        Phone::ip(&["netns", "add", &namespace]);
        let phone = Phone { namespace, host_link, host_ip: host_ip.parse().expect("ip") };
        Phone::ip(&["link", "add", &phone.host_link, "type", "veth", "peer", "name", &phone_link]);
        Phone::ip(&["link", "set", &phone_link, "netns", &phone.namespace]);
        Phone::ip(&["addr", "add", &format!("{host_ip}/30"), "dev", &phone.host_link]);
        Phone::ip(&["link", "set", &phone.host_link, "up"]);
        Phone::ip(&["-n", &phone.namespace, "addr", "add", &format!("{phone_ip}/30"), "dev", &phone_link]);
        Phone::ip(&["-n", &phone.namespace, "link", "set", &phone_link, "up"]);
        phone
    }

    /// A TCP connection from inside the phone's namespace (a thread moved there opens it; the
    /// socket stays in the namespace it was made in).
    fn connect(&self, to: std::net::SocketAddr) -> std::net::TcpStream {
        let namespace = std::fs::File::open(format!("/run/netns/{}", self.namespace)).expect("the namespace");
        std::thread::spawn(move || {
            use std::os::fd::AsFd;
            rustix::thread::move_into_link_name_space(
                namespace.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .expect("setns");
            std::net::TcpStream::connect_timeout(&to, Duration::from_secs(5)).expect("connect from the phone")
        })
        .join()
        .expect("the connecting thread")
    }

    /// The phone's network vanishes: nothing it sends or is sent arrives any more.
    fn vanish(&self) {
        Phone::ip(&["-n", &self.namespace, "link", "set", "lo", "down"]);
        Phone::ip(&["link", "set", &self.host_link, "down"]);
    }
}

impl Drop for Phone {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip").args(["netns", "del", &self.namespace]).status();
        let _ = std::process::Command::new("ip").args(["link", "del", &self.host_link]).status();
    }
}

/// Open screen sockets, from the node's /metrics.
fn screens_connected(http: &bingo_testkit::Http) -> u64 {
    metric(http, "bingo_ws_connections", &["client=\"screen\""]).unwrap_or(0.0) as u64
}

/// A client whose network vanishes while it is being sent balls (so it gets no pings) is closed by
/// the kernel once what it was sent stays unacknowledged for three periods (TCP_USER_TIMEOUT),
/// not after TCP's retransmissions give up (about 15 minutes). Needs root, for the namespace.
#[test]
fn a_vanished_client_that_is_sent_balls_is_closed_by_tcp() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: creating a network namespace needs root (CI runs as root)");
        return;
    }
    let phone = Phone::create();
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_WS_PING_SECS".into(), "1".into()));
    options.listen_ip = phone.host_ip;
    let platform = Platform::start(options);
    let console = platform.console();
    let (id, code) = platform.open_game(&console, ninety_ball());
    post(&console, &format!("/api/v1/games/{id}/start"));

    let address = std::net::SocketAddr::new(phone.host_ip, platform.api().port);
    let socket = Ws::over(phone.connect(address), &platform.api().ws_url());
    let (ws, _) = hello_on(socket, screen_hello(&code, 0, None));
    assert_eq!(screens_connected(&console), 1);

    // Balls for two seconds: the phone is there (its kernel acknowledges), so it stays.
    for _ in 0..7 {
        draw(&console, &id);
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(screens_connected(&console), 1, "a phone that acknowledges stays connected");

    phone.vanish();
    let vanished = std::time::Instant::now();
    let mut closed_after = None;
    while vanished.elapsed() < Duration::from_secs(8) {
        draw(&console, &id);
        std::thread::sleep(Duration::from_millis(300));
        if screens_connected(&console) == 0 {
            closed_after = Some(vanished.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the vanished phone's socket was still open 8 s later");
    assert!(closed_after >= Duration::from_millis(2500), "closed before three periods: {closed_after:?}");
    drop(ws);
}
