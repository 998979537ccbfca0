//! What a game looks like to the people playing it: a serializable snapshot for screens,
//! consoles and players. Never contains the seed before the game reveals it.

use crate::calls::Calls;
use crate::config::{DrawMode, GameConfig};
use crate::game::{Game, GameState, StageResult};
use crate::kind::GameKind;
use crate::prize::Remainder;
use crate::seed::{Commitment, Seed};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    pub name: String,
    pub pattern_id: String,
    /// Each alternative of the pattern drawn as rows of `X` and `.`.
    pub pictures: Vec<Vec<String>>,
    /// The prize: for a share of takings, fixed once sales closed, else as the takings stand.
    pub prize: u64,
    /// The share of takings the prize is (with its minimum), if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<crate::sales::PrizeShare>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesView {
    pub draw_mode: DrawMode,
    pub claim_before_next_ball: bool,
    pub remainder: Remainder,
    pub currency: Option<String>,
    pub auto_draw_ms: Option<u32>,
    pub auto_daub: bool,
    pub max_cards_per_player: u16,
    /// Cards may be issued after the first ball (marked late; they win only on later balls).
    pub late_entry: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameView {
    /// The game's name (untrusted text: show it as text); empty when it has none.
    #[serde(default)]
    pub name: String,
    pub kind: GameKind,
    pub state: GameState,
    pub commitment: Commitment,
    /// Present once the game has ended and revealed it.
    pub seed: Option<Seed>,
    pub stages: Vec<StageView>,
    /// The stage being played (from 0); equals the number of stages when all are settled.
    pub stage: usize,
    pub stage_first_call: u16,
    /// Balls called, in order.
    pub calls: Calls,
    /// Serials accepted for the current stage, not yet settled.
    pub pending_winners: Vec<u64>,
    /// Who claimed each of `pending_winners`, in the same order (`null` when no name was given).
    pub pending_names: Vec<Option<String>>,
    pub results: Vec<StageResult>,
    /// Sales closed with the first ball (a game with ticket prices or prizes from takings).
    #[serde(default)]
    pub sales_closed: bool,
    /// The snowball offered in this game, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snowball: Option<crate::sales::SnowballOffer>,
    pub rules: RulesView,
    /// The sequence number of the last event this view includes.
    pub last_seq: u64,
}

impl GameView {
    pub fn of(game: &Game) -> GameView {
        let config: &GameConfig = game.config();
        let sales = game.sales();
        GameView {
            name: config.name.to_string(),
            kind: config.kind,
            state: game.state(),
            commitment: game.commitment(),
            seed: game.revealed_seed().cloned(),
            stages: game
                .patterns()
                .iter()
                .zip(&config.stages)
                .zip(&sales.pool)
                .map(|((p, s), &prize)| StageView {
                    name: p.name.clone(),
                    pattern_id: p.id.clone(),
                    pictures: (0..p.alternatives.len()).map(|i| p.picture(i)).collect(),
                    prize,
                    share: s.share,
                })
                .collect(),
            stage: game.stage(),
            stage_first_call: game.stage_first_call(),
            calls: game.calls().clone(),
            pending_winners: game.pending_winners().to_vec(),
            pending_names: game.pending_names().to_vec(),
            results: game.results().to_vec(),
            sales_closed: sales.closed,
            snowball: sales.snowball,
            rules: RulesView {
                draw_mode: config.draw_mode,
                claim_before_next_ball: config.claim_before_next_ball,
                remainder: config.remainder,
                currency: config.currency.clone(),
                auto_draw_ms: config.auto_draw_ms,
                auto_daub: config.auto_daub,
                max_cards_per_player: config.max_cards_per_player,
                late_entry: config.late_entry,
            },
            last_seq: game.next_seq() - 1,
        }
    }
}
