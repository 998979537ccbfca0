//! A console controls the games it runs; logging out lets go of them (issue #16, defect 2: a
//! caller who logged out and back in was locked out of their own game by their old session).

use super::game::{bin, ninety_ball};
use bingo_testkit::{Backend, Http, Options, Platform};
use serde_json::Value;

fn draw(console: &Http, id: &str) -> (u16, Value) {
    console.post(&format!("/api/v1/games/{id}/draw"), &Value::Null)
}

#[test]
fn logging_out_lets_go_of_the_games_the_console_controls() {
    let platform = Platform::start(Options::new(bin(), Backend::Sqlite));
    let first = platform.console();
    let (id, _) = platform.open_game(&first, ninety_ball());
    assert_eq!(first.post(&format!("/api/v1/games/{id}/start"), &Value::Null).0, 200);
    assert_eq!(draw(&first, &id).0, 200);

    // Another console is refused while the first one controls the game ...
    let second = platform.console();
    let (status, body) = draw(&second, &id);
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"].as_str().unwrap_or("").contains("another console"), "{body}");

    // ... and runs it at once when the first logs out, as does the caller logging back in later.
    assert_eq!(first.post("/api/v1/admin/logout", &Value::Null).0, 204);
    assert_eq!(draw(&second, &id).0, 200, "the first console's logout released the game");
    assert_eq!(second.post("/api/v1/admin/logout", &Value::Null).0, 204);
    let again = platform.console();
    let (status, body) = draw(&again, &id);
    assert_eq!(status, 200, "logged back in, the caller runs the game without taking over: {body}");
}
