//! Cards issued to phones are recorded in the game's log (`cards_issued`) before the join is
//! answered, in batches: every join that arrives while one batch commits goes into the next, so a
//! hall's crowd joining at once costs a few commits rather than one each.

use super::{Result, Service, ServiceError};
use bingo_core::Channel;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, PoisonError};
use tokio::sync::oneshot;

/// How often a batch is tried when other nodes keep writing to the same log first.
const BATCH_ATTEMPTS: usize = 5;

type Waiter = (Range<u64>, oneshot::Sender<Result<()>>);

/// Joins waiting per game; a game has an entry exactly while a task is committing its batches.
#[derive(Default)]
pub(crate) struct WaitingIssues {
    games: Mutex<HashMap<String, Vec<Waiter>>>,
}

impl WaitingIssues {
    /// Adds a join; true when no task is committing this game's batches, so the caller starts one.
    fn push(&self, game_id: &str, waiter: Waiter) -> bool {
        let mut games = self.games.lock().unwrap_or_else(PoisonError::into_inner);
        match games.get_mut(game_id) {
            Some(waiting) => {
                waiting.push(waiter);
                false
            }
            None => {
                games.insert(game_id.to_string(), vec![waiter]);
                true
            }
        }
    }

    /// The next batch, or `None` (and the entry removed) when nobody is waiting.
    fn take(&self, game_id: &str) -> Option<Vec<Waiter>> {
        let mut games = self.games.lock().unwrap_or_else(PoisonError::into_inner);
        match games.get_mut(game_id) {
            Some(waiting) if !waiting.is_empty() => Some(std::mem::take(waiting)),
            _ => {
                games.remove(game_id);
                None
            }
        }
    }
}

/// The serials as inclusive ranges, neighbours joined unless `each_its_own` (then one range per
/// join: in a 90-ball game sold by the strip, six cards issued in one range are priced as a strip,
/// so two joins of three cards must stay two issues of singles).
fn merged(waiters: &[Waiter], each_its_own: bool) -> Vec<(u64, u64)> {
    let mut ranges: Vec<Range<u64>> = waiters.iter().map(|(r, _)| r.clone()).filter(|r| !r.is_empty()).collect();
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some((_, last)) if !each_its_own && *last + 1 == r.start => *last = r.end - 1,
            _ => out.push((r.start, r.end - 1)),
        }
    }
    out
}

impl Service {
    /// Records `serials`, just issued to a phone, in the game's log; returns once they are
    /// committed (or refused: the first ball was called in a game without late entry).
    pub(crate) async fn record_phone_issue(&self, game_id: &str, serials: Range<u64>) -> Result<()> {
        let (sender, receiver) = oneshot::channel();
        if self.inner.issues.push(game_id, (serials, sender)) {
            // A task of its own, so that a join whose client goes away cannot strand the others;
            // an errand, so that shutdown waits for the batch in flight.
            let (service, game_id) = (self.clone(), game_id.to_string());
            self.inner.errands.spawn(async move { service.commit_issue_batches(&game_id).await });
        }
        receiver
            .await
            .map_err(|_| ServiceError::Unavailable("the server stopped before the cards were recorded".into()))?
    }

    async fn commit_issue_batches(&self, game_id: &str) {
        let strips = match self.live(game_id).await {
            Ok(live) => {
                let live = live.lock().await;
                let config = live.game.config();
                config.kind == bingo_core::GameKind::Ball90 && config.tickets.is_some_and(|t| t.strip > 0)
            }
            Err(_) => false,
        };
        while let Some(batch) = self.inner.issues.take(game_id) {
            let ranges = merged(&batch, strips);
            let mut result = Err(ServiceError::Conflict("the game's log kept changing; join again".into()));
            for _ in 0..BATCH_ATTEMPTS {
                result =
                    self.command(game_id, |game, now| game.issue_cards(&ranges, Channel::Phone, now)).await.map(drop);
                if !matches!(result, Err(ServiceError::Conflict(_))) {
                    break;
                }
            }
            for (_, sender) in batch {
                let _ = sender.send(result.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiter(r: Range<u64>) -> Waiter {
        (r, oneshot::channel().0)
    }

    #[test]
    fn batches_merge_neighbouring_serials() {
        let batch = vec![waiter(7..9), waiter(1..4), waiter(4..7), waiter(20..21), waiter(30..30)];
        assert_eq!(merged(&batch, false), vec![(1, 8), (20, 20)]);
        assert_eq!(merged(&batch, true), vec![(1, 3), (4, 6), (7, 8), (20, 20)], "strips: one issue per join");
    }

    #[test]
    fn a_game_has_an_entry_only_while_its_batches_commit() {
        let waiting = WaitingIssues::default();
        assert!(waiting.push("g", waiter(1..2)), "the first join starts the task");
        assert!(!waiting.push("g", waiter(2..3)), "a second joins the batch");
        assert_eq!(waiting.take("g").map(|b| b.len()), Some(2));
        assert!(!waiting.push("g", waiter(3..4)), "still committing: joins the next batch");
        assert_eq!(waiting.take("g").map(|b| b.len()), Some(1));
        assert!(waiting.take("g").is_none());
        assert!(waiting.push("g", waiter(4..5)), "after the task ended, the next join starts one");
    }
}
