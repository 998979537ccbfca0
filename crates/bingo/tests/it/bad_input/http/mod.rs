//! Bad HTTP input: about 185 requests, each with its exact status and stable code. The cases
//! are tables by kind (`bodies.rs`, `values.rs`) over one scene: two games, two players, paper
//! cards and tokens.

mod bodies;
mod values;

use crate::game::{bin, ninety_ball, Player};
use crate::support::{draw, post};
use bingo_testkit::{Backend, Http, Options, Platform, PASSPHRASE};
use serde_json::{json, Value};

/// One bad request and the answer it must get.
pub(super) struct Case {
    what: String,
    method: &'static str,
    path: String,
    token: Option<String>,
    body: Vec<u8>,
    content_type: &'static str,
    status: u16,
    code: &'static str,
}

pub(super) fn case(what: &str, method: &'static str, path: &str, body: Value, status: u16, code: &'static str) -> Case {
    let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    Case {
        what: what.into(),
        method,
        path: path.into(),
        token: None,
        body,
        content_type: "application/json",
        status,
        code,
    }
}

impl Case {
    pub(super) fn token(mut self, token: &str) -> Case {
        self.token = Some(token.into());
        self
    }

    pub(super) fn raw(mut self, body: &[u8], content_type: &'static str) -> Case {
        self.body = body.to_vec();
        self.content_type = content_type;
        self
    }
}

/// Sends a case; returns a description of what went wrong, if anything.
fn run_case(base: &str, c: &Case) -> Option<String> {
    let mut http = Http::new(base);
    http.token = c.token.clone();
    let (status, body) = http.send(c.method, &c.path, &c.body, c.content_type);
    let shown_path: String = c.path.chars().take(100).collect();
    let label = format!("{} ({} {shown_path})", c.what, c.method);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    let only_error = body.as_object().map(|o| o.len()) == Some(1);
    let ok = status == c.status && body["error"]["code"] == c.code && !message.is_empty() && only_error;
    (!ok).then(|| format!("{label}: expected {} {}, got {status} {body}", c.status, c.code))
}

fn run_all(base: &str, cases: &[Case]) {
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(base, c)).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn login(http: &Http) -> String {
    let (status, body) = http.post("/api/v1/admin/login", &json!({"passphrase": PASSPHRASE}));
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().expect("token").to_string()
}

/// What the cases refer to: a random-draw game (`id`, with players and paper cards) and a
/// running manual one, an admin token and one logged out.
pub(super) struct Scene {
    pub id: String,
    pub manual_id: String,
    pub code: String,
    pub ann: Player,
    pub bob: Player,
    pub paper_serial: u64,
    pub admin: String,
    pub expired: String,
}

impl Scene {
    /// A path under the random-draw game.
    pub fn game(&self, rest: &str) -> String {
        format!("/api/v1/games/{}{rest}", self.id)
    }

    /// A path under the manual game.
    pub fn manual(&self, rest: &str) -> String {
        format!("/api/v1/games/{}{rest}", self.manual_id)
    }
}

#[test]
fn bad_http_input_gets_a_4xx_with_a_stable_code() {
    let mut platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let base = platform.api().base.clone();
    let http = platform.api().http();
    let console = platform.console();
    let admin = console.token.clone().expect("admin token");
    let (id, code) = platform.open_game(&console, ninety_ball());
    let mut manual = ninety_ball();
    manual["draw_mode"] = json!("manual");
    let (manual_id, _) = platform.open_game(&console, manual);
    post(&console, &format!("/api/v1/games/{manual_id}/start"));
    let ann = crate::game::join(&http, &code, "ann", 2);
    let bob = crate::game::join(&http, &code, "bob", 2);
    let paper = console.post(&format!("/api/v1/games/{id}/paper"), &json!({"count": 2}));
    assert_eq!(paper.0, 201, "{}", paper.1);
    let paper_serial = paper.1["first"].as_u64().expect("first");
    // A console token that has been logged out (as good as expired).
    let expired = login(&http);
    let (status, _) = http.with_token(&expired).post("/api/v1/admin/logout", &Value::Null);
    assert_eq!(status, 204);

    let scene = Scene { id: id.clone(), manual_id: manual_id.clone(), code, ann, bob, paper_serial, admin, expired };
    let cases: Vec<Case> = bodies::cases(&scene).into_iter().chain(values::cases(&scene)).collect();
    run_all(&base, &cases);
    // A wrong method is told which ones the address answers.
    let (_, body) = console.send("DELETE", "/api/v1/games", b"", "application/json");
    assert_eq!(body["error"]["message"], "this address answers GET, POST only", "{body}");

    // The barrage left the server up, well and unchanged.
    let node = platform.api_mut();
    assert!(node.is_running(), "the server died:\n{}", node.output());
    let (status, body) = node.http().get("/health");
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "{body}");
    assert!(!node.output().contains("panicked"), "{}", node.output());
    let (status, body) = console.get(&format!("/api/v1/games/{id}/players"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["players"].as_array().map(Vec::len), Some(2), "no bad join got in: {body}");
    let (status, body) = console.get("/api/v1/games");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["games"].as_array().map(Vec::len), Some(2), "no bad game was created: {body}");
    post(&console, &format!("/api/v1/games/{id}/start"));
    draw(&console, &id);
    let (status, body) = console.post(&format!("/api/v1/games/{manual_id}/call"), &json!({"number": 90}));
    assert_eq!(status, 200, "{body}");
}
