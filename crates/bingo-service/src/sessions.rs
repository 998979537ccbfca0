//! A night at the hall: a session is an ordered programme of games created together, sold
//! together (prices for the night; a book holds cards for every game) and played one after the
//! other. Creating one creates every game (Created) and opens the first; when a game finishes
//! ([`Service::finish`]), the next is opened and the interval before it is timed
//! (`interval_until_ms`). Templates keep a plan under a name for next week.

use super::{now_ms, Result, Service, ServiceError};
use bingo_core::config::MAX_PRIZE;
use bingo_core::report::session::{session_to_csv, SessionReport};
use bingo_core::sales::split_book_price;
use bingo_core::{
    Game, GameConfig, GameError, GameKind, GameName, GameState, PrizeShare, Seed, SnowballRule, TicketPrices,
};
use bingo_storage::{GameMeta, SessionRecord, StoreError, TemplateRecord};
use serde::{Deserialize, Serialize};

/// Games in a session: 1 to this many.
pub const MAX_SESSION_GAMES: usize = 20;
/// The longest interval between two games, in seconds.
pub const MAX_INTERVAL_S: u32 = 3600;
/// The sessions the list shows.
const SESSIONS_LISTED: u32 = 200;

fn default_interval() -> u32 {
    300
}

/// What a session costs, in minor units; a missing field is 0.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionPrices {
    /// One card in one game.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub card: u64,
    /// A 90-ball strip of six cards in one game (0: strips cost six cards); other kinds ignore it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub strip: u64,
    /// A paper book: cards for every game of the session (six in a 90-ball game, one otherwise),
    /// its price split over the games exactly.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 9007199254740991usize))]
    pub book: u64,
}

/// A session as the caller plans it: its games in playing order, their prices and the interval.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionPlan {
    /// What the night is called (untrusted text: shown as text): trimmed, at most 80 characters,
    /// no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, max_length = 80, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$", examples("Friday night"))
    )]
    pub name: GameName,
    /// ISO 4217 code of the money (every game's currency).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z]{3}$", examples("GBP")))]
    pub currency: Option<String>,
    #[serde(default)]
    pub prices: SessionPrices,
    /// Seconds between a game's end and the next game's start, shown as a countdown.
    #[serde(default = "default_interval")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 3600, default = 300))]
    pub interval_s: u32,
    /// The games in playing order (their currency and ticket prices come from the session).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub games: Vec<GameConfig>,
}

impl SessionPlan {
    /// Every game's settings as the session creates it: the session's currency and prices.
    pub fn configs(&self) -> Vec<GameConfig> {
        let books = split_book_price(self.prices.book, self.games.len());
        self.games
            .iter()
            .zip(books)
            .enumerate()
            .map(|(i, (config, book))| {
                let mut config = config.clone();
                let ninety = config.kind == GameKind::Ball90;
                config.currency = self.currency.clone();
                config.tickets = Some(TicketPrices {
                    card: self.prices.card,
                    strip: if ninety { self.prices.strip } else { 0 },
                    book,
                    book_cards: if ninety { 6 } else { 1 },
                });
                if config.name.is_empty() {
                    config.name = GameName::parse(&format!("Game {}", i + 1)).unwrap_or_default();
                }
                config
            })
            .collect()
    }

    /// Checks the plan and every game's settings; the error says what to fix.
    pub fn check(&self) -> Result<()> {
        let invalid = |m: String| Err(ServiceError::Invalid(m));
        if !(1..=MAX_SESSION_GAMES).contains(&self.games.len()) {
            return invalid(format!("a session has 1 to {MAX_SESSION_GAMES} games, got {}", self.games.len()));
        }
        if self.interval_s > MAX_INTERVAL_S {
            return invalid(format!("the interval is 0 to {MAX_INTERVAL_S} seconds, got {}", self.interval_s));
        }
        let SessionPrices { card, strip, book } = self.prices;
        if [card, strip, book].iter().any(|&p| p > MAX_PRIZE) {
            return invalid(format!("a price is at most {MAX_PRIZE} minor units (2^53 - 1)"));
        }
        // Every game as the engine would create it (patterns resolved too), so that a plan is
        // refused before any of its games is created.
        for (i, config) in self.configs().into_iter().enumerate() {
            if let Err(e) = Game::create(config, Seed::from_bytes([0; 32]), 0) {
                let why = match e {
                    GameError::InvalidConfig(why) => why,
                    other => other.to_string(),
                };
                return Err(GameError::InvalidConfig(format!("game {}: {why}", i + 1)).into());
            }
        }
        Ok(())
    }
}

/// One stage of a session's game.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SessionStage {
    /// The pattern's label ("One line").
    pub pattern: String,
    /// The fixed prize (minor units); with a share, the pool says what it comes to.
    pub prize: u64,
    pub share: Option<PrizeShare>,
}

/// One game of a session.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SessionGame {
    pub id: String,
    /// Its place in the programme, from 0.
    pub position: u32,
    /// Untrusted text: show it as text.
    pub name: String,
    pub kind: GameKind,
    pub state: GameState,
    pub join_code: String,
    pub stages: Vec<SessionStage>,
    pub snowball: Option<SnowballRule>,
    /// Each stage's prize: final once sales closed, else as the takings stand.
    pub pool: Vec<u64>,
}

/// A session and its games, as the Console and the Screen show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SessionView {
    pub id: String,
    /// Untrusted text: show it as text.
    pub name: String,
    pub currency: Option<String>,
    pub interval_s: u32,
    /// Unix time in milliseconds.
    pub created_at_ms: i64,
    pub prices: SessionPrices,
    /// In playing order.
    pub games: Vec<SessionGame>,
    /// The first game not finished (its position); the number of games once all have finished.
    pub current: usize,
    /// When the interval after the last finished game ends (Unix ms), while another game follows.
    pub interval_until_ms: Option<i64>,
}

/// One session in the list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub name: String,
    /// Unix time in milliseconds.
    pub created_at_ms: i64,
    /// How many games it has.
    pub games: u64,
    /// How many of them have finished.
    pub finished: u64,
}

/// A saved plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct SessionTemplate {
    pub name: String,
    pub plan: SessionPlan,
    /// Unix time in milliseconds.
    pub updated_at_ms: i64,
}

fn corrupt(what: &str, e: serde_json::Error) -> ServiceError {
    StoreError::Corrupt(format!("{what}: the stored plan does not parse: {e}")).into()
}

/// A template's name: a game name's rule, and not empty.
pub fn template_name(raw: &str) -> Result<String> {
    let name =
        GameName::parse(raw).map_err(|e| ServiceError::Invalid(e.to_string().replace("game's", "template's")))?;
    if name.is_empty() {
        return Err(ServiceError::Invalid("a template needs a name".into()));
    }
    Ok(name.to_string())
}

impl Service {
    /// Creates a session: every game (Created, with the session's currency and prices), then the
    /// session linking them, then opens the first game.
    pub async fn create_session(&self, plan: SessionPlan) -> Result<SessionView> {
        plan.check()?;
        let mut ids = Vec::with_capacity(plan.games.len());
        for config in plan.configs() {
            ids.push(self.create_game(config).await?.id);
        }
        let id = hex::encode(super::secrets::random_bytes::<12>()?);
        let record = SessionRecord {
            id: id.clone(),
            name: plan.name.to_string(),
            plan: serde_json::to_string(&plan).map_err(|e| ServiceError::Internal(e.to_string()))?,
            created_at_ms: now_ms(),
            interval_until_ms: None,
        };
        let games = ids.clone();
        self.blocking(move |s| s.create_hall_session(&record, &games)).await?;
        for (position, game_id) in ids.iter().enumerate() {
            if let Some(live) = self.cached(game_id) {
                live.lock().await.meta.session = Some((id.clone(), position as u32));
            }
        }
        self.command(&ids[0], |game, now| game.open(now)).await?;
        self.session_view(&id).await
    }

    /// The session's games in order, with its record and plan.
    async fn session_parts(&self, session_id: &str) -> Result<(SessionRecord, SessionPlan, Vec<GameMeta>)> {
        let id = session_id.to_string();
        let (record, games) = self
            .blocking(move |s| s.hall_session_with_games(&id))
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no session {session_id:?}")))?;
        let plan: SessionPlan = serde_json::from_str(&record.plan).map_err(|e| corrupt(session_id, e))?;
        Ok((record, plan, games))
    }

    /// A session and its games.
    pub async fn session_view(&self, session_id: &str) -> Result<SessionView> {
        let (record, plan, metas) = self.session_parts(session_id).await?;
        let mut games = Vec::with_capacity(metas.len());
        for meta in metas {
            let live = self.live(&meta.id).await?;
            let live = live.lock().await;
            let (game, config) = (&live.game, live.game.config());
            games.push(SessionGame {
                id: meta.id.clone(),
                position: meta.session.as_ref().map_or(0, |(_, p)| *p),
                name: config.name.to_string(),
                kind: config.kind,
                state: game.state(),
                join_code: live.meta.join_code.clone(),
                stages: game
                    .patterns()
                    .iter()
                    .zip(&config.stages)
                    .map(|(p, s)| SessionStage { pattern: p.name.clone(), prize: s.prize, share: s.share })
                    .collect(),
                snowball: config.snowball,
                pool: game.sales().pool,
            });
        }
        let current = games.iter().position(|g| g.state != GameState::Finished).unwrap_or(games.len());
        Ok(SessionView {
            id: record.id,
            name: record.name,
            currency: plan.currency,
            interval_s: plan.interval_s,
            created_at_ms: record.created_at_ms,
            prices: plan.prices,
            games,
            current,
            interval_until_ms: record.interval_until_ms,
        })
    }

    /// The session of the game with this join code (the Screen's programme).
    pub async fn session_by_code(&self, join_code: &str) -> Result<SessionView> {
        let game_id = self.game_id_by_join_code(join_code).await?;
        let meta = self.game_meta(&game_id).await?;
        let Some((session_id, _)) = meta.and_then(|m| m.session) else {
            return Err(ServiceError::NotFound(format!("the game {join_code:?} is not part of a session")));
        };
        self.session_view(&session_id).await
    }

    /// The latest sessions, newest first.
    pub async fn sessions(&self) -> Result<Vec<SessionSummary>> {
        let listed = self.blocking(|s| s.list_hall_sessions(SESSIONS_LISTED)).await?;
        Ok(listed
            .into_iter()
            .map(|c| SessionSummary {
                id: c.session.id,
                name: c.session.name,
                created_at_ms: c.session.created_at_ms,
                games: c.games,
                finished: c.finished,
            })
            .collect())
    }

    /// After a session's game finished: opens the next game (if it is still being set up) and
    /// times the interval before it; after the last game, clears the interval.
    pub(crate) async fn next_in_session(&self, game_id: &str) -> Result<()> {
        let Some((session_id, position)) = self.game_meta(game_id).await?.and_then(|m| m.session) else {
            return Ok(());
        };
        let (_, plan, games) = self.session_parts(&session_id).await?;
        let next = games.iter().find(|g| g.session.as_ref().is_some_and(|(_, p)| *p > position));
        let until = match next {
            Some(next) => {
                if next.state == GameState::Created {
                    self.command(&next.id, |game, now| game.open(now)).await?;
                }
                Some(now_ms() + i64::from(plan.interval_s) * 1000)
            }
            None => None,
        };
        self.blocking(move |s| s.set_interval_until(&session_id, until)).await
    }

    /// The session's report: every game's report and the night's totals.
    pub async fn session_report(&self, session_id: &str) -> Result<SessionReport> {
        let (record, plan, games) = self.session_parts(session_id).await?;
        let mut reports = Vec::with_capacity(games.len());
        for game in &games {
            reports.push(self.report(&game.id).await?);
        }
        Ok(SessionReport::build(&record.name, plan.currency.as_deref(), reports))
    }

    /// The session's report as CSV.
    pub async fn session_report_csv(&self, session_id: &str) -> Result<String> {
        Ok(session_to_csv(&self.session_report(session_id).await?))
    }

    /// Every saved template, by name.
    pub async fn session_templates(&self) -> Result<Vec<SessionTemplate>> {
        let stored = self.blocking(|s| s.templates()).await?;
        stored
            .into_iter()
            .map(|t| {
                let plan = serde_json::from_str(&t.plan).map_err(|e| corrupt(&t.name, e))?;
                Ok(SessionTemplate { name: t.name, plan, updated_at_ms: t.updated_at_ms })
            })
            .collect()
    }

    /// Saves a plan as a template (checked as a session's plan), replacing one of that name.
    pub async fn put_session_template(&self, name: &str, plan: &SessionPlan) -> Result<()> {
        let name = template_name(name)?;
        plan.check()?;
        let plan = serde_json::to_string(plan).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let record = TemplateRecord { name, plan, updated_at_ms: now_ms() };
        self.blocking(move |s| s.put_template(&record)).await
    }

    /// Deletes a template; not found when there is none of that name.
    pub async fn delete_session_template(&self, name: &str) -> Result<()> {
        let key = name.to_string();
        if !self.blocking(move |s| s.delete_template(&key)).await? {
            return Err(ServiceError::NotFound(format!("no template {name:?}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(games: usize) -> SessionPlan {
        let game = json!({"kind": "90", "stages": [{"pattern": {"builtin": "full-house"}, "prize": 100}]});
        serde_json::from_value(json!({
            "name": "Friday", "currency": "GBP", "prices": {"card": 50, "strip": 250, "book": 1000},
            "games": vec![game; games],
        }))
        .expect("a plan")
    }

    #[test]
    fn configs_carry_the_sessions_currency_prices_and_a_name() {
        let mut p = plan(3);
        p.games[1].kind = GameKind::Ball75;
        p.games[1].stages = GameConfig::standard(GameKind::Ball75).stages;
        p.games[2].name = GameName::parse("Snowball").expect("name");
        assert_eq!(p.interval_s, 300, "the default");
        assert!(p.check().is_ok());
        let configs = p.configs();
        let tickets: Vec<_> = configs.iter().map(|c| c.tickets.expect("tickets")).collect();
        assert_eq!(tickets.iter().map(|t| t.book).collect::<Vec<_>>(), [334, 333, 333]);
        assert_eq!(tickets.iter().map(|t| (t.strip, t.book_cards)).collect::<Vec<_>>(), [(250, 6), (0, 1), (250, 6)]);
        assert!(configs.iter().all(|c| c.currency.as_deref() == Some("GBP")));
        let names: Vec<_> = configs.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(names, ["Game 1", "Game 2", "Snowball"]);
    }

    #[test]
    fn bad_plans_are_refused_with_what_to_fix() {
        let refused = |p: SessionPlan| match p.check() {
            Err(e) => e.to_string(),
            Ok(()) => panic!("taken"),
        };
        assert!(refused(plan(0)).contains("1 to 20 games"));
        assert!(refused(plan(21)).contains("1 to 20 games"));
        let mut p = plan(1);
        p.interval_s = 3601;
        assert!(refused(p).contains("interval"));
        let mut p = plan(2);
        p.currency = Some("gbp".into());
        assert!(refused(p).contains("game 1: currency"), "the first game names it");
        let mut p = plan(2);
        p.games[1].stages.clear();
        assert!(refused(p).contains("settings: game 2:"));
        let mut p = plan(2);
        p.games[1].stages[0].pattern = bingo_core::PatternSpec::Builtin("no-such-pattern".into());
        assert!(refused(p).contains("game 2:"), "patterns are resolved too");
        let mut p = plan(1);
        p.prices.card = MAX_PRIZE + 1;
        assert!(refused(p).contains("price"));
        assert!(serde_json::from_value::<SessionPlan>(json!({"name": "a\nb", "games": []})).is_err());
        assert!(serde_json::from_value::<SessionPlan>(json!({"name": "x", "games": [], "extra": 1})).is_err());
        assert!(template_name("  ").is_err());
        assert_eq!(template_name(" Friday ").ok().as_deref(), Some("Friday"));
    }
}
