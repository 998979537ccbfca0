//! Test kit: starts the real `bingo` binary on a free loopback port against a fresh database
//! (a temporary SQLite file, or a PostgreSQL database created for the test and dropped after),
//! optionally with Redis under a key prefix of its own, and gives small blocking HTTP and
//! WebSocket clients to drive it. Nothing is mocked.
//!
//! Environment: `BINGO_TEST_PG` (default postgres://postgres@127.0.0.1:5432) and
//! `BINGO_TEST_REDIS` (default redis://127.0.0.1:6379).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test kit fails loudly

mod http;
mod ws;

pub use http::Http;
pub use ws::{Next, Ws};

use serde_json::Value;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PASSPHRASE: &str = "test-passphrase-1234";

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn random_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{:x}{:x}", std::process::id(), nanos ^ (free_port() as u32) << 8)
}

/// A PostgreSQL database that exists for one test.
pub struct PgDatabase {
    pub name: String,
    pub url: String,
    admin: String,
}

impl PgDatabase {
    pub fn create() -> PgDatabase {
        let base = std::env::var("BINGO_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("bingo_test_{}", random_suffix());
        let admin = format!("{base}/postgres");
        psql(&admin, &format!("CREATE DATABASE {name}"));
        PgDatabase { url: format!("{base}/{name}"), name, admin }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        psql(&self.admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

fn psql(url: &str, sql: &str) {
    let out =
        Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql]).output().expect("psql must be installed");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Where a server keeps its data.
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// One running `bingo` process.
pub struct Node {
    pub port: u16,
    pub base: String,
    child: Option<Child>,
    binary: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    log: PathBuf,
}

impl Node {
    fn spawn(&mut self) {
        let log = std::fs::File::create(&self.log).expect("log file");
        let child = Command::new(&self.binary)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start bingo");
        self.child = Some(child);
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let http = Http::new(&self.base);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("bingo exited ({status}) before it was ready:\n{}", self.output());
                }
            }
            if http.get("/ready").0 == 200 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("bingo was not ready within 30 s:\n{}", self.output());
    }

    /// Everything the process printed.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running (it has not exited or been killed).
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// kill -9.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then wait for the process to end; returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        let Some(mut child) = self.child.take() else { return false };
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        false
    }

    /// Starts the process again with the same settings (after `kill` or `terminate`).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub fn http(&self) -> Http {
        Http::new(&self.base)
    }

    pub fn ws_url(&self) -> String {
        format!("ws{}/ws", self.base.trim_start_matches("http"))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A platform under test: one node, or an API node with realtime nodes on Redis.
pub struct Platform {
    pub nodes: Vec<Node>,
    _dir: tempfile::TempDir,
    _db: Option<PgDatabase>,
    data_dir: PathBuf,
}

/// How to start a platform.
pub struct Options {
    pub binary: PathBuf,
    pub backend: Backend,
    /// Use Redis for the bus (required with realtime nodes).
    pub redis: bool,
    /// Realtime nodes beside one API node; 0 = a single `bingo serve`.
    pub realtime_nodes: usize,
    /// Extra environment for every node.
    pub env: Vec<(String, String)>,
    /// The address the nodes listen on (a loopback address, or one of a test's own network).
    pub listen_ip: std::net::IpAddr,
    /// The Redis the nodes use, instead of `BINGO_TEST_REDIS` (a test's own server, to stop).
    pub redis_url: Option<String>,
    /// The PostgreSQL database the nodes use as it is, instead of a fresh one on `BINGO_TEST_PG`
    /// (in a test's own cluster, to restart; the test creates and removes it).
    pub database_url: Option<String>,
    /// The embedded database's directory, instead of one in the platform's temporary directory
    /// (a small filesystem a test mounted, to fill).
    pub data_dir: Option<PathBuf>,
}

impl Options {
    pub fn new(binary: impl AsRef<Path>, backend: Backend) -> Options {
        Options {
            binary: binary.as_ref().to_path_buf(),
            backend,
            redis: false,
            realtime_nodes: 0,
            env: Vec::new(),
            listen_ip: std::net::Ipv4Addr::LOCALHOST.into(),
            redis_url: None,
            database_url: None,
            data_dir: None,
        }
    }
}

impl Platform {
    pub fn start(options: Options) -> Platform {
        let dir = tempfile::tempdir().expect("temp dir");
        let passphrase_file = dir.path().join("passphrase");
        std::fs::write(&passphrase_file, PASSPHRASE).expect("write passphrase");
        let postgres = matches!(options.backend, Backend::Postgres);
        let db = (postgres && options.database_url.is_none()).then(PgDatabase::create);
        let data_dir = options.data_dir.clone().unwrap_or_else(|| dir.path().join("data"));
        let mut env: Vec<(String, String)> = vec![
            ("BINGO_DATA_DIR".into(), data_dir.display().to_string()),
            ("BINGO_ADMIN_PASSPHRASE_FILE".into(), passphrase_file.display().to_string()),
            ("BINGO_LOG_FORMAT".into(), "json".into()),
            ("BINGO_LOG_LEVEL".into(), "info".into()),
            ("BINGO_JOINS_PER_MINUTE".into(), "100000".into()),
            ("BINGO_CLAIMS_PER_MINUTE".into(), "100000".into()),
        ];
        if let Some(url) = db.as_ref().map(|db| &db.url).or(options.database_url.as_ref().filter(|_| postgres)) {
            env.push(("BINGO_DATABASE_URL".into(), url.clone()));
        }
        if options.redis || options.realtime_nodes > 0 {
            let url = options.redis_url.clone().unwrap_or_else(|| {
                std::env::var("BINGO_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
            });
            env.push(("BINGO_REDIS_URL".into(), url));
            env.push(("BINGO_REDIS_PREFIX".into(), format!("bingo-test-{}", random_suffix())));
        }
        env.extend(options.env.iter().cloned());
        let roles: Vec<&str> = if options.realtime_nodes == 0 {
            vec!["serve"]
        } else {
            std::iter::once("api").chain(std::iter::repeat_n("realtime", options.realtime_nodes)).collect()
        };
        let mut nodes = Vec::new();
        for (i, role) in roles.iter().enumerate() {
            let port = free_port();
            let mut node_env = env.clone();
            let listen = std::net::SocketAddr::new(options.listen_ip, port);
            node_env.push(("BINGO_LISTEN".into(), listen.to_string()));
            node_env.push(("BINGO_NODE_ID".into(), format!("test-{role}-{i}")));
            let mut node = Node {
                port,
                base: format!("http://{listen}"),
                child: None,
                binary: options.binary.clone(),
                args: vec![role.to_string()],
                env: node_env,
                log: dir.path().join(format!("{role}-{i}.log")),
            };
            node.spawn();
            nodes.push(node);
        }
        Platform { nodes, _dir: dir, _db: db, data_dir }
    }

    /// The data directory of the embedded database (SQLite backend).
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }

    /// The node that serves the API (the first).
    pub fn api(&self) -> &Node {
        &self.nodes[0]
    }

    pub fn api_mut(&mut self) -> &mut Node {
        &mut self.nodes[0]
    }

    /// A logged-in console's HTTP client.
    pub fn console(&self) -> Http {
        let mut http = self.api().http();
        let (status, body) = http.post("/api/v1/admin/login", &serde_json::json!({"passphrase": PASSPHRASE}));
        assert_eq!(status, 200, "login: {body}");
        http.token = Some(body["token"].as_str().expect("token").to_string());
        http
    }

    /// Creates a game (as `console`) and opens it; returns (game id, join code).
    pub fn open_game(&self, console: &Http, config: Value) -> (String, String) {
        let (status, body) = console.post("/api/v1/games", &config);
        assert_eq!(status, 201, "create: {body}");
        let id = body["id"].as_str().expect("id").to_string();
        let code = body["join_code"].as_str().expect("code").to_string();
        let (status, body) = console.post(&format!("/api/v1/games/{id}/open"), &Value::Null);
        assert_eq!(status, 200, "open: {body}");
        (id, code)
    }
}
