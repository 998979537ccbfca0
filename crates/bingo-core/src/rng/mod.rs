//! Deterministic randomness: every random choice of the engine is derived from the game seed
//! through these primitives, exactly as docs/FAIRNESS.md specifies.

pub mod chacha20;
pub mod prp;
pub mod siphash;
