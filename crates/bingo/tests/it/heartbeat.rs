//! Heartbeats against the kernel: a client whose network vanishes while it is being sent events
//! (so it gets no pings) is closed by TCP_USER_TIMEOUT. Only a real socket and a real clock show
//! that; when pings go and an unanswered one closes a client is tested on tokio's paused clock, in
//! process (crates/bingo-realtime/src/session/tests.rs).

use crate::game::{bin, ninety_ball};
use crate::support::{draw, hello_on, metric, post, screen_hello};
use bingo_testkit::{Backend, Options, Platform, Ws};
use std::time::Duration;

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
