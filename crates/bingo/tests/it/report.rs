//! The end-of-game report (docs/REPORT.md): the Console's JSON and CSV over the API, and the CSV
//! that `bingo verify --ledger FILE --report-csv OUT` derives from the exported ledger, are the
//! same figures, byte for byte.

use super::game::{bin, join, ninety_ball};
use super::ledger::{export, stdout, win_and_finish};
use bingo_testkit::{Backend, Options, Platform};
use serde_json::{json, Value};
use std::process::Command;

/// GET with the console's token: (status, content type, content disposition, body).
fn fetch(base: &str, token: &str, path: &str) -> (u16, String, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response =
        agent.get(format!("{base}{path}")).header("Authorization", format!("Bearer {token}")).call().expect("GET");
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let body = response.body_mut().read_to_string().expect("body");
    (response.status().as_u16(), content_type, disposition, body)
}

#[test]
fn the_apis_report_csv_is_what_the_cli_derives_from_the_ledger() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let console = platform.console();
    let mut config = ninety_ball();
    config["name"] = json!("Friday, \"late\" game");
    let (id, code) = platform.open_game(&console, config);
    let (status, printed) = console.post(&format!("/api/v1/games/{id}/paper"), &json!({"count": 3}));
    assert_eq!(status, 201, "{printed}");
    let player = join(&platform.api().http(), &code, "ann", 6);
    assert_eq!(console.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);

    let (status, running) = console.get(&format!("/api/v1/games/{id}/report"));
    assert_eq!(status, 200, "{running}");
    assert_eq!(running["fairness"]["seed"], Value::Null, "not revealed while the game runs");

    let winner = win_and_finish(&platform, &console, &id, &player);

    let (status, report) = console.get(&format!("/api/v1/games/{id}/report"));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["game"]["name"], "Friday, \"late\" game");
    let cards = &report["cards"];
    assert_eq!(
        (cards["total"].as_u64(), cards["phone"].as_u64(), cards["paper"].as_u64()),
        (Some(9), Some(6), Some(3))
    );
    let prizes = report["prizes"].as_array().expect("prizes");
    assert_eq!(prizes.len(), 1, "{report}");
    assert_eq!(prizes[0]["serial"].as_u64(), Some(winner));
    assert_eq!(prizes[0]["name"], "ann");
    assert_eq!(prizes[0]["amount"], json!({"minor": 1000, "text": "£10.00"}));
    assert_eq!(report["total_paid"]["minor"].as_u64(), Some(1000));
    assert!(report["fairness"]["seed"].as_str().is_some_and(|s| s.len() == 64), "{report}");

    let base = platform.api().base.clone();
    let (status, content_type, disposition, csv) =
        fetch(&base, console.token.as_deref().expect("token"), &format!("/api/v1/games/{id}/report.csv"));
    assert_eq!(status, 200, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert_eq!(disposition, format!("attachment; filename=\"bingo-report-{id}.csv\""));
    assert!(csv.contains(&format!("prize,1,One line,{winner},,ann,")), "{csv}");
    assert!(csv.contains("game,,name,,,,,,,,\"Friday, \"\"late\"\" game\"\r\n"), "{csv}");

    let dir = tempfile::tempdir().expect("tmp");
    let ledger = dir.path().join("ledger.json");
    export(&platform, &id, &ledger);
    let out = dir.path().join("report.csv");
    let o = Command::new(bin())
        .args(["verify", "--ledger", ledger.to_str().expect("path"), "--report-csv", out.to_str().expect("path")])
        .output()
        .expect("run bingo");
    assert!(o.status.success() && stdout(&o).starts_with("FAIR"), "{}", stdout(&o));
    assert!(stdout(&o).contains(&format!("REPORT of game {id} \"Friday, \\\"late\\\" game\"")), "{}", stdout(&o));
    assert!(stdout(&o).contains("cards issued: 9 (6 on phones, 3 on paper; 0 late)"), "{}", stdout(&o));
    assert!(stdout(&o).contains("total paid: £10.00"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("the CSV written"), csv, "the CLI derives the API's CSV");

    assert_eq!(fetch(&base, "nope", &format!("/api/v1/games/{id}/report.csv")).0, 401);
    assert_eq!(platform.api().http().get(&format!("/api/v1/games/{id}/report")).0, 401, "the console's only");
    let (status, body) = console.get("/api/v1/games/abc123/report");
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
}
