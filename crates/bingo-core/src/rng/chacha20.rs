//! The ChaCha20 block function of RFC 8439, used as the keystream behind the draw order.
//!
//! Written out here (rather than taken from a crate) because the exact word order is part of the
//! published fairness algorithm (docs/FAIRNESS.md) and is pinned by the RFC's test vectors below.

const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

fn quarter_round(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

/// One 64-byte block as sixteen little-endian words.
pub fn block(key: &[u8; 32], counter: u32, nonce: &[u8; 12]) -> [u32; 16] {
    let mut init = [0u32; 16];
    init[..4].copy_from_slice(&CONSTANTS);
    for (i, chunk) in key.chunks_exact(4).enumerate() {
        init[4 + i] = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    init[12] = counter;
    for (i, chunk) in nonce.chunks_exact(4).enumerate() {
        init[13 + i] = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    let mut s = init;
    for _ in 0..10 {
        quarter_round(&mut s, 0, 4, 8, 12);
        quarter_round(&mut s, 1, 5, 9, 13);
        quarter_round(&mut s, 2, 6, 10, 14);
        quarter_round(&mut s, 3, 7, 11, 15);
        quarter_round(&mut s, 0, 5, 10, 15);
        quarter_round(&mut s, 1, 6, 11, 12);
        quarter_round(&mut s, 2, 7, 8, 13);
        quarter_round(&mut s, 3, 4, 9, 14);
    }
    for (word, start) in s.iter_mut().zip(init) {
        *word = word.wrapping_add(start);
    }
    s
}

/// The keystream for a key with an all-zero nonce, read as consecutive 32-bit words.
pub struct ChaChaWords {
    key: [u8; 32],
    counter: u32,
    buf: [u32; 16],
    next: usize,
}

impl ChaChaWords {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key, counter: 0, buf: [0; 16], next: 16 }
    }

    pub fn next_word(&mut self) -> u32 {
        if self.next == 16 {
            self.buf = block(&self.key, self.counter, &[0; 12]);
            // A draw needs at most a few hundred words; 2^32 blocks can never be reached.
            self.counter = self.counter.wrapping_add(1);
            self.next = 0;
        }
        let w = self.buf[self.next];
        self.next += 1;
        w
    }

    /// An integer in `0..n` without modulo bias (rejection sampling), `n >= 1`.
    pub fn uniform(&mut self, n: u32) -> u32 {
        debug_assert!(n >= 1);
        let n64 = u64::from(n);
        let limit = (1u64 << 32) - ((1u64 << 32) % n64);
        loop {
            let w = u64::from(self.next_word());
            if w < limit {
                return (w % n64) as u32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn rfc8439_block_vector() {
        // RFC 8439 section 2.3.2.
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let nonce = [0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0];
        let out = bytes(&block(&key, 1, &nonce));
        assert_eq!(
            hex::encode(out),
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e\
             d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"
        );
    }

    #[test]
    fn rfc8439_zero_key_keystream() {
        // RFC 8439 appendix A.1, test vector #1: all-zero key and nonce, counter 0.
        let out = bytes(&block(&[0; 32], 0, &[0; 12]));
        assert_eq!(
            hex::encode(out),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
             da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"
        );
    }

    #[test]
    fn words_continue_across_blocks() {
        let mut w = ChaChaWords::new([7; 32]);
        let first: Vec<u32> = (0..32).map(|_| w.next_word()).collect();
        assert_eq!(&first[..16], &block(&[7; 32], 0, &[0; 12]));
        assert_eq!(&first[16..], &block(&[7; 32], 1, &[0; 12]));
    }
}
