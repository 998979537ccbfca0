//! Claim checks and "to go" counts against a brute-force reference computed from first
//! principles: the card's grid, the set of called numbers and the pattern's masks (bit
//! `row * cols + col`). A mask is complete when each of its cells has no number or a called one.

use crate::common::{any_kind, any_seed};
use bingo_core::claim::{check, uncalled_cells, ClaimWindow};
use bingo_core::draw::draw_order;
use bingo_core::pattern::builtin_ids;
use bingo_core::{Calls, Card, Deck, GameKind, Pattern, PatternSpec, ToGo, Verdict};
use proptest::prelude::*;
use std::collections::HashMap;

/// What the reference finds for one alternative.
#[derive(Clone, Copy, Debug)]
struct AltRef {
    /// Cells of the mask holding an uncalled number.
    missing: u32,
    /// The call (from 1) of the last of its numbers; 0 when it has none called.
    completed_at: u16,
}

impl AltRef {
    fn complete(&self) -> bool {
        self.missing == 0
    }
}

fn reference(card: &Card, masks: &[u32], called: &[u8]) -> Vec<AltRef> {
    let grid = card.grid();
    let cols = grid[0].len();
    let call_of: HashMap<u8, u16> = called.iter().enumerate().map(|(i, &n)| (n, i as u16 + 1)).collect();
    masks
        .iter()
        .map(|&mask| {
            let mut r = AltRef { missing: 0, completed_at: 0 };
            for (row, cells) in grid.iter().enumerate() {
                for (col, cell) in cells.iter().enumerate() {
                    let bit = 1u32 << (row * cols + col);
                    if mask & bit == 0 {
                        continue;
                    }
                    if let Some(n) = cell {
                        match call_of.get(n) {
                            Some(&k) => r.completed_at = r.completed_at.max(k),
                            None => r.missing |= bit,
                        }
                    }
                }
            }
            r
        })
        .collect()
}

fn min_missing(refs: &[AltRef]) -> u32 {
    refs.iter().map(|r| r.missing.count_ones()).min().unwrap_or(0)
}

/// The reference's view of one verdict, with the reason when it disagrees.
fn agree(verdict: Verdict, refs: &[AltRef], now: u16, window: ClaimWindow) -> Result<(), String> {
    let valid = |r: &AltRef| {
        r.complete() && (!window.claim_before_next_ball || r.completed_at == now || now <= window.stage_first_call)
    };
    let any_complete = refs.iter().any(AltRef::complete);
    let any_valid = refs.iter().any(valid);
    match verdict {
        Verdict::Won { alternative, completed_at } => {
            let r = refs.get(alternative).ok_or("no such alternative")?;
            if !valid(r) {
                return Err(format!("won on {alternative}, which is {r:?}"));
            }
            if completed_at != r.completed_at {
                return Err(format!("completed_at {completed_at}, reference {r:?}"));
            }
        }
        Verdict::BeforeIssue { .. } => return Err("claim::check alone never knows when a card was issued".into()),
        Verdict::Sleeper { alternative, completed_at, claim_by } => {
            if !window.claim_before_next_ball {
                return Err("a sleeper without the hall rule".into());
            }
            if any_valid {
                return Err("a sleeper, but an alternative may still be claimed".into());
            }
            let r = refs.get(alternative).ok_or("no such alternative")?;
            if !r.complete() || completed_at != r.completed_at {
                return Err(format!("sleeper on {alternative}, which is {r:?}"));
            }
            // The latest completion is the one that had to be claimed last.
            let latest = refs.iter().filter(|r| r.complete()).map(|r| r.completed_at).max();
            if Some(completed_at) != latest {
                return Err(format!("sleeper completed_at {completed_at}, latest {latest:?}"));
            }
            if claim_by != completed_at.max(window.stage_first_call) || claim_by >= now {
                return Err(format!("claim_by {claim_by} (now {now})"));
            }
        }
        Verdict::NotYet { alternative, missing } => {
            if any_complete {
                return Err("not yet, but an alternative is complete".into());
            }
            let r = refs.get(alternative).ok_or("no such alternative")?;
            if missing != r.missing {
                return Err(format!("missing {missing:#b}, reference {:#b}", r.missing));
            }
            if missing.count_ones() != min_missing(refs) {
                return Err(format!("closest needs {}, but {} is possible", missing.count_ones(), min_missing(refs)));
            }
        }
    }
    if window.claim_before_next_ball {
        let expected = if any_valid {
            "won"
        } else if any_complete {
            "sleeper"
        } else {
            "not yet"
        };
        let got = match verdict {
            Verdict::Won { .. } => "won",
            Verdict::Sleeper { .. } => "sleeper",
            Verdict::NotYet { .. } => "not yet",
            Verdict::BeforeIssue { .. } => "before issue",
        };
        if expected != got {
            return Err(format!("verdict {got}, reference {expected}"));
        }
    } else if verdict.is_win() != any_complete {
        return Err(format!("win {}, reference {any_complete}", verdict.is_win()));
    }
    Ok(())
}

/// A pattern for the test: a built-in one, or custom masks.
#[derive(Clone, Debug)]
enum PatternChoice {
    Builtin(prop::sample::Index),
    Custom(Vec<u32>),
}

fn pattern_choice() -> impl Strategy<Value = PatternChoice> {
    prop_oneof![
        3 => any::<prop::sample::Index>().prop_map(PatternChoice::Builtin),
        1 => prop::collection::vec(any::<u32>(), 1..5).prop_map(PatternChoice::Custom),
    ]
}

/// The custom masks a raw choice stands for: any cells (with at least one numbered cell) for
/// grid cards; whole rows for 90-ball.
fn custom_masks(kind: GameKind, raw: &[u32]) -> Vec<u32> {
    let cols = u32::from(kind.cols());
    let all = (1u32 << kind.cell_count()) - 1;
    raw.iter()
        .map(|&x| match kind {
            GameKind::Ball90 => {
                let rows = (x % 7) + 1;
                (0..3).filter(|r| rows & (1 << r) != 0).fold(0, |m, r| m | (((1 << cols) - 1) << (r * cols)))
            }
            _ => {
                // At least one numbered cell (the 75-ball centre, bit 12, has no number).
                let centre = if kind == GameKind::Ball75 { 1 << 12 } else { 0 };
                let m = x & all;
                if m & !centre == 0 {
                    m | 1
                } else {
                    m
                }
            }
        })
        .collect()
}

fn resolve(kind: GameKind, choice: &PatternChoice) -> Pattern {
    match choice {
        PatternChoice::Builtin(i) => {
            let ids = builtin_ids(kind);
            PatternSpec::Builtin(ids[i.index(ids.len())].to_string()).resolve(kind).unwrap()
        }
        PatternChoice::Custom(raw) => {
            let masks = custom_masks(kind, raw);
            let (rows, cols) = (u32::from(kind.rows()), u32::from(kind.cols()));
            let spec = PatternSpec::Custom {
                name: "test".into(),
                masks: masks
                    .iter()
                    .map(|m| {
                        (0..rows)
                            .map(|r| {
                                (0..cols).map(|c| if m & (1 << (r * cols + c)) != 0 { 'X' } else { '.' }).collect()
                            })
                            .collect()
                    })
                    .collect(),
            };
            let p = spec.resolve(kind).unwrap();
            let got: Vec<u32> = p.alternatives.iter().map(|a| a.mask).collect();
            assert_eq!(got, masks, "custom masks parse to the bits drawn");
            p
        }
    }
}

fn histogram(values: impl Iterator<Item = u32>) -> [u32; 28] {
    let mut h = [0u32; 28];
    for v in values {
        h[v as usize] += 1;
    }
    h
}

fn check_togo(togo: &ToGo, cards: &[Card], masks: &[u32], called: &[u8]) {
    let needs: Vec<u32> = cards.iter().map(|c| min_missing(&reference(c, masks, called))).collect();
    for (slot, &need) in needs.iter().enumerate() {
        assert_eq!(togo.togo(slot), Some(need as u8), "card {} after {} calls", cards[slot].serial(), called.len());
    }
    let h = histogram(needs.iter().copied());
    for (k, &count) in h.iter().enumerate() {
        assert_eq!(togo.count_needing(k as u8), count, "cards needing {k}");
    }
    let closest = togo.closest(3);
    let mut expected: Vec<(u64, u8)> = cards.iter().zip(&needs).map(|(c, &n)| (c.serial(), n as u8)).collect();
    expected.sort_by_key(|&(s, n)| (n, s));
    expected.truncate(3);
    assert_eq!(closest, expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn claim_check_and_togo_agree_with_the_reference(
        seed in any_seed(),
        kind in any_kind(),
        choice in pattern_choice(),
        second in any::<prop::sample::Index>(),
        prefix in any::<prop::sample::Index>(),
        split in any::<prop::sample::Index>(),
        first_call in any::<prop::sample::Index>(),
        raw_serials in prop::collection::vec(any::<u64>(), 1..12),
        hall_rule in any::<bool>(),
    ) {
        let deck = Deck::new(kind, &seed);
        let pattern = resolve(kind, &choice);
        let masks: Vec<u32> = pattern.alternatives.iter().map(|a| a.mask).collect();
        let order = draw_order(kind, &seed);
        let called = &order[..prefix.index(order.len() + 1)];
        let calls = Calls::from(called.to_vec());
        let now = calls.count();
        let window = ClaimWindow {
            stage_first_call: first_call.index(usize::from(now) + 1) as u16 + 1,
            claim_before_next_ball: hall_rule,
        };
        let cards: Vec<Card> = raw_serials
            .iter()
            .map(|x| deck.card(1 + x % deck.capacity()).unwrap())
            .collect();

        for card in &cards {
            let refs = reference(card, &masks, called);
            let uncalled = refs.iter().fold(0, |m, r| m | r.missing);
            prop_assert_eq!(uncalled_cells(card, &calls) & masks.iter().fold(0, |m, x| m | x), uncalled);
            let verdict = check(card, &pattern, &calls, window);
            if let Err(why) = agree(verdict, &refs, now, window) {
                panic!("card {} {}-ball {:?} after {now} calls {window:?}: {verdict:?}: {why}",
                    card.serial(), kind, pattern.id);
            }
            // Without the hall rule: Won iff some alternative is complete, whatever the window.
            let free = ClaimWindow { claim_before_next_ball: false, ..window };
            prop_assert_eq!(
                check(card, &pattern, &calls, free).is_win(),
                refs.iter().any(AltRef::complete)
            );
        }

        // "To go": cards added after `cut` balls, then the rest called one by one.
        let cut = split.index(called.len() + 1);
        let mut togo = ToGo::new(&pattern);
        let before = Calls::from(called[..cut].to_vec());
        for (slot, card) in cards.iter().enumerate() {
            prop_assert_eq!(togo.add(card, before.bits()), slot);
        }
        prop_assert_eq!(togo.len(), cards.len());
        check_togo(&togo, &cards, &masks, &called[..cut]);
        for k in cut..called.len() {
            togo.call(called[k]);
            check_togo(&togo, &cards, &masks, &called[..=k]);
        }
        // Voiding balls, last first.
        for k in (cut..called.len()).rev().take(3) {
            togo.uncall(called[k]);
            check_togo(&togo, &cards, &masks, &called[..k]);
        }
        // The next stage's pattern.
        let ids = builtin_ids(kind);
        let next = PatternSpec::Builtin(ids[second.index(ids.len())].to_string()).resolve(kind).unwrap();
        let next_masks: Vec<u32> = next.alternatives.iter().map(|a| a.mask).collect();
        togo.set_pattern(&next);
        let now_called = &called[..called.len().saturating_sub(3).max(cut)];
        check_togo(&togo, &cards, &next_masks, now_called);
    }
}
