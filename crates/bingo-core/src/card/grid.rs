//! 75-, 80- and 30-ball cards: each column holds `cells` numbers of its range.
//!
//! serial -> keyed permutation -> mixed-radix index of one combination per column (so two serials
//! never share a number set) -> one face-stream draw orders every column.

use super::combinatorics::{apply_lehmer, binom, factorial, unrank_combination};
use super::{Card, MAX_CELLS};
use crate::kind::GameKind;
use crate::rng::prp::Prp;
use crate::rng::siphash::{PrfStream, SipKey};
use std::sync::OnceLock;

const FACE_TAG: u64 = 2;
/// Rows of the 75-ball N column that hold numbers (row 2 is the FREE centre).
const N_COLUMN_ROWS: [u8; 4] = [0, 1, 3, 4];

/// How many distinct number sets (hence cards) a game of this kind can have.
pub fn card_count(kind: GameKind) -> u64 {
    kind.columns().iter().map(|c| binom(u64::from(c.size()), u64::from(c.cells))).product()
}

fn arrangement_count(kind: GameKind) -> u64 {
    kind.columns().iter().map(|c| factorial(u64::from(c.cells))).product()
}

/// Per-kind constants of card derivation, computed once per kind: the radices, the rejection
/// limit of the arrangement draw, and lookup tables that give exactly what combination
/// unranking and Lehmer decoding give (docs/FAIRNESS.md), without their divisions.
#[derive(Debug)]
pub struct GridShape {
    kind: GameKind,
    /// Per column: how many combinations (the index radix) and orders (the arrangement radix).
    combos: [u64; 5],
    perms: [u64; 5],
    arrangements: u64,
    /// Per column: every combination in rank order, `cells` numbers each (already offset by `lo`).
    combinations: [Vec<u8>; 5],
    /// Per column: every order of `cells` items in Lehmer-code order, as indexes.
    orders: [Vec<u8>; 5],
}

fn all_combinations(n: u8, k: usize, lo: u8) -> Vec<u8> {
    let count = binom(u64::from(n), k as u64);
    let mut out = Vec::with_capacity(count as usize * k);
    let mut buf = [0u8; 5];
    for rank in 0..count {
        unrank_combination(rank, n, &mut buf[..k]);
        out.extend(buf[..k].iter().map(|v| lo + v));
    }
    out
}

fn all_orders(k: usize) -> Vec<u8> {
    let count = factorial(k as u64);
    let mut out = Vec::with_capacity(count as usize * k);
    for code in 0..count {
        let mut items: [u8; 5] = [0, 1, 2, 3, 4];
        apply_lehmer(code, &mut items[..k]);
        out.extend_from_slice(&items[..k]);
    }
    out
}

impl GridShape {
    fn build(kind: GameKind) -> Self {
        let mut combos = [1u64; 5];
        let mut perms = [1u64; 5];
        let mut combinations: [Vec<u8>; 5] = Default::default();
        let mut orders: [Vec<u8>; 5] = Default::default();
        for (c, column) in kind.columns().iter().enumerate().take(5) {
            let k = usize::from(column.cells);
            combos[c] = binom(u64::from(column.size()), k as u64);
            perms[c] = factorial(k as u64);
            combinations[c] = all_combinations(column.size(), k, column.lo);
            orders[c] = all_orders(k);
        }
        GridShape { kind, combos, perms, arrangements: arrangement_count(kind), combinations, orders }
    }

    /// The shape of a grid kind (75, 80, 30), built on first use.
    pub fn of(kind: GameKind) -> &'static GridShape {
        static SHAPES: [OnceLock<GridShape>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let i = GameKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        SHAPES[i].get_or_init(|| GridShape::build(kind))
    }
}

pub fn card(shape: &GridShape, prp: &Prp, face_key: SipKey, serial: u64) -> Card {
    let kind = shape.kind;
    let mut index = prp.permute(serial - 1);
    let mut order = PrfStream::new(face_key, FACE_TAG, serial).uniform(shape.arrangements);
    let cols = kind.cols();
    let mut cells = [0u8; MAX_CELLS];
    for (c, column) in kind.columns().iter().enumerate() {
        let k = usize::from(column.cells);
        let (rank, perm) = ((index % shape.combos[c]) as usize, (order % shape.perms[c]) as usize);
        index /= shape.combos[c];
        order /= shape.perms[c];
        let numbers = &shape.combinations[c][rank * k..rank * k + k];
        let arrangement = &shape.orders[c][perm * k..perm * k + k];
        for (i, &pick) in arrangement.iter().enumerate() {
            let row = if kind == GameKind::Ball75 && c == 2 { N_COLUMN_ROWS[i] } else { i as u8 };
            cells[usize::from(row * cols) + c] = numbers[usize::from(pick)];
        }
    }
    Card { kind, serial, cells }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_match_the_documented_numbers() {
        assert_eq!(card_count(GameKind::Ball75), 3003u64.pow(4) * 1365);
        assert_eq!(card_count(GameKind::Ball80), 4845u64.pow(4));
        assert_eq!(card_count(GameKind::Ball30), 1_728_000);
        assert_eq!(arrangement_count(GameKind::Ball75), 120u64.pow(4) * 24);
    }

    #[test]
    fn tables_agree_with_unranking_and_lehmer_decoding() {
        let shape = GridShape::of(GameKind::Ball75);
        for rank in [0u64, 1, 1234, 3002] {
            let mut buf = [0u8; 5];
            unrank_combination(rank, 15, &mut buf);
            let r = rank as usize;
            let expected: Vec<u8> = buf.iter().map(|v| v + 16).collect();
            assert_eq!(&shape.combinations[1][r * 5..r * 5 + 5], expected.as_slice());
        }
        for code in [0u64, 7, 119] {
            let mut items = [10u8, 20, 30, 40, 50];
            apply_lehmer(code, &mut items);
            let c = code as usize;
            let picked: Vec<u8> =
                shape.orders[0][c * 5..c * 5 + 5].iter().map(|&i| [10u8, 20, 30, 40, 50][usize::from(i)]).collect();
            assert_eq!(picked, items);
        }
    }
}
