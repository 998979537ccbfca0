//! 90-ball tickets, six to a strip holding every number 1-90 exactly once.
//!
//! Each game shuffles every column's numbers once into a cycle. A strip is a choice of one
//! rotation per column; ticket `p` takes an arc of `TICKET_COLUMN_COUNTS[p][c]` numbers of each
//! cycle. An arc shorter than its cycle tells where it starts, so a ticket's numbers name its
//! strip, and its column counts name its position: no two serials of a game share a ticket.

use super::{Card, MAX_CELLS};
use crate::kind::{GameKind, COLUMNS_90};
use crate::rng::prp::Prp;
use crate::rng::siphash::{PrfStream, SipKey};
use std::sync::OnceLock;

pub const TICKETS_PER_STRIP: u64 = 6;
const COLUMNS: usize = 9;
const ROWS: usize = 3;
const NUMBERS_PER_ROW: u8 = 5;
const LAYOUT_TAG: u64 = 3;
const SIGMA_TAG: u64 = 4;

/// How many numbers of each column the ticket at each strip position holds. Rows sum to 15,
/// columns to the column sizes (9, 10 x 7, 11), and no two rows are equal.
pub const TICKET_COLUMN_COUNTS: [[u8; COLUMNS]; 6] = [
    [2, 1, 2, 2, 1, 2, 1, 2, 2],
    [1, 2, 1, 2, 2, 1, 2, 2, 2],
    [2, 2, 2, 1, 2, 2, 2, 1, 1],
    [1, 2, 2, 2, 1, 2, 2, 2, 1],
    [2, 1, 1, 1, 2, 2, 2, 2, 2],
    [1, 2, 2, 2, 2, 1, 1, 1, 3],
];

/// The number of strips: one rotation per column, so the product of the column sizes.
pub const STRIP_COUNT: u64 = 9 * 10u64.pow(7) * 11;

/// (strip number from 1, position from 1) of a ticket serial.
pub fn strip_and_position(serial: u64) -> (u64, u8) {
    let zero_based = serial.saturating_sub(1);
    (zero_based / TICKETS_PER_STRIP + 1, (zero_based % TICKETS_PER_STRIP) as u8 + 1)
}

fn column_size(c: usize) -> u8 {
    COLUMNS_90[c].size()
}

/// Every valid row layout per position, in lexicographic order of the column masks.
/// A layout gives, per column, a 3-bit mask of the rows holding its numbers (bit 0 = top row).
fn layouts() -> &'static [Vec<[u8; COLUMNS]>; 6] {
    static LAYOUTS: OnceLock<[Vec<[u8; COLUMNS]>; 6]> = OnceLock::new();
    LAYOUTS.get_or_init(|| core::array::from_fn(|p| enumerate_layouts(&TICKET_COLUMN_COUNTS[p])))
}

fn enumerate_layouts(counts: &[u8; COLUMNS]) -> Vec<[u8; COLUMNS]> {
    fn walk(c: usize, counts: &[u8; COLUMNS], rows: [u8; ROWS], cur: &mut [u8; COLUMNS], out: &mut Vec<[u8; COLUMNS]>) {
        if c == COLUMNS {
            if rows.iter().all(|&r| r == NUMBERS_PER_ROW) {
                out.push(*cur);
            }
            return;
        }
        for mask in 1u8..8 {
            if mask.count_ones() != u32::from(counts[c]) {
                continue;
            }
            let mut next = rows;
            for (r, count) in next.iter_mut().enumerate() {
                *count += (mask >> r) & 1;
            }
            if next.iter().all(|&r| r <= NUMBERS_PER_ROW) {
                cur[c] = mask;
                walk(c + 1, counts, next, cur, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(0, counts, [0; ROWS], &mut [0; COLUMNS], &mut out);
    out
}

/// The per-game column cycles.
#[derive(Clone)]
pub struct StripSetup {
    sigma: [[u8; 11]; COLUMNS],
}

impl StripSetup {
    pub fn new(face_key: SipKey) -> Self {
        let mut sigma = [[0u8; 11]; COLUMNS];
        for (c, cycle) in sigma.iter_mut().enumerate() {
            let n = usize::from(column_size(c));
            for (i, slot) in cycle[..n].iter_mut().enumerate() {
                *slot = COLUMNS_90[c].lo + i as u8;
            }
            let mut stream = PrfStream::new(face_key, SIGMA_TAG, c as u64);
            for i in (1..n).rev() {
                let j = stream.uniform(i as u64 + 1) as usize;
                cycle.swap(i, j);
            }
        }
        StripSetup { sigma }
    }

    fn rotations(prp: &Prp, strip_index: u64) -> [u8; COLUMNS] {
        let mut x = prp.permute(strip_index);
        core::array::from_fn(|c| {
            let n = u64::from(column_size(c));
            let r = (x % n) as u8;
            x /= n;
            r
        })
    }

    fn build(&self, face_key: SipKey, rotations: &[u8; COLUMNS], serial: u64) -> Card {
        let position = ((serial - 1) % TICKETS_PER_STRIP) as usize;
        let options = &layouts()[position];
        let layout = options[PrfStream::new(face_key, LAYOUT_TAG, serial).uniform(options.len() as u64) as usize];
        let mut cells = [0u8; MAX_CELLS];
        for c in 0..COLUMNS {
            let n = usize::from(column_size(c));
            let offset: usize = TICKET_COLUMN_COUNTS[..position].iter().map(|row| usize::from(row[c])).sum();
            let count = usize::from(TICKET_COLUMN_COUNTS[position][c]);
            let mut numbers = [0u8; 3];
            for (j, slot) in numbers[..count].iter_mut().enumerate() {
                *slot = self.sigma[c][(usize::from(rotations[c]) + offset + j) % n];
            }
            numbers[..count].sort_unstable();
            let rows = (0..ROWS).filter(|r| (layout[c] >> r) & 1 == 1);
            for (row, number) in rows.zip(numbers[..count].iter()) {
                cells[row * COLUMNS + c] = *number;
            }
        }
        Card { kind: GameKind::Ball90, serial, cells }
    }

    pub fn ticket(&self, prp: &Prp, face_key: SipKey, serial: u64) -> Card {
        let rotations = Self::rotations(prp, (serial - 1) / TICKETS_PER_STRIP);
        self.build(face_key, &rotations, serial)
    }

    /// The six tickets of strip `strip_index` (from 0).
    pub fn strip(&self, prp: &Prp, face_key: SipKey, strip_index: u64) -> [Card; TICKETS_PER_STRIP as usize] {
        let rotations = Self::rotations(prp, strip_index);
        core::array::from_fn(|p| self.build(face_key, &rotations, strip_index * TICKETS_PER_STRIP + p as u64 + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_matrix_meets_its_constraints() {
        for row in TICKET_COLUMN_COUNTS {
            assert_eq!(row.iter().map(|&x| u32::from(x)).sum::<u32>(), 15);
            assert!(row.iter().all(|&x| (1..=3).contains(&x)));
        }
        for c in 0..COLUMNS {
            let total: u8 = TICKET_COLUMN_COUNTS.iter().map(|row| row[c]).sum();
            assert_eq!(total, column_size(c));
        }
        for (a, row) in TICKET_COLUMN_COUNTS.iter().enumerate() {
            assert!(TICKET_COLUMN_COUNTS[a + 1..].iter().all(|other| other != row));
        }
        assert_eq!(STRIP_COUNT, (0..COLUMNS).map(|c| u64::from(column_size(c))).product::<u64>());
    }

    #[test]
    fn every_position_has_layouts() {
        for (p, list) in layouts().iter().enumerate() {
            assert!(!list.is_empty(), "position {p} has no layout");
            assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
