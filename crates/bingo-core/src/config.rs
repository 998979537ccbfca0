//! What a caller chooses when creating a game.

use crate::game_name::GameName;
use crate::kind::GameKind;
use crate::pattern::{default_stages, PatternSpec};
use crate::prize::Remainder;
use crate::sales::{PrizeShare, SnowballRule, TicketPrices};
use serde::{Deserialize, Serialize};

/// How balls are called.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrawMode {
    /// From the committed seed: provably fair, re-derivable after the game.
    #[default]
    Random,
    /// Entered by the caller from a physical ball machine.
    Manual,
}

/// One stage of a game (90-ball classic: one line, then two lines, then full house).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    pub pattern: PatternSpec,
    /// Prize in minor units (pence, cents), shared by the stage's winners. At most 2^53 - 1, so
    /// that a JavaScript client reads it exactly.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize, default = 0))]
    pub prize: u64,
    /// A prize that is a share of the game's takings instead (with a minimum): fixed when sales
    /// close at the first ball, and `prize` is then not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<PrizeShare>,
}

pub const MAX_STAGES: usize = 12;
/// The largest prize of a stage: 2^53 - 1, the largest integer a JavaScript number holds exactly.
pub const MAX_PRIZE: u64 = (1 << 53) - 1;
pub const MAX_CARDS_PER_PLAYER: u16 = 120;
pub const AUTO_DRAW_MS: std::ops::RangeInclusive<u32> = 1_000..=600_000;

/// A game's settings. The engine enforces the rules; `auto_draw_ms` and `auto_daub` are carried
/// for the server and apps.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameConfig {
    /// What the Console, the Screen and the phones call the game ("Charity night – game 1"):
    /// trimmed, at most 80 characters, no control characters. Empty (and absent from the JSON)
    /// when none was given, as in games made before names.
    #[serde(default, skip_serializing_if = "GameName::is_empty")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, max_length = 80, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$", examples("Charity night – game 1"))
    )]
    pub name: GameName,
    pub kind: GameKind,
    /// Played in order; at least one.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 12))]
    pub stages: Vec<StageSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(default = "random"))]
    pub draw_mode: DrawMode,
    /// The hall rule: a winning card must be claimed before the next ball (else it is a sleeper).
    #[serde(default = "yes")]
    #[cfg_attr(feature = "openapi", schema(default = true))]
    pub claim_before_next_ball: bool,
    /// Where prize units that do not divide evenly go.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(default = "first_claims"))]
    pub remainder: Remainder,
    /// ISO 4217 code of the prizes' currency, for display (e.g. "GBP").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z]{3}$", examples("GBP")))]
    pub currency: Option<String>,
    /// Milliseconds between balls when auto-draw is on; none (null) = draw by hand only.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1000, maximum = 600000))]
    pub auto_draw_ms: Option<u32>,
    /// Whether players may let the app daub for them (UK licensed premises require the player's own action).
    #[serde(default = "yes")]
    #[cfg_attr(feature = "openapi", schema(default = true))]
    pub auto_daub: bool,
    /// Most cards one player may hold.
    #[serde(default = "default_max_cards")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 120, default = 6))]
    pub max_cards_per_player: u16,
    /// Whether cards may still be issued (sold, or joined on a phone) after the first ball. Late
    /// cards are marked in the log and win only on balls called after they were issued.
    #[serde(default, skip_serializing_if = "is_false")]
    pub late_entry: bool,
    /// The log records every card issued (`cards_issued`), and only issued cards can be checked or
    /// claimed. Set by the server on every game it creates; absent in logs made before cards were
    /// recorded, whose claims are checked as they were then.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cards_in_ledger: bool,
    /// Ticket prices: cards issued are then sales, counted in the takings (bingo-core's `sales`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tickets: Option<TicketPrices>,
    /// The hall's jackpot is played in this game (its pot is offered before the first ball).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snowball: Option<SnowballRule>,
}

fn is_false(value: &bool) -> bool {
    !value
}

fn yes() -> bool {
    true
}

fn default_max_cards() -> u16 {
    6
}

impl GameConfig {
    /// The usual game of a kind: its default stages, no prizes, random draw, hall rules.
    pub fn standard(kind: GameKind) -> Self {
        GameConfig {
            name: GameName::default(),
            kind,
            stages: default_stages(kind)
                .iter()
                .map(|id| StageSpec { pattern: PatternSpec::Builtin(id.to_string()), prize: 0, share: None })
                .collect(),
            draw_mode: DrawMode::Random,
            claim_before_next_ball: true,
            remainder: Remainder::FirstClaims,
            currency: None,
            auto_draw_ms: None,
            auto_daub: true,
            max_cards_per_player: default_max_cards(),
            late_entry: false,
            cards_in_ledger: true,
            tickets: None,
            snowball: None,
        }
    }

    /// Checks everything but the patterns (resolved by the game); the error says what to fix.
    pub fn check(&self) -> Result<(), String> {
        if self.stages.is_empty() || self.stages.len() > MAX_STAGES {
            return Err(format!("a game needs 1 to {MAX_STAGES} stages, got {}", self.stages.len()));
        }
        if let Some((i, _)) = self.stages.iter().enumerate().find(|(_, s)| s.prize > MAX_PRIZE) {
            return Err(format!("stage {}: a prize is at most {MAX_PRIZE} minor units (2^53 - 1)", i + 1));
        }
        for (i, share) in self.stages.iter().enumerate().filter_map(|(i, s)| Some((i, s.share?))) {
            share.check().map_err(|e| format!("stage {}: {e}", i + 1))?;
        }
        if let Some(tickets) = &self.tickets {
            tickets.check(self.kind)?;
        }
        if let Some(rule) = &self.snowball {
            rule.check(self.kind)?;
        }
        if !(1..=MAX_CARDS_PER_PLAYER).contains(&self.max_cards_per_player) {
            return Err(format!("max_cards_per_player must be 1 to {MAX_CARDS_PER_PLAYER}"));
        }
        if let Some(ms) = self.auto_draw_ms {
            if !AUTO_DRAW_MS.contains(&ms) {
                return Err(format!(
                    "auto_draw_ms must be {} to {} milliseconds",
                    AUTO_DRAW_MS.start(),
                    AUTO_DRAW_MS.end()
                ));
            }
        }
        if let Some(c) = &self.currency {
            if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                return Err(format!("currency must be a three-letter ISO 4217 code such as GBP, got {c:?}"));
            }
        }
        Ok(())
    }

    /// Whether the game sells tickets or pays a share of takings: its sales then close with a
    /// `sales_closed` event at the first ball.
    pub fn has_sales(&self) -> bool {
        self.tickets.is_some() || self.stages.iter().any(|s| s.share.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAGES: &str = r#""stages": [{"pattern": {"builtin": "full-house"}}]"#;

    #[test]
    fn a_config_without_a_name_parses_and_writes_as_before() {
        let config: GameConfig = serde_json::from_str(&format!(r#"{{"kind": "90", {STAGES}}}"#)).expect("parses");
        assert!(config.name.is_empty());
        assert!(!serde_json::to_string(&config).expect("json").contains("name"), "no name written");
    }

    #[test]
    fn a_name_is_trimmed_and_a_bad_one_refused_when_parsed() {
        let config: GameConfig =
            serde_json::from_str(&format!(r#"{{"name": " Friday – game 2 ", "kind": "90", {STAGES}}}"#))
                .expect("parses");
        assert_eq!(config.name.as_str(), "Friday – game 2");
        assert!(serde_json::to_string(&config).expect("json").contains(r#""name":"Friday – game 2""#));
        for bad in [r#""a\nb""#, r#""tab\there""#, &format!("{:?}", "x".repeat(81)), "7"] {
            let json = format!(r#"{{"name": {bad}, "kind": "90", {STAGES}}}"#);
            assert!(serde_json::from_str::<GameConfig>(&json).is_err(), "{bad} was taken");
        }
    }
}
