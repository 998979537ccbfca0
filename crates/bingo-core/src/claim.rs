//! Checking a claim: does this card complete the current stage's pattern with the balls called
//! so far, and may it still claim (the "before the next ball" hall rule)?

use crate::calls::Calls;
use crate::card::Card;
use crate::pattern::Pattern;
use serde::{Deserialize, Serialize};

/// When claims for the current stage count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimWindow {
    /// The call on which the current stage became the one being played (1 for the first stage).
    pub stage_first_call: u16,
    /// The hall rule: a card must be claimed before the next ball after it wins. A card that
    /// completed earlier and was not claimed in time is a "sleeper".
    pub claim_before_next_ball: bool,
}

/// What a claim check found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The card wins: alternative `alternative` of the pattern, complete since call `completed_at`.
    Won { alternative: usize, completed_at: u16 },
    /// The card completed the pattern on call `completed_at` but the claim came after the next
    /// ball: claims for it had to be made by call `claim_by`.
    Sleeper { alternative: usize, completed_at: u16, claim_by: u16 },
    /// No alternative is complete; `alternative` is the closest one, `missing` its uncalled cells.
    NotYet { alternative: usize, missing: u32 },
    /// A late card completed the pattern on call `completed_at`, not after `issued_after`, the
    /// number of calls made when it was issued: it cannot win this stage.
    BeforeIssue { alternative: usize, completed_at: u16, issued_after: u16 },
}

impl Verdict {
    pub fn is_win(&self) -> bool {
        matches!(self, Verdict::Won { .. })
    }
}

/// Bit i set when cell i holds a number that has not been called.
pub fn uncalled_cells(card: &Card, calls: &Calls) -> u32 {
    let called = calls.bits();
    card.cells()
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n != 0 && called & (1u128 << n) == 0)
        .fold(0, |m, (i, _)| m | 1 << i)
}

/// The call on which the last numbered cell of `mask` was called.
fn completion_call(card: &Card, mask: u32, calls: &Calls) -> u16 {
    card.cells()
        .iter()
        .enumerate()
        .filter(|&(i, &n)| n != 0 && mask & (1 << i) != 0)
        .filter_map(|(_, &n)| calls.call_of(n))
        .max()
        .unwrap_or(0)
}

/// Checks `card` against `pattern` and the balls called so far.
pub fn check(card: &Card, pattern: &Pattern, calls: &Calls, window: ClaimWindow) -> Verdict {
    let uncalled = uncalled_cells(card, calls);
    let now = calls.count();
    let mut best_valid: Option<(usize, u16)> = None;
    let mut latest_complete: Option<(usize, u16)> = None;
    let mut closest = (0usize, u32::MAX);
    for (i, alt) in pattern.alternatives.iter().enumerate() {
        let missing = alt.mask & uncalled;
        if missing != 0 {
            if missing.count_ones() < closest.1.count_ones() || closest.1 == u32::MAX {
                closest = (i, missing);
            }
            continue;
        }
        let at = completion_call(card, alt.mask, calls);
        let valid = !window.claim_before_next_ball || at == now || now <= window.stage_first_call;
        let later = |best: Option<(usize, u16)>| best.is_none_or(|(_, b)| at > b);
        if valid && later(best_valid) {
            best_valid = Some((i, at));
        }
        if later(latest_complete) {
            latest_complete = Some((i, at));
        }
    }
    match (best_valid, latest_complete) {
        (Some((alternative, completed_at)), _) => Verdict::Won { alternative, completed_at },
        (None, Some((alternative, completed_at))) => {
            Verdict::Sleeper { alternative, completed_at, claim_by: completed_at.max(window.stage_first_call) }
        }
        (None, None) => Verdict::NotYet { alternative: closest.0, missing: closest.1 },
    }
}

/// The cells of a mask as (row, column) pairs, both from 0.
pub fn cells_of(card: &Card, mask: u32) -> Vec<(u8, u8)> {
    let cols = card.kind().cols();
    (0..card.kind().cell_count()).filter(|i| mask & (1 << i) != 0).map(|i| (i / cols, i % cols)).collect()
}

/// The numbers on a mask's cells, in cell order.
pub fn numbers_of(card: &Card, mask: u32) -> Vec<u8> {
    card.cells().iter().enumerate().filter(|&(i, &n)| n != 0 && mask & (1 << i) != 0).map(|(_, &n)| n).collect()
}

/// "34", "34 and 71", "3, 34 and 71".
pub fn list_numbers(numbers: &[u8]) -> String {
    match numbers {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => {
            let head: Vec<String> = rest.iter().map(u8::to_string).collect();
            format!("{} and {last}", head.join(", "))
        }
    }
}

/// A sentence a caller can read out.
pub fn explain(verdict: &Verdict, card: &Card, pattern: &Pattern, calls: &Calls) -> String {
    let label = |i: usize| pattern.alternatives.get(i).map_or("the pattern", |a| a.label.as_str());
    let ball = |call: u16| calls.as_slice().get(usize::from(call).wrapping_sub(1)).copied().unwrap_or(0);
    match *verdict {
        Verdict::Won { alternative, completed_at } => format!(
            "card {} wins {}: {} complete with {} on call {completed_at}",
            card.serial(),
            pattern.name,
            label(alternative),
            ball(completed_at)
        ),
        Verdict::Sleeper { alternative, completed_at, claim_by } => format!(
            "sleeper: card {} completed {} with {} on call {completed_at}, but it had to be claimed by call {claim_by}",
            card.serial(),
            label(alternative),
            ball(completed_at)
        ),
        Verdict::BeforeIssue { alternative, completed_at, issued_after } => format!(
            "card {} completed {} with {} on call {completed_at}, but it was issued late, after call {issued_after}: \
             it wins only on balls called after it was issued",
            card.serial(),
            label(alternative),
            ball(completed_at)
        ),
        Verdict::NotYet { alternative, missing } => {
            let numbers = numbers_of(card, missing);
            format!("{} still needs {}", label(alternative), list_numbers(&numbers))
        }
    }
}
