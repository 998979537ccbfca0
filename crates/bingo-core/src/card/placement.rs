//! Where the serials of one issue (a phone's join, a paper batch, a node's reserved block) start.
//!
//! A 90-ball strip is serials `6s-5 ..= 6s` and holds every number once, and halls sell 90-ball
//! tickets by the strip. So a 90-ball issue of six or more starts a strip (serial ≡ 1 mod 6): an
//! issue of a multiple of six is whole strips. An issue of fewer than six stays inside one strip
//! (it continues the current strip when it fits, else starts the next), so a player's few tickets
//! never repeat a number either. The serials skipped are never issued, like the serials a
//! restarted node had reserved. Other kinds' cards are independent: their issues are consecutive.

use super::strip90::TICKETS_PER_STRIP;
use crate::kind::GameKind;

/// How the serials of an issue are placed among the game's free serials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// From the next free serial on (75, 80 and 30-ball).
    Consecutive,
    /// In whole strips of six (90-ball): see the module's rules.
    Strips,
}

impl Placement {
    pub fn of(kind: GameKind) -> Placement {
        match kind {
            GameKind::Ball90 => Placement::Strips,
            GameKind::Ball75 | GameKind::Ball80 | GameKind::Ball30 => Placement::Consecutive,
        }
    }

    /// The first serial of an issue of `count` cards, the next free serial being `next` (≥ 1).
    /// Never before `next`; saturates rather than overflow (the caller checks the range's end).
    pub fn first(self, next: u64, count: u64) -> u64 {
        let next = next.max(1);
        match self {
            Placement::Consecutive => next,
            Placement::Strips => {
                let offset = (next - 1) % TICKETS_PER_STRIP;
                let left_in_strip = TICKETS_PER_STRIP - offset;
                if offset == 0 || (count < TICKETS_PER_STRIP && count <= left_in_strip) {
                    next
                } else {
                    next.saturating_add(left_in_strip)
                }
            }
        }
    }

    /// The size of a node's reserved block for at least `count` cards: whole strips for 90-ball,
    /// so no strip is split between two nodes' blocks.
    pub fn block(self, count: u64) -> u64 {
        match self {
            Placement::Consecutive => count,
            Placement::Strips => count.div_ceil(TICKETS_PER_STRIP).saturating_mul(TICKETS_PER_STRIP),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ninety_ball_issues_of_six_or_more_start_a_strip() {
        let strips = Placement::of(GameKind::Ball90);
        for next in 1..=30u64 {
            for count in [6, 7, 12, 13, 1000] {
                let first = strips.first(next, count);
                assert_eq!((first - 1) % 6, 0, "next {next} count {count}");
                assert!(first >= next && first < next + 6, "next {next} count {count}: {first}");
            }
        }
    }

    #[test]
    fn ninety_ball_issues_under_six_stay_in_one_strip() {
        let strips = Placement::Strips;
        for next in 1..=30u64 {
            for count in 1..6u64 {
                let first = strips.first(next, count);
                assert!(first >= next, "next {next} count {count}");
                assert_eq!((first - 1) / 6, (first + count - 2) / 6, "next {next} count {count}: {first}");
                // Continues the current strip when it fits, else starts the next one.
                let fits = (next - 1) % 6 + count <= 6;
                assert_eq!(first, if fits { next } else { next + 6 - (next - 1) % 6 });
            }
        }
        assert_eq!(strips.first(5, 2), 5);
        assert_eq!(strips.first(5, 3), 7);
        assert_eq!(strips.first(0, 6), 1);
    }

    #[test]
    fn other_kinds_are_consecutive_and_blocks_are_whole_strips() {
        for kind in [GameKind::Ball75, GameKind::Ball80, GameKind::Ball30] {
            assert_eq!(Placement::of(kind).first(5, 6), 5);
            assert_eq!(Placement::of(kind).block(256), 256);
        }
        assert_eq!(Placement::Strips.block(256), 258);
        assert_eq!(Placement::Strips.block(6), 6);
        assert_eq!(Placement::Strips.first(u64::MAX, 6), u64::MAX);
    }
}
