//! Players who joined through this process, remembered for their socket's hello: a phone opens
//! its socket right after joining, and a hall of them joining together would otherwise read
//! back from storage, one batch after another, the rows it has just written.
//!
//! Only on a single node (the in-process bus), where every change to a player passes through this
//! process. An entry holds exactly what storage would answer, and is forgotten *before* anything
//! could make that untrue (a daub, a new token), so a hello that finds it reads what a storage
//! read at that moment would. Nothing is ever added from a read, so a forgotten player stays
//! forgotten: their hellos read storage, as on any node.

use bingo_storage::PlayerCards;
use std::collections::HashMap;
use std::sync::Mutex;

type TokenHash = [u8; 32];

/// Players remembered at most (about 0.8 KiB each); joins beyond this are not remembered (their
/// hellos read storage).
const MAX_PLAYERS: usize = 50_000;

#[derive(Default)]
pub(crate) struct RecentPlayers {
    by_token: Mutex<HashMap<TokenHash, PlayerCards>>,
}

impl RecentPlayers {
    /// A player who has just joined (no daubs yet).
    pub fn remember(&self, player: PlayerCards) {
        if let Ok(mut map) = self.by_token.lock() {
            if map.len() < MAX_PLAYERS {
                map.insert(player.player.token_hash, player);
            }
        }
    }

    pub fn get(&self, token_hash: &TokenHash) -> Option<PlayerCards> {
        self.by_token.lock().ok()?.get(token_hash).cloned()
    }

    /// Before a change to the player: from now on their hellos read storage.
    pub fn forget(&self, token_hash: &TokenHash) {
        if let Ok(mut map) = self.by_token.lock() {
            map.remove(token_hash);
        }
    }

    /// A finished game's players: nothing changes for them any more, but their room is wanted.
    pub fn forget_game(&self, game_id: &str) {
        if let Ok(mut map) = self.by_token.lock() {
            map.retain(|_, p| p.player.game_id != game_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{RecentPlayers, MAX_PLAYERS};
    use bingo_storage::{PlayerCards, PlayerRow};

    fn player(n: usize, game: &str) -> PlayerCards {
        let mut token_hash = [0u8; 32];
        token_hash[..8].copy_from_slice(&(n as u64).to_le_bytes());
        let player = PlayerRow {
            id: format!("p{n}"),
            game_id: game.into(),
            nickname: format!("player {n}"),
            token_hash,
            recovery_code_hash: [1; 32],
            created_at_ms: 0,
        };
        PlayerCards { player, serials: vec![n as u64], daubs: Vec::new() }
    }

    #[test]
    fn remembers_until_forgotten_and_never_beyond_its_bound() {
        let recent = RecentPlayers::default();
        let (a, b) = (player(1, "g1"), player(2, "g2"));
        recent.remember(a.clone());
        recent.remember(b.clone());
        assert_eq!(recent.get(&a.player.token_hash), Some(a.clone()));
        recent.forget(&a.player.token_hash);
        assert_eq!(recent.get(&a.player.token_hash), None);
        recent.forget_game("g2");
        assert_eq!(recent.get(&b.player.token_hash), None);

        for n in 0..MAX_PLAYERS + 10 {
            recent.remember(player(n, "g3"));
        }
        assert!(recent.get(&player(MAX_PLAYERS - 1, "g3").player.token_hash).is_some());
        assert!(recent.get(&player(MAX_PLAYERS + 5, "g3").player.token_hash).is_none());
    }
}
