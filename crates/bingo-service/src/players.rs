//! Players: join by code, continue on another phone, claim, daub.

use super::secrets::{new_token, normalise_code, random_code, token_hash};
use super::{now_ms, Result, Service, ServiceError, Snapshot};
use bingo_core::{Card, Event, GameState};
use bingo_storage::{NewPlayer, PlayerCards, PlayerRow};
use serde::Serialize;

pub const RECOVERY_CODE_LEN: usize = 8;
/// How long joins are gathered before their player count is published.
pub const PLAYER_COUNT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// What a player gets on joining or recovering: keep the token secret, write the recovery code down.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Joined {
    pub player_id: String,
    pub game_id: String,
    pub nickname: String,
    /// Keep secret: the bearer token of the player routes and of the socket's hello.
    pub player_token: String,
    /// Continue on another phone with this code (shown as XXXX-XXXX) and POST /api/v1/recover.
    #[cfg_attr(feature = "openapi", schema(examples("K7PM-2QXA")))]
    pub recovery_code: String,
    pub cards: Vec<Card>,
}

/// A player's own view: cards, daubs and the game.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct PlayerView {
    pub player_id: String,
    pub nickname: String,
    pub cards: Vec<Card>,
    /// (serial, number) pairs the player has marked.
    pub daubs: Vec<(u64, u8)>,
    pub snapshot: Snapshot,
}

/// A nickname keeps the rule of every name the game records (`bingo_core::name`), since it
/// becomes the winner's name in the log.
fn check_nickname(nickname: &str) -> Result<String> {
    bingo_core::name::person_name(nickname).map_err(|e| ServiceError::Invalid(format!("a nickname {e}")))
}

fn format_recovery(code: &str) -> String {
    let (a, b) = code.split_at(code.len() / 2);
    format!("{a}-{b}")
}

impl Service {
    /// Joins an open or running game by its join code.
    pub async fn join(&self, join_code: &str, nickname: &str, cards: u32) -> Result<Joined> {
        let nickname = check_nickname(nickname)?;
        let game_id = self.game_id_by_join_code(join_code).await?;
        let live = self.live(&game_id).await?;
        let (deck, max, state, records, sales_open) = {
            let live = live.lock().await;
            (
                live.game.deck().clone(),
                live.game.config().max_cards_per_player,
                live.game.state(),
                live.game.records_cards(),
                live.game.sales_open(),
            )
        };
        if !matches!(state, GameState::Open | GameState::Running | GameState::Paused) {
            return Err(ServiceError::Conflict(format!("this game is not open for joining (it is {state:?})")));
        }
        if records && !sales_open {
            return Err(ServiceError::Conflict("this game has started and does not allow late entry".into()));
        }
        if cards == 0 || cards > u32::from(max) {
            return Err(ServiceError::Invalid(format!("choose 1 to {max} cards")));
        }
        let token = new_token()?;
        let recovery = random_code(RECOVERY_CODE_LEN)?;
        let player_id = hex::encode(super::secrets::random_bytes::<12>()?);
        let (pid, gid, nick) = (player_id.clone(), game_id.clone(), nickname.clone());
        let (token_h, recovery_h) = (token_hash(&token), token_hash(&recovery));
        let serials = self.take_serials(&game_id, &live, cards).await?;
        let issued = serials.clone();
        let row = self
            .timed("add_player", move |s| {
                s.add_player_with_serials(
                    &NewPlayer {
                        id: &pid,
                        game_id: &gid,
                        nickname: &nick,
                        token_hash: token_h,
                        recovery_code_hash: recovery_h,
                        card_count: cards,
                        now: now_ms(),
                    },
                    issued,
                )
            })
            .await??;
        if records {
            self.record_phone_issue(&game_id, serials.clone()).await?;
        }
        if let Some(recent) = &self.inner.recent {
            recent.remember(PlayerCards { player: row, serials: serials.clone().collect(), daubs: Vec::new() });
        }
        self.inner.metrics.player_joined();
        let first_since_publish = {
            let mut live = live.lock().await;
            live.players += 1;
            !std::mem::replace(&mut live.count_due, true)
        };
        if first_since_publish {
            self.publish_player_count_soon(game_id.clone(), live.clone());
        }
        let cards = serials
            .map(|s| deck.card(s))
            .collect::<std::result::Result<_, _>>()
            .map_err(bingo_core::GameError::from)?;
        Ok(Joined {
            player_id,
            game_id,
            nickname,
            player_token: token,
            recovery_code: format_recovery(&recovery),
            cards,
        })
    }

    /// Publishes the game's player count [`PLAYER_COUNT_EVERY`] from now, with every join made
    /// until then: a hall's crowd joining at once is told its count a few times a second rather
    /// than once per join to every connected client.
    /// On shutdown the count is published at once.
    fn publish_player_count_soon(&self, game_id: String, live: super::LiveGame) {
        let service = self.clone();
        let cancel = self.inner.cancel.clone();
        self.inner.errands.spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(PLAYER_COUNT_EVERY) => {}
                _ = cancel.cancelled() => {}
            }
            let players = {
                let mut live = live.lock().await;
                live.count_due = false;
                live.players
            };
            service.publish_update(&game_id, bingo_bus::Update::Players { players }).await;
        });
    }

    /// Continues as a player on another device: a new token replaces the old one.
    pub async fn recover(&self, join_code: &str, recovery_code: &str) -> Result<Joined> {
        let game_id = self.game_id_by_join_code(join_code).await?;
        let code = normalise_code(recovery_code);
        let (gid, hash) = (game_id.clone(), token_hash(&code));
        let player = self
            .blocking(move |s| s.player_by_recovery(&gid, &hash))
            .await?
            .ok_or_else(|| ServiceError::Unauthorized("that recovery code is not known for this game".into()))?;
        let token = new_token()?;
        let (pid, new_hash) = (player.id.clone(), token_hash(&token));
        self.forget_recent(&player);
        self.blocking(move |s| s.rotate_player_token(&pid, &new_hash)).await?;
        let cards = self.cards_of(&player).await?;
        Ok(Joined {
            player_id: player.id,
            game_id,
            nickname: player.nickname,
            player_token: token,
            recovery_code: format_recovery(&code),
            cards,
        })
    }

    /// The player a bearer token belongs to.
    pub async fn player(&self, token: &str) -> Result<PlayerRow> {
        let hash = token_hash(token);
        self.blocking(move |s| s.player_by_token_hash(&hash))
            .await?
            .ok_or_else(|| ServiceError::Unauthorized("the player token is not valid".into()))
    }

    async fn cards_of(&self, player: &PlayerRow) -> Result<Vec<Card>> {
        let pid = player.id.clone();
        let serials = self.blocking(move |s| s.cards_of_player(&pid)).await?;
        self.deal(&player.game_id, &serials).await
    }

    /// The cards with these serials, derived from the game's deck.
    async fn deal(&self, game_id: &str, serials: &[u64]) -> Result<Vec<Card>> {
        let live = self.live(game_id).await?;
        let deck = live.lock().await.game.deck().clone();
        Ok(serials
            .iter()
            .map(|&s| deck.card(s))
            .collect::<std::result::Result<_, _>>()
            .map_err(bingo_core::GameError::from)?)
    }

    /// A player's cards and daubs, read together.
    pub async fn cards_and_daubs(&self, player: &PlayerRow) -> Result<(Vec<Card>, Vec<(u64, u8)>)> {
        let pid = player.id.clone();
        let (serials, daubs) = self.blocking(move |s| Ok((s.cards_of_player(&pid)?, s.daubs_of_player(&pid)?))).await?;
        Ok((self.deal(&player.game_id, &serials).await?, daubs))
    }

    /// A player by token with their cards and daubs (a socket's hello). Hellos that arrive
    /// together are looked up together: one storage read for many players.
    pub async fn player_with_cards(&self, token: &str) -> Result<(PlayerRow, Vec<Card>, Vec<(u64, u8)>)> {
        let hash = token_hash(token);
        let found = match self.inner.recent.as_ref().and_then(|r| r.get(&hash)) {
            Some(found) => found,
            None => self
                .inner
                .lookups
                .find(hash)
                .await?
                .ok_or_else(|| ServiceError::Unauthorized("the player token is not valid".into()))?,
        };
        let cards = self.deal(&found.player.game_id, &found.serials).await?;
        Ok((found.player, cards, found.daubs))
    }

    /// Everything a player's app shows.
    pub async fn player_view(&self, player: &PlayerRow) -> Result<PlayerView> {
        let (cards, daubs) = self.cards_and_daubs(player).await?;
        let snapshot = self.snapshot(&player.game_id).await?;
        Ok(PlayerView { player_id: player.id.clone(), nickname: player.nickname.clone(), cards, daubs, snapshot })
    }

    async fn require_own_card(&self, player: &PlayerRow, serial: u64) -> Result<()> {
        let (gid, pid) = (player.game_id.clone(), player.id.clone());
        let owner = self.blocking(move |s| s.card_owner(&gid, serial)).await?;
        match owner {
            Some(Some(owner)) if owner == pid => Ok(()),
            _ => Err(ServiceError::Forbidden(format!("card {serial} is not one of your cards"))),
        }
    }

    /// A player's claim with one of their own cards, recorded under their nickname.
    pub async fn claim(&self, player: &PlayerRow, serial: u64) -> Result<Event> {
        self.require_own_card(player, serial).await?;
        // Every nickname kept the rule when it joined; should one not, the claim still counts.
        let name = bingo_core::name::person_name(&player.nickname).ok();
        let events = self.command(&player.game_id, |game, now| game.claim_by(serial, name.as_deref(), now)).await?;
        events.into_iter().next().ok_or_else(|| ServiceError::Internal("a claim produced no event".into()))
    }

    /// A claim the caller makes for a paper card (read out in the hall), with the name the caller
    /// wrote down for its holder, if any (blank counts as none).
    pub async fn claim_paper(&self, game_id: &str, serial: u64, name: Option<&str>) -> Result<Event> {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        // Refused before anything is looked up, so a bad name is the caller's only error.
        if let Some(name) = name {
            bingo_core::name::person_name(name).map_err(bingo_core::GameError::InvalidName)?;
        }
        let gid = game_id.to_string();
        match self.blocking(move |s| s.card_owner(&gid, serial)).await? {
            Some(None) => {}
            Some(Some(_)) => {
                return Err(ServiceError::Forbidden(format!("card {serial} belongs to a player, who claims it")))
            }
            None => return Err(ServiceError::NotFound(format!("card {serial} has not been issued in this game"))),
        }
        let events = self.command(game_id, |game, now| game.claim_by(serial, name, now)).await?;
        events.into_iter().next().ok_or_else(|| ServiceError::Internal("a claim produced no event".into()))
    }

    /// Marks or unmarks a number on one of the player's cards.
    pub async fn daub(&self, player: &PlayerRow, serial: u64, number: u8, on: bool) -> Result<()> {
        self.require_own_card(player, serial).await?;
        let live = self.live(&player.game_id).await?;
        let card = live.lock().await.game.deck().card(serial).map_err(bingo_core::GameError::from)?;
        if card.cell_of(number).is_none() {
            return Err(ServiceError::Invalid(format!("card {serial} has no {number}")));
        }
        let pid = player.id.clone();
        self.forget_recent(player);
        self.blocking(move |s| s.set_daub(&pid, serial, number, on)).await
    }

    /// Before a change to a player that joined through this process: their hellos read storage
    /// from now on.
    fn forget_recent(&self, player: &PlayerRow) {
        if let Some(recent) = &self.inner.recent {
            recent.forget(&player.token_hash);
        }
    }
}
