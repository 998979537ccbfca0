//! The balls called so far in a game, in order.

use serde::{Deserialize, Serialize};

/// Called numbers with their call positions (the first ball is call 1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<u8>", into = "Vec<u8>")]
pub struct Calls {
    order: Vec<u8>,
    /// Bit n set when ball n has been called.
    called: u128,
}

impl Calls {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many balls have been called; also the call number of the last one.
    pub fn count(&self) -> u16 {
        self.order.len() as u16
    }

    pub fn contains(&self, number: u8) -> bool {
        number < 128 && self.called & (1u128 << number) != 0
    }

    /// The call number (from 1) at which `number` was called.
    pub fn call_of(&self, number: u8) -> Option<u16> {
        if !self.contains(number) {
            return None;
        }
        self.order.iter().position(|&n| n == number).map(|i| i as u16 + 1)
    }

    pub fn last(&self) -> Option<u8> {
        self.order.last().copied()
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.order
    }

    /// The called set as a bitset: bit n for ball n.
    pub fn bits(&self) -> u128 {
        self.called
    }

    /// Adds a ball; callers check range and repeats first (the game does).
    pub(crate) fn push(&mut self, number: u8) {
        debug_assert!(number < 128 && !self.contains(number));
        self.order.push(number);
        self.called |= 1u128 << number;
    }

    pub(crate) fn pop(&mut self) -> Option<u8> {
        let n = self.order.pop()?;
        self.called &= !(1u128 << n);
        Some(n)
    }
}

impl From<Vec<u8>> for Calls {
    fn from(numbers: Vec<u8>) -> Self {
        let mut calls = Calls::new();
        for n in numbers {
            if n < 128 && !calls.contains(n) {
                calls.push(n);
            }
        }
        calls
    }
}

impl From<Calls> for Vec<u8> {
    fn from(calls: Calls) -> Self {
        calls.order
    }
}
