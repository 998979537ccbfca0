use super::*;
use crate::claim::Verdict;
use crate::config::StageSpec;
use crate::event::{Channel, RejectReason};
use crate::kind::GameKind;
use crate::pattern::PatternSpec;
use crate::prize::Remainder;

const T: i64 = 1_700_000_000_000;

fn seed(n: u8) -> Seed {
    Seed::from_bytes([n; 32])
}

fn running(config: GameConfig, s: u8) -> Game {
    let (mut game, created) = Game::create(config, seed(s), T).expect("valid config");
    assert_eq!(created.seq, 1);
    game.open(T).expect("open");
    game.issue_cards(&[(1, ISSUED)], Channel::Paper, T).expect("issue");
    game.start(T).expect("start");
    game
}

/// The cards `running` issues before the first ball: 1 to ISSUED.
const ISSUED: u64 = 1000;

fn ninety(prizes: [u64; 3]) -> GameConfig {
    let mut config = GameConfig::standard(GameKind::Ball90);
    for (stage, prize) in config.stages.iter_mut().zip(prizes) {
        stage.prize = prize;
    }
    config
}

/// Serials among the first `n` whose check says they win now.
fn winners(game: &Game, n: u64) -> Vec<u64> {
    (1..=n).filter(|&s| game.check_card(s).map(|c| c.verdict.is_win()).unwrap_or(false)).collect()
}

/// Draws until at least one of the first `n` cards wins the current stage.
fn draw_until_win(game: &mut Game, n: u64) -> Vec<u64> {
    loop {
        game.draw(T).expect("draw");
        let w = winners(game, n);
        if !w.is_empty() {
            return w;
        }
    }
}

#[test]
fn whole_ninety_ball_game_with_three_stages() {
    let mut game = running(ninety([1000, 2000, 5000]), 1);
    let mut all = Vec::new();
    for stage in 0..3 {
        assert_eq!(game.stage(), stage);
        let w = draw_until_win(&mut game, 60);
        let events = game.claim(w[0], T).expect("claim");
        assert!(matches!(events[0].kind, EventKind::ClaimAccepted { serial, .. } if serial == w[0]));
        all.push(w[0]);
        if stage < 2 {
            let events = game.draw(T).expect("next ball settles the stage");
            assert!(
                matches!(&events[0].kind, EventKind::StageWon { stage: s, winners, .. } if *s == stage && winners[0].serial == w[0])
            );
            assert!(matches!(events[1].kind, EventKind::BallCalled { .. }));
        }
    }
    assert_eq!(game.draw(T), Err(GameError::FinalStageWon));
    let events = game.finish(T).expect("finish");
    let names: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(names, ["stage_won", "game_finished", "seed_revealed"]);
    assert_eq!(game.state(), GameState::Finished);
    assert_eq!(game.revealed_seed(), Some(&seed(1)));
    let prizes: Vec<u64> = game.results().iter().map(|r| r.winners.iter().map(|w| w.amount).sum()).collect();
    assert_eq!(prizes, [1000, 2000, 5000]);
}

#[test]
fn false_claim_says_what_is_missing() {
    let mut game = running(ninety([0; 3]), 2);
    for _ in 0..5 {
        game.draw(T).expect("draw");
    }
    let loser = (1..100).find(|&s| !game.check_card(s).expect("card").verdict.is_win()).expect("a loser");
    let events = game.claim(loser, T).expect("claim");
    match &events[0].kind {
        EventKind::ClaimRejected { reason: RejectReason::NotComplete, message, .. } => {
            assert!(message.starts_with("row "), "{message}");
            assert!(message.contains("still needs"), "{message}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn shared_stage_splits_the_prize_with_the_remainder_to_first_claims() {
    // Find a seed where two of the first 300 tickets win one line on the same ball.
    for s in 0..=255u8 {
        let mut game = running(ninety([1001, 0, 0]), s);
        let w = draw_until_win(&mut game, 300);
        if w.len() < 2 {
            continue;
        }
        game.claim(w[1], T).expect("claim");
        game.claim(w[0], T).expect("claim");
        let events = game.draw(T).expect("draw");
        let EventKind::StageWon { winners, house, .. } = &events[0].kind else { panic!("expected stage_won") };
        assert_eq!(
            winners,
            &[Share { serial: w[1], amount: 501, name: None }, Share { serial: w[0], amount: 500, name: None }]
        );
        assert_eq!(*house, 0);
        return;
    }
    panic!("no seed gave two winners on one ball");
}

#[test]
fn sleeper_is_rejected_under_the_hall_rule_and_accepted_without_it() {
    for rule in [true, false] {
        let mut config = ninety([0; 3]);
        config.claim_before_next_ball = rule;
        let mut game = running(config, 3);
        let w = draw_until_win(&mut game, 60);
        // Let balls pass without claiming, until the winner's line did not complete on the last ball.
        loop {
            game.draw(T).expect("draw");
            if let Verdict::Sleeper { .. } = game.check_card(w[0]).expect("card").verdict {
                break;
            }
            if !rule {
                break;
            }
        }
        let events = game.claim(w[0], T).expect("claim");
        match (&events[0].kind, rule) {
            (EventKind::ClaimRejected { reason: RejectReason::Sleeper, message, .. }, true) => {
                assert!(message.starts_with("sleeper"), "{message}")
            }
            (EventKind::ClaimAccepted { .. }, false) => {}
            (other, _) => panic!("rule {rule}: unexpected {other:?}"),
        }
    }
}

#[test]
fn duplicate_claim_is_rejected_as_already_won() {
    let mut game = running(ninety([0; 3]), 4);
    let w = draw_until_win(&mut game, 60);
    game.claim(w[0], T).expect("claim");
    let events = game.claim(w[0], T).expect("claim again");
    assert!(matches!(events[0].kind, EventKind::ClaimRejected { reason: RejectReason::AlreadyWon, .. }));
}

#[test]
fn manual_mode_refuses_bad_numbers_and_voids_the_last_call() {
    let mut config = GameConfig::standard(GameKind::Ball75);
    config.draw_mode = DrawMode::Manual;
    let mut game = running(config, 5);
    assert_eq!(game.draw(T), Err(GameError::WrongMode { action: "draw a random ball", mode: DrawMode::Manual }));
    assert_eq!(game.void_last_call(T), Err(GameError::NothingToVoid));
    assert_eq!(game.call_number(0, T), Err(GameError::OutOfRange { number: 0, max: 75 }));
    assert_eq!(game.call_number(76, T), Err(GameError::OutOfRange { number: 76, max: 75 }));
    game.call_number(12, T).expect("call");
    game.call_number(40, T).expect("call");
    assert_eq!(game.call_number(12, T), Err(GameError::AlreadyCalled { number: 12, call: 1 }));
    let events = game.void_last_call(T).expect("void");
    assert_eq!(events[0].kind, EventKind::BallVoided { call: 2, number: 40 });
    assert_eq!(game.calls().as_slice(), &[12]);
    let events = game.call_number(41, T).expect("call");
    assert_eq!(events[0].kind, EventKind::BallCalled { call: 2, number: 41 });
}

#[test]
fn cannot_void_a_call_a_claim_was_accepted_on() {
    let mut config = GameConfig::standard(GameKind::Ball30);
    config.draw_mode = DrawMode::Manual;
    let mut game = running(config, 6);
    let card = game.deck().card(1).expect("card");
    for n in card.numbers().collect::<Vec<_>>() {
        game.call_number(n, T).expect("call");
    }
    assert!(matches!(game.claim(1, T).expect("claim")[0].kind, EventKind::ClaimAccepted { .. }));
    assert!(matches!(game.void_last_call(T), Err(GameError::VoidAfterClaim { .. })));
}

#[test]
fn state_rules() {
    let (mut game, _) = Game::create(GameConfig::standard(GameKind::Ball80), seed(7), T).expect("create");
    assert!(matches!(game.draw(T), Err(GameError::WrongState { .. })));
    assert!(matches!(game.claim(1, T), Err(GameError::WrongState { .. })));
    game.issue_cards(&[(1, 1)], Channel::Phone, T).expect("issue before opening");
    game.start(T).expect("start without opening");
    game.pause(T).expect("pause");
    assert!(matches!(game.draw(T), Err(GameError::WrongState { state: GameState::Paused, .. })));
    assert!(game.claim(1, T).is_ok(), "claims are heard while paused");
    game.resume(T).expect("resume");
    assert!(matches!(game.claim(0, T), Err(GameError::Card(_))));
    game.finish(T).expect("finish");
    assert!(matches!(game.finish(T), Err(GameError::WrongState { .. })));
}

#[test]
fn bad_configs_are_refused_with_reasons() {
    let mut config = GameConfig::standard(GameKind::Ball75);
    config.stages.clear();
    assert!(matches!(Game::create(config, seed(1), T), Err(GameError::InvalidConfig(_))));
    let mut config = GameConfig::standard(GameKind::Ball75);
    config.stages.push(StageSpec { pattern: PatternSpec::Builtin("full-house".into()), prize: 0, share: None });
    assert!(matches!(Game::create(config, seed(1), T), Err(GameError::Pattern(_))));
    let mut config = GameConfig::standard(GameKind::Ball75);
    config.currency = Some("pounds".into());
    assert!(matches!(Game::create(config, seed(1), T), Err(GameError::InvalidConfig(_))));
}

#[test]
fn restore_replays_and_checks_the_log() {
    let mut config = ninety([10, 20, 31]);
    config.remainder = Remainder::House;
    let (mut game, created) = Game::create(config, seed(8), T).expect("create");
    let mut log = vec![created];
    log.extend(game.issue_cards(&[(1, 60)], Channel::Paper, T).expect("issue"));
    log.extend(game.start(T).expect("start"));
    let w = draw_until_win(&mut game, 60);
    for e in 1..=game.calls().count() {
        // Rebuild the BallCalled events from the game's own calls (draw_until_win dropped them).
        let number = game.calls().as_slice()[usize::from(e) - 1];
        log.push(Event { seq: log.len() as u64 + 1, at_ms: T, kind: EventKind::BallCalled { call: e, number } });
    }
    log.extend(game.claim(w[0], T).expect("claim"));
    log.extend(game.finish(T).expect("finish"));
    let restored = Game::verify_log(&log).expect("a valid log");
    assert_eq!(restored.calls(), game.calls());
    assert_eq!(restored.results(), game.results());
    assert_eq!(restored.state(), GameState::Finished);

    let mut tampered = log.clone();
    if let EventKind::BallCalled { number, .. } = &mut tampered[3].kind {
        *number = if *number == 1 { 2 } else { 1 };
    }
    assert!(matches!(Game::verify_log(&tampered), Err(GameError::BadLog { .. })));
    let mut gap = log.clone();
    gap.remove(3);
    assert!(matches!(Game::verify_log(&gap), Err(GameError::BadLog { .. })));
    assert_eq!(Game::restore(seed(9), &log).err(), Some(GameError::SeedMismatch));
}

#[test]
fn events_serialize_with_a_type_tag() {
    let (_, created) = Game::create(GameConfig::standard(GameKind::Ball75), seed(1), T).expect("create");
    let json = serde_json::to_value(&created).expect("json");
    assert_eq!(json["type"], "game_created");
    assert_eq!(json["seq"], 1);
    assert_eq!(json["config"]["kind"], "75");
    let back: Event = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, created);
}

#[test]
fn a_replica_follows_events_from_another_node_and_views_hide_the_seed() {
    let (mut primary, created) = Game::create(GameConfig::standard(GameKind::Ball75), seed(10), T).expect("create");
    let mut replica = Game::restore(seed(10), &[created]).expect("restore");
    let mut events = primary.start(T).expect("start");
    events.extend(primary.draw(T).expect("draw"));
    for e in &events {
        replica.replay(e).expect("replay");
    }
    assert_eq!(replica.calls(), primary.calls());
    assert!(matches!(replica.replay(&events[0]), Err(GameError::BadLog { .. })), "a repeated event is refused");
    let view = crate::view::GameView::of(&replica);
    assert_eq!(view.last_seq, 3);
    assert_eq!(view.seed, None);
    let json = serde_json::to_string(&view).expect("json");
    assert!(!json.contains(&seed(10).to_hex()));
    for e in primary.finish(T).expect("finish") {
        replica.replay(&e).expect("replay");
    }
    assert_eq!(crate::view::GameView::of(&replica).seed, Some(seed(10)));
}
