//! Auto-draw: balls drawn on a timer, by exactly one node. The schedule lives in the database
//! (`auto_draw`, `next_draw_at_ms`) and a lease per game says which node draws, so a node that
//! dies (even by kill -9) is replaced within the lease time and no ball is lost or repeated: a
//! draw is an append at the expected sequence number, which only one writer can win.

use super::{now_ms, Result, Service, ServiceError};
use bingo_core::{DrawMode, GameError, GameState};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const TICK: Duration = Duration::from_millis(200);
const LEASE_MS: u64 = 5_000;
const REFRESH_EVERY_TICKS: u32 = 5;

fn lease(game_id: &str) -> String {
    format!("autodraw:{game_id}")
}

impl Service {
    /// Turns auto-draw on or off for a running random-draw game with an interval set.
    pub async fn set_auto_draw(&self, game_id: &str, on: bool) -> Result<()> {
        let live = self.live(game_id).await?;
        let mut live = live.lock().await;
        let config = live.game.config();
        let next = if on {
            if config.draw_mode != DrawMode::Random {
                return Err(GameError::WrongMode { action: "auto-draw", mode: config.draw_mode }.into());
            }
            let Some(interval) = config.auto_draw_ms else {
                return Err(ServiceError::Invalid("this game has no auto-draw interval (auto_draw_ms)".into()));
            };
            if live.game.state() != GameState::Running {
                return Err(GameError::WrongState { action: "turn auto-draw on", state: live.game.state() }.into());
            }
            Some(now_ms() + i64::from(interval))
        } else {
            None
        };
        let id = game_id.to_string();
        self.blocking(move |s| s.set_auto_draw(&id, on, next)).await?;
        live.meta.auto_draw = on;
        live.meta.next_draw_at_ms = next;
        drop(live);
        self.announce_auto_draw(game_id, on, next).await;
        Ok(())
    }

    async fn announce_auto_draw(&self, game_id: &str, on: bool, next: Option<i64>) {
        self.publish_update(game_id, bingo_bus::Update::AutoDraw { on, next_draw_at_ms: next }).await;
    }

    /// Draws the balls that are due, every [`TICK`], until `cancel`.
    pub(crate) async fn auto_draw_loop(self, cancel: CancellationToken) {
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut due: Vec<(String, i64)> = Vec::new();
        let mut ticks = 0u32;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = ticker.tick() => {}
            }
            if ticks % REFRESH_EVERY_TICKS == 0 {
                match self.blocking(|s| s.games_with_auto_draw()).await {
                    Ok(games) => {
                        due = games.into_iter().filter_map(|m| m.next_draw_at_ms.map(|at| (m.id, at))).collect()
                    }
                    Err(e) => tracing::warn!(error = %e, "auto-draw: cannot read the schedule"),
                }
            }
            ticks = ticks.wrapping_add(1);
            let now = now_ms();
            for (game_id, at) in due.iter_mut() {
                if *at > now || cancel.is_cancelled() {
                    continue;
                }
                match self.auto_draw_once(game_id).await {
                    Ok(Some(next)) => *at = next,
                    Ok(None) => *at = i64::MAX,
                    Err(e) => tracing::warn!(game_id, error = %e, "auto-draw failed"),
                }
            }
        }
    }

    /// Draws one ball if this node holds the game's lease and the ball is due. Returns when the
    /// next one is due, or `None` when auto-draw is off (or just stopped).
    async fn auto_draw_once(&self, game_id: &str) -> Result<Option<i64>> {
        let (name, holder, now) = (lease(game_id), self.node().to_string(), now_ms());
        if !self.blocking(move |s| s.try_acquire_lease(&name, &holder, LEASE_MS, now)).await? {
            return Ok(Some(now + LEASE_MS as i64));
        }
        let id = game_id.to_string();
        let Some(meta) = self.blocking(move |s| s.game_meta(&id)).await? else { return Ok(None) };
        let (Some(at), true) = (meta.next_draw_at_ms, meta.auto_draw) else { return Ok(None) };
        if at > now {
            return Ok(Some(at));
        }
        let live = self.live(game_id).await?;
        let (interval, state) = {
            let live = live.lock().await;
            (live.game.config().auto_draw_ms.unwrap_or(5_000), live.game.state())
        };
        if state == GameState::Paused {
            // Resume restarts the countdown.
            return Ok(Some(now + i64::from(interval)));
        }
        // Move the schedule first: a crash after this delays one ball, never repeats one.
        let next = now + i64::from(interval);
        let id = game_id.to_string();
        self.blocking(move |s| s.set_auto_draw(&id, true, Some(next))).await?;
        let result = self.command(game_id, |game, now| game.draw(now)).await;
        match result {
            Ok(_) => {
                live.lock().await.meta.next_draw_at_ms = Some(next);
                self.announce_auto_draw(game_id, true, Some(next)).await;
                Ok(Some(next))
            }
            Err(ServiceError::Game(e)) => {
                tracing::info!(game_id, reason = %e, "auto-draw stops");
                let id = game_id.to_string();
                self.blocking(move |s| s.set_auto_draw(&id, false, None)).await?;
                {
                    let mut live = live.lock().await;
                    live.meta.auto_draw = false;
                    live.meta.next_draw_at_ms = None;
                }
                self.announce_auto_draw(game_id, false, None).await;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Resumes a paused game, restarting the auto-draw countdown.
    pub async fn resume(&self, game_id: &str) -> Result<()> {
        self.command(game_id, |game, now| game.resume(now)).await?;
        let auto = self.live(game_id).await?.lock().await.meta.auto_draw;
        if auto {
            self.set_auto_draw(game_id, true).await?;
        }
        Ok(())
    }

    /// Ends a game (revealing its seed) and stops its auto-draw.
    /// Then, for a game with a snowball, stores the pot it leaves; for a session's game, opens
    /// the next game and times the interval (sessions.rs).
    pub async fn finish(&self, game_id: &str) -> Result<()> {
        let events = self.command(game_id, |game, now| game.finish(now)).await?;
        let id = game_id.to_string();
        self.blocking(move |s| s.set_auto_draw(&id, false, None)).await?;
        {
            let live = self.live(game_id).await?;
            let mut live = live.lock().await;
            live.meta.auto_draw = false;
            live.meta.next_draw_at_ms = None;
        }
        // The game has ended whatever happens next: what follows is logged, not refused. The pot
        // a game leaves is also stored by the next game that wants it (snowball.rs), and the
        // Console can open a session's next game itself.
        if let Err(e) = self.store_next_pot(game_id, &events).await {
            tracing::warn!(game = %game_id, error = %e, "storing the pot the snowball left failed");
        }
        if let Err(e) = self.next_in_session(game_id).await {
            tracing::warn!(game = %game_id, error = %e, "opening the session's next game failed");
        }
        Ok(())
    }
}
