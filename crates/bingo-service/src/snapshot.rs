//! What a client is shown of a game when it connects or falls behind.

use super::{Live, Result, Service, ServiceError};
use bingo_core::GameView;
use serde::Serialize;
use serde_json::value::RawValue;
use std::sync::Arc;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct AutoDrawView {
    pub on: bool,
    /// When the next ball is due (Unix ms), while auto-draw is on.
    pub next_draw_at_ms: Option<i64>,
}

/// A game as clients see it; `game.last_seq` is the last event included.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub game_id: String,
    pub join_code: String,
    pub epoch: String,
    pub players: u64,
    pub auto_draw: AutoDrawView,
    /// What the caller tells the hall now (the Console's announcement), or `null`. Untrusted
    /// text: shown as text, never as HTML.
    pub announcement: Option<String>,
    pub game: GameView,
}

/// A snapshot serialized once and shared by every client that connects while the game stays as
/// it is (a crowd joining a game gets the same bytes).
#[derive(Clone, Debug)]
pub struct SharedSnapshot {
    pub last_seq: u64,
    pub epoch: String,
    /// The `Snapshot` as JSON, written as it is into every message that carries it.
    pub json: Arc<RawValue>,
    /// The snapshot's announcement, for a client that resumes without the snapshot.
    pub announcement: Option<String>,
}

/// What a shared snapshot depends on: the log position, the player count, the auto-draw timer and
/// the announcement.
pub(crate) type SnapshotKey = (u64, u64, bool, Option<i64>, Option<String>);

fn build(live: &Live) -> Snapshot {
    Snapshot {
        game_id: live.meta.id.clone(),
        join_code: live.meta.join_code.clone(),
        epoch: live.meta.epoch.clone(),
        players: live.players,
        auto_draw: AutoDrawView { on: live.meta.auto_draw, next_draw_at_ms: live.meta.next_draw_at_ms },
        announcement: live.meta.announcement.clone(),
        game: GameView::of(&live.game),
    }
}

impl Service {
    pub async fn snapshot(&self, game_id: &str) -> Result<Snapshot> {
        let live = self.live(game_id).await?;
        let live = live.lock().await;
        Ok(build(&live))
    }

    /// The snapshot as shared JSON, serialized at most once per game state.
    pub async fn shared_snapshot(&self, game_id: &str) -> Result<SharedSnapshot> {
        let live = self.live(game_id).await?;
        let mut live = live.lock().await;
        let key: SnapshotKey = (
            live.game.next_seq(),
            live.players,
            live.meta.auto_draw,
            live.meta.next_draw_at_ms,
            live.meta.announcement.clone(),
        );
        if let Some((cached, shared)) = &live.shared {
            if *cached == key {
                return Ok(shared.clone());
            }
        }
        let snapshot = build(&live);
        let json = serde_json::value::to_raw_value(&snapshot).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let shared = SharedSnapshot {
            last_seq: snapshot.game.last_seq,
            epoch: snapshot.epoch,
            json: json.into(),
            announcement: snapshot.announcement,
        };
        live.shared = Some((key, shared.clone()));
        Ok(shared)
    }

    /// A card that has won in this game (settled or awaiting settlement), for the screen to show
    /// in full; any other serial is not shown to the public.
    pub async fn winner_card(&self, join_code: &str, serial: u64) -> Result<bingo_core::Card> {
        let id = self.game_id_by_join_code(join_code).await?;
        let live = self.live(&id).await?;
        let live = live.lock().await;
        let game = &live.game;
        let won = game.pending_winners().contains(&serial)
            || game.results().iter().any(|r| r.winners.iter().any(|w| w.serial == serial));
        if !won {
            return Err(crate::ServiceError::NotFound(format!("card {serial} has not won in this game")));
        }
        Ok(game.deck().card(serial).map_err(bingo_core::GameError::from)?)
    }

    /// A client's snapshot by join code (screens).
    pub async fn snapshot_by_code(&self, join_code: &str) -> Result<Snapshot> {
        let id = self.game_id_by_join_code(join_code).await?;
        self.snapshot(&id).await
    }
}
