//! Helpers shared by the platform tests: reading a game's state through the API, collecting a
//! socket client's events, and checking streams against the stored log. Every wait is bounded.

use bingo_testkit::{Http, Next, Ws};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The console's snapshot of a game (`GET /api/v1/games/{id}`).
pub fn snapshot(console: &Http, id: &str) -> Value {
    let (status, body) = console.get(&format!("/api/v1/games/{id}"));
    assert_eq!(status, 200, "snapshot: {body}");
    body
}

/// The balls called so far, as the API stores them.
pub fn calls(console: &Http, id: &str) -> Vec<u64> {
    numbers(&snapshot(console, id)["game"]["calls"])
}

pub fn numbers(v: &Value) -> Vec<u64> {
    v.as_array().expect("an array").iter().map(|n| n.as_u64().expect("a number")).collect()
}

/// The sequence number of the game's last stored event.
pub fn last_seq(console: &Http, id: &str) -> u64 {
    snapshot(console, id)["game"]["last_seq"].as_u64().expect("last_seq")
}

/// The stored log (`GET /api/v1/games/{id}/events`), checked to be gapless from 1 and hash-chained.
pub fn stored_events(console: &Http, id: &str) -> Vec<Value> {
    let (status, body) = console.get(&format!("/api/v1/games/{id}/events?after=0&limit=10000"));
    assert_eq!(status, 200, "events: {body}");
    let events = body["events"].as_array().expect("events").clone();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"].as_u64(), Some(i as u64 + 1), "the stored log has a gap at {i}: {e}");
        if i > 0 {
            assert_eq!(e["prev_hash"], events[i - 1]["hash"], "the hash chain breaks at seq {}", i + 1);
        }
    }
    events
}

/// The domain events of the stored log, parsed.
pub fn stored_payloads(console: &Http, id: &str) -> Vec<Value> {
    stored_events(console, id)
        .iter()
        .map(|e| serde_json::from_str(e["payload"].as_str().expect("payload")).expect("payload JSON"))
        .collect()
}

pub fn post(http: &Http, path: &str) -> Value {
    let (status, body) = http.post(path, &Value::Null);
    assert_eq!(status, 200, "POST {path}: {body}");
    body
}

/// Draws one ball by hand; returns its number.
pub fn draw(console: &Http, id: &str) -> u64 {
    let body = post(console, &format!("/api/v1/games/{id}/draw"));
    let ball = body["events"].as_array().expect("events").iter().rev().find(|e| e["type"] == "ball_called");
    ball.expect("a ball_called event")["number"].as_u64().expect("number")
}

/// A metric from the node's /metrics: the sum of the samples of `name` whose labels include each
/// of `labels` (written `key="value"`); `None` if there is no such sample.
pub fn metric(http: &Http, name: &str, labels: &[&str]) -> Option<f64> {
    let (status, text) = http.get_text("/metrics");
    assert_eq!(status, 200, "/metrics: {text}");
    let values: Vec<f64> = text
        .lines()
        .filter(|l| l.split(['{', ' ']).next() == Some(name) && labels.iter().all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
}

/// Connects and says hello; returns the socket and the welcome.
pub fn hello(ws_url: &str, hello: Value) -> (Ws, Value) {
    hello_on(Ws::connect(ws_url), hello)
}

/// Says hello on an open socket; returns it and the welcome.
pub fn hello_on(mut ws: Ws, hello: Value) -> (Ws, Value) {
    ws.send(&hello);
    let welcome = ws.recv(Duration::from_secs(10)).expect("a welcome within 10 s");
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    (ws, welcome)
}

pub fn player_hello(token: &str, last_seq: u64, epoch: Option<&str>) -> Value {
    json!({"type": "hello", "player_token": token, "last_seq": last_seq, "epoch": epoch})
}

pub fn screen_hello(code: &str, last_seq: u64, epoch: Option<&str>) -> Value {
    json!({"type": "hello", "join_code": code, "last_seq": last_seq, "epoch": epoch})
}

/// One socket client and everything it has received, checked as it arrives: every `event`
/// continues the sequence by exactly one from the welcome's `last_seq`.
pub struct Client {
    pub name: String,
    /// The hello this client says (its `last_seq` and `epoch` are filled in on each connect).
    hello: Value,
    ws: Option<Ws>,
    pub epoch: String,
    /// The last sequence number received (or the welcome's).
    pub seq: u64,
    /// Every `event` frame received, in order.
    pub events: Vec<Value>,
    /// Everything else (claim results, updates, errors), in order.
    pub other: Vec<Value>,
}

impl Client {
    /// Connects for the first time (a snapshot welcome).
    pub fn connect(name: &str, ws_url: &str, hello_msg: Value) -> (Client, Value) {
        Client::connect_on(name, Ws::connect(ws_url), hello_msg)
    }

    /// The same on a socket the test opened itself.
    pub fn connect_on(name: &str, ws: Ws, hello_msg: Value) -> (Client, Value) {
        let (ws, welcome) = hello_on(ws, hello_msg.clone());
        assert_eq!(welcome["mode"], "snapshot", "{name}: {welcome}");
        let client = Client {
            name: name.into(),
            hello: hello_msg,
            ws: Some(ws),
            epoch: welcome["epoch"].as_str().expect("epoch").into(),
            seq: welcome["last_seq"].as_u64().expect("last_seq"),
            events: Vec::new(),
            other: Vec::new(),
        };
        (client, welcome)
    }

    /// The open socket.
    pub fn ws(&mut self) -> &mut Ws {
        self.ws.as_mut().expect("connected")
    }

    /// Drops the connection without a close handshake (as a phone losing signal does).
    pub fn drop_connection(&mut self) {
        self.ws = None;
    }

    /// Reconnects (to `ws_url`, any node) saying the last `seq` and `epoch` it saw; expects a
    /// `resume` welcome at exactly that position and returns it.
    pub fn resume(&mut self, ws_url: &str) -> Value {
        let mut msg = self.hello.clone();
        msg["last_seq"] = json!(self.seq);
        msg["epoch"] = json!(self.epoch);
        let (ws, welcome) = hello(ws_url, msg);
        assert_eq!(welcome["mode"], "resume", "{}: {welcome}", self.name);
        assert_eq!(welcome["last_seq"].as_u64(), Some(self.seq), "{}: {welcome}", self.name);
        assert_eq!(welcome["epoch"], self.epoch.as_str(), "{}: {welcome}", self.name);
        assert!(welcome["snapshot"].is_null(), "{}: a resume carries no snapshot: {welcome}", self.name);
        self.ws = Some(ws);
        welcome
    }

    fn take(&mut self, msg: Value) {
        if msg["type"] == "resync" {
            // Too far behind to replay: the stream continues after the snapshot's position.
            let seq = msg["snapshot"]["game"]["last_seq"].as_u64().expect("a resync's last_seq");
            assert!(seq >= self.seq, "{}: a resync back to {seq} from {}", self.name, self.seq);
            self.seq = seq;
            self.other.push(msg);
        } else if msg["type"] == "event" {
            let seq = msg["seq"].as_u64().expect("seq");
            assert_eq!(seq, self.seq + 1, "{}: event {seq} after {} (gap or repeat): {msg}", self.name, self.seq);
            assert_eq!(msg["epoch"], self.epoch.as_str(), "{}: {msg}", self.name);
            assert_eq!(msg["event"]["seq"].as_u64(), Some(seq), "{}: {msg}", self.name);
            self.seq = seq;
            self.events.push(msg);
        } else {
            self.other.push(msg);
        }
    }

    /// Reads until the client has every event up to `seq` (panics after 15 s).
    pub fn sync_to(&mut self, seq: u64) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.seq < seq {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{}: only up to seq {} of {seq} within 15 s", self.name, self.seq);
            match self.ws().next(left.min(Duration::from_secs(1))) {
                Next::Message(msg) => self.take(msg),
                Next::Closed(code) => panic!("{}: closed ({code:?}) at seq {} waiting for {seq}", self.name, self.seq),
                Next::Nothing => {}
            }
        }
    }

    /// Reads until a non-event message satisfies `pred` (events are recorded meanwhile).
    pub fn wait_for(&mut self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.other.iter().position(&pred) {
            return self.other.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{}: the awaited message did not come; got {:?}", self.name, self.other);
            match self.ws().next(left.min(Duration::from_secs(1))) {
                Next::Message(msg) if msg["type"] != "event" && pred(&msg) => return msg,
                Next::Message(msg) => self.take(msg),
                Next::Closed(code) => panic!("{}: closed ({code:?}) while waiting", self.name),
                Next::Nothing => {}
            }
        }
    }

    /// Reads for `quiet` and checks no event arrived (nothing beyond what was expected).
    pub fn assert_no_event_for(&mut self, quiet: Duration) {
        let before = self.events.len();
        let deadline = Instant::now() + quiet;
        while Instant::now() < deadline {
            match self.ws().next(deadline.saturating_duration_since(Instant::now())) {
                Next::Message(msg) => self.take(msg),
                Next::Closed(code) => panic!("{}: closed ({code:?})", self.name),
                Next::Nothing => {}
            }
        }
        assert_eq!(self.events.len(), before, "{}: unexpected events {:?}", self.name, &self.events[before..]);
    }

    /// The balls among the received events, in order.
    pub fn balls(&self) -> Vec<u64> {
        self.events
            .iter()
            .filter(|m| m["event"]["type"] == "ball_called")
            .map(|m| m["event"]["number"].as_u64().expect("number"))
            .collect()
    }

    /// Checks the received events are exactly the stored log's, payload for payload.
    pub fn assert_matches_log(&self, log: &[Value]) {
        for msg in &self.events {
            let seq = msg["seq"].as_u64().expect("seq") as usize;
            assert_eq!(&msg["event"], &log[seq - 1], "{}: event {seq} differs from the stored log", self.name);
        }
    }
}

/// Runs `bingo verify` on a finished game's calls; asserts FAIR and that every ball matched.
pub fn verify_finished(bin: &str, game: &Value, kind: &str) {
    let seed = game["seed"].as_str().expect("the seed is revealed");
    let calls: Vec<String> = numbers(&game["calls"]).iter().map(u64::to_string).collect();
    assert!(!calls.is_empty());
    let out = std::process::Command::new(bin)
        .args(["verify", "--commitment", game["commitment"].as_str().expect("commitment"), "--seed", seed])
        .args(["--kind", kind, "--draws", &calls.join(",")])
        .output()
        .expect("run bingo verify");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("FAIR")), "{stdout}");
    assert!(stdout.contains(&format!("all {} balls", calls.len())), "{stdout}");
}

/// Polls `f` every 100 ms until it returns Some, for at most `timeout`.
pub fn eventually<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Some number on a card (docs/CARDS.md: `numbers` is rows of cells, null for blanks).
pub fn card_number(card: &Value) -> u64 {
    fn first(v: &Value) -> Option<u64> {
        match v {
            Value::Number(n) => n.as_u64().filter(|&n| n > 0),
            Value::Array(a) => a.iter().find_map(first),
            _ => None,
        }
    }
    first(&card["numbers"]).or_else(|| first(&card["grid"])).unwrap_or_else(|| panic!("no number on {card}"))
}

/// A process a test started, killed when the test ends, whether it passed or failed.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Makes `cmd`'s stdout a pseudo-terminal (the child then sees a terminal) and reads what it
/// shows into `shown`, on a thread that ends once the child has exited. Drop `cmd` after
/// spawning it: it holds a copy of the terminal's other side.
pub fn on_terminal(
    cmd: &mut std::process::Command,
    shown: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    use std::io::Read;
    let (mut main, side) = terminal();
    cmd.stdout(side);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // Ends (EIO) once the child has exited and the terminal's other side is closed.
        while let Ok(n @ 1..) = main.read(&mut buf) {
            shown.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    })
}

/// A pseudo-terminal: its main side, read by the test, and its other side, to give a child as
/// its stdout (it then sees a terminal).
fn terminal() -> (std::fs::File, std::fs::File) {
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    use std::os::unix::fs::OpenOptionsExt;
    let main = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    grantpt(&main).expect("grantpt");
    unlockpt(&main).expect("unlockpt");
    let name = ptsname(&main, Vec::new()).expect("ptsname");
    let side = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open(name.to_str().expect("a pty name"))
        .expect("the pty's other side");
    (std::fs::File::from(main), side)
}
