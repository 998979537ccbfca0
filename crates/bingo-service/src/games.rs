//! Creating games and running the caller's commands.

use super::secrets::{random_bytes, random_code};
use super::{now_ms, Live, LiveGame, Result, Service, ServiceError};
use bingo_core::card::Placement;
use bingo_core::game::CardCheck;
use bingo_core::{Card, Channel, Event, Game, GameConfig, GameError, GameState, Seed};
use bingo_storage::{ConflictKind, NewGame, StoreError};
use serde::Serialize;
use std::sync::Arc;

/// A new game's identifiers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct CreatedGame {
    /// The game's id (hex), for the console's routes.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{1,64}$"))]
    pub id: String,
    /// What players type to join.
    #[cfg_attr(feature = "openapi", schema(examples("QK7MPA")))]
    pub join_code: String,
    /// SHA-256 of the game's seed (hex), published now; the seed is revealed when the game finishes.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{64}$"))]
    pub commitment: String,
}

/// Paper cards issued for printing: serials `first..=last` with their grids.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct PaperCards {
    pub first: u64,
    pub last: u64,
    pub cards: Vec<Card>,
}

pub const JOIN_CODE_LEN: usize = 6;
pub const MAX_PAPER_BATCH: u64 = 1000;
/// How many card serials a node reserves at a time for joins.
const SERIAL_BLOCK: u32 = 256;

/// Another writer appended first: reload and run the command again.
fn is_stale(e: &StoreError) -> bool {
    matches!(e, StoreError::Conflict { kind: ConflictKind::StaleLog { .. } | ConflictKind::Concurrent, .. })
}

impl Service {
    /// The in-memory game, loaded from the log on first use.
    pub(crate) async fn live(&self, game_id: &str) -> Result<LiveGame> {
        if let Some(live) = self.cached(game_id) {
            return Ok(live);
        }
        let loaded = self.load(game_id).await?;
        let (code, finished) = (loaded.meta.join_code.clone(), loaded.game.state() == GameState::Finished);
        let loaded = Arc::new(tokio::sync::Mutex::new(loaded));
        Ok(self.cache()?.insert(game_id, &code, finished, loaded))
    }

    pub(crate) fn cached(&self, game_id: &str) -> Option<LiveGame> {
        self.cache().ok()?.get(game_id)
    }

    pub(crate) fn cache(&self) -> Result<std::sync::MutexGuard<'_, crate::cache::GameCache>> {
        self.inner.cache.lock().map_err(|_| ServiceError::Internal("game cache poisoned".into()))
    }

    /// A game's copy here has reached its end.
    fn finished(&self, game_id: &str) {
        if let Ok(mut cache) = self.cache() {
            cache.finished(game_id);
        }
        if let Some(recent) = &self.inner.recent {
            recent.forget_game(game_id);
        }
    }

    async fn load(&self, game_id: &str) -> Result<Live> {
        let id = game_id.to_string();
        let (record, players) = self
            .timed("load_game", move |s| {
                let record = s.load_game(&id)?;
                let players = match &record {
                    Some(_) => s.player_count(&id)?,
                    None => 0,
                };
                Ok((record, players))
            })
            .await??;
        let record = record.ok_or_else(|| ServiceError::NotFound(format!("no game {game_id:?}")))?;
        let game = Game::restore(record.seed, &record.events)?;
        Ok(Live::new(record.meta, game, players))
    }

    /// Replaces this node's copy of the game with the log's, keeping the card serials the node
    /// reserved and has not issued yet (they stay reserved to it in the database; dropping them
    /// would waste a block at every reload, and with joins committing their cards' issue, every
    /// join that meets another node's write reloads).
    async fn reload(&self, game_id: &str, live: &mut Live) -> Result<()> {
        let serials = live.serials.clone();
        *live = self.load(game_id).await?;
        live.serials = serials;
        Ok(())
    }

    /// Creates a game with a fresh seed from the operating system's CSPRNG.
    pub async fn create_game(&self, mut config: GameConfig) -> Result<CreatedGame> {
        // Every game this server makes records the cards it issues (see bingo-core's game/issue.rs).
        config.cards_in_ledger = true;
        let seed = Seed::from_bytes(random_bytes::<32>()?);
        let (game, created) = Game::create(config, seed.clone(), now_ms())?;
        let id = hex::encode(random_bytes::<12>()?);
        let epoch = hex::encode(random_bytes::<8>()?);
        let commitment = game.commitment().to_string();
        for _ in 0..8 {
            let join_code = random_code(JOIN_CODE_LEN)?;
            let new = NewGameOwned {
                id: id.clone(),
                join_code: join_code.clone(),
                seed: *seed.as_bytes(),
                commitment: commitment.clone(),
                epoch: epoch.clone(),
                created: created.clone(),
                kind: game.config().kind,
            };
            let result = self
                .blocking_raw(move |s| {
                    s.create_game(&NewGame {
                        id: &new.id,
                        join_code: &new.join_code,
                        kind: new.kind,
                        seed: new.seed,
                        commitment: &new.commitment,
                        epoch: &new.epoch,
                        created: &new.created,
                    })
                })
                .await?;
            match result {
                Ok(meta) => {
                    let live = Live::new(meta, game.clone(), 0);
                    if let Ok(mut cache) = self.cache() {
                        cache.replace(&id, &join_code, Arc::new(tokio::sync::Mutex::new(live)));
                    }
                    self.publish(&id, &epoch, std::slice::from_ref(&created)).await;
                    return Ok(CreatedGame { id, join_code, commitment });
                }
                Err(StoreError::Conflict { kind: ConflictKind::JoinCodeTaken, .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::Unavailable("could not find a free join code; try again".into()))
    }

    /// Runs an engine command on the game, commits its events, publishes them. If another node
    /// wrote first, reloads the game from the log and runs the command once more.
    pub async fn command<F>(&self, game_id: &str, command: F) -> Result<Vec<Event>>
    where
        F: Fn(&mut Game, i64) -> std::result::Result<Vec<Event>, GameError>,
    {
        let live = self.live(game_id).await?;
        let mut live = live.lock().await;
        for attempt in 0..2 {
            let before = live.game.clone();
            let events = command(&mut live.game, now_ms())?;
            if events.is_empty() {
                return Ok(events);
            }
            let expected = before.next_seq() - 1;
            let (id, batch, state) = (game_id.to_string(), events.clone(), live.game.state());
            match self.timed("append_events", move |s| s.append_events(&id, expected, &batch, state)).await? {
                Ok(stored) => {
                    live.meta.last_seq = stored.last().map_or(live.meta.last_seq, |e| e.seq);
                    live.meta.state = live.game.state();
                    let epoch = live.meta.epoch.clone();
                    drop(live);
                    if state == GameState::Finished {
                        self.finished(game_id);
                    }
                    self.count(&events);
                    self.publish(game_id, &epoch, &events).await;
                    return Ok(events);
                }
                Err(e) if attempt == 0 && is_stale(&e) => {
                    tracing::info!(game_id, "another node wrote first; reloading the game");
                    self.reload(game_id, &mut live).await?;
                }
                Err(e) => {
                    live.game = before;
                    return Err(e.into());
                }
            }
        }
        Err(ServiceError::Conflict("the game changed while the command ran; try again".into()))
    }

    /// Applies an event another node committed to this node's copy, if it holds one. Returns
    /// false when the copy had to be reloaded from the log (a gap or a disagreement).
    pub async fn follow(&self, game_id: &str, event: &Event) -> Result<bool> {
        let Some(live) = self.cached(game_id) else { return Ok(true) };
        let mut live = live.lock().await;
        let next = live.game.next_seq();
        if event.seq < next {
            return Ok(true);
        }
        let applied = event.seq == next && live.game.replay(event).is_ok();
        if applied {
            live.meta.last_seq = event.seq;
            live.meta.state = live.game.state();
        } else {
            self.reload(game_id, &mut live).await?;
        }
        if live.game.state() == GameState::Finished {
            drop(live);
            self.finished(game_id);
        }
        Ok(applied)
    }

    /// Reloads every game this node holds whose log has grown behind its back (after the bus
    /// may have lost notices).
    pub async fn refresh_cached(&self) {
        let cached: Vec<(String, LiveGame)> = match self.cache() {
            Ok(cache) => cache.all(),
            Err(_) => return,
        };
        for (id, live) in cached {
            let read = id.clone();
            let Ok(Some(meta)) = self.blocking(move |s| s.game_meta(&read)).await else { continue };
            let mut live = live.lock().await;
            // Not in the log: a missed announcement notice shows only in the row.
            live.meta.announcement = meta.announcement.clone();
            if meta.last_seq > live.meta.last_seq {
                match self.load(&id).await {
                    Ok(fresh) => *live = fresh,
                    Err(e) => tracing::warn!(game_id = id, error = %e, "could not reload a game after a resync"),
                }
            }
        }
    }

    /// Notes a player count published by another node.
    pub async fn follow_players(&self, game_id: &str, players: u64) {
        if let Some(live) = self.cached(game_id) {
            let mut live = live.lock().await;
            live.players = live.players.max(players);
        }
    }

    /// The game a join code names: remembered while the game is not finished (a finished
    /// game's code may be given to a new game).
    pub async fn game_id_by_join_code(&self, join_code: &str) -> Result<String> {
        let code = super::secrets::normalise_code(join_code);
        let remembered = self.cache().ok().and_then(|cache| cache.code(&code));
        if let Some(id) = remembered {
            match self.cached(&id) {
                Some(live) if live.lock().await.game.state() != GameState::Finished => return Ok(id),
                _ => {
                    if let Ok(mut cache) = self.cache() {
                        cache.forget_code(&code);
                    }
                }
            }
        }
        let lookup = code.clone();
        let meta = self.blocking(move |s| s.game_by_join_code(&lookup)).await?;
        let id = meta
            .map(|m| m.id)
            .ok_or_else(|| ServiceError::NotFound(format!("no game has the join code {join_code:?}")))?;
        if let Ok(mut cache) = self.cache() {
            cache.remember_code(code, id.clone());
        }
        Ok(id)
    }

    /// Takes `count` card serials for a join from this node's reservation, reserving a new block
    /// when it runs out; joins then insert without holding the game row through their commit.
    /// A 90-ball join keeps to strips (bingo-core's `Placement`): the serials it skips in the
    /// block are never issued.
    pub(crate) async fn take_serials(
        &self,
        game_id: &str,
        live: &LiveGame,
        count: u32,
    ) -> Result<std::ops::Range<u64>> {
        let mut live = live.lock().await;
        let placement = Placement::of(live.game.config().kind);
        let count = u64::from(count);
        let mut first = placement.first(live.serials.start, count);
        if first.saturating_add(count) > live.serials.end {
            let id = game_id.to_string();
            let block = placement.block(u64::from(SERIAL_BLOCK).max(count));
            let block = u32::try_from(block).map_err(|_| ServiceError::Invalid("too many cards".into()))?;
            live.serials = self.timed("reserve_serials", move |s| s.reserve_serials(&id, block, placement)).await??;
            first = placement.first(live.serials.start, count);
        }
        live.serials.start = first + count;
        Ok(first..first + count)
    }

    /// Issues `count` paper cards for printing (a 90-ball batch keeps to strips, as a join does).
    pub async fn issue_paper(&self, game_id: &str, count: u64) -> Result<PaperCards> {
        if !(1..=MAX_PAPER_BATCH).contains(&count) {
            return Err(ServiceError::Invalid(format!("print 1 to {MAX_PAPER_BATCH} paper cards at a time")));
        }
        let live = self.live(game_id).await?;
        let (deck, records, placement) = {
            let live = live.lock().await;
            live.game
                .sales_open()
                .then_some(())
                .ok_or(GameError::SalesClosed { after_call: live.game.calls().count() })?;
            (live.game.deck().clone(), live.game.records_cards(), Placement::of(live.game.config().kind))
        };
        let id = game_id.to_string();
        let range = self.blocking(move |s| s.issue_paper_cards(&id, count as u32, placement, now_ms())).await?;
        let (first, last) = (range.start, range.end.saturating_sub(1));
        if records {
            self.command(game_id, |game, now| game.issue_cards(&[(first, last)], Channel::Paper, now)).await?;
        }
        let cards = (first..=last)
            .map(|serial| deck.card(serial))
            .collect::<std::result::Result<_, _>>()
            .map_err(GameError::from)?;
        Ok(PaperCards { first, last, cards })
    }

    /// Checks a card (a paper card read out by serial) against the current stage, without claiming.
    pub async fn check_card(&self, game_id: &str, serial: u64) -> Result<CardCheck> {
        let live = self.live(game_id).await?;
        let live = live.lock().await;
        Ok(live.game.check_card(serial)?)
    }

    /// Tells the game's clients that the caller is checking card `serial` (one that can be
    /// checked now), or has stopped (`None`). News, not history: nothing is recorded.
    pub async fn set_checking(&self, game_id: &str, serial: Option<u64>) -> Result<()> {
        let live = self.live(game_id).await?;
        if let Some(serial) = serial {
            live.lock().await.game.check_card(serial)?;
        }
        self.publish_update(game_id, bingo_bus::Update::Checking { serial }).await;
        Ok(())
    }
}

/// `NewGame` borrows; this owns its parts so it can move into a blocking task.
struct NewGameOwned {
    id: String,
    join_code: String,
    kind: bingo_core::GameKind,
    seed: [u8; 32],
    commitment: String,
    epoch: String,
    created: Event,
}
