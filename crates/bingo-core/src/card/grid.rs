//! 75-, 80- and 30-ball cards: each column holds `cells` numbers of its range.
//!
//! serial -> keyed permutation -> mixed-radix index of one combination per column (so two serials
//! never share a number set) -> one face-stream draw orders every column.

use super::combinatorics::{apply_lehmer, binom, factorial, unrank_combination};
use super::{Card, MAX_CELLS};
use crate::kind::GameKind;
use crate::rng::prp::Prp;
use crate::rng::siphash::{PrfStream, SipKey};

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

pub fn card(kind: GameKind, prp: &Prp, face_key: SipKey, serial: u64) -> Card {
    let mut index = prp.permute(serial - 1);
    let mut order = PrfStream::new(face_key, FACE_TAG, serial).uniform(arrangement_count(kind));
    let cols = kind.cols();
    let mut cells = [0u8; MAX_CELLS];
    for (c, column) in kind.columns().iter().enumerate() {
        let k = usize::from(column.cells);
        let combos = binom(u64::from(column.size()), k as u64);
        let mut numbers = [0u8; 5];
        unrank_combination(index % combos, column.size(), &mut numbers[..k]);
        index /= combos;
        let perms = factorial(k as u64);
        apply_lehmer(order % perms, &mut numbers[..k]);
        order /= perms;
        for (i, n) in numbers[..k].iter().enumerate() {
            let row = if kind == GameKind::Ball75 && c == 2 { N_COLUMN_ROWS[i] } else { i as u8 };
            cells[usize::from(row * cols) + c] = column.lo + n;
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
}
