//! The OpenAPI document names exactly the routes the server registers: both come from the same
//! declarations, and this checks it against actix-web's own routing table (its route
//! introspection, enabled for tests only), for each role.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use super::{app_routes, Parts};
use actix_web::{test, web, App, HttpResponse};
use std::collections::{BTreeMap, BTreeSet};

fn parts(dir: &std::path::Path, routes: bingo_api::Routes, sockets: bool, web: bool) -> Parts {
    let db = dir.join("bingo.db");
    let store = bingo_storage::Store::open(&format!("sqlite://{}", db.display()), 2).expect("store");
    store.migrate().expect("migrate");
    let metrics = bingo_telemetry::Metrics::new(bingo_telemetry::MetricsConfig {
        service: "bingo",
        role: "test",
        node: "test".into(),
        version: "0",
        commit: "test",
    })
    .expect("metrics");
    let service = bingo_service::Service::new(store, bingo_bus::Bus::local(), "test", metrics.clone());
    let api = bingo_api::ApiState::new(service, metrics, &bingo_api::Limits::default());
    let web = web.then(|| bingo_web::WebConfig {
        public_url: "http://bingo.local".into(),
        listen: "127.0.0.1:8080".parse().expect("addr"),
        lan_port: None,
    });
    Parts { api, routes, sockets, web }
}

const REPORT: &str = "/__routes";

/// (method, path) of every route with a method, and the paths of those without any method guard,
/// as actix-web registered them.
/// With `sneaky`, a plain actix-web route is added beside the declared ones.
async fn registered(
    parts: &Parts,
    sneaky: bool,
) -> (BTreeSet<(String, String)>, BTreeSet<String>, utoipa::openapi::OpenApi) {
    async fn report(tree: web::Data<actix_web::introspection::IntrospectionTree>) -> HttpResponse {
        HttpResponse::Ok().content_type("application/json").body(tree.report_as_json())
    }
    let mut base = App::new();
    if sneaky {
        base = base.route("/sneaky", web::get().to(HttpResponse::Ok));
    }
    let (app, doc) = app_routes(base, parts);
    let app = test::init_service(app.route(REPORT, web::get().to(report))).await;
    let items: Vec<serde_json::Value> =
        test::call_and_read_body_json(&app, test::TestRequest::get().uri(REPORT).to_request()).await;
    let (mut with, mut without) = (BTreeSet::new(), BTreeSet::new());
    for item in items.iter().filter(|i| i["resource_type"] == "resource" && i["full_path"] != REPORT) {
        let path = item["full_path"].as_str().expect("full_path").to_string();
        let methods = item["methods"].as_array().expect("methods");
        if methods.is_empty() {
            without.insert(path.clone());
        }
        for m in methods {
            with.insert((m.as_str().expect("method").to_string(), path.clone()));
        }
    }
    (with, without, doc)
}

fn documented(doc: &utoipa::openapi::OpenApi) -> BTreeMap<String, Vec<&'static str>> {
    bingo_api::doc::methods(doc)
}

/// What is registered but not documented, and what is documented but not registered.
async fn mismatches(role: &str, parts: &Parts, sneaky: bool) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let (with_method, without_method, doc) = registered(parts, sneaky).await;
    let documented = documented(&doc);
    let documented_pairs: BTreeSet<(String, String)> = documented
        .iter()
        .flat_map(|(path, methods)| methods.iter().map(move |m| (m.to_string(), path.clone())))
        .collect();
    // The web apps' pages and files are not API operations; nothing else may be left out.
    let files: BTreeSet<String> =
        if parts.web.is_some() { bingo_web::file_routes().into_iter().collect() } else { BTreeSet::new() };
    let undocumented =
        with_method.iter().filter(|r| !files.contains(&r.1) && !documented_pairs.contains(*r)).cloned().collect();
    let unregistered: Vec<_> = documented_pairs.difference(&with_method).cloned().collect();
    // Routes without a method guard are the 405 answers, on documented paths only (actix-web
    // reports a path's methods together, so a documented path shows its methods, not these).
    let stray: Vec<_> = without_method.iter().filter(|p| !documented.contains_key(*p)).collect();
    assert!(stray.is_empty(), "{role}: routes for any method that no operation documents: {stray:?}");
    (undocumented, unregistered)
}

#[actix_web::test]
async fn every_registered_route_is_documented_and_every_documented_route_registered() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (role, parts) in [
        ("serve", parts(dir.path(), bingo_api::Routes::All, true, true)),
        ("api", parts(dir.path(), bingo_api::Routes::All, false, false)),
        ("realtime", parts(dir.path(), bingo_api::Routes::SystemOnly, true, false)),
    ] {
        let (undocumented, unregistered) = mismatches(role, &parts, false).await;
        assert!(
            undocumented.is_empty() && unregistered.is_empty(),
            "{role}: registered but not documented: {undocumented:?}; documented but not registered: {unregistered:?}"
        );
        let (_, _, doc) = registered(&parts, false).await;
        let documented = documented(&doc);
        let expected: &[&str] = match role {
            "serve" => &["/ws", "/qr.svg", "/api/v1/web/config", "/api/openapi.json", "/api/v1/join"],
            "api" => &["/api/openapi.json", "/api/v1/join"],
            _ => &["/ws", "/health", "/ready", "/metrics"],
        };
        for path in expected {
            assert!(documented.contains_key(*path), "{role}: {path}");
        }
    }
}

/// The check is real: a route registered outside the declarations (a plain actix-web route) is
/// caught.
#[actix_web::test]
async fn a_route_registered_without_its_operation_is_caught() {
    let dir = tempfile::tempdir().expect("tempdir");
    let parts = parts(dir.path(), bingo_api::Routes::All, false, false);
    let (undocumented, _) = mismatches("api", &parts, true).await;
    assert_eq!(undocumented, [("GET".to_string(), "/sneaky".to_string())]);
}
