//! (a) Every contracted series is in /metrics from the start, with clean labels, configured buckets,
//! and an exposition that `promtool check metrics` accepts.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use bingo_telemetry::{ClaimOutcome, GameState, WsClient, LATENCY_BUCKETS_SECONDS};

use crate::{new_metrics, render_text, samples};

/// Every series of the contract, as its base name (histograms: without `_bucket`/`_sum`/`_count`).
const SERIES: &[(&str, &str)] = &[
    ("bingo_http_request_duration_seconds", "histogram"),
    ("bingo_http_requests_in_flight", "gauge"),
    ("bingo_ws_connections", "gauge"),
    ("bingo_ws_connections_accepted_total", "counter"),
    ("bingo_events_published_total", "counter"),
    ("bingo_events_delivered_total", "counter"),
    ("bingo_ball_delivery_delay_seconds", "histogram"),
    ("bingo_ws_resyncs_total", "counter"),
    ("bingo_ws_slow_client_drops_total", "counter"),
    ("bingo_bus_lag_seconds", "histogram"),
    ("bingo_games", "gauge"),
    ("bingo_players_joined_total", "counter"),
    ("bingo_claims_total", "counter"),
    ("bingo_balls_drawn_total", "counter"),
    ("bingo_db_pool_connections", "gauge"),
    ("bingo_db_pool_wait_seconds", "histogram"),
    ("bingo_db_query_duration_seconds", "histogram"),
    ("bingo_redis_errors_total", "counter"),
    ("bingo_build_info", "gauge"),
    ("bingo_uptime_seconds", "gauge"),
    ("bingo_log_events_dropped_total", "counter"),
    ("process_resident_memory_bytes", "gauge"),
    ("process_cpu_seconds_total", "counter"),
    ("process_start_time_seconds", "gauge"),
];

fn promtool_check(text: &str) {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            panic!("promtool is required for this test (Debian package `prometheus`: apt-get install prometheus): {e}")
        }
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics failed ({}):\n{}{}\n--- exposition ---\n{text}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check_contract(text: &str) {
    let samples = samples(text);
    for (name, kind) in SERIES {
        let type_line = format!("# TYPE {name} {kind}");
        assert!(text.lines().any(|l| l == type_line), "missing `{type_line}` in:\n{text}");
        let present = if *kind == "histogram" {
            ["_bucket", "_sum", "_count"].iter().all(|s| samples.iter().any(|(n, _, _)| *n == format!("{name}{s}")))
        } else {
            samples.iter().any(|(n, _, _)| n == name)
        };
        assert!(present, "no sample of {name} in:\n{text}");
    }
    assert!(!text.contains("otel_scope"), "otel_scope labels present:\n{text}");
    assert!(!text.contains("target_info"), "target_info present:\n{text}");
}

fn buckets_of(text: &str, name: &str) -> Vec<String> {
    let bucket = format!("{name}_bucket");
    let mut les: Vec<String> = samples(text)
        .into_iter()
        .filter(|(n, _, _)| *n == bucket)
        .filter_map(|(_, labels, _)| {
            let start = labels.find("le=\"")? + 4;
            let end = labels[start..].find('"')? + start;
            Some(labels[start..end].to_owned())
        })
        .collect();
    les.dedup();
    les
}

fn expected_les() -> Vec<String> {
    let mut les: Vec<String> = LATENCY_BUCKETS_SECONDS.iter().map(|b| b.to_string()).collect();
    les.push("+Inf".into());
    les
}

#[test]
fn every_series_exists_before_any_traffic_and_passes_promtool() {
    let metrics = new_metrics();
    let text = render_text(&metrics);
    check_contract(&text);
    promtool_check(&text);

    for h in ["bingo_http_request_duration_seconds", "bingo_bus_lag_seconds", "bingo_db_query_duration_seconds"] {
        assert_eq!(buckets_of(&text, h), expected_les(), "{h} buckets");
    }
    // Known label sets exist at zero.
    for client in ["player", "screen", "console"] {
        assert!(
            text.contains(&format!("bingo_ws_connections{{client=\"{client}\",node=\"node-a\"}} 0")),
            "ws {client}:\n{text}"
        );
    }
    for state in ["created", "open", "running", "paused", "finished"] {
        assert!(text.contains(&format!("bingo_games{{state=\"{state}\"}} 0")), "games {state}:\n{text}");
    }
    assert!(text.contains("bingo_claims_total{outcome=\"rejected\"} 0"), "{text}");
    assert!(text.contains("bingo_db_pool_connections{state=\"in_use\"} 0"), "{text}");
    assert!(text.contains("bingo_build_info{commit=\"abc1234\",version=\"0.1.0-test\"} 1"), "{text}");
}

#[test]
fn recorded_values_show_up_with_bounded_labels() {
    let metrics = new_metrics();
    let player = metrics.ws_connection(WsClient::Player);
    let _screen = metrics.ws_connection(WsClient::Screen);
    drop(player);
    metrics.events_published(3);
    metrics.events_delivered(7);
    metrics.record_ball_delivery_delay(Duration::from_millis(30));
    metrics.record_bus_lag(Duration::from_micros(800));
    metrics.ws_resync();
    metrics.ws_slow_client_drop();
    metrics.set_games(GameState::Running, 2);
    metrics.player_joined();
    metrics.claim(ClaimOutcome::Accepted);
    metrics.ball_drawn();
    metrics.set_db_pool(3, 1);
    metrics.record_db_pool_wait(Duration::from_millis(2));
    metrics.record_db_query("append_events", Duration::from_millis(4));
    metrics.redis_error();
    metrics.record_http_request("/api/v1/games/{id}", "GET", 200, Duration::from_millis(180));
    metrics.record_http_request("unmatched", "BREW", 404, Duration::from_millis(1));

    let text = render_text(&metrics);
    check_contract(&text);
    promtool_check(&text);
    for expected in [
        "bingo_ws_connections{client=\"player\",node=\"node-a\"} 0",
        "bingo_ws_connections{client=\"screen\",node=\"node-a\"} 1",
        "bingo_ws_connections_accepted_total{node=\"node-a\"} 2",
        "bingo_events_published_total 3",
        "bingo_events_delivered_total 7",
        "bingo_ball_delivery_delay_seconds_bucket{le=\"0.05\"} 1",
        "bingo_ball_delivery_delay_seconds_bucket{le=\"0.025\"} 0",
        "bingo_bus_lag_seconds_count 1",
        "bingo_ws_resyncs_total 1",
        "bingo_ws_slow_client_drops_total 1",
        "bingo_games{state=\"running\"} 2",
        "bingo_players_joined_total 1",
        "bingo_claims_total{outcome=\"accepted\"} 1",
        "bingo_balls_drawn_total 1",
        "bingo_db_pool_connections{state=\"idle\"} 3",
        "bingo_db_pool_connections{state=\"in_use\"} 1",
        "bingo_db_pool_wait_seconds_count 1",
        "bingo_db_query_duration_seconds_count{operation=\"append_events\"} 1",
        "bingo_redis_errors_total 1",
        // 180 ms lands at the 0.2 s bound (a p99 target), not above it.
        "bingo_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/games/{id}\",status_class=\"2xx\",le=\"0.2\"} 1",
        "bingo_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/games/{id}\",status_class=\"2xx\",le=\"0.15\"} 0",
        "bingo_http_request_duration_seconds_count{method=\"OTHER\",route=\"unmatched\",status_class=\"4xx\"} 1",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // Once a histogram has observations, its zero placeholder without labels is gone.
    assert!(!text.contains("bingo_http_request_duration_seconds_count 0"), "{text}");
    assert_eq!(buckets_of(&text, "bingo_ball_delivery_delay_seconds"), expected_les());

    let uptime = samples(&text).into_iter().find(|(n, _, _)| n == "bingo_uptime_seconds").unwrap().2;
    assert!((0.0..60.0).contains(&uptime), "uptime {uptime}");
    let rss = samples(&text).into_iter().find(|(n, _, _)| n == "process_resident_memory_bytes").unwrap().2;
    assert!(rss > 1e6, "rss {rss}");
}
