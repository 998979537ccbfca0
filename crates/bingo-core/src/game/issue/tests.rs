use super::*;
use crate::claim::{self, Verdict};
use crate::config::GameConfig;
use crate::event::RejectReason;
use crate::kind::GameKind;
use crate::seed::Seed;

const T: i64 = 1_700_000_000_000;

fn range(first: u64, last: u64, after_call: u16) -> IssuedRange {
    IssuedRange { first, last, after_call }
}

fn game(late_entry: bool) -> (Game, Vec<Event>) {
    let config = GameConfig { late_entry, ..GameConfig::standard(GameKind::Ball90) };
    let (mut game, created) = Game::create(config, Seed::from_bytes([3; 32]), T).expect("create");
    let mut log = vec![created];
    log.extend(game.issue_cards(&[(1, 60)], Channel::Phone, T).expect("issue before the start"));
    log.extend(game.start(T).expect("start"));
    (game, log)
}

/// Whether `serial`'s card already completes the current stage, whatever its issue.
fn complete(game: &Game, serial: u64) -> bool {
    let card = game.deck().card(serial).expect("card");
    let window = claim::ClaimWindow { stage_first_call: game.stage_first_call(), claim_before_next_ball: false };
    claim::check(&card, &game.patterns()[game.stage()], game.calls(), window).is_win()
}

fn renumbered(mut log: Vec<Event>) -> Vec<Event> {
    for (i, event) in log.iter_mut().enumerate() {
        event.seq = i as u64 + 1;
    }
    log
}

#[test]
fn neighbours_issued_together_merge_and_others_stay_apart() {
    let mut issued = IssuedCards::default();
    issued.insert(range(10, 19, 0));
    issued.insert(range(30, 39, 0));
    issued.insert(range(20, 29, 0));
    assert_eq!(issued.ranges(), &[range(10, 39, 0)]);
    issued.insert(range(40, 40, 5));
    issued.insert(range(1, 9, 0));
    assert_eq!(issued.ranges(), &[range(1, 39, 0), range(40, 40, 5)]);
    assert_eq!((issued.count(), issued.late_count()), (40, 1));
}

#[test]
fn finds_issued_serials_only() {
    let mut issued = IssuedCards::default();
    issued.insert(range(5, 7, 0));
    issued.insert(range(100, 100, 3));
    assert_eq!(issued.find(4), None);
    assert_eq!(issued.find(5), Some(range(5, 7, 0)));
    assert_eq!(issued.find(7), Some(range(5, 7, 0)));
    assert_eq!(issued.find(8), None);
    assert_eq!(issued.find(100), Some(range(100, 100, 3)));
    assert_eq!(issued.find(u64::MAX), None);
    assert!(issued.overlaps(0, 5) && issued.overlaps(7, 99) && !issued.overlaps(8, 99));
}

/// The cheat the ledger closes: a host scans serials for one that has already won, then issues
/// and claims it. Unissued serials say nothing, and issuing after the first ball is refused.
#[test]
fn a_card_never_issued_can_be_neither_checked_nor_claimed_nor_issued_late() {
    let (mut game, _) = game(false);
    while !(61..=5000).any(|s| complete(&game, s)) {
        game.draw(T).expect("draw");
    }
    let winner = (61..=5000).find(|&s| complete(&game, s)).expect("a complete card");
    assert_eq!(game.check_card(winner).err(), Some(GameError::NotIssued { serial: winner }));
    assert_eq!(game.claim(winner, T).err(), Some(GameError::NotIssued { serial: winner }));
    let calls = game.calls().count();
    assert_eq!(
        game.issue_cards(&[(winner, winner)], Channel::Paper, T).err(),
        Some(GameError::SalesClosed { after_call: calls })
    );
    assert!(!game.sales_open());
    assert!(game.check_card(1).is_ok(), "issued cards are checked as before");
    assert_eq!(
        game.issue_cards(&[(60, 61)], Channel::Paper, T).err(),
        Some(GameError::SalesClosed { after_call: calls })
    );
}

#[test]
fn a_late_card_wins_only_on_balls_called_after_it_was_issued() {
    let (mut game, mut log) = game(true);
    while !(61..=5000).any(|s| complete(&game, s)) {
        log.extend(game.draw(T).expect("draw"));
    }
    let already = (61..=5000).find(|&s| complete(&game, s)).expect("a complete card");
    let issued = game.issue_cards(&[(already, already)], Channel::Paper, T).expect("late entry is allowed");
    assert!(matches!(issued[0].kind, EventKind::CardsIssued { late: true, .. }));
    log.extend(issued);
    let check = game.check_card(already).expect("issued");
    assert!(matches!(check.verdict, Verdict::BeforeIssue { .. }), "{check:?}");
    assert!(check.message.contains("issued late"), "{}", check.message);
    let rejected = game.claim(already, T).expect("a claim is heard");
    assert!(matches!(rejected[0].kind, EventKind::ClaimRejected { reason: RejectReason::BeforeIssue, .. }));
    log.extend(rejected);

    // Fresh late cards that complete on a later ball win as any card does.
    let fresh: Vec<u64> = (5001..=7000).filter(|&s| !complete(&game, s)).take(1000).collect();
    let ranges: Vec<(u64, u64)> = fresh.iter().map(|&s| (s, s)).collect();
    log.extend(game.issue_cards(&ranges, Channel::Phone, T).expect("late phones"));
    let winner = loop {
        log.extend(game.draw(T).expect("draw"));
        if let Some(&s) = fresh.iter().find(|&&s| game.check_card(s).is_ok_and(|c| c.verdict.is_win())) {
            break s;
        }
    };
    log.extend(game.claim(winner, T).expect("claim"));
    assert!(matches!(log.last().map(|e| &e.kind), Some(EventKind::ClaimAccepted { serial, .. }) if *serial == winner));
    assert_eq!(game.issued().late_count(), 1 + fresh.len() as u64);
    log.extend(game.finish(T).expect("finish"));
    Game::verify_log(&log).expect("the log verifies");
}

/// What `bingo verify --ledger` relies on: a log that claims for a card it never issued, or that
/// hides a late issue, does not verify.
#[test]
fn logs_that_rewrite_when_a_card_was_issued_are_refused() {
    let (mut game, mut log) = game(false);
    let winner = loop {
        log.extend(game.draw(T).expect("draw"));
        if let Some(s) = (1..=60).find(|&s| game.check_card(s).is_ok_and(|c| c.verdict.is_win())) {
            break s;
        }
    };
    log.extend(game.claim(winner, T).expect("claim"));
    log.extend(game.finish(T).expect("finish"));
    Game::verify_log(&log).expect("the honest log verifies");

    let without_issue =
        renumbered(log.iter().filter(|e| !matches!(e.kind, EventKind::CardsIssued { .. })).cloned().collect());
    assert!(matches!(Game::verify_log(&without_issue), Err(GameError::BadLog { .. })));

    // The cards issued after the first ball, as if late, in a game without late entry.
    let mut moved = log.clone();
    let issue = moved.remove(1);
    moved.insert(3, issue);
    assert!(matches!(Game::verify_log(&renumbered(moved.clone())), Err(GameError::BadLog { .. })));
    if let EventKind::CardsIssued { late, .. } = &mut moved[3].kind {
        *late = true;
    }
    assert!(matches!(Game::verify_log(&renumbered(moved)), Err(GameError::BadLog { .. })));
}

/// Logs made before cards were recorded verify as they did: their claims are not tied to issues,
/// and nothing can be issued in them.
#[test]
fn older_logs_without_issued_cards_still_verify() {
    let config = GameConfig { cards_in_ledger: false, ..GameConfig::standard(GameKind::Ball75) };
    let (mut game, created) = Game::create(config, Seed::from_bytes([4; 32]), T).expect("create");
    let json = serde_json::to_string(&created).expect("json");
    assert!(!json.contains("cards_in_ledger") && !json.contains("late_entry"), "{json}");
    assert!(matches!(game.issue_cards(&[(1, 1)], Channel::Paper, T), Err(GameError::BadLog { .. })));
    game.start(T).expect("start");
    game.draw(T).expect("draw");
    assert!(game.check_card(12_345).is_ok());
    assert!(game.claim(12_345, T).is_ok());
}
