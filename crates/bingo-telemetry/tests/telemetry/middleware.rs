//! (b) The middleware records requests by route template, counts in-flight requests, and sets
//! `x-request-id`.

use actix_web::{test, web, App, HttpResponse};
use bingo_telemetry::{valid_request_id, RequestId, RequestMetrics, REQUEST_ID_HEADER};

use crate::{new_metrics, render_text};

async fn draw(path: web::Path<String>, id: web::ReqData<RequestId>) -> HttpResponse {
    tracing::info!(game = %path, "drawing a ball");
    HttpResponse::Ok().body(id.into_inner().0)
}

async fn fail() -> HttpResponse {
    HttpResponse::ServiceUnavailable().finish()
}

#[actix_web::test]
async fn records_route_template_and_sets_request_id() {
    let metrics = new_metrics();
    let app = test::init_service(
        App::new()
            .wrap(RequestMetrics::new(metrics.clone()))
            .route("/api/v1/games/{id}/draw", web::post().to(draw))
            .route("/api/v1/fail", web::get().to(fail)),
    )
    .await;

    // A generated id.
    let res = test::call_service(&app, test::TestRequest::post().uri("/api/v1/games/g-8f3a2c/draw").to_request()).await;
    assert_eq!(res.status(), 200);
    let generated = res.headers().get(REQUEST_ID_HEADER).expect("x-request-id").to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 16);
    assert!(generated.bytes().all(|b| b.is_ascii_hexdigit()), "{generated}");
    // The handler sees the same id.
    assert_eq!(test::read_body(res).await, generated.as_bytes());

    // A valid incoming id is honoured.
    let res = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/games/g-other/draw")
            .insert_header((REQUEST_ID_HEADER, "edge-42.a_b"))
            .to_request(),
    )
    .await;
    assert_eq!(res.headers().get(REQUEST_ID_HEADER).unwrap(), "edge-42.a_b");

    // An unsafe or over-long one is replaced.
    for bad in ["has space", "<script>", &"x".repeat(65)] {
        let res = test::call_service(
            &app,
            test::TestRequest::post().uri("/api/v1/games/g1/draw").insert_header((REQUEST_ID_HEADER, bad)).to_request(),
        )
        .await;
        let id = res.headers().get(REQUEST_ID_HEADER).unwrap().to_str().unwrap();
        assert_ne!(id, bad);
        assert!(valid_request_id(id) && id.len() == 16, "{id}");
    }

    let res = test::call_service(&app, test::TestRequest::get().uri("/no/such/path/123").to_request()).await;
    assert_eq!(res.status(), 404);
    assert!(res.headers().contains_key(REQUEST_ID_HEADER));
    let res = test::call_service(&app, test::TestRequest::get().uri("/api/v1/fail").to_request()).await;
    assert_eq!(res.status(), 503);

    let text = render_text(&metrics);
    for expected in [
        "bingo_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/games/{id}/draw\",status_class=\"2xx\"} 5",
        "bingo_http_request_duration_seconds_count{method=\"GET\",route=\"unmatched\",status_class=\"4xx\"} 1",
        "bingo_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/fail\",status_class=\"5xx\"} 1",
        "bingo_http_requests_in_flight 0",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    for raw in ["g-8f3a2c", "g-other", "/no/such/path", "edge-42"] {
        assert!(!text.contains(raw), "raw path or id {raw:?} leaked into labels:\n{text}");
    }
}

#[actix_web::test]
async fn counts_requests_in_flight() {
    let metrics = new_metrics();
    let probe = metrics.clone();
    let app = test::init_service(App::new().wrap(RequestMetrics::new(metrics.clone())).route(
        "/inside",
        web::get().to(move || {
            let text = render_text(&probe);
            async move { HttpResponse::Ok().body(text) }
        }),
    ))
    .await;
    let body = test::call_and_read_body(&app, test::TestRequest::get().uri("/inside").to_request()).await;
    let inside = String::from_utf8(body.to_vec()).unwrap();
    assert!(inside.contains("bingo_http_requests_in_flight 1"), "{inside}");
    assert!(render_text(&metrics).contains("bingo_http_requests_in_flight 0"));
}
