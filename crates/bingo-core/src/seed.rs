//! The game seed, its public commitment, and the keys derived from it.

use crate::rng::siphash::SipKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// A hex string that is not 32 bytes of hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be exactly 64 hexadecimal digits (32 bytes, no spaces or 0x), got {got:?}")]
pub struct BadHex {
    pub what: &'static str,
    pub got: String,
}

/// Exactly 64 hex digits, in either case; nothing else, not even surrounding whitespace: a
/// commitment copied with something extra is refused rather than guessed at.
fn parse_32(what: &'static str, s: &str) -> Result<[u8; 32], BadHex> {
    let bad = || BadHex { what, got: s.chars().take(80).collect() };
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let bytes = hex::decode(s).map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

/// The 256-bit secret a game's draw order and cards derive from. It comes from the operating
/// system's CSPRNG (outside this crate) and stays secret until the game ends.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed([u8; 32]);

impl Seed {
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Seed(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// SHA-256 of the seed: published before the first ball.
    pub fn commitment(&self) -> Commitment {
        Commitment(Sha256::digest(self.0).into())
    }

    fn derive(&self, label: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(label);
        h.update(self.0);
        h.finalize().into()
    }

    /// The ChaCha20 key of the draw order.
    pub(crate) fn draw_key(&self) -> [u8; 32] {
        self.derive(b"bingo/v1/draw")
    }

    /// The SipHash keys of card derivation: (permutation key, face key).
    pub(crate) fn card_keys(&self) -> (SipKey, SipKey) {
        let k = self.derive(b"bingo/v1/cards");
        let mut prp = [0u8; 16];
        let mut face = [0u8; 16];
        prp.copy_from_slice(&k[..16]);
        face.copy_from_slice(&k[16..]);
        (SipKey::from_bytes(&prp), SipKey::from_bytes(&face))
    }
}

/// Never print a secret by accident: Debug shows only the commitment.
impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed(commitment {})", self.commitment())
    }
}

impl FromStr for Seed {
    type Err = BadHex;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_32("a seed", s).map(Seed)
    }
}

impl Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// SHA-256 of a seed, shown to everyone before the first ball.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Commitment([u8; 32]);

impl Commitment {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Whether `seed` is the seed this commitment was made to.
    pub fn is_opened_by(&self, seed: &Seed) -> bool {
        seed.commitment() == *self
    }
}

impl fmt::Display for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Commitment({self})")
    }
}

impl FromStr for Commitment {
    type Err = BadHex;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_32("a commitment", s).map(Commitment)
    }
}

impl Serialize for Commitment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Commitment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_is_sha256_of_the_seed_bytes() {
        let seed = Seed::from_bytes([0; 32]);
        // sha256 of 32 zero bytes.
        assert_eq!(seed.commitment().to_string(), "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
        assert!(seed.commitment().is_opened_by(&seed));
        assert!(!seed.commitment().is_opened_by(&Seed::from_bytes([1; 32])));
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let seed = Seed::from_bytes(core::array::from_fn(|i| i as u8 * 7));
        assert_eq!(seed.to_hex().parse::<Seed>(), Ok(seed.clone()));
        assert!("abc".parse::<Seed>().is_err());
        assert!("zz".repeat(32).parse::<Seed>().is_err());
        let hex = seed.to_hex();
        assert_eq!(hex.to_uppercase().parse::<Seed>(), Ok(seed.clone()), "either case");
        for near in
            [format!(" {hex}"), format!("{hex}\n"), format!("0x{hex}"), format!("{}+{}", &hex[..31], &hex[32..])]
        {
            assert!(near.parse::<Seed>().is_err(), "{near:?}");
            assert!(near.parse::<Commitment>().is_err(), "{near:?}");
        }
        assert!(!format!("{seed:?}").contains(&seed.to_hex()));
    }
}
