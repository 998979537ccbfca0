//! SipHash-2-4 (Aumasson & Bernstein): the keyed function behind card derivation.
//!
//! Cards need a fast keyed pseudo-random function of a few integers; SipHash is a published,
//! widely implemented PRF, so an independent verifier can reproduce every card.

/// A 16-byte SipHash key, split into its two little-endian halves.
#[derive(Clone, Copy)]
pub struct SipKey {
    k0: u64,
    k1: u64,
}

impl SipKey {
    pub fn from_bytes(key: &[u8; 16]) -> Self {
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(&key[..8]);
        hi.copy_from_slice(&key[8..]);
        Self { k0: u64::from_le_bytes(lo), k1: u64::from_le_bytes(hi) }
    }
}

#[derive(Clone, Copy)]
struct State([u64; 4]);

impl State {
    fn new(key: SipKey) -> Self {
        State([
            key.k0 ^ 0x736f_6d65_7073_6575,
            key.k1 ^ 0x646f_7261_6e64_6f6d,
            key.k0 ^ 0x6c79_6765_6e65_7261,
            key.k1 ^ 0x7465_6462_7974_6573,
        ])
    }

    #[inline(always)]
    fn round(&mut self) {
        let v = &mut self.0;
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }

    #[inline(always)]
    fn compress(&mut self, m: u64) {
        self.0[3] ^= m;
        self.round();
        self.round();
        self.0[0] ^= m;
    }

    #[inline(always)]
    fn finish(mut self) -> u64 {
        self.0[2] ^= 0xff;
        for _ in 0..4 {
            self.round();
        }
        self.0[0] ^ self.0[1] ^ self.0[2] ^ self.0[3]
    }
}

/// SipHash-2-4 of an arbitrary message (the general form, kept to test `prf` against).
#[cfg(test)]
pub fn siphash24(key: SipKey, msg: &[u8]) -> u64 {
    let mut s = State::new(key);
    let mut chunks = msg.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        s.compress(u64::from_le_bytes(w));
    }
    let mut last = [0u8; 8];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    last[7] = msg.len() as u8;
    s.compress(u64::from_le_bytes(last));
    s.finish()
}

/// `prf(key, a, b, c)` = SipHash-2-4 of the 24-byte message LE64(a) || LE64(b) || LE64(c).
#[inline]
pub fn prf(key: SipKey, a: u64, b: u64, c: u64) -> u64 {
    let mut s = State::new(key);
    s.compress(a);
    s.compress(b);
    s.compress(c);
    s.compress(24u64 << 56);
    s.finish()
}

/// `prf(key, a, b, ·)` with the first two words already absorbed: the keyed permutation calls
/// the same (tag, round) prefix millions of times, so it keeps this per round.
#[derive(Clone, Copy)]
pub struct PrfPrefix(State);

impl PrfPrefix {
    pub fn new(key: SipKey, a: u64, b: u64) -> Self {
        let mut s = State::new(key);
        s.compress(a);
        s.compress(b);
        PrfPrefix(s)
    }

    /// `prf(key, a, b, c)`.
    #[inline]
    pub fn finish(&self, c: u64) -> u64 {
        let mut s = self.0;
        s.compress(c);
        s.compress(24u64 << 56);
        s.finish()
    }
}

/// The card stream S(key, tag, x): prf(key, tag, x, 0), prf(key, tag, x, 1), ...
pub struct PrfStream {
    key: SipKey,
    tag: u64,
    x: u64,
    j: u64,
}

impl PrfStream {
    pub fn new(key: SipKey, tag: u64, x: u64) -> Self {
        Self { key, tag, x, j: 0 }
    }

    pub fn next_u64(&mut self) -> u64 {
        let v = prf(self.key, self.tag, self.x, self.j);
        self.j += 1;
        v
    }

    /// An integer in `0..n` without modulo bias (rejection sampling), `n >= 1`: values at or above
    /// 2^64 - (2^64 mod n) are rejected.
    pub fn uniform(&mut self, n: u64) -> u64 {
        debug_assert!(n >= 1);
        let rejected = (u64::MAX % n + 1) % n; // 2^64 mod n
        loop {
            let v = self.next_u64();
            if rejected == 0 || v < 0u64.wrapping_sub(rejected) {
                return v % n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference_key() -> SipKey {
        SipKey::from_bytes(&core::array::from_fn(|i| i as u8))
    }

    #[test]
    fn reference_vectors() {
        // vectors.h of the SipHash reference implementation: key 00..0f, message 00..(len-1).
        let msg: Vec<u8> = (0u8..64).collect();
        assert_eq!(siphash24(reference_key(), &msg[..0]), 0x726f_db47_dd0e_0e31);
        assert_eq!(siphash24(reference_key(), &msg[..1]), 0x74f8_39c5_93dc_67fd);
        assert_eq!(siphash24(reference_key(), &msg[..15]), 0xa129_ca61_49be_45e5);
    }

    #[test]
    fn prf_is_siphash_of_three_words() {
        let key = reference_key();
        let mut msg = Vec::new();
        for w in [3u64, u64::MAX, 1 << 40] {
            msg.extend_from_slice(&w.to_le_bytes());
        }
        assert_eq!(prf(key, 3, u64::MAX, 1 << 40), siphash24(key, &msg));
    }

    #[test]
    fn prefix_gives_the_same_prf() {
        let key = reference_key();
        for (a, b, c) in [(1u64, 0u64, 0u64), (1, 5, 123_456_789), (u64::MAX, 2, 3)] {
            assert_eq!(PrfPrefix::new(key, a, b).finish(c), prf(key, a, b, c));
        }
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut s = PrfStream::new(reference_key(), 9, 9);
        for n in [1u64, 2, 3, 7, 120, u64::MAX] {
            for _ in 0..50 {
                assert!(s.uniform(n) < n);
            }
        }
    }
}
