//! The summary printed at the end of a run, from its JSON report.

use serde_json::Value;

fn fmt_ms(v: &Value) -> String {
    v.as_f64().map_or("-".into(), |x| format!("{x:.1} ms"))
}

/// The summary printed at the end.
pub(super) fn human(report: &Value) -> String {
    let mut s = String::new();
    for name in ["baseline", "bingo"] {
        let r = &report[name];
        if r.is_null() {
            continue;
        }
        s.push_str(&format!("== {name}: {} players on {}\n", r["players"], r["ws_urls"]));
        if !r["joins"].is_null() {
            let j = &r["joins"];
            s.push_str(&format!(
                "joins: {} ok, {} errors in {:.2} s = {:.0}/s; latency p50 {} p99 {} max {}\n",
                j["ok"],
                j["errors"],
                j["seconds"].as_f64().unwrap_or(0.0),
                j["per_second"].as_f64().unwrap_or(0.0),
                fmt_ms(&j["latency"]["p50_ms"]),
                fmt_ms(&j["latency"]["p99_ms"]),
                fmt_ms(&j["latency"]["max_ms"])
            ));
        }
        if !r["connect"].is_null() {
            let c = &r["connect"];
            s.push_str(&format!(
                "connect: {} welcomed of {} ({} errors); {:.0} upgrades/s, {:.0} welcomes/s; handshake p99 {}\n",
                c["welcomed"],
                c["attempted"],
                c["errors"],
                c["upgrades_per_second"].as_f64().unwrap_or(0.0),
                c["welcomes_per_second"].as_f64().unwrap_or(0.0),
                fmt_ms(&c["handshake"]["p99_ms"])
            ));
            if c["errors"].as_u64().unwrap_or(0) > 0 {
                s.push_str(&format!("  connect errors: {}\n", c["error_samples"]));
            }
            let m = &r["memory"];
            s.push_str(&format!(
                "server RSS: {} KiB before, {} KiB connected = {} KiB per connection\n",
                m["rss_kib_before_connect"],
                m["rss_kib_connected"],
                m["kib_per_connection"].as_f64().map_or("-".into(), |k| format!("{k:.2}"))
            ));
        }
        if !r["game"].is_null() {
            let g = &r["game"];
            s.push_str(&format!(
                "game: {} balls, {} clients, {} complete, {} dropped, {} gaps, {} missed ball deliveries, {} resyncs\n",
                g["balls_drawn"],
                g["clients"],
                g["complete_clients"],
                g["dropped_clients"],
                g["gaps"],
                g["missed_ball_deliveries"],
                g["resyncs"]
            ));
            for (label, key) in [("from sent_at", "delay_from_sent"), ("from published_at", "delay_from_published")] {
                let h = &g[key];
                s.push_str(&format!(
                    "delay {label}: p50 {} p90 {} p99 {} max {} over {} (client, ball) pairs\n",
                    fmt_ms(&h["p50_ms"]),
                    fmt_ms(&h["p90_ms"]),
                    fmt_ms(&h["p99_ms"]),
                    fmt_ms(&h["max_ms"]),
                    h["count"]
                ));
            }
            let l = &g["last_client_per_ball_from_sent"];
            s.push_str(&format!(
                "last client per ball (from sent_at): median {} worst {}\n",
                fmt_ms(&l["p50_ms"]),
                fmt_ms(&l["max_ms"])
            ));
            if g["dropped_clients"].as_u64().unwrap_or(0) > 0 {
                s.push_str(&format!("  drops: {}\n", g["drop_samples"]));
            }
        }
    }
    s
}
