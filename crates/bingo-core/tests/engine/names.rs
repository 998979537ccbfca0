//! Winners' names: a claim records who made it, the stage's shares carry the name to the ledger,
//! and a log whose names disagree with its claims, or break the rule for names, is refused.

use bingo_core::{Channel, Event, EventKind, Game, GameConfig, GameError, GameKind, GameState, Share};

const T0: i64 = 1_790_000_000_000;
const CARDS: u64 = 60;

/// A finished 90-ball game on paper cards 1 to 60, every claim by `name_of(serial)`.
fn finished_log(name_of: impl Fn(u64) -> Option<String>) -> Vec<Event> {
    let seed = crate::common::derived_seed("winners' names", 0);
    let (mut game, created) = Game::create(GameConfig::standard(GameKind::Ball90), seed, T0).unwrap();
    let mut log = vec![created];
    log.extend(game.issue_cards(&[(1, CARDS)], Channel::Paper, T0).unwrap());
    log.extend(game.start(T0).unwrap());
    while game.state() != GameState::Finished {
        let winner = (1..=CARDS)
            .find(|&s| game.check_card(s).is_ok_and(|c| c.verdict.is_win()) && !game.pending_winners().contains(&s));
        match winner {
            Some(serial) => log.extend(game.claim_by(serial, name_of(serial).as_deref(), T0).unwrap()),
            None => match game.draw(T0) {
                Ok(events) => log.extend(events),
                Err(GameError::FinalStageWon) => log.extend(game.finish(T0).unwrap()),
                Err(e) => panic!("{e}"),
            },
        }
    }
    log
}

fn card_name(serial: u64) -> Option<String> {
    Some(format!("  Holder of {serial} "))
}

fn shares(log: &[Event]) -> Vec<Share> {
    log.iter()
        .filter_map(|e| match &e.kind {
            EventKind::StageWon { winners, .. } => Some(winners.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn the_claimants_name_goes_from_the_claim_to_the_stage_shares() {
    let log = finished_log(card_name);
    let accepted: Vec<(u64, Option<String>)> = log
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ClaimAccepted { serial, name, .. } => Some((*serial, name.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(accepted.len(), 3, "one winner a stage");
    for (serial, name) in &accepted {
        assert_eq!(name.as_deref(), Some(format!("Holder of {serial}").as_str()), "recorded trimmed");
    }
    let paid: Vec<(u64, Option<String>)> = shares(&log).into_iter().map(|s| (s.serial, s.name)).collect();
    assert_eq!(paid, accepted);
    let game = Game::verify_log(&log).unwrap();
    assert!(game.results().iter().flat_map(|r| &r.winners).all(|w| w.name.is_some()));
}

#[test]
fn a_log_without_names_keeps_its_old_form() {
    let log = finished_log(|_| None);
    for event in &log {
        let json = serde_json::to_value(event).unwrap();
        let text = json.to_string();
        assert!(!text.contains("\"name\""), "no name field when none was given: {text}");
        assert_eq!(&serde_json::from_value::<Event>(json).unwrap(), event);
    }
    Game::verify_log(&log).unwrap();
}

#[test]
fn verify_log_refuses_names_that_differ_from_the_claims_or_break_the_rule() {
    let log = finished_log(card_name);
    let won = log.iter().position(|e| matches!(e.kind, EventKind::StageWon { .. })).unwrap();
    let accepted = log.iter().position(|e| matches!(e.kind, EventKind::ClaimAccepted { .. })).unwrap();
    let tamper = |i: usize, name: Option<&str>| {
        let mut tampered = log.clone();
        match &mut tampered[i].kind {
            EventKind::StageWon { winners, .. } => winners[0].name = name.map(str::to_string),
            EventKind::ClaimAccepted { name: n, .. } => *n = name.map(str::to_string),
            _ => unreachable!(),
        }
        Game::verify_log(&tampered)
    };
    assert!(matches!(tamper(won, Some("Someone else")), Err(GameError::BadLog { .. })), "a share paid to another name");
    assert!(matches!(tamper(won, None), Err(GameError::BadLog { .. })), "a share without its claim's name");
    // The claim and its share agree, but the name is not one a claim records.
    for bad in [" padded", "line\nbreak", ""] {
        let mut tampered = log.clone();
        for i in [accepted, won] {
            match &mut tampered[i].kind {
                EventKind::StageWon { winners, .. } => winners[0].name = Some(bad.into()),
                EventKind::ClaimAccepted { name, .. } => *name = Some(bad.into()),
                _ => unreachable!(),
            }
        }
        assert!(matches!(Game::verify_log(&tampered), Err(GameError::BadLog { .. })), "{bad:?}");
    }
}

#[test]
fn a_claim_with_a_bad_name_is_refused_and_changes_nothing() {
    let seed = crate::common::derived_seed("winners' names", 1);
    let (mut game, _) = Game::create(GameConfig::standard(GameKind::Ball90), seed, T0).unwrap();
    game.issue_cards(&[(1, 1)], Channel::Paper, T0).unwrap();
    game.start(T0).unwrap();
    game.draw(T0).unwrap();
    let next = game.next_seq();
    for bad in ["", "   ", "tab\there", &"x".repeat(25)] {
        assert!(matches!(game.claim_by(1, Some(bad), T0), Err(GameError::InvalidName(_))), "{bad:?}");
    }
    assert_eq!(game.next_seq(), next);
    let events = game.claim_by(1, Some(" Ann "), T0).unwrap();
    assert!(matches!(&events[0].kind, EventKind::ClaimRejected { name: Some(n), .. } if n == "Ann"));
}
