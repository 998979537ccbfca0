//! A fake Loki on 127.0.0.1: speaks just enough HTTP/1.1 to take `POST /loki/api/v1/push`
//! (protobuf, snappy block format) and can be told to stall or to close connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use prost::Message;

#[derive(Clone, PartialEq, Message)]
pub struct PushRequest {
    #[prost(message, repeated, tag = "1")]
    pub streams: Vec<StreamAdapter>,
}

#[derive(Clone, PartialEq, Message)]
pub struct StreamAdapter {
    #[prost(string, tag = "1")]
    pub labels: String,
    #[prost(message, repeated, tag = "2")]
    pub entries: Vec<EntryAdapter>,
    #[prost(uint64, tag = "3")]
    pub hash: u64,
}

#[derive(Clone, PartialEq, Message)]
pub struct EntryAdapter {
    #[prost(message, optional, tag = "1")]
    pub timestamp: Option<Timestamp>,
    #[prost(string, tag = "2")]
    pub line: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct Timestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// How the fake answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// 204 No Content after decoding.
    Answer = 0,
    /// Reads the request and never answers (keeps the socket open for a while).
    Stall = 1,
    /// Closes the connection without answering.
    Close = 2,
}

/// One received stream: its label set and its lines.
#[derive(Debug, Clone)]
pub struct Received {
    pub labels: String,
    pub lines: Vec<String>,
}

pub struct FakeLoki {
    pub url: url::Url,
    mode: Arc<AtomicU8>,
    stop: Arc<AtomicBool>,
    received: Arc<Mutex<Vec<Received>>>,
    /// Requests held unanswered (in `Mode::Stall`).
    stalled: Arc<AtomicUsize>,
    addr: std::net::SocketAddr,
}

/// At most this many pushes are kept (the tests look at the first few).
const KEEP_PUSHES: usize = 10_000;
/// A stalled connection is held at most this long.
const STALL_FOR: Duration = Duration::from_secs(20);

impl FakeLoki {
    pub fn start() -> FakeLoki {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(Mode::Answer as u8));
        let stop = Arc::new(AtomicBool::new(false));
        let received = Arc::new(Mutex::new(Vec::new()));
        let stalled = Arc::new(AtomicUsize::new(0));
        {
            let (mode, stop, received, stalled) = (mode.clone(), stop.clone(), received.clone(), stalled.clone());
            thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (mode, stop, received, stalled) =
                        (mode.clone(), stop.clone(), received.clone(), stalled.clone());
                    thread::spawn(move || serve(conn, &mode, &stop, &received, &stalled));
                }
            });
        }
        FakeLoki { url: url::Url::parse(&format!("http://{addr}")).unwrap(), mode, stop, received, stalled, addr }
    }

    pub fn set_mode(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    /// How many requests it has held unanswered so far.
    pub fn stalled(&self) -> usize {
        self.stalled.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn lines(&self) -> Vec<(String, String)> {
        self.received().into_iter().flat_map(|r| r.lines.into_iter().map(move |l| (r.labels.clone(), l))).collect()
    }
}

impl Drop for FakeLoki {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn serve(conn: TcpStream, mode: &AtomicU8, stop: &AtomicBool, received: &Mutex<Vec<Received>>, stalled: &AtomicUsize) {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut writer = match conn.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(conn);
    // Keep-alive: several requests per connection, bounded.
    for _ in 0..1000 {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; content_length.min(64 << 20)];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        match mode.load(Ordering::SeqCst) {
            m if m == Mode::Stall as u8 => {
                // Never answer; hold the socket until the client gives up or we stop.
                stalled.fetch_add(1, Ordering::SeqCst);
                let deadline = std::time::Instant::now() + STALL_FOR;
                while std::time::Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
                    let mut buf = [0u8; 1024];
                    match reader.read(&mut buf) {
                        Ok(0) => return,
                        Ok(_) => {}
                        Err(_) => {}
                    }
                }
                return;
            }
            m if m == Mode::Close as u8 => return,
            _ => {}
        }
        let ok = request_line.starts_with("POST /loki/api/v1/push ");
        if ok {
            let decoded = snap::raw::Decoder::new().decompress_vec(&body).expect("snappy block");
            let push = PushRequest::decode(decoded.as_slice()).expect("PushRequest protobuf");
            let mut received = received.lock().unwrap();
            for s in push.streams {
                if received.len() < KEEP_PUSHES {
                    received
                        .push(Received { labels: s.labels, lines: s.entries.into_iter().map(|e| e.line).collect() });
                }
            }
        }
        let status = if ok { "204 No Content" } else { "404 Not Found" };
        if writer.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes()).is_err() {
            return;
        }
    }
}
