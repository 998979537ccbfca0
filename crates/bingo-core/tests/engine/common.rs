//! Helpers shared by the test modules.

use bingo_core::{Card, GameKind, Seed};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// A reproducible seed: SHA-256 of `label` and the little-endian counter `i`.
pub fn derived_seed(label: &str, i: u64) -> Seed {
    let mut h = Sha256::new();
    h.update(label.as_bytes());
    h.update(i.to_le_bytes());
    Seed::from_bytes(h.finalize().into())
}

pub fn any_seed() -> impl Strategy<Value = Seed> {
    any::<[u8; 32]>().prop_map(Seed::from_bytes)
}

pub fn any_kind() -> impl Strategy<Value = GameKind> {
    prop::sample::select(GameKind::ALL.to_vec())
}

/// The card's numbers as a bitset (bit n for number n).
pub fn number_set(card: &Card) -> u128 {
    card.numbers().fold(0u128, |m, n| m | 1u128 << n)
}

/// A small deterministic generator (SplitMix64) for the tests' own random choices, e.g. the
/// deliberately biased shuffles. Not used by the engine.
#[derive(Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn from_seed(seed: &Seed) -> Self {
        let mut b = [0u8; 8];
        b.copy_from_slice(&seed.as_bytes()[..8]);
        SplitMix(u64::from_le_bytes(b))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` by rejection (exactly unbiased).
    pub fn uniform(&mut self, n: u64) -> u64 {
        // Accept the largest multiple of n values: v < 2^64 - (2^64 mod n).
        let r = ((1u128 << 64) % u128::from(n)) as u64;
        loop {
            let v = self.next_u64();
            if v <= u64::MAX - r {
                return v % n;
            }
        }
    }
}
