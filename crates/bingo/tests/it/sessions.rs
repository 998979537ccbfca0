//! A night at the hall through the API, on the embedded default and on PostgreSQL: a session of
//! three games (created together, the first opened), its views for the Console and the Screen,
//! sales after joins and a books sale, game 1 played to the end (game 2 then open, the interval
//! timed), the snowball carried by game 2 and won in game 3, the session's report, templates, and
//! bad input refused.

use super::game::{bin, join};
use super::ledger::win_and_finish;
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::{json, Value};

/// A 90-ball game sold by the card and the strip, then two speed games with the snowball (one
/// stage a half share of the takings, at least 100).
fn plan() -> Value {
    json!({
        "name": "Friday night", "currency": "GBP", "interval_s": 120,
        "prices": {"card": 50, "strip": 250, "book": 900},
        "games": [
            {"kind": "90", "stages": [{"pattern": {"builtin": "one-line"}, "prize": 500}]},
            {"kind": "30", "name": "Snowball 1",
                "stages": [{"pattern": {"builtin": "full-card"}, "share": {"percent_bps": 5000, "minimum": 100}}],
                "snowball": {"within": 1, "grows_by": 500}},
            {"kind": "30", "name": "Snowball 2", "stages": [{"pattern": {"builtin": "full-card"}, "prize": 1000}],
                "snowball": {"within": 30, "reset_to": 2000}},
        ],
    })
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn session(http: &Http, id: &str) -> Value {
    let (status, view) = http.get(&format!("/api/v1/sessions/{id}"));
    assert_eq!(status, 200, "{view}");
    view
}

fn states(view: &Value) -> Vec<String> {
    view["games"].as_array().expect("games").iter().map(|g| g["state"].as_str().expect("state").to_string()).collect()
}

fn sales(console: &Http, game: &str) -> Value {
    let (status, sales) = console.get(&format!("/api/v1/games/{game}/sales"));
    assert_eq!(status, 200, "{sales}");
    sales
}

/// Starts a game; returns the events the start committed.
fn start(console: &Http, game: &str) -> Vec<Value> {
    let (status, body) = console.post(&format!("/api/v1/games/{game}/start"), &Value::Null);
    assert_eq!(status, 200, "start: {body}");
    body["events"].as_array().expect("events").clone()
}

/// GET with the console's token: (status, content type, body).
fn csv_of(platform: &Platform, console: &Http, path: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let token = console.token.as_deref().expect("token");
    let mut response = agent
        .get(format!("{}{path}", platform.api().base))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("GET");
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let body = response.body_mut().read_to_string().expect("body");
    (response.status().as_u16(), content_type, body)
}

fn night(backend: Backend) {
    let platform = Platform::start(Options::new(bin(), backend));
    let (console, public) = (platform.console(), platform.api().http());
    assert_eq!(console.put("/api/v1/snowball", &json!({"pot": 10000})).0, 204);

    // Created: three games, the first open, the others being set up.
    let (status, view) = console.post("/api/v1/sessions", &plan());
    assert_eq!(status, 201, "{view}");
    let id = view["id"].as_str().expect("id").to_string();
    assert_eq!(view["name"], "Friday night");
    assert_eq!((view["current"].as_u64(), view["interval_s"].as_u64()), (Some(0), Some(120)));
    assert_eq!(view["interval_until_ms"], Value::Null);
    assert_eq!(states(&view), ["open", "created", "created"]);
    assert_eq!(view["prices"], json!({"card": 50, "strip": 250, "book": 900}));
    let games: Vec<(String, String)> = view["games"]
        .as_array()
        .expect("games")
        .iter()
        .map(|g| (g["id"].as_str().expect("id").into(), g["join_code"].as_str().expect("code").into()))
        .collect();
    let names: Vec<&str> =
        view["games"].as_array().expect("games").iter().map(|g| g["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["Game 1", "Snowball 1", "Snowball 2"]);
    assert_eq!(view["games"][0]["stages"], json!([{"pattern": "One line", "prize": 500, "share": null}]));
    assert_eq!(view["games"][1]["stages"][0]["share"], json!({"percent_bps": 5000, "minimum": 100}));
    assert_eq!(view["games"][1]["pool"], json!([100]), "the minimum, nothing sold yet");
    assert_eq!(view["games"][1]["snowball"]["within"], 1);
    assert_eq!(view["games"][2]["position"], 2);
    assert_eq!(session(&public, &id), view, "public, the same view");
    let (status, on_screen) = public.get(&format!("/api/v1/screen/{}/session", games[1].1.to_lowercase()));
    assert_eq!((status, on_screen["id"].as_str()), (200, Some(id.as_str())), "{on_screen}");
    let (_, game_on_its_own) = console.post("/api/v1/games", &super::game::ninety_ball());
    let code = game_on_its_own["join_code"].as_str().expect("code");
    let (status, body) = public.get(&format!("/api/v1/screen/{code}/session"));
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
    let (status, listed) = console.get("/api/v1/sessions");
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed[0]["id"].as_str(), Some(id.as_str()));
    assert_eq!((listed[0]["games"].as_u64(), listed[0]["finished"].as_u64()), (Some(3), Some(0)));

    // Sales: a strip on a phone, two phones of three cards each joining at once (singles, even
    // when their joins are recorded together), then two books (six cards in the 90-ball game, one
    // in each speed game; 300 of a book's price in each game).
    let ann = join(&public, &games[0].1, "ann", 6);
    std::thread::scope(|s| {
        for name in ["bo", "cy"] {
            let (public, code) = (&public, &games[0].1);
            s.spawn(move || join(public, code, name, 3));
        }
    });
    let (status, sold) = console.post(&format!("/api/v1/sessions/{id}/books"), &json!({"count": 2}));
    assert_eq!(status, 200, "{sold}");
    assert_eq!(sold["charged"].as_u64(), Some(1800), "two books of 900: {sold}");
    let sold = sold["games"].as_array().expect("games").clone();
    assert_eq!(sold.len(), 3, "every game is on sale: {sold:?}");
    for ((book, (game, _)), cards) in sold.iter().zip(&games).zip([12, 2, 2]) {
        assert_eq!(book["game_id"].as_str(), Some(game.as_str()));
        assert_eq!(book["amount"].as_u64(), Some(600), "two books at this game's 300: {book}");
        assert_eq!(book["last"].as_u64().expect("last") + 1 - book["first"].as_u64().expect("first"), cards, "{book}");
    }
    let figures = sales(&console, &games[0].0);
    assert_eq!(figures["currency"], "GBP");
    let keys = ["cards", "phone_cards", "paper_cards", "singles", "strips", "books", "takings"];
    let counts = keys.map(|k| figures[k].as_u64().expect(k));
    assert_eq!(counts, [24, 12, 12, 6, 1, 2, 250 + 6 * 50 + 2 * 300], "{figures}");
    assert_eq!(figures["closed"], false);
    let figures = sales(&console, &games[1].0);
    assert_eq!((figures["takings"].as_u64(), &figures["pool"]), (Some(600), &json!([300])), "{figures}");

    // Game 1 to the end: game 2 is open and the interval runs.
    start(&console, &games[0].0);
    let before = now_ms();
    win_and_finish(&platform, &console, &games[0].0, &ann);
    let view = session(&public, &id);
    assert_eq!(states(&view), ["finished", "open", "created"]);
    assert_eq!(view["current"].as_u64(), Some(1));
    let until = view["interval_until_ms"].as_i64().expect("the interval is timed");
    assert!(until >= before + 120_000 && until <= now_ms() + 120_000, "{until}");
    assert_eq!(sales(&console, &games[0].0)["closed"], true);

    // Game 2: offered the hall's pot, not won within one call: carried, grown by 500.
    let bob = join(&public, &games[1].1, "bob", 6);
    let events = start(&console, &games[1].0);
    let figures = sales(&console, &games[1].0);
    assert_eq!(
        (figures["closed"].as_bool(), &figures["pool"]),
        (Some(false), &json!([450])),
        "closed at the first ball: {figures}"
    );
    assert_eq!(figures["snowball"], json!({"pot": 10000, "within": 1}));
    assert_eq!(events[0]["type"], "snowball_offered", "{events:?}");
    assert_eq!((events[0]["pot"].as_u64(), events[0]["within"].as_u64()), (Some(10000), Some(1)));
    // One game at a time plays for the pot: neither game 3 nor the Console's PUT may take it now.
    let (status, body) = console.post(&format!("/api/v1/games/{}/start", games[2].0), &Value::Null);
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    let (status, body) = console.put("/api/v1/snowball", &json!({"pot": 1}));
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    win_and_finish(&platform, &console, &games[1].0, &bob);
    let (status, snowball) = public.get("/api/v1/snowball");
    assert_eq!(status, 200, "{snowball}");
    let carried = snowball["pot"].as_u64().expect("pot");
    assert_eq!(carried, 10500, "{snowball}");
    assert_eq!(snowball["history"][0]["outcome"], "carried", "{snowball}");
    assert_eq!(snowball["history"][0]["game_name"], "Snowball 1");
    assert_eq!(
        (snowball["history"][0]["pot"].as_u64(), snowball["history"][0]["next_pot"].as_u64()),
        (Some(10000), Some(10500))
    );
    assert_eq!(states(&session(&public, &id)), ["finished", "finished", "open"]);

    // Game 3: offered the carried pot and won; the pot starts again at 2000.
    let cy = join(&public, &games[2].1, "cy", 6);
    let events = start(&console, &games[2].0);
    assert_eq!((events[0]["type"].as_str(), events[0]["pot"].as_u64()), (Some("snowball_offered"), Some(carried)));
    let winner = win_and_finish(&platform, &console, &games[2].0, &cy);
    let (_, snowball) = public.get("/api/v1/snowball");
    assert_eq!(snowball["pot"].as_u64(), Some(2000), "{snowball}");
    let won = &snowball["history"][0];
    assert_eq!(
        (won["outcome"].as_str(), won["pot"].as_u64(), won["next_pot"].as_u64()),
        (Some("won"), Some(carried), Some(2000))
    );
    assert_eq!(won["winners"][0]["serial"].as_u64(), Some(winner), "{won}");
    assert_eq!(snowball["history"][1]["outcome"], "carried");
    let view = session(&public, &id);
    assert_eq!((view["current"].as_u64(), &view["interval_until_ms"]), (Some(3), &Value::Null), "after the last game");

    // The night's report: every game, with the totals.
    let (status, report) = console.get(&format!("/api/v1/sessions/{id}/report"));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["name"], "Friday night");
    assert_eq!(report["games"].as_array().map(Vec::len), Some(3));
    let totals = &report["totals"];
    assert_eq!((totals["games"].as_u64(), totals["finished"].as_u64()), (Some(3), Some(3)), "{totals}");
    assert_eq!(totals["cards"].as_u64(), Some(24 + 8 + 8), "{totals}");
    assert_eq!((totals["books"].as_u64(), totals["strips"].as_u64()), (Some(6), Some(1)), "{totals}");
    assert_eq!(totals["takings"]["minor"].as_u64(), Some(1150 + 900 + 900), "{totals}");
    assert_eq!(totals["prizes_paid"]["minor"].as_u64(), Some(500 + 450 + 1000), "{totals}");
    assert_eq!(totals["snowball_paid"]["minor"].as_u64(), Some(carried), "{totals}");
    assert_eq!(totals["snowball_next_pot"]["minor"].as_u64(), Some(2000), "{totals}");
    let (status, content_type, csv) = csv_of(&platform, &console, &format!("/api/v1/sessions/{id}/report.csv"));
    assert_eq!(status, 200, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(csv.contains("Friday night"), "{csv}");
    assert_eq!(public.get(&format!("/api/v1/sessions/{id}/report")).0, 401, "the console's only");
    let (_, listed) = console.get("/api/v1/sessions");
    assert_eq!(listed[0]["finished"].as_u64(), Some(3));

    // No more books once every game is over.
    let (status, body) = console.post(&format!("/api/v1/sessions/{id}/books"), &json!({"count": 1}));
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
}

#[test]
fn a_night_on_the_embedded_default() {
    night(Backend::Sqlite);
}

#[test]
fn a_night_on_postgres() {
    night(Backend::Postgres);
}

#[test]
fn templates_and_bad_input() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let (console, public) = (platform.console(), platform.api().http());

    // Templates: saved, listed, replaced, deleted.
    let (status, none) = console.get("/api/v1/session-templates");
    assert_eq!((status, none), (200, json!([])));
    assert_eq!(console.put("/api/v1/session-templates/Friday%20night", &plan()).0, 204);
    let mut shorter = plan();
    shorter["games"].as_array_mut().expect("games").truncate(1);
    assert_eq!(console.put("/api/v1/session-templates/Bingo%20%26%20chips", &shorter).0, 204);
    let (_, listed) = console.get("/api/v1/session-templates");
    let names: Vec<&str> = listed.as_array().expect("list").iter().map(|t| t["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["Bingo & chips", "Friday night"]);
    assert_eq!(listed[1]["plan"]["games"].as_array().map(Vec::len), Some(3));
    assert_eq!(listed[1]["plan"]["prices"]["book"], 900);
    assert_eq!(console.put("/api/v1/session-templates/Friday%20night", &shorter).0, 204, "replaced");
    let (_, listed) = console.get("/api/v1/session-templates");
    assert_eq!(listed[1]["plan"]["games"].as_array().map(Vec::len), Some(1));
    assert_eq!(console.send("DELETE", "/api/v1/session-templates/Friday%20night", b"", "application/json").0, 204);
    let (status, body) = console.send("DELETE", "/api/v1/session-templates/Friday%20night", b"", "application/json");
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
    assert_eq!(public.get("/api/v1/session-templates").0, 401);
    let (status, body) = console.put("/api/v1/session-templates/%20", &plan());
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");

    // Bad plans: each a 4xx saying why.
    let mut too_many = plan();
    too_many["games"] = json!(vec![plan()["games"][0].clone(); 21]);
    let mut no_games = plan();
    no_games["games"] = json!([]);
    let mut long_interval = plan();
    long_interval["interval_s"] = json!(3601);
    let mut bad_game = plan();
    bad_game["games"][1]["snowball"]["within"] = json!(31);
    let mut bad_currency = plan();
    bad_currency["currency"] = json!("pounds");
    for (bad, code) in [
        (too_many, "invalid"),
        (no_games, "invalid"),
        (long_interval, "invalid"),
        (bad_game, "invalid_game"),
        (bad_currency, "invalid_game"),
    ] {
        let (status, body) = console.post("/api/v1/sessions", &bad);
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some(code)), "{body}");
    }
    let mut bad_name = plan();
    bad_name["name"] = json!("two\nlines");
    let mut unknown = plan();
    unknown["extra"] = json!(1);
    for bad in [bad_name, unknown, json!({"games": []}), json!([1])] {
        let (status, body) = console.post("/api/v1/sessions", &bad);
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_request")), "{body}");
    }
    assert_eq!(public.post("/api/v1/sessions", &plan()).0, 401);
    let (_, listed) = console.get("/api/v1/sessions");
    assert_eq!(listed, json!([]), "nothing was created");

    // Unknown sessions, bad counts and pots.
    for path in ["/api/v1/sessions/abc123", "/api/v1/sessions/not-hex"] {
        let (status, body) = public.get(path);
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{path}: {body}");
    }
    let (status, view) = console.post("/api/v1/sessions", &plan());
    assert_eq!(status, 201, "{view}");
    let id = view["id"].as_str().expect("id");
    for count in [json!(0), json!(1001), json!(-1), json!("2")] {
        let (status, body) = console.post(&format!("/api/v1/sessions/{id}/books"), &json!({"count": count}));
        assert!([400, 422].contains(&status), "{count}: {status} {body}");
    }
    let (status, _) = console.post("/api/v1/sessions/abc123/books", &json!({"count": 1}));
    assert_eq!(status, 404);
    let (status, body) = console.put("/api/v1/snowball", &json!({"pot": 9007199254740992_u64}));
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    assert_eq!(public.put("/api/v1/snowball", &json!({"pot": 1})).0, 401);
    let (status, snowball) = public.get("/api/v1/snowball");
    assert_eq!((status, snowball), (200, json!({"pot": 0, "history": []})));
    assert_eq!(console.get("/api/v1/games/abc123/sales").0, 404);
    assert_eq!(public.get(&format!("/api/v1/games/{}/sales", view["games"][0]["id"].as_str().expect("id"))).0, 401);
}
