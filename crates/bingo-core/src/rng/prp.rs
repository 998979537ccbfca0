//! A keyed permutation of `0..n`: a six-round Feistel network over the smallest even bit width
//! that holds `n`, with cycle-walking back into range. Distinct inputs give distinct outputs,
//! which is what makes card serials unique by construction.

use super::siphash::{PrfPrefix, SipKey};

const ROUNDS: u64 = 6;
const PRP_TAG: u64 = 1;

#[derive(Clone, Copy)]
pub struct Prp {
    /// The round functions prf(key, PRP_TAG, round, ·), with their fixed words absorbed.
    rounds: [PrfPrefix; ROUNDS as usize],
    n: u64,
    half_bits: u32,
    half_mask: u64,
}

impl Prp {
    /// A permutation of `0..n`; `n` must be at least 1.
    pub fn new(key: SipKey, n: u64) -> Self {
        debug_assert!(n >= 1);
        let mut bits = 2;
        while bits < 64 && (1u64 << bits) < n {
            bits += 2;
        }
        let half_bits = bits / 2;
        let rounds = core::array::from_fn(|r| PrfPrefix::new(key, PRP_TAG, r as u64));
        Self { rounds, n, half_bits, half_mask: (1u64 << half_bits) - 1 }
    }

    fn feistel(&self, x: u64) -> u64 {
        let mut left = x >> self.half_bits;
        let mut right = x & self.half_mask;
        for round in &self.rounds {
            let f = round.finish(right) & self.half_mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }

    /// The image of `x`, which must be below `n`.
    pub fn permute(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut y = self.feistel(x);
        while y >= self.n {
            y = self.feistel(y);
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_permutation_of_small_domains() {
        let key = SipKey::from_bytes(&[42; 16]);
        for n in [1u64, 2, 3, 5, 16, 17, 1000, 4097] {
            let prp = Prp::new(key, n);
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = prp.permute(x);
                assert!(y < n);
                assert!(!seen[y as usize], "{y} hit twice for n={n}");
                seen[y as usize] = true;
            }
        }
    }
}
