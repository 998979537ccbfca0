//! The Caddyfile the NixOS module deploys, rendered by the module's own renderer, validated by
//! a real Caddy and serving the platform end to end: the apps, the API and the WebSocket.

use super::game::{bin, hello_screen, join};
use bingo_testkit::{free_port, Backend, Http, Options, Platform};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tool(name: &str, install: &str) -> String {
    let found = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().expect("sh");
    assert!(found.status.success(), "{name} is needed for this test: {install}");
    name.to_string()
}

/// The venue Caddyfile (plain HTTP) exactly as modules/caddy/render.nix makes it, moved to a
/// test port with the admin endpoint off.
fn render(upstream: &str, port: u16) -> String {
    let nix = tool("nix-instantiate", "apt-get install nix-bin");
    let render = repo().join("modules/caddy/render.nix");
    let expr = format!(
        "import {} {{ domain = \"bingo.local\"; apiUpstream = \"{upstream}\"; realtimeUpstreams = [ \"{upstream}\" ]; }}",
        render.display()
    );
    let out =
        Command::new(nix).args(["--eval", "--strict", "--json", "--expr", &expr]).output().expect("nix-instantiate");
    assert!(out.status.success(), "render: {}", String::from_utf8_lossy(&out.stderr));
    let text: String = serde_json::from_slice(&out.stdout).expect("a JSON string");
    assert!(text.contains(":80 {") && text.contains("admin localhost:2019"), "the template changed shape:\n{text}");
    text.replace(":80 {", &format!(":{port} {{")).replace("admin localhost:2019", "admin off")
}

pub struct Caddy(Child);

impl Drop for Caddy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_caddy(config: &Path, port: u16) -> Caddy {
    let caddy = tool("caddy", "apt-get install caddy");
    let validate = Command::new(&caddy)
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(config)
        .output()
        .expect("caddy");
    assert!(validate.status.success(), "caddy validate: {}", String::from_utf8_lossy(&validate.stderr));
    let child = Command::new(&caddy)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(config)
        .env("HOME", config.parent().expect("dir"))
        .env("XDG_DATA_HOME", config.parent().expect("dir"))
        .env("XDG_CONFIG_HOME", config.parent().expect("dir"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("caddy run");
    let guard = Caddy(child);
    let http = Http::new(&format!("http://127.0.0.1:{port}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while http.get("/health").0 != 200 {
        assert!(Instant::now() < deadline, "caddy did not proxy /health within 20 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    guard
}

/// The deployed Caddyfile in front of the platform's API node: Caddy's base URL, and the guards
/// that stop Caddy and remove its directory.
pub fn caddy_in_front(platform: &Platform) -> (String, Caddy, tempfile::TempDir) {
    let port = free_port();
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("Caddyfile");
    std::fs::write(&config, render(&format!("127.0.0.1:{}", platform.api().port), port)).expect("write");
    let caddy = start_caddy(&config, port);
    (format!("http://127.0.0.1:{port}"), caddy, dir)
}

#[test]
fn the_deployed_caddyfile_serves_the_platform_end_to_end() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let (base, _caddy, _dir) = caddy_in_front(&platform);

    // The apps, with the security headers, and /metrics kept private.
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let page = agent.get(format!("{base}/player/")).call().expect("player page");
    assert_eq!(page.status(), 200);
    let headers = page.headers();
    assert!(headers.get("content-security-policy").is_some(), "CSP missing");
    assert_eq!(headers.get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
    assert_eq!(headers.get("referrer-policy").and_then(|v| v.to_str().ok()), Some("no-referrer"));
    assert!(headers.get("strict-transport-security").is_none(), "no HSTS on plain HTTP");
    assert_eq!(agent.get(format!("{base}/metrics")).call().expect("metrics").status(), 404);

    // A game through the proxy: API and WebSocket.
    let mut console = Http::new(&base);
    let (status, body) = console.post("/api/v1/admin/login", &json!({"passphrase": bingo_testkit::PASSPHRASE}));
    assert_eq!(status, 200, "{body}");
    console.token = Some(body["token"].as_str().expect("token").into());
    let (status, body) =
        console.post("/api/v1/games", &json!({"kind": "75", "stages": [{"pattern": {"builtin": "blackout"}}]}));
    assert_eq!(status, 201, "{body}");
    let (id, code) =
        (body["id"].as_str().expect("id").to_string(), body["join_code"].as_str().expect("code").to_string());
    assert_eq!(console.post(&format!("/api/v1/games/{id}/open"), &Value::Null).0, 200);
    join(&Http::new(&base), &code, "ann", 2);
    let mut screen = hello_screen(&format!("{}/ws", base.replacen("http://", "ws://", 1)), &code);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);
    let (status, body) = console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null);
    assert_eq!(status, 200, "{body}");
    let ball = body["snapshot"]["game"]["calls"][0].as_u64().expect("a ball");
    let event = screen
        .recv_until(Duration::from_secs(10), |m| m["type"] == "event" && m["event"]["type"] == "ball_called")
        .expect("the ball arrives through Caddy");
    assert_eq!(event["event"]["number"].as_u64(), Some(ball));
}
