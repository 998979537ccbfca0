//! The rate limits through HTTP, on a clock that moves only when the test moves it: the bursts,
//! the 429s and their `Retry-After`, the refill to the second, and the admin who always gets in.
//! Nothing sleeps, so nothing depends on how fast the machine is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::dev::{Service as _, ServiceResponse};
use actix_web::{test, App};
use bingo_api::rate::Clock;
use bingo_api::{ApiState, Limits, Routes};
use bingo_service::Service;
use bingo_storage::Store;
use bingo_telemetry::{Metrics, MetricsConfig};

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use utoipa_actix_web::AppExt;

const PASSPHRASE: &str = "the-right-passphrase";

/// A service on a fresh SQLite database, with the admin passphrase set.
async fn service(dir: &tempfile::TempDir) -> Service {
    let store = Store::open(&format!("sqlite://{}", dir.path().join("bingo.db").display()), 4).expect("store");
    store.migrate().expect("migrate");
    let metrics = Metrics::new(MetricsConfig {
        service: "bingo",
        role: "serve",
        node: "limits-test".into(),
        version: "0.0.0-test",
        commit: "test",
    })
    .expect("metrics");
    let service = Service::new(store, bingo_bus::Bus::local(), "limits-test", metrics);
    service.ensure_admin(Some(PASSPHRASE.into())).await.expect("admin");
    service
}

/// Status, body and `Retry-After` (seconds).
async fn answer(res: ServiceResponse) -> (u16, Value, Option<u64>) {
    let status = res.status().as_u16();
    let retry = res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    let body = test::read_body(res).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null), retry)
}

fn from(ip: [u8; 4]) -> SocketAddr {
    SocketAddr::from((ip, 40_000))
}

macro_rules! post {
    ($app:expr, $peer:expr, $path:expr, $body:expr) => {
        post!($app, $peer, $path, $body, None::<&str>)
    };
    ($app:expr, $peer:expr, $path:expr, $body:expr, $token:expr) => {{
        let mut req = test::TestRequest::post().uri($path).peer_addr($peer).set_json($body);
        if let Some(token) = $token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        answer($app.call(req.to_request()).await.expect("call")).await
    }};
}

/// The whole API on a fresh service in `dir`, with `limits` read on `clock`.
macro_rules! app_with {
    ($dir:expr, $limits:expr, $clock:expr) => {{
        let service = service(&$dir).await;
        let metrics = service.metrics().clone();
        let state = ApiState::with_clock(service, metrics, &$limits, $clock.clone());
        test::init_service(App::new().into_utoipa_app().configure(bingo_api::configure(state, Routes::All)).into_app())
            .await
    }};
}

#[actix_web::test]
async fn failed_logins_are_limited_by_the_clock_and_the_right_passphrase_always_gets_in() {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Clock::manual();
    // 6 a minute per address: a burst of 3, then one every 10 s; 12 a minute in all: a burst of 6.
    let limits = Limits { logins_per_minute: 6, global_logins_per_minute: 12, ..Limits::default() };
    let app = app_with!(dir, limits, clock);
    let login = |p: &'static str| json!({ "passphrase": p });
    let me = from([192, 0, 2, 1]);

    for _ in 0..3 {
        assert_eq!(post!(app, me, "/api/v1/admin/login", login("a-wrong-guess")).0, 401);
    }
    let (status, body, retry) = post!(app, me, "/api/v1/admin/login", login("a-wrong-guess"));
    assert_eq!((status, retry), (429, Some(10)), "{body}");
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    let (status, body, _) = post!(app, me, "/api/v1/admin/login", login(PASSPHRASE));
    assert_eq!(status, 200, "the right passphrase, over the limit: {body}");

    clock.advance(Duration::from_millis(9_999));
    assert_eq!(post!(app, me, "/api/v1/admin/login", login("a-wrong-guess")).0, 429, "a moment too soon");
    clock.advance(Duration::from_millis(1));
    assert_eq!(post!(app, me, "/api/v1/admin/login", login("a-wrong-guess")).0, 401, "one guess a 10 s");
    assert_eq!(post!(app, me, "/api/v1/admin/login", login("a-wrong-guess")).0, 429);

    // Over all addresses together: 4 failures so far, with 2 refilled in those 10 s: 4 left of 6.
    for i in 1..=4 {
        assert_eq!(post!(app, from([198, 51, 100, i]), "/api/v1/admin/login", login("guess")).0, 401, "address {i}");
    }
    let (status, _, retry) = post!(app, from([198, 51, 100, 5]), "/api/v1/admin/login", login("guess"));
    assert_eq!((status, retry), (429, Some(5)), "the global limit: one every 5 s");
    assert_eq!(post!(app, from([198, 51, 100, 5]), "/api/v1/admin/login", login(PASSPHRASE)).0, 200);
}

#[actix_web::test]
async fn joins_burst_then_refill_to_the_second() {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Clock::manual();
    // 30 a minute per address: a burst of 10, then one every 2 s.
    let limits = Limits { joins_per_minute: 30, ..Limits::default() };
    let app = app_with!(dir, limits, clock);
    let host = from([192, 0, 2, 9]);
    let (_, body, _) = post!(app, host, "/api/v1/admin/login", json!({ "passphrase": PASSPHRASE }));
    let token = body["token"].as_str().expect("token").to_string();
    let game = json!({"kind": "90", "stages": [{"pattern": {"builtin": "full-house"}}]});
    let (status, body, _) = post!(app, host, "/api/v1/games", game, Some(&token));
    assert_eq!(status, 201, "{body}");
    let (id, code) = (body["id"].as_str().unwrap().to_string(), body["join_code"].as_str().unwrap().to_string());
    assert_eq!(post!(app, host, &format!("/api/v1/games/{id}/open"), Value::Null, Some(&token)).0, 200);

    let hall = from([203, 0, 113, 7]);
    let join = |i: u32| json!({"join_code": code, "nickname": format!("p{i}"), "cards": 1});
    for i in 0..10 {
        assert_eq!(post!(app, hall, "/api/v1/join", join(i)).0, 201, "join {i} of the burst");
    }
    let (status, body, retry) = post!(app, hall, "/api/v1/join", join(10));
    assert_eq!((status, retry), (429, Some(2)), "{body}");
    assert_eq!(post!(app, from([203, 0, 113, 8]), "/api/v1/join", join(11)).0, 201, "another address");
    clock.advance(Duration::from_secs(2));
    assert_eq!(post!(app, hall, "/api/v1/join", join(12)).0, 201, "refilled after 2 s");
    assert_eq!(post!(app, hall, "/api/v1/join", join(13)).0, 429);
}
