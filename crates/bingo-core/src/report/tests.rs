use super::*;
use crate::config::GameConfig;
use crate::event::{Event, EventKind, Share};
use crate::game::Game;
use crate::game_name::GameName;

const T: i64 = 1_700_000_000_000;

fn seed() -> Seed {
    Seed::from_bytes([7; 32])
}

/// A finished 90-ball game: phone cards 1-6 and paper 7-9 before the first ball, paper 10-12
/// late; the first stage won by a card whose holder typed a formula as their name, one claim
/// rejected. Returns the log and the winner's serial.
fn played() -> (Vec<Event>, u64) {
    let mut config = GameConfig::standard(GameKind::Ball90);
    config.name = GameName::parse("Friday, \"big\" game").expect("name");
    config.currency = Some("GBP".into());
    config.late_entry = true;
    config.stages[0].prize = 1000;
    config.stages[2].prize = 5000;
    let (mut game, created) = Game::create(config, seed(), T).expect("create");
    let mut log = vec![created];
    log.extend(game.open(T).expect("open"));
    log.extend(game.issue_cards(&[(1, 6)], Channel::Phone, T).expect("phone"));
    log.extend(game.issue_cards(&[(7, 9)], Channel::Paper, T).expect("paper"));
    log.extend(game.start(T + 1000).expect("start"));
    log.extend(game.draw(T).expect("draw"));
    log.extend(game.issue_cards(&[(10, 12)], Channel::Paper, T).expect("late paper"));
    let winner = loop {
        log.extend(game.draw(T).expect("draw"));
        let won: Vec<u64> = (1..=12).filter(|&s| game.check_card(s).is_ok_and(|c| c.verdict.is_win())).collect();
        if let Some(&w) = won.first() {
            if let Some(loser) = (1..=12).find(|s| !won.contains(s)) {
                log.extend(game.claim_by(loser, None, T).expect("false claim"));
            }
            break w;
        }
    };
    log.extend(game.claim_by(winner, Some("=HYPERLINK(\"x\")"), T).expect("claim"));
    log.extend(game.finish(T + 60_000).expect("finish"));
    (log, winner)
}

#[test]
fn a_played_game_reports_what_its_log_holds() {
    let (log, winner) = played();
    let game = Game::verify_log(&log).expect("the log verifies");
    let report = Report::from_events("g1", &log).expect("report");

    assert_eq!(report.game_id, "g1");
    assert_eq!(report.game.name.as_deref(), Some("Friday, \"big\" game"));
    assert_eq!(report.game.currency.as_deref(), Some("GBP"));
    let stages: Vec<(u64, &str, &str)> =
        report.game.stages.iter().map(|s| (s.stage, s.pattern.as_str(), s.prize.text.as_str())).collect();
    assert_eq!(stages, [(1, "One line", "£10.00"), (2, "Two lines", "£0.00"), (3, "Full house", "£50.00")]);
    assert_eq!((report.game.started_at_ms, report.game.finished_at_ms), (Some(T + 1000), Some(T + 60_000)));

    let cards = &report.cards;
    assert_eq!((cards.total, cards.phone, cards.paper, cards.late), (12, 6, 6, 3));
    assert_eq!(cards.total, game.issued().count());
    let late: Vec<(u64, u64, bool, u16)> =
        cards.issues.iter().map(|i| (i.first, i.last, i.late, i.after_call)).collect();
    assert_eq!(late, [(1, 6, false, 0), (7, 9, false, 0), (10, 12, true, 1)]);

    assert_eq!(report.balls.called, game.calls().count());
    assert_eq!(report.balls.numbers, game.calls().as_slice());
    let paid = &report.prizes;
    assert_eq!(paid.len(), 1, "{paid:?}");
    assert_eq!((paid[0].stage, paid[0].serial, paid[0].amount.minor), (1, winner, 1000));
    assert_eq!(paid[0].name.as_deref(), Some("=HYPERLINK(\"x\")"));
    assert_eq!(paid[0].amount.text, "£10.00");
    assert_eq!((paid[0].call, paid[0].ball), (Some(game.calls().count()), game.calls().last()));
    assert_eq!(report.total_paid, Amount { minor: 1000, text: "£10.00".into() });
    assert_eq!((report.claims.accepted, report.claims.rejected), (1, 1));
    assert_eq!(report.fairness.seed, Some(seed()));
    assert_eq!(report.fairness.commitment, seed().commitment());

    let csv = to_csv(&report);
    assert!(csv.starts_with("section,stage,item,cards,count,name,call,ball,amount_minor,amount,detail\r\n"), "{csv}");
    assert!(csv.contains("game,,name,,,,,,,,\"Friday, \"\"big\"\" game\"\r\n"), "{csv}");
    let call = game.calls().count();
    let ball = game.calls().last().unwrap_or(0);
    let row = format!("prize,1,One line,{winner},,\"'=HYPERLINK(\"\"x\"\")\",{call},{ball},1000,£10.00,\r\n");
    assert!(csv.contains(&row), "{row} not in\n{csv}");
    assert!(csv.contains("issue,,paper,10-12,3,,1,,,,late\r\n"), "{csv}");
    assert!(csv.contains("cards,,late,,3,,,,,,\r\n"), "{csv}");
    assert!(csv.contains(&format!("fairness,,seed,,,,,,,,{}\r\n", seed().to_hex())), "{csv}");

    let text = to_text(&report);
    assert!(text.contains("cards issued: 12 (6 on phones, 6 on paper; 3 late)"), "{text}");
    assert!(
        text.contains(&format!(
            "stage 1 One line: card {winner} \"=HYPERLINK(\\\"x\\\")\" £10.00 (won on call {call}, ball {ball})"
        )),
        "{text}"
    );
    assert!(text.contains("total paid: £10.00"), "{text}");
}

#[test]
fn an_unfinished_game_says_the_seed_is_not_revealed_yet() {
    let (log, _) = played();
    let running: Vec<Event> = log.iter().take_while(|e| e.kind.name() != "game_finished").cloned().collect();
    let report = Report::from_events("g", &running).expect("report");
    assert_eq!((report.fairness.seed.as_ref(), report.game.finished_at_ms), (None, None));
    assert!(to_csv(&report).contains("fairness,,seed,,,,,,,,not revealed yet\r\n"));
    assert!(to_text(&report).contains("seed: not revealed yet"));
}

#[test]
fn house_remainders_voided_calls_and_nonsense_are_reported_without_panicking() {
    let mut config = GameConfig::standard(GameKind::Ball75);
    config.currency = Some("JPY".into());
    let at = |seq: u64, kind: EventKind| Event { seq, at_ms: i64::MIN, kind };
    let log = vec![
        at(1, EventKind::GameCreated { config, commitment: seed().commitment() }),
        at(2, EventKind::CardsIssued { first: 9, last: 3, channel: Channel::Paper, late: false, books: None }),
        at(3, EventKind::CardsIssued { first: 0, last: u64::MAX, channel: Channel::Phone, late: true, books: None }),
        at(4, EventKind::CardsIssued { first: 1, last: u64::MAX, channel: Channel::Phone, late: true, books: None }),
        at(5, EventKind::BallCalled { call: 1, number: 40 }),
        at(6, EventKind::BallVoided { call: 1, number: 40 }),
        at(7, EventKind::BallVoided { call: 9, number: 3 }),
        at(
            8,
            EventKind::StageWon {
                stage: usize::MAX,
                prize: u64::MAX,
                winners: vec![
                    Share { serial: 5, amount: u64::MAX, name: None },
                    Share { serial: 6, amount: 1, name: None },
                ],
                house: u64::MAX,
            },
        ),
        at(9, EventKind::StageWon { stage: 0, prize: 1001, winners: vec![], house: 1001 }),
    ];
    let report = Report::from_events("x", &log).expect("report");
    assert_eq!((report.cards.total, report.cards.paper, report.cards.late), (u64::MAX, 0, u64::MAX));
    assert_eq!(report.balls.called, 0);
    assert_eq!(report.balls.voided, [VoidedCall { call: 1, number: 40 }, VoidedCall { call: 9, number: 3 }]);
    assert_eq!((report.prizes[0].stage, report.prizes[0].call), (u64::MAX, None));
    assert_eq!(report.total_paid.minor, u64::MAX, "saturates");
    assert_eq!(report.house.last().map(|h| h.amount.text.as_str()), Some("JPY 1,001"));
    for text in [to_csv(&report), to_text(&report)] {
        assert!(text.contains(" UTC"), "the earliest time is written too: {text}");
    }

    // Every prefix and every log with one event left out gives a report or a refusal, never a panic.
    let (played, _) = played();
    for n in 0..=played.len() {
        let _ = Report::from_events("p", &played[..n]).map(|r| (to_csv(&r), to_text(&r)));
        let mut without = played.clone();
        if n < without.len() {
            without.remove(n);
        }
        let _ = Report::from_events("p", &without).map(|r| (to_csv(&r), to_text(&r)));
    }
    assert_eq!(Report::from_events("p", &[]), Err(ReportError::NoGame));
    assert_eq!(Report::from_events("p", &played[1..]), Err(ReportError::NoGame));
}

#[test]
fn money_and_times_are_written_the_same_everywhere() {
    assert_eq!(format_minor(123_456, Some("GBP")), "£1,234.56");
    assert_eq!(format_minor(5, Some("EUR")), "€0.05");
    assert_eq!(format_minor(100, Some("USD")), "$1.00");
    assert_eq!(format_minor(1200, Some("CHF")), "CHF 12.00");
    assert_eq!(format_minor(1500, Some("JPY")), "JPY 1,500");
    assert_eq!(format_minor(1500, Some("KWD")), "KWD 1.500");
    assert_eq!(format_minor(1_234_567, None), "1,234,567");
    assert_eq!(format_minor(u64::MAX, Some("GBP")), "£184,467,440,737,095,516.15");
    assert_eq!(format_utc(T), "2023-11-14 22:13:20 UTC");
    assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC");
    assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
}

#[test]
fn csv_cells_are_quoted_and_formulas_neutralised() {
    let cell = csv::cell_for_test;
    assert_eq!(cell("ann"), "ann");
    assert_eq!(cell("a,b"), "\"a,b\"");
    assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    for formula in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
        assert!(cell(formula).trim_start_matches('"').starts_with('\''), "{formula:?} -> {}", cell(formula));
    }
    assert_eq!(cell("=A1,B1"), "\"'=A1,B1\"");
}
