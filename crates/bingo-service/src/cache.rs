//! The games this node holds in memory and the join codes it has looked up, both bounded: a node
//! that runs for weeks touches thousands of games, and a finished game is rarely asked for again.
//!
//! Dropping a game from here is always safe: the log is the truth. A command still running on a
//! dropped copy keeps its own reference; the next use loads the game again, and if two copies ever
//! write, the log's expected-sequence check refuses the stale one, which reloads. Card serials the
//! dropped copy had reserved are skipped, as after a restart.

use super::LiveGame;
use std::collections::HashMap;

/// Finished games kept (a console or screen reads a game's end right after it finishes).
pub(crate) const FINISHED_KEPT: usize = 16;
/// Games kept in all; past this the least recently used one is dropped.
pub(crate) const GAMES_KEPT: usize = 1024;

struct Entry {
    game: LiveGame,
    join_code: String,
    finished: bool,
    /// When it was last used, on this cache's own clock.
    used: u64,
}

#[derive(Default)]
pub(crate) struct GameCache {
    games: HashMap<String, Entry>,
    /// Join code -> game id, for unfinished games held here (a finished game's code may be
    /// given to a new game).
    codes: HashMap<String, String>,
    clock: u64,
}

impl GameCache {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    pub fn get(&mut self, game_id: &str) -> Option<LiveGame> {
        let now = self.tick();
        let entry = self.games.get_mut(game_id)?;
        entry.used = now;
        Some(entry.game.clone())
    }

    /// The game held for `game_id`, or `loaded` if there is none (another task may have loaded
    /// it meanwhile: the first one stays).
    pub fn insert(&mut self, game_id: &str, join_code: &str, finished: bool, loaded: LiveGame) -> LiveGame {
        let used = self.tick();
        if let Some(entry) = self.games.get_mut(game_id) {
            entry.used = used;
            return entry.game.clone();
        }
        let entry = Entry { game: loaded.clone(), join_code: join_code.to_string(), finished, used };
        self.games.insert(game_id.to_string(), entry);
        self.evict();
        loaded
    }

    /// Replaces the copy held for `game_id` (a game this node just created).
    pub fn replace(&mut self, game_id: &str, join_code: &str, game: LiveGame) {
        self.games.remove(game_id);
        self.insert(game_id, join_code, false, game);
    }

    /// The game has finished: its code is free for a new game, and it counts among the finished.
    pub fn finished(&mut self, game_id: &str) {
        let Some(entry) = self.games.get_mut(game_id) else { return };
        entry.finished = true;
        let code = entry.join_code.clone();
        if self.codes.get(&code).is_some_and(|id| id == game_id) {
            self.codes.remove(&code);
        }
        self.evict();
    }

    pub fn all(&self) -> Vec<(String, LiveGame)> {
        self.games.iter().map(|(id, e)| (id.clone(), e.game.clone())).collect()
    }

    pub fn code(&self, code: &str) -> Option<String> {
        self.codes.get(code).cloned()
    }

    pub fn remember_code(&mut self, code: String, game_id: String) {
        self.codes.insert(code, game_id);
        if self.codes.len() > GAMES_KEPT {
            let games = &self.games;
            self.codes.retain(|_, id| games.get(id.as_str()).is_some_and(|e| !e.finished));
        }
    }

    pub fn forget_code(&mut self, code: &str) {
        self.codes.remove(code);
    }

    /// (games held, finished games held, join codes held).
    pub fn sizes(&self) -> (usize, usize, usize) {
        (self.games.len(), self.games.values().filter(|e| e.finished).count(), self.codes.len())
    }

    /// Drops the least recently used finished games beyond [`FINISHED_KEPT`], then the least
    /// recently used games beyond [`GAMES_KEPT`].
    fn evict(&mut self) {
        while self.games.values().filter(|e| e.finished).count() > FINISHED_KEPT {
            if !self.drop_oldest(|e| e.finished) {
                break;
            }
        }
        while self.games.len() > GAMES_KEPT {
            if !self.drop_oldest(|_| true) {
                break;
            }
        }
    }

    fn drop_oldest(&mut self, which: impl Fn(&Entry) -> bool) -> bool {
        let oldest = self.games.iter().filter(|(_, e)| which(e)).min_by_key(|(_, e)| e.used).map(|(id, _)| id.clone());
        let Some(id) = oldest else { return false };
        if let Some(entry) = self.games.remove(&id) {
            if self.codes.get(&entry.join_code).is_some_and(|held| *held == id) {
                self.codes.remove(&entry.join_code);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{GameCache, FINISHED_KEPT, GAMES_KEPT};
    use crate::{GameMeta, Live, LiveGame};
    use bingo_core::{Game, GameConfig, GameKind, GameState, Seed};
    use std::sync::Arc;

    fn live() -> LiveGame {
        let (game, _) =
            Game::create(GameConfig::standard(GameKind::Ball30), Seed::from_bytes([7; 32]), 0).expect("a game");
        let meta = GameMeta {
            id: "g".into(),
            join_code: "CODE".into(),
            kind: GameKind::Ball30,
            state: GameState::Created,
            commitment: game.commitment().to_string(),
            epoch: "e".into(),
            last_seq: 1,
            next_serial: 1,
            auto_draw: false,
            next_draw_at_ms: None,
            created_at_ms: 0,
            updated_at_ms: 0,
            name: String::new(),
            announcement: None,
            session: None,
        };
        Arc::new(tokio::sync::Mutex::new(Live::new(meta, game, 0)))
    }

    #[test]
    fn keeps_the_recently_used_games_and_few_finished_ones() {
        let (mut cache, game) = (GameCache::default(), live());
        for n in 0..GAMES_KEPT + 50 {
            let (id, code) = (format!("g{n}"), format!("C{n}"));
            cache.insert(&id, &code, false, game.clone());
            cache.remember_code(code, id);
            // g0 is used all along: it is never the least recently used.
            assert!(cache.get("g0").is_some(), "after {n}");
        }
        let (games, finished, codes) = cache.sizes();
        assert_eq!((games, finished), (GAMES_KEPT, 0));
        assert!(codes <= GAMES_KEPT + 1, "{codes}");
        assert!(cache.get("g1").is_none(), "the least recently used game went first");

        for n in 100..100 + FINISHED_KEPT + 5 {
            cache.finished(&format!("g{n}"));
        }
        let (games, finished, _) = cache.sizes();
        assert_eq!((games, finished), (GAMES_KEPT - 5, FINISHED_KEPT));
        assert_eq!(cache.code("C120"), None, "a finished game's code is forgotten");
        assert_eq!(cache.code("C200").as_deref(), Some("g200"));
    }
}
