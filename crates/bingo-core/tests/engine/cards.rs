//! Cards and strips: shape, ranges, determinism and uniqueness, checked from first principles
//! (the column ranges are written out here, not taken from the engine).

use crate::common::{any_seed, derived_seed, number_set};
use bingo_core::{Card, Deck, GameKind, Seed};
use proptest::prelude::*;
use std::collections::HashSet;

const STRIPS: u64 = 990_000_000;
const CAP_75: u64 = 111_007_923_832_370_565;
const CAP_80: u64 = 551_029_849_700_625;
const CAP_30: u64 = 1_728_000;

/// The numbers column `c` of a 90-ball ticket may hold: 1-9, 10-19, ..., 70-79, 80-90.
fn range_90(c: usize) -> std::ops::RangeInclusive<u8> {
    let lo = if c == 0 { 1 } else { 10 * c as u8 };
    let hi = if c == 8 { 90 } else { 10 * c as u8 + 9 };
    lo..=hi
}

/// Panics (with the reason) unless `t` is a valid 90-ball ticket.
fn check_ticket(t: &Card) {
    assert_eq!(t.kind(), GameKind::Ball90);
    let g = t.grid();
    assert_eq!(g.len(), 3, "ticket {}: 3 rows", t.serial());
    for (r, row) in g.iter().enumerate() {
        assert_eq!(row.len(), 9, "ticket {}: 9 columns", t.serial());
        let n = row.iter().filter(|c| c.is_some()).count();
        assert_eq!(n, 5, "ticket {} row {r} holds {n} numbers", t.serial());
    }
    for c in 0..9 {
        let col: Vec<u8> = g.iter().filter_map(|row| row[c]).collect();
        assert!((1..=3).contains(&col.len()), "ticket {} column {c} holds {} numbers", t.serial(), col.len());
        for &n in &col {
            assert!(range_90(c).contains(&n), "ticket {}: {n} in column {c}", t.serial());
        }
        assert!(col.windows(2).all(|w| w[0] < w[1]), "ticket {} column {c} not ascending: {col:?}", t.serial());
    }
    assert_eq!(t.numbers().count(), 15);
}

/// Panics unless the six tickets form a valid strip: every number 1-90 exactly once.
fn check_strip(strip: &[Card]) {
    assert_eq!(strip.len(), 6);
    let mut seen = [0u8; 91];
    for t in strip {
        check_ticket(t);
        for n in t.numbers() {
            seen[usize::from(n)] += 1;
        }
    }
    assert_eq!(seen[0], 0);
    assert!(seen[1..].iter().all(|&k| k == 1), "a strip must hold 1-90 once each: {seen:?}");
}

/// Panics unless `card` is a valid 75-, 80- or 30-ball card.
fn check_grid_card(card: &Card) {
    let (rows, cols, width) = match card.kind() {
        GameKind::Ball75 => (5, 5, 15u8),
        GameKind::Ball80 => (4, 4, 20),
        GameKind::Ball30 => (3, 3, 10),
        GameKind::Ball90 => unreachable!("not a grid card"),
    };
    let g = card.grid();
    assert_eq!(g.len(), rows);
    let mut seen = HashSet::new();
    for (r, row) in g.iter().enumerate() {
        assert_eq!(row.len(), cols);
        for (c, cell) in row.iter().enumerate() {
            let free = card.kind() == GameKind::Ball75 && r == 2 && c == 2;
            match (cell, free) {
                (None, true) => {}
                (Some(n), false) => {
                    let lo = width * c as u8 + 1;
                    assert!((lo..lo + width).contains(n), "card {}: {n} in column {c}", card.serial());
                    assert!(seen.insert(*n), "card {}: {n} twice", card.serial());
                }
                (cell, _) => panic!("card {} cell ({r},{c}) = {cell:?}", card.serial()),
            }
        }
    }
    if card.kind() == GameKind::Ball75 {
        let n_column = g.iter().filter(|row| row[2].is_some()).count();
        assert_eq!(n_column, 4, "the N column holds 4 numbers");
        assert_eq!(card.number_at(2, 2), None, "FREE centre");
        assert_eq!(seen.len(), 24);
    } else {
        assert_eq!(seen.len(), rows * cols);
    }
}

fn capacity(kind: GameKind) -> u64 {
    match kind {
        GameKind::Ball75 => CAP_75,
        GameKind::Ball80 => CAP_80,
        GameKind::Ball30 => CAP_30,
        GameKind::Ball90 => STRIPS * 6,
    }
}

fn grid_kind() -> impl Strategy<Value = GameKind> {
    prop::sample::select(vec![GameKind::Ball75, GameKind::Ball80, GameKind::Ball30])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_strip_is_valid_and_is_its_six_serials(
        seed in any_seed(),
        strips in prop::collection::vec(1..=STRIPS, 1..4),
    ) {
        let deck = Deck::new(GameKind::Ball90, &seed);
        prop_assert_eq!(deck.capacity(), STRIPS * 6);
        for n in strips.into_iter().chain([1, STRIPS]) {
            let strip = deck.strip(n).unwrap().expect("90-ball has strips");
            check_strip(&strip);
            for (p, ticket) in strip.iter().enumerate() {
                let serial = 6 * n - 5 + p as u64;
                prop_assert_eq!(ticket.serial(), serial);
                prop_assert_eq!(ticket, &deck.card(serial).unwrap());
                prop_assert_eq!(ticket.strip_position(), Some((n, p as u8 + 1)));
            }
        }
    }

    #[test]
    fn every_grid_card_has_the_right_shape(
        seed in any_seed(),
        kind in grid_kind(),
        raw in prop::collection::vec(any::<u64>(), 1..8),
    ) {
        let deck = Deck::new(kind, &seed);
        let cap = capacity(kind);
        prop_assert_eq!(deck.capacity(), cap);
        for serial in raw.into_iter().map(|x| 1 + x % cap).chain([1, cap]) {
            let card = deck.card(serial).unwrap();
            prop_assert_eq!(card.serial(), serial);
            prop_assert_eq!(card.strip_position(), None);
            check_grid_card(&card);
        }
        prop_assert!(deck.strip(1).unwrap().is_none());
    }

    #[test]
    fn cards_are_deterministic(
        bytes in any::<[u8; 32]>(),
        kind in crate::common::any_kind(),
        raw in prop::collection::vec(any::<u64>(), 1..6),
    ) {
        let a = Deck::new(kind, &Seed::from_bytes(bytes));
        let b = Deck::new(kind, &Seed::from_bytes(bytes));
        let c = a.clone();
        for serial in raw.into_iter().map(|x| 1 + x % capacity(kind)) {
            let card = a.card(serial).unwrap();
            prop_assert_eq!(card, b.card(serial).unwrap());
            prop_assert_eq!(card, c.card(serial).unwrap());
            prop_assert_eq!(card, a.card(serial).unwrap());
        }
    }

    #[test]
    fn a_card_as_written_reads_back_as_the_same_card(
        seed in any_seed(),
        kind in crate::common::any_kind(),
        raw in prop::collection::vec(any::<u64>(), 1..6),
    ) {
        let deck = Deck::new(kind, &seed);
        for serial in raw.into_iter().map(|x| 1 + x % capacity(kind)) {
            let card = deck.card(serial).unwrap();
            let written = serde_json::to_value(card).unwrap();
            prop_assert_eq!(serde_json::from_value::<Card>(written.clone()).unwrap(), card);
            // A number moved to another column, or a wrong strip, is refused.
            let mut moved = written.clone();
            let row = moved["grid"][0].as_array_mut().unwrap();
            row.rotate_left(1);
            prop_assert!(serde_json::from_value::<Card>(moved).is_err());
            if kind == GameKind::Ball90 {
                let mut strip = written;
                strip["position"] = serde_json::json!(7);
                prop_assert!(serde_json::from_value::<Card>(strip).is_err());
            }
        }
    }

    #[test]
    fn serials_out_of_range_are_errors_not_panics(seed in any_seed(), kind in crate::common::any_kind()) {
        let deck = Deck::new(kind, &seed);
        let cap = capacity(kind);
        prop_assert!(deck.card(0).is_err());
        prop_assert!(deck.card(cap + 1).is_err());
        prop_assert!(deck.card(u64::MAX).is_err());
        prop_assert!(deck.card(cap).is_ok());
        if kind == GameKind::Ball90 {
            prop_assert!(deck.strip(0).is_err());
            prop_assert!(deck.strip(STRIPS + 1).is_err());
            prop_assert!(deck.strip(u64::MAX).is_err());
        }
    }
}

/// Asserts that no two of `serials` give the same number set (and so the same card or ticket).
fn assert_distinct(deck: &Deck, serials: impl Iterator<Item = u64>) -> usize {
    let mut sets = HashSet::new();
    let mut n = 0;
    for serial in serials {
        let card = deck.card(serial).unwrap();
        assert!(
            sets.insert(number_set(&card)),
            "{}-ball serial {serial} repeats an earlier card's numbers",
            deck.kind()
        );
        n += 1;
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// 2,000 consecutive serials from a random start, and 2,000 random distinct serials.
    #[test]
    fn serials_give_distinct_cards_within_a_game(
        seed in any_seed(),
        start in any::<u64>(),
        raw in prop::collection::hash_set(any::<u64>(), 2_000),
    ) {
        for kind in GameKind::ALL {
            let deck = Deck::new(kind, &seed);
            let cap = capacity(kind);
            let first = 1 + start % (cap - 2_000);
            assert_distinct(&deck, first..first + 2_000);
            let random: HashSet<u64> = raw.iter().map(|x| 1 + x % cap).collect();
            assert_distinct(&deck, random.into_iter());
        }
    }
}

/// Rank of a 3-subset of 0..10 given as a 10-bit mask, via a table of all 120 subsets.
fn subset_ranks() -> Vec<u32> {
    let mut table = vec![u32::MAX; 1024];
    let mut rank = 0;
    for m in 0u32..1024 {
        if m.count_ones() == 3 {
            table[m as usize] = rank;
            rank += 1;
        }
    }
    assert_eq!(rank, 120);
    table
}

/// All 1,728,000 serials of a 30-ball game, for two seeds: every possible number set appears
/// exactly once (the serials are a bijection onto the 120^3 column combinations).
#[test]
fn thirty_ball_serials_cover_every_number_set_exactly_once() {
    let table = subset_ranks();
    for i in 0..2 {
        let deck = Deck::new(GameKind::Ball30, &derived_seed("thirty-ball exhaustive", i));
        let mut seen = vec![0u64; (CAP_30 as usize).div_ceil(64)];
        for serial in 1..=CAP_30 {
            let card = deck.card(serial).unwrap();
            let mut masks = [0u32; 3];
            for (i, &n) in card.cells().iter().enumerate() {
                let (c, n) = (i as u32 % 3, u32::from(n));
                assert!((10 * c + 1..=10 * c + 10).contains(&n), "serial {serial}");
                masks[c as usize] |= 1 << (n - 1 - 10 * c);
            }
            let r = masks.map(|m| table[m as usize]);
            assert!(r.iter().all(|&x| x < 120), "serial {serial}: bad column");
            let index = (r[0] * 14_400 + r[1] * 120 + r[2]) as usize;
            let (word, bit) = (index / 64, index % 64);
            assert!(seen[word] & (1 << bit) == 0, "serial {serial} repeats an earlier card's numbers");
            seen[word] |= 1 << bit;
        }
    }
}
