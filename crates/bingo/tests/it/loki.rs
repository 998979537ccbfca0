//! A running `bingo serve` pushing logs to a Loki that stops answering: the service carries on at
//! full speed, memory stays bounded, and what could not be shipped is counted in
//! `bingo_log_events_dropped_total`. (Decoding Loki's protobuf pushes and checking labels and
//! lines is tested against a fake Loki in crates/bingo-telemetry's own tests.)

use super::game::bin;
use bingo_testkit::{Backend, Options, Platform};
use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Accepts connections, reads what is sent, and never answers.
struct StalledLoki {
    port: u16,
    pushes: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl StalledLoki {
    fn start() -> StalledLoki {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (pushes, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let (p, s) = (pushes.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            // Blocking accepts; dropping the StalledLoki sets `stop` and connects once to wake it.
            for stream in listener.incoming() {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                let mut head = [0u8; 64];
                if let Ok(n) = stream.read(&mut head) {
                    if head[..n].starts_with(b"POST /loki/api/v1/push") {
                        p.fetch_add(1, Ordering::Relaxed);
                    }
                }
                held.push(stream);
            }
        });
        StalledLoki { port, pushes, stop }
    }
}

impl Drop for StalledLoki {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn dropped(text: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with("bingo_log_events_dropped_total"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn a_stalled_loki_never_slows_the_service_and_drops_are_counted() {
    let loki = StalledLoki::start();
    let mut options = Options::new(bin(), Backend::Sqlite);
    options.env.push(("BINGO_LOKI_URL".into(), format!("http://127.0.0.1:{}", loki.port)));
    let platform = Platform::start(options);
    let http = platform.api().http();

    // Every request logs a line; 3,000 of them while Loki answers nothing.
    let started = Instant::now();
    for _ in 0..3_000 {
        assert_eq!(http.get("/health").0, 200);
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "3,000 requests took {elapsed:?} with Loki stalled");

    // The pushes were attempted, and what could not be shipped is counted (a generation holds at
    // most 500 events, so most of these 3,000 lines are counted as they are logged).
    let count = within("bingo_log_events_dropped_total above 0", || {
        Some(dropped(&platform.api().http().get_text("/metrics").1)).filter(|n| *n > 0.0)
    });
    assert!(count > 0.0);
    within("a push to the stalled Loki", || (loki.pushes.load(Ordering::Relaxed) > 0).then_some(()));

    // Still serving, memory bounded.
    assert_eq!(http.get("/ready").0, 200);
    let metrics = platform.api().http().get_text("/metrics").1;
    let rss: f64 = metrics
        .lines()
        .find(|l| l.starts_with("process_resident_memory_bytes"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .expect("process_resident_memory_bytes");
    assert!(rss < 200.0 * 1024.0 * 1024.0, "resident memory {rss} bytes with Loki stalled");
}

// ---------------------------------------------------------------- the admin passphrase

/// The fake Loki of bingo-telemetry's tests, which decodes what is pushed.
#[path = "../../../bingo-telemetry/tests/telemetry/fake_loki.rs"]
#[allow(dead_code)] // bingo-telemetry's tests use the rest of it
mod fake_loki;

use bingo_testkit::{free_port, Http};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// Where a server's stdout goes.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Stdout {
    /// A file, as under systemd (the journal) or a redirect: JSON log lines.
    File,
    /// A terminal (a pseudo-terminal the test reads): pretty log lines.
    Terminal,
}

/// A `bingo serve` pushing its logs to a fake Loki, its stdout and stderr captured.
struct Server {
    child: Child,
    base: String,
    stdout: Stdout,
    out_file: PathBuf,
    err_file: PathBuf,
    /// What the terminal showed (Stdout::Terminal), and the thread reading it.
    shown: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `bingo serve` with a fresh data directory in `dir` and only the settings given here:
    /// the passphrase from `--admin-passphrase-file`, or none (so one is generated).
    fn start(dir: &Path, loki: &url::Url, stdout: Stdout, passphrase_file: Option<&Path>) -> Server {
        let port = free_port();
        let (out_file, err_file) = (dir.join("stdout"), dir.join("stderr"));
        let mut cmd = Command::new(bin());
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(dir.join("data"))
            .env_clear()
            .env("BINGO_LOKI_URL", loki.as_str())
            .env("BINGO_LOG_LEVEL", "debug")
            .env("BINGO_NODE_ID", "passphrase-test")
            .stdin(Stdio::null())
            .stderr(std::fs::File::create(&err_file).expect("stderr file"));
        if let Some(file) = passphrase_file {
            cmd.arg("--admin-passphrase-file").arg(file);
        }
        let shown = Arc::new(Mutex::new(Vec::new()));
        let reader = match stdout {
            Stdout::File => {
                cmd.stdout(std::fs::File::create(&out_file).expect("stdout file"));
                None
            }
            Stdout::Terminal => Some(crate::support::on_terminal(&mut cmd, shown.clone())),
        };
        let child = cmd.spawn().expect("start bingo");
        drop(cmd); // closes this process's copy of the terminal's other side
        let mut server =
            Server { child, base: format!("http://127.0.0.1:{port}"), stdout, out_file, err_file, shown, reader };
        let http = Http::new(&server.base);
        let deadline = Instant::now() + Duration::from_secs(30);
        while http.get("/ready").0 != 200 {
            let exited = server.child.try_wait().ok().flatten();
            assert!(exited.is_none() && Instant::now() < deadline, "bingo did not start ({exited:?})");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// The lines printed on stdout so far.
    fn stdout(&self) -> Vec<String> {
        let text = if self.stdout == Stdout::Terminal {
            String::from_utf8_lossy(&self.shown.lock().unwrap()).into_owned()
        } else {
            std::fs::read_to_string(&self.out_file).unwrap_or_default()
        };
        text.lines().map(|l| l.trim_end_matches('\r').to_string()).collect()
    }

    /// SIGTERM; once it has exited (its last logs pushed), every line of its stdout and stderr.
    fn stop(mut self) -> Vec<String> {
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("bingo did not stop within 20 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the terminal reader");
        }
        let mut lines = self.stdout();
        lines.extend(std::fs::read_to_string(&self.err_file).unwrap_or_default().lines().map(str::to_string));
        lines
    }
}

impl Drop for Server {
    /// A failed test does not leave the server running.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Logs in with the passphrase, uses the session and logs out; then fails to log in in ways
/// that carry the passphrase or something close to it.
fn log_in_and_fail(base: &str, passphrase: &str) {
    let mut http = Http::new(base);
    let (status, body) = http.post("/api/v1/admin/login", &json!({"passphrase": passphrase}));
    assert_eq!(status, 200, "login: {body}");
    http.token = Some(body["token"].as_str().expect("token").to_string());
    assert_eq!(http.get("/api/v1/games").0, 200);
    assert_eq!(http.post("/api/v1/admin/logout", &serde_json::Value::Null).0, 204);
    let http = Http::new(base);
    let attempts = [
        (json!({"passphrase": format!("{passphrase}x")}), 401),
        (json!({"passphrase": passphrase.to_uppercase()}), 401),
        (json!({"passphrase": passphrase, "remember": passphrase}), 400),
        (json!({"password": passphrase}), 400),
        (json!({ passphrase: passphrase }), 400),
        (json!({"passphrase": [passphrase]}), 400),
    ];
    for (body, expected) in attempts {
        let (status, answer) = http.post("/api/v1/admin/login", &body);
        assert_eq!(status, expected, "{body}: {answer}");
    }
}

/// Polls `f` every 100 ms for at most 15 s.
fn within<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs one server through the logins; checks the passphrase is in no pushed log line and in no
/// line it printed except, for a generated one on a terminal, the one banner line.
fn check(stdout: Stdout, configured: Option<&str>) {
    let loki = fake_loki::FakeLoki::start();
    let dir = tempfile::tempdir().expect("tmp");
    let file = configured.map(|p| {
        let path = dir.path().join("passphrase-file");
        std::fs::write(&path, format!("{p}\n")).expect("passphrase file");
        path
    });
    let server = Server::start(dir.path(), &loki.url, stdout, file.as_deref());
    let generated_file = dir.path().join("data").join("admin-passphrase");
    const BANNER: &str = "  Admin passphrase (shown only this once; write it down): ";
    let passphrase = match (configured, stdout) {
        (Some(p), _) => p.to_string(),
        (None, Stdout::File) => {
            use std::os::unix::fs::PermissionsExt;
            let path = generated_file.display().to_string();
            within("the banner naming the passphrase file", || {
                let lines = server.stdout();
                let shown = lines.iter().find(|l| l.starts_with(BANNER));
                assert!(shown.is_none(), "the passphrase was printed to stdout, which is not a terminal: {shown:?}");
                lines.iter().any(|l| l.contains("Admin passphrase") && l.contains(&path)).then_some(())
            });
            let mode = std::fs::metadata(&generated_file).expect("the passphrase file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the passphrase file is for its owner only");
            std::fs::read_to_string(&generated_file).expect("passphrase").trim().to_string()
        }
        (None, Stdout::Terminal) => within("the passphrase on the terminal", || {
            server.stdout().iter().find_map(|l| l.strip_prefix(BANNER).map(|p| p.trim().to_string()))
        }),
    };
    assert!(passphrase.len() >= 8, "{passphrase:?}");
    if configured.is_some() || stdout == Stdout::Terminal {
        assert!(!generated_file.exists(), "a passphrase file was written for {stdout:?}, configured {configured:?}");
    }
    log_in_and_fail(&server.base, &passphrase);
    // The logins reached Loki (so the check below looks at them).
    within("the logins' log lines in Loki", || {
        (loki.lines().iter().filter(|(_, l)| l.contains("/api/v1/admin/login")).count() >= 7).then_some(())
    });
    let printed = server.stop();

    let pushed = loki.lines();
    let leaked: Vec<&(String, String)> =
        pushed.iter().filter(|(labels, line)| labels.contains(&passphrase) || line.contains(&passphrase)).collect();
    assert!(
        leaked.is_empty(),
        "the passphrase was pushed to Loki ({stdout:?}, configured {configured:?}): {leaked:#?}"
    );
    assert!(pushed.iter().any(|(_, l)| l.contains("\"stopped\"")), "the last lines were not pushed: {pushed:#?}");
    let carrying: Vec<&String> = printed.iter().filter(|l| l.contains(&passphrase)).collect();
    let banner: Vec<&&String> = carrying.iter().filter(|l| l.starts_with(BANNER)).collect();
    let expected = usize::from(configured.is_none() && stdout == Stdout::Terminal);
    assert!(
        carrying.len() == expected && banner.len() == expected,
        "the passphrase was printed other than in the one banner line on a terminal ({stdout:?}, configured \
         {configured:?}): {carrying:#?}"
    );
    assert!(printed.iter().any(|l| l.contains("request finished")), "no log lines were printed: {printed:#?}");
}

#[test]
fn a_generated_passphrase_is_shown_once_on_a_terminal_and_never_logged() {
    check(Stdout::Terminal, None);
}

#[test]
fn a_generated_passphrase_off_a_terminal_goes_to_a_private_file_and_is_never_logged() {
    check(Stdout::File, None);
}

#[test]
fn a_passphrase_from_a_file_is_never_printed_nor_logged() {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let passphrase = format!("from-a-file-{:x}-{nanos:x}", std::process::id());
    check(Stdout::File, Some(&passphrase));
    check(Stdout::Terminal, Some(&passphrase));
}
