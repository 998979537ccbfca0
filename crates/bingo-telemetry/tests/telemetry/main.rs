//! Integration tests of bingo-telemetry: /metrics contents (checked with `promtool check metrics`),
//! the actix-web middleware, and Loki shipping against a fake Loki on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fake_loki;
mod loki;
mod metrics_text;
mod middleware;

use bingo_telemetry::{Metrics, MetricsConfig};

pub fn new_metrics() -> Metrics {
    Metrics::new(MetricsConfig {
        service: "bingo",
        role: "realtime",
        node: "node-a".into(),
        version: "0.1.0-test",
        commit: "abc1234",
    })
    .expect("metrics")
}

pub fn render_text(metrics: &Metrics) -> String {
    let (content_type, body) = metrics.render();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    String::from_utf8(body).expect("utf-8 exposition")
}

/// The sample lines of an exposition: `(series name, labels text, value)`.
pub fn samples(text: &str) -> Vec<(String, String, f64)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("sample line has a value");
            let (name, labels) = match series.find('{') {
                Some(i) => (&series[..i], &series[i..]),
                None => (series, ""),
            };
            (name.to_owned(), labels.to_owned(), value.parse::<f64>().expect("numeric value"))
        })
        .collect()
}
