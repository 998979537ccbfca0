//! The random draw: a Fisher-Yates shuffle of all balls driven by the ChaCha20 keystream of the
//! seed's draw key, fixed (and committed to) before the first ball.

use crate::kind::GameKind;
use crate::rng::chacha20::ChaChaWords;
use crate::seed::Seed;

/// The whole draw order for a seed: element 0 is the first ball called.
pub fn draw_order(kind: GameKind, seed: &Seed) -> Vec<u8> {
    let mut balls: Vec<u8> = (1..=kind.balls()).collect();
    let mut words = ChaChaWords::new(seed.draw_key());
    for i in (1..balls.len()).rev() {
        let j = words.uniform(i as u32 + 1) as usize;
        balls.swap(i, j);
    }
    balls
}

/// How a list of called balls compares with a seed's draw order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrawCheck {
    /// Every ball is the one the seed gives at that position.
    Matches,
    /// Call `call` (from 1) was `called`, but the seed gives `expected`.
    Differs { call: usize, called: u8, expected: u8 },
    /// More balls were listed than the game has.
    TooMany { listed: usize, balls: u8 },
}

/// Checks called balls against the seed's draw order.
pub fn check_draws(kind: GameKind, seed: &Seed, called: &[u8]) -> DrawCheck {
    let order = draw_order(kind, seed);
    if called.len() > order.len() {
        return DrawCheck::TooMany { listed: called.len(), balls: kind.balls() };
    }
    match called.iter().zip(&order).position(|(c, e)| c != e) {
        Some(i) => DrawCheck::Differs { call: i + 1, called: called[i], expected: order[i] },
        None => DrawCheck::Matches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draw_is_a_permutation_and_depends_on_the_seed() {
        for kind in GameKind::ALL {
            let a = draw_order(kind, &Seed::from_bytes([1; 32]));
            let mut sorted = a.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (1..=kind.balls()).collect::<Vec<_>>());
            assert_ne!(a, draw_order(kind, &Seed::from_bytes([2; 32])));
        }
    }

    #[test]
    fn check_draws_finds_the_first_difference() {
        let seed = Seed::from_bytes([5; 32]);
        let order = draw_order(GameKind::Ball90, &seed);
        assert_eq!(check_draws(GameKind::Ball90, &seed, &order[..10]), DrawCheck::Matches);
        let mut wrong = order[..10].to_vec();
        wrong.swap(3, 4);
        assert_eq!(
            check_draws(GameKind::Ball90, &seed, &wrong),
            DrawCheck::Differs { call: 4, called: order[4], expected: order[3] }
        );
    }
}
