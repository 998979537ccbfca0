//! Whole games: manual-mode refusals and voids, random play replayed from the log with
//! `Game::restore` and `Game::verify_log`, and tampered logs refused with an error.

use crate::common::{any_kind, any_seed};
use bingo_core::pattern::builtin_ids;
use bingo_core::{
    Channel, DrawMode, Event, EventKind, Game, GameConfig, GameError, GameKind, GameState, PatternSpec, Remainder,
    Seed, StageSpec, Verdict,
};
use proptest::prelude::*;

const T0: i64 = 1_700_000_000_000;

fn config(
    kind: GameKind,
    manual: bool,
    hall_rule: bool,
    remainder: Remainder,
    stages: &[(prop::sample::Index, u64)],
) -> GameConfig {
    let ids = builtin_ids(kind);
    GameConfig {
        stages: stages
            .iter()
            .map(|(i, prize)| StageSpec {
                pattern: PatternSpec::Builtin(ids[i.index(ids.len())].to_string()),
                prize: *prize,
                share: None,
            })
            .collect(),
        draw_mode: if manual { DrawMode::Manual } else { DrawMode::Random },
        claim_before_next_ball: hall_rule,
        remainder,
        ..GameConfig::standard(kind)
    }
}

/// Everything observable about a game's progress.
fn assert_same_state(a: &Game, b: &Game, pool: &[u64]) {
    assert_eq!(a.state(), b.state());
    assert_eq!(a.calls(), b.calls());
    assert_eq!(a.stage(), b.stage());
    assert_eq!(a.stage_first_call(), b.stage_first_call());
    assert_eq!(a.pending_winners(), b.pending_winners());
    assert_eq!(a.results(), b.results());
    assert_eq!(a.next_seq(), b.next_seq());
    assert_eq!(a.commitment(), b.commitment());
    assert_eq!(a.revealed_seed(), b.revealed_seed());
    assert_eq!(a.config(), b.config());
    for &serial in pool {
        assert_eq!(a.check_card(serial), b.check_card(serial));
    }
}

/// Appends a command's events to the log, checking their numbering; a refused command must
/// change nothing.
fn record(game: &Game, before: u64, log: &mut Vec<Event>, result: Result<Vec<Event>, GameError>) -> bool {
    match result {
        Ok(events) => {
            for (i, e) in events.iter().enumerate() {
                assert_eq!(e.seq, before + i as u64);
            }
            assert_eq!(game.next_seq(), before + events.len() as u64);
            log.extend(events);
            true
        }
        Err(_) => {
            assert_eq!(game.next_seq(), before, "a refused command changed the game");
            false
        }
    }
}

#[derive(Clone, Debug)]
struct Plan {
    seed: Seed,
    kind: GameKind,
    manual: bool,
    hall_rule: bool,
    remainder: Remainder,
    stages: Vec<(prop::sample::Index, u64)>,
    pool: Vec<u64>,
    actions: Vec<u8>,
    finish: bool,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        any_seed(),
        any_kind(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((any::<prop::sample::Index>(), 0u64..100_000), 1..4),
        prop::collection::vec(any::<u64>(), 10..60),
        prop::collection::vec(any::<u8>(), 0..300),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(seed, kind, manual, hall_rule, house, stages, pool, actions, finish)| Plan {
            seed,
            kind,
            manual,
            hall_rule,
            remainder: if house { Remainder::House } else { Remainder::FirstClaims },
            stages,
            pool,
            actions,
            finish,
        })
}

/// Plays a random game; returns it, its log and the serials it used.
fn play(plan: &Plan) -> (Game, Vec<Event>, Vec<u64>) {
    let config = config(plan.kind, plan.manual, plan.hall_rule, plan.remainder, &plan.stages);
    let (mut game, created) = Game::create(config, plan.seed.clone(), T0).unwrap();
    let capacity = game.deck().capacity();
    let pool: Vec<u64> = plan.pool.iter().map(|x| 1 + x % capacity).collect();
    let mut log = vec![created];
    // The pool's cards are issued before the first ball; claims on any other card are refused.
    let mut issue: Vec<u64> = pool.clone();
    issue.sort_unstable();
    issue.dedup();
    let ranges: Vec<(u64, u64)> = issue.iter().map(|&s| (s, s)).collect();
    log.extend(game.issue_cards(&ranges, Channel::Paper, T0).unwrap());
    let mut t = T0;
    let balls = plan.kind.balls();
    for (step, &a) in [0u8, 1].iter().chain(&plan.actions).enumerate() {
        t += 1_000;
        let before = game.next_seq();
        let result = match a % 20 {
            0 => game.open(t),
            1 => game.start(t),
            2..=10 if plan.manual => {
                let uncalled: Vec<u8> = (1..=balls).filter(|&n| !game.calls().contains(n)).collect();
                if uncalled.is_empty() {
                    continue;
                }
                game.call_number(uncalled[(usize::from(a) * 31 + step) % uncalled.len()], t)
            }
            2..=10 => game.draw(t),
            11 | 12 => {
                // A winner if there is one, else any card.
                let winner = pool.iter().copied().find(|&s| {
                    game.check_card(s).is_ok_and(|c| c.verdict.is_win()) && !game.pending_winners().contains(&s)
                });
                game.claim(winner.unwrap_or(pool[usize::from(a) % pool.len()]), t)
            }
            13 => game.claim(pool[usize::from(a) % pool.len()], t),
            14 => game.pause(t),
            15 | 16 => game.resume(t),
            17 => game.void_last_call(t),
            18 => game.claim(if a < 128 { 0 } else { capacity + 1 }, t),
            _ => {
                let _ = game.check_card(pool[usize::from(a) % pool.len()]);
                continue;
            }
        };
        record(&game, before, &mut log, result);
    }
    if plan.finish {
        let before = game.next_seq();
        let result = game.finish(t + 1_000);
        assert!(record(&game, before, &mut log, result), "finish");
        assert_eq!(game.state(), GameState::Finished);
    }
    (game, log, pool)
}

fn restored(seed: &Seed, log: &[Event]) -> Result<Game, GameError> {
    Game::restore(seed.clone(), log)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn restore_rebuilds_any_played_game_and_refuses_tampering(
        plan in plan(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 4),
        replacement in any::<u8>(),
    ) {
        let (game, log, pool) = play(&plan);
        let seed = &plan.seed;

        // Replay, directly and through JSON.
        let again = restored(seed, &log).unwrap();
        assert_same_state(&game, &again, &pool);
        let json = serde_json::to_string(&log).unwrap();
        let back: Vec<Event> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &log);
        assert_same_state(&game, &restored(seed, &back).unwrap(), &pool);
        if plan.finish {
            let verified = Game::verify_log(&log).unwrap();
            assert_same_state(&game, &verified, &pool);
            prop_assert_eq!(verified.revealed_seed(), Some(seed));
        } else {
            prop_assert!(Game::verify_log(&log).is_err(), "no seed revealed");
        }
        // Every prefix of a valid log is valid.
        prop_assert!(restored(seed, &log[..1 + picks[0].index(log.len())]).is_ok());
        // Another seed does not open the commitment.
        let mut other = *seed.as_bytes();
        other[0] ^= 1;
        prop_assert_eq!(restored(&Seed::from_bytes(other), &log).err(), Some(GameError::SeedMismatch));
        prop_assert!(restored(seed, &[]).is_err());

        let refused = |tampered: &[Event], what: &str| {
            assert!(restored(seed, tampered).is_err(), "{what} was not refused");
            if plan.finish {
                assert!(Game::verify_log(tampered).is_err(), "{what} was verified");
            }
        };

        // Tamper with BallCalled numbers.
        let balls: Vec<usize> = (0..log.len())
            .filter(|&i| matches!(log[i].kind, EventKind::BallCalled { .. }))
            .collect();
        for pick in &picks {
            if balls.is_empty() {
                break;
            }
            let i = balls[pick.index(balls.len())];
            let EventKind::BallCalled { number, .. } = log[i].kind else { unreachable!() };
            let new = if plan.manual {
                // A manual call may be any fresh ball, so only an impossible number is a lie:
                // out of range, or a ball already standing at that point.
                let earlier = restored(seed, &log[..i]).unwrap();
                match earlier.calls().as_slice() {
                    [] => if replacement % 2 == 0 { 0 } else { plan.kind.balls() + 1 + replacement % 100 },
                    standing => standing[usize::from(replacement) % standing.len()],
                }
            } else if replacement == number {
                number.wrapping_add(1)
            } else {
                replacement
            };
            let mut tampered = log.clone();
            if let EventKind::BallCalled { number, .. } = &mut tampered[i].kind {
                *number = new;
            }
            refused(&tampered, &format!("ball at event {i} changed to {new}"));
        }

        // Tamper with ClaimAccepted serials.
        let accepted: Vec<usize> = (0..log.len())
            .filter(|&i| matches!(log[i].kind, EventKind::ClaimAccepted { .. }))
            .collect();
        for (k, pick) in picks.iter().enumerate() {
            if accepted.is_empty() {
                break;
            }
            let i = accepted[pick.index(accepted.len())];
            let EventKind::ClaimAccepted { serial, alternative, .. } = log[i].kind else { unreachable!() };
            let capacity = game.deck().capacity();
            let new = match k {
                0 => serial % capacity + 1,
                1 => 0,
                2 => capacity + 1,
                _ => pool[usize::from(replacement) % pool.len()],
            };
            if new == serial {
                continue;
            }
            let mut tampered = log.clone();
            if let EventKind::ClaimAccepted { serial, .. } = &mut tampered[i].kind {
                *serial = new;
            }
            // Undetectable only if the new card also wins the same way, right then, and the
            // stage is never settled afterwards (settling names the winners).
            let earlier = restored(seed, &log[..i]).unwrap();
            let also_wins = earlier.check_card(new).is_ok_and(|c| matches!(c.verdict, Verdict::Won { alternative: a, .. } if a == alternative))
                && !earlier.pending_winners().contains(&new);
            let settled_later = log[i..].iter().any(|e| matches!(e.kind, EventKind::StageWon { .. }));
            if also_wins && !settled_later {
                prop_assert!(!plan.finish);
                continue;
            }
            refused(&tampered, &format!("claim at event {i} changed from {serial} to {new}"));
        }

        // Drop an event (any but the last): the sequence numbers then have a gap.
        for pick in &picks {
            if log.len() < 2 {
                break;
            }
            let i = pick.index(log.len() - 1);
            let mut dropped = log.clone();
            dropped.remove(i);
            refused(&dropped, &format!("dropping event {i}"));
        }
        // Dropping the last event leaves a valid prefix, but a finished game's log then reveals
        // no seed.
        if plan.finish {
            prop_assert!(Game::verify_log(&log[..log.len() - 1]).is_err());
        }
        // Dropping a ball (random draw) or an accepted claim of a finished game, and renumbering
        // the rest so that there is no gap, is still refused.
        let renumbered = |i: usize| {
            let mut v = log.clone();
            v.remove(i);
            for (k, e) in v.iter_mut().enumerate() {
                e.seq = k as u64 + 1;
            }
            v
        };
        if !plan.manual {
            if let Some(&i) = balls.iter().rev().nth(1) {
                refused(&renumbered(i), &format!("dropping ball event {i} and renumbering"));
            }
        }
        if plan.finish {
            for &i in accepted.iter().take(2) {
                refused(&renumbered(i), &format!("dropping claim event {i} and renumbering"));
            }
        }
        // A different revealed seed.
        if plan.finish {
            let mut tampered = log.clone();
            if let Some(EventKind::SeedRevealed { seed }) = tampered.last_mut().map(|e| &mut e.kind) {
                *seed = Seed::from_bytes(other);
            }
            prop_assert!(Game::verify_log(&tampered).is_err());
            prop_assert!(restored(seed, &tampered).is_err());
        }
    }
}

/// One manual-mode step of the refusal test.
#[derive(Clone, Debug)]
enum Step {
    Call(u8),
    Void,
    ClaimWinner,
    Pause,
    Resume,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        10 => (0u8..=100).prop_map(Step::Call),
        2 => Just(Step::Void),
        2 => Just(Step::ClaimWinner),
        1 => Just(Step::Pause),
        1 => Just(Step::Resume),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Manual mode against a model of its rules: bad numbers, repeats (with the call number of
    /// the earlier call), voids only of the last call and never of a call a claim was accepted
    /// on, nothing while paused but voids and claims.
    #[test]
    fn manual_mode_refuses_bad_calls_and_voids_by_its_rules(
        seed in any_seed(),
        kind in any_kind(),
        steps in prop::collection::vec(step(), 0..150),
    ) {
        let mut config = GameConfig::standard(kind);
        config.draw_mode = DrawMode::Manual;
        let (mut game, created) = Game::create(config, seed.clone(), T0).unwrap();
        let mut log = vec![created];
        log.extend(game.open(T0).unwrap());
        log.extend(game.start(T0).unwrap());
        assert!(matches!(game.draw(T0), Err(GameError::WrongMode { mode: DrawMode::Manual, .. })));

        let max = kind.balls();
        let mut calls: Vec<u8> = Vec::new();
        let mut last_accept = 0u16;
        let mut paused = false;
        for s in steps {
            let before = game.next_seq();
            match s {
                Step::Call(n) => {
                    let final_won = !game.pending_winners().is_empty()
                        && game.stage() + 1 == game.patterns().len();
                    let result = game.call_number(n, T0);
                    let expected = if paused {
                        Err("paused")
                    } else if n == 0 || n > max {
                        Err("range")
                    } else if calls.contains(&n) {
                        Err("repeat")
                    } else if final_won {
                        Err("final")
                    } else {
                        Ok(())
                    };
                    match (&result, expected) {
                        (Err(GameError::WrongState { state: GameState::Paused, .. }), Err("paused")) => {}
                        (Err(GameError::OutOfRange { number, max: m }), Err("range")) => {
                            prop_assert_eq!((*number, *m), (n, max));
                        }
                        (Err(GameError::AlreadyCalled { number, call }), Err("repeat")) => {
                            let at = calls.iter().position(|&c| c == n).unwrap() as u16 + 1;
                            prop_assert_eq!((*number, *call), (n, at));
                        }
                        (Err(GameError::FinalStageWon), Err("final")) => {}
                        (Ok(events), Ok(())) => {
                            let last = events.last().unwrap();
                            prop_assert_eq!(&last.kind, &EventKind::BallCalled { call: calls.len() as u16 + 1, number: n });
                            calls.push(n);
                        }
                        (got, want) => panic!("call {n}: got {got:?}, expected {want:?}"),
                    }
                    record(&game, before, &mut log, result);
                }
                Step::Void => {
                    let result = game.void_last_call(T0);
                    match (&result, calls.last()) {
                        (Err(GameError::NothingToVoid), None) => {}
                        (Err(GameError::VoidAfterClaim { number }), Some(&last)) => {
                            prop_assert_eq!(*number, last);
                            prop_assert_eq!(last_accept, calls.len() as u16);
                        }
                        (Ok(events), Some(&last)) => {
                            prop_assert!(last_accept != calls.len() as u16);
                            prop_assert_eq!(&events[0].kind, &EventKind::BallVoided { call: calls.len() as u16, number: last });
                            calls.pop();
                        }
                        (got, last) => panic!("void with last call {last:?}: got {got:?}"),
                    }
                    record(&game, before, &mut log, result);
                }
                Step::ClaimWinner => {
                    let winner = (1..=100u64).find(|&s| {
                        game.check_card(s).is_ok_and(|c| c.verdict.is_win())
                            && !game.pending_winners().contains(&s)
                    });
                    if let Some(serial) = winner {
                        let result = game.claim(serial, T0);
                        if let Ok(events) = &result {
                            assert!(matches!(events[0].kind, EventKind::ClaimAccepted { .. }));
                            last_accept = calls.len() as u16;
                        }
                        record(&game, before, &mut log, result);
                    }
                }
                Step::Pause => {
                    let result = game.pause(T0);
                    prop_assert_eq!(result.is_ok(), !paused);
                    paused = true;
                    record(&game, before, &mut log, result);
                }
                Step::Resume => {
                    let result = game.resume(T0);
                    prop_assert_eq!(result.is_ok(), paused);
                    paused = false;
                    record(&game, before, &mut log, result);
                }
            }
            prop_assert_eq!(game.calls().as_slice(), calls.as_slice());
        }
        log.extend(game.finish(T0).unwrap());
        let verified = Game::verify_log(&log).unwrap();
        prop_assert_eq!(verified.calls(), game.calls());
        prop_assert_eq!(verified.results(), game.results());
    }

    #[test]
    fn random_mode_refuses_manual_commands(seed in any_seed(), kind in any_kind(), n in 0u8..=255) {
        let (mut game, _) = Game::create(GameConfig::standard(kind), seed, T0).unwrap();
        game.start(T0).unwrap();
        game.draw(T0).unwrap();
        prop_assert_eq!(
            game.call_number(n, T0),
            Err(GameError::WrongMode { action: "enter a called number", mode: DrawMode::Random })
        );
        assert!(matches!(game.void_last_call(T0), Err(GameError::WrongMode { .. })));
        prop_assert_eq!(game.calls().count(), 1);
    }
}

/// A finished 90-ball game with one accepted claim per stage, and its log.
fn finished_ninety_ball_log() -> Vec<Event> {
    let seed = crate::common::derived_seed("claim evidence", 0);
    let (mut game, created) = Game::create(GameConfig::standard(GameKind::Ball90), seed, T0).unwrap();
    let mut log = vec![created];
    log.extend(game.issue_cards(&[(1, 60)], Channel::Paper, T0).unwrap());
    log.extend(game.start(T0).unwrap());
    while game.state() != GameState::Finished {
        let winner = (1..=60u64)
            .find(|&s| game.check_card(s).is_ok_and(|c| c.verdict.is_win()) && !game.pending_winners().contains(&s));
        match winner {
            Some(serial) => log.extend(game.claim(serial, T0).unwrap()),
            None => match game.draw(T0) {
                Ok(events) => log.extend(events),
                Err(GameError::FinalStageWon) => log.extend(game.finish(T0).unwrap()),
                Err(e) => panic!("{e}"),
            },
        }
    }
    log
}

/// A ClaimAccepted event records its evidence: the alternative's label, the completing numbers
/// and their cells, and the call it completed on. `apply` re-checks the card and alternative,
/// so a log whose evidence does not match the card must be refused too, or `verify_log` would
/// accept a history that says a card won with numbers it does not hold.
#[test]
fn verify_log_refuses_claims_with_altered_evidence() {
    let log = finished_ninety_ball_log();
    Game::verify_log(&log).unwrap();
    let i = log.iter().position(|e| matches!(e.kind, EventKind::ClaimAccepted { .. })).expect("an accepted claim");
    let mut accepted = Vec::new();
    for field in ["label", "numbers", "cells", "completed_at"] {
        let mut tampered = log.clone();
        if let EventKind::ClaimAccepted { label, numbers, cells, completed_at, .. } = &mut tampered[i].kind {
            match field {
                "label" => *label = "the whole card".into(),
                "numbers" => numbers[0] = if numbers[0] == 90 { 89 } else { 90 },
                "cells" => cells[0].1 = (cells[0].1 + 1) % 9,
                _ => *completed_at = completed_at.saturating_sub(1),
            }
        }
        if Game::verify_log(&tampered).is_ok() {
            accepted.push(field);
        }
    }
    assert!(accepted.is_empty(), "verify_log accepted a claim_accepted event with altered {accepted:?}");
}
