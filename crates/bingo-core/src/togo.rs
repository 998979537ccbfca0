//! "To go": how many numbers each card in play still needs for the current stage, kept up to
//! date ball by ball. Drawing a ball touches only the cards holding it.

use crate::card::{Card, MAX_CELLS};
use crate::pattern::Pattern;

/// Numbers still needed per card; cards are added once, in any order.
#[derive(Clone, Debug, Default)]
pub struct ToGo {
    masks: Vec<u32>,
    serials: Vec<u64>,
    /// Per card: numbered cells not yet called.
    uncalled: Vec<u32>,
    togo: Vec<u8>,
    /// For each ball, the (card slot, cell bit) pairs holding it.
    holders: Vec<Vec<(u32, u32)>>,
    /// How many cards need exactly k more numbers.
    histogram: [u32; MAX_CELLS + 1],
}

fn needed(masks: &[u32], uncalled: u32) -> u8 {
    masks.iter().map(|m| (m & uncalled).count_ones() as u8).min().unwrap_or(0)
}

fn recount(masks: &[u32], uncalled: u32, togo: &mut u8, histogram: &mut [u32; MAX_CELLS + 1]) {
    let t = needed(masks, uncalled);
    histogram[usize::from(*togo)] -= 1;
    histogram[usize::from(t)] += 1;
    *togo = t;
}

impl ToGo {
    /// A tracker for `pattern` with no cards yet.
    pub fn new(pattern: &Pattern) -> Self {
        ToGo {
            masks: pattern.alternatives.iter().map(|a| a.mask).collect(),
            holders: vec![Vec::new(); usize::from(pattern.kind.balls()) + 1],
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.serials.len()
    }

    pub fn is_empty(&self) -> bool {
        self.serials.is_empty()
    }

    /// Adds a card given the balls already called; returns its slot.
    pub fn add(&mut self, card: &Card, called: u128) -> usize {
        let slot = self.serials.len();
        let mut uncalled = 0u32;
        for (i, &n) in card.cells().iter().enumerate() {
            if n == 0 {
                continue;
            }
            if let Some(list) = self.holders.get_mut(usize::from(n)) {
                list.push((slot as u32, 1 << i));
            }
            if called & (1u128 << n) == 0 {
                uncalled |= 1 << i;
            }
        }
        let t = needed(&self.masks, uncalled);
        self.serials.push(card.serial());
        self.uncalled.push(uncalled);
        self.togo.push(t);
        self.histogram[usize::from(t)] += 1;
        slot
    }

    /// Marks ball `number` on every card holding it.
    pub fn call(&mut self, number: u8) {
        self.update(number, |uncalled, bit| uncalled & !bit);
    }

    /// Unmarks a voided ball.
    pub fn uncall(&mut self, number: u8) {
        self.update(number, |uncalled, bit| uncalled | bit);
    }

    fn update(&mut self, number: u8, change: impl Fn(u32, u32) -> u32) {
        let Some(list) = self.holders.get(usize::from(number)) else {
            return;
        };
        for &(slot, bit) in list {
            let s = slot as usize;
            self.uncalled[s] = change(self.uncalled[s], bit);
            recount(&self.masks, self.uncalled[s], &mut self.togo[s], &mut self.histogram);
        }
    }

    /// Switches to the next stage's pattern and recounts every card.
    pub fn set_pattern(&mut self, pattern: &Pattern) {
        self.masks = pattern.alternatives.iter().map(|a| a.mask).collect();
        for (uncalled, togo) in self.uncalled.iter().zip(self.togo.iter_mut()) {
            recount(&self.masks, *uncalled, togo, &mut self.histogram);
        }
    }

    /// Numbers still needed by the card in `slot`.
    pub fn togo(&self, slot: usize) -> Option<u8> {
        self.togo.get(slot).copied()
    }

    /// How many cards need exactly `k` more numbers (0 = complete, 1 = "one to go").
    pub fn count_needing(&self, k: u8) -> u32 {
        self.histogram.get(usize::from(k)).copied().unwrap_or(0)
    }

    /// The `n` closest cards as (serial, numbers to go), closest first, ties by serial.
    pub fn closest(&self, n: usize) -> Vec<(u64, u8)> {
        let mut out = Vec::with_capacity(n);
        for k in 0..=MAX_CELLS as u8 {
            if out.len() >= n {
                break;
            }
            if self.histogram[usize::from(k)] == 0 {
                continue;
            }
            let mut same: Vec<(u64, u8)> =
                self.togo.iter().enumerate().filter(|&(_, &t)| t == k).map(|(s, &t)| (self.serials[s], t)).collect();
            same.sort_unstable();
            out.extend(same.into_iter().take(n - out.len()));
        }
        out
    }
}
