use crate::config::GameConfig;
use crate::event::{Channel, Event, EventKind};
use crate::kind::GameKind;
use crate::report::{Report, SnowballOutcome};
use crate::sales::{PrizeShare, SnowballRule, TicketPrices};
use crate::{Game, GameError, Seed};

const T: i64 = 1_700_000_000_000;

/// A 90-ball game: singles 100, strips 500, books of 6 cards at 300; stage 1 a fixed 1000,
/// stage 2 30 % of takings with a minimum of 500, stage 3 50 % with at least 2000; a snowball
/// won by a full house within `within` calls.
fn priced(within: u16) -> GameConfig {
    let mut config = GameConfig::standard(GameKind::Ball90);
    config.currency = Some("GBP".into());
    config.tickets = Some(TicketPrices { card: 100, strip: 500, book: 300, book_cards: 6 });
    config.stages[0].prize = 1000;
    config.stages[1].share = Some(PrizeShare { percent_bps: 3000, minimum: 500 });
    config.stages[2].share = Some(PrizeShare { percent_bps: 5000, minimum: 2000 });
    config.snowball = Some(SnowballRule { within, grows_by: 1000, grows_share_bps: 1000, reset_to: 5000 });
    config
}

/// Sells 13 singles-or-strips on phones (2 strips + 1 single) and 2 books on paper (12 cards),
/// then starts with a pot of 20,000.
fn sold(within: u16) -> (Game, Vec<Event>) {
    let (mut game, created) = Game::create(priced(within), Seed::from_bytes([7; 32]), T).expect("valid");
    let mut log = vec![created];
    log.extend(game.open(T).expect("open"));
    log.extend(game.issue_cards(&[(1, 13)], Channel::Phone, T).expect("phones"));
    log.extend(game.issue_books(14, 25, 2, T).expect("books"));
    log.extend(game.start_with_snowball(20_000, T).expect("start"));
    (game, log)
}

/// Plays to the end, claiming each stage with the first of cards 1-25 that wins.
fn play_out(game: &mut Game, log: &mut Vec<Event>) {
    for _ in 0..=90 {
        let winner = (1..=25).find(|&s| game.check_card(s).is_ok_and(|c| c.verdict.is_win()));
        if let Some(serial) = winner {
            log.extend(game.claim_by(serial, Some("Ann"), T).expect("claim"));
            if game.stage() + 1 == game.patterns().len() {
                break;
            }
        }
        match game.draw(T) {
            Ok(events) => log.extend(events),
            Err(GameError::AllBallsDrawn) => break,
            Err(e) => panic!("draw: {e}"),
        }
    }
    log.extend(game.finish(T).expect("finish"));
}

#[test]
fn takings_fix_the_shared_prizes_when_the_first_ball_is_called() {
    let (mut game, mut log) = sold(90);
    let sales = game.sales();
    assert_eq!((sales.singles, sales.strips, sales.books), (1, 2, 2));
    assert_eq!(sales.takings, 100 + 2 * 500 + 2 * 300);
    assert_eq!(sales.pool, vec![1000, 510, 2000], "30 % of 1,700 is 510; 50 % is 850, under its 2,000 minimum");
    assert!(!sales.closed);
    let first = game.draw(T).expect("first ball");
    assert!(
        matches!(&first[0].kind, EventKind::SalesClosed { takings: 1700, prizes } if *prizes == vec![1000, 510, 2000])
    );
    assert!(game.sales().closed);
    log.extend(first);
    play_out(&mut game, &mut log);
    let replayed = Game::verify_log(&log).expect("the log verifies");
    assert_eq!(replayed.results().iter().map(|r| r.prize).collect::<Vec<_>>(), vec![1000, 510, 2000]);
    let report = Report::from_events("g", &log).expect("report");
    let sales = report.sales.expect("sales in the report");
    assert_eq!((sales.takings.minor, sales.takings.text.as_str()), (1700, "£17.00"));
    assert_eq!(report.game.stages[1].prize.minor, 510);
}

#[test]
fn a_snowball_is_won_within_its_calls_and_carried_otherwise() {
    let (mut game, mut log) = sold(90);
    play_out(&mut game, &mut log);
    let won = log.iter().find_map(|e| match &e.kind {
        EventKind::SnowballWon { pot, winners, next_pot, .. } => Some((*pot, winners.clone(), *next_pot)),
        _ => None,
    });
    let (pot, winners, next) = won.expect("a full house within 90 calls wins");
    assert_eq!((pot, next), (20_000, 5000));
    assert_eq!(winners.iter().map(|w| w.amount).sum::<u64>(), 20_000);
    assert_eq!(winners[0].name.as_deref(), Some("Ann"));
    Game::verify_log(&log).expect("verifies");
    let report = Report::from_events("g", &log).expect("report");
    assert_eq!(report.snowball.expect("snowball").outcome, SnowballOutcome::Won);

    let (mut game, mut log) = sold(1);
    play_out(&mut game, &mut log);
    let carried = log.iter().find_map(|e| match e.kind {
        EventKind::SnowballCarried { pot, next_pot } => Some((pot, next_pot)),
        _ => None,
    });
    assert_eq!(carried, Some((20_000, 20_000 + 1000 + 170)), "grown by 1,000 and 10 % of 1,700");
    Game::verify_log(&log).expect("verifies");
}

#[test]
fn a_log_with_other_figures_is_refused() {
    let (mut game, mut log) = sold(90);
    log.extend(game.draw(T).expect("first ball"));
    play_out(&mut game, &mut log);
    let mut edited = log.clone();
    for event in &mut edited {
        if let EventKind::SalesClosed { prizes, .. } = &mut event.kind {
            prizes[2] = 9999;
        }
    }
    assert!(Game::verify_log(&edited).is_err(), "a bigger prize than the takings give");
    let mut edited = log.clone();
    for event in &mut edited {
        if let EventKind::SnowballWon { next_pot, .. } = &mut event.kind {
            *next_pot = 1;
        }
    }
    assert!(Game::verify_log(&edited).is_err(), "a snowball reset to another amount");
    let without_close: Vec<Event> =
        log.iter().filter(|e| !matches!(e.kind, EventKind::SalesClosed { .. })).cloned().collect();
    let renumbered: Vec<Event> =
        without_close.into_iter().enumerate().map(|(i, e)| Event { seq: i as u64 + 1, ..e }).collect();
    assert!(Game::verify_log(&renumbered).is_err(), "a first ball without the close of sales");
}

#[test]
fn books_must_match_their_cards_and_need_prices() {
    let (mut game, _) = Game::create(priced(90), Seed::from_bytes([7; 32]), T).expect("valid");
    assert!(game.issue_books(1, 13, 2, T).is_err(), "13 cards are not two books of six");
    let (mut plain, _) = Game::create(GameConfig::standard(GameKind::Ball90), Seed::from_bytes([7; 32]), T).unwrap();
    assert!(plain.issue_books(1, 6, 1, T).is_err(), "no prices, no books");
    assert!(plain.start_with_snowball(10, T).is_err(), "no snowball rule");
}

#[test]
fn a_session_report_sums_its_games_figures() {
    let (mut first, mut first_log) = sold(1);
    play_out(&mut first, &mut first_log);
    let (mut second, mut second_log) = sold(90);
    play_out(&mut second, &mut second_log);
    let games = vec![
        Report::from_events("a", &first_log).expect("report"),
        Report::from_events("b", &second_log).expect("report"),
    ];
    let paid: u64 = games.iter().map(|r| r.total_paid.minor).sum();
    let report = crate::report::SessionReport::build("Saturday", Some("GBP"), games);
    let t = &report.totals;
    assert_eq!((t.games, t.finished, t.cards, t.books, t.strips), (2, 2, 50, 4, 4));
    assert_eq!(t.takings.minor, 3400);
    assert_eq!(t.prizes_paid.minor, paid);
    assert_eq!(t.snowball_paid.text, "£200.00");
    assert_eq!(t.snowball_next_pot.as_ref().map(|a| a.minor), Some(5000), "the last game's outcome counts");
    let csv = crate::report::session_to_csv(&report);
    assert!(csv.starts_with("game,section,"));
    assert!(csv.contains(",session,,takings,,,,,,3400,£34.00,\r\n"), "{csv}");
    assert!(csv.contains("\r\n2,snowball,,won,"));
}

/// Renumbers events from 1, as a log edited by hand would be.
fn renumber(events: Vec<Event>) -> Vec<Event> {
    events.into_iter().enumerate().map(|(i, e)| Event { seq: i as u64 + 1, ..e }).collect()
}

#[test]
fn a_voided_first_ball_does_not_reopen_sales() {
    let mut config = priced(90);
    config.snowball = None;
    config.draw_mode = crate::config::DrawMode::Manual;
    let (mut game, created) = Game::create(config, Seed::from_bytes([7; 32]), T).expect("valid");
    let mut log = vec![created];
    log.extend(game.open(T).expect("open"));
    log.extend(game.issue_cards(&[(1, 6)], Channel::Phone, T).expect("a strip"));
    log.extend(game.start(T).expect("start"));
    log.extend(game.call_number(17, T).expect("first ball closes sales"));
    log.extend(game.void_last_call(T).expect("void it"));
    assert!(matches!(game.issue_cards(&[(7, 12)], Channel::Phone, T), Err(GameError::SalesClosed { .. })));
    assert_eq!(game.sales().takings, 500, "the pool's takings stay those at the close");
    // A log that sells at pool price after the void is refused on replay.
    let mut forged = log.clone();
    let sale = EventKind::CardsIssued { first: 7, last: 12, channel: Channel::Phone, late: false, books: None };
    forged.push(Event { seq: forged.len() as u64 + 1, at_ms: T, kind: sale });
    assert!(Game::restore(Seed::from_bytes([7; 32]), &forged).is_err());
}

#[test]
fn the_snowball_outcome_ends_the_game_and_cannot_be_left_out() {
    let (mut game, mut log) = sold(90);
    play_out(&mut game, &mut log);
    // An early "carried", before any ball: the later balls and the win come after it.
    let carried = EventKind::SnowballCarried { pot: 20_000, next_pot: 20_000 + 1000 + 170 };
    let at = log.iter().position(|e| matches!(e.kind, EventKind::GameStarted)).expect("started") + 1;
    let mut early: Vec<Event> =
        log.iter().filter(|e| !matches!(e.kind, EventKind::SnowballWon { .. })).cloned().collect();
    early.insert(at, Event { seq: 0, at_ms: T, kind: carried });
    assert!(Game::verify_log(&renumber(early)).is_err(), "an early outcome hides the win");
    let without: Vec<Event> =
        log.iter().filter(|e| !matches!(e.kind, EventKind::SnowballWon { .. })).cloned().collect();
    assert!(Game::verify_log(&renumber(without)).is_err(), "an offered snowball must have its outcome");
}
