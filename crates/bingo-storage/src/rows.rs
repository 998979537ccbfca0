//! Rows as diesel reads and writes them (`i64`, `Vec<u8>`), and their checked conversions to the
//! public types (u64, [u8; 32], GameState, GameKind): a value that does not convert is `Corrupt`.

use crate::error::StoreError;
use crate::model::{GameMeta, NewPlayer, PlayerRow, StoredEvent};
use crate::schema::{cards, daubs, events, games, players, sessions};
use bingo_core::{GameKind, GameState};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = games)]
pub(crate) struct GameLockRow {
    pub last_seq: i64,
    pub next_serial: i64,
}

/// Every column of `games` except the seed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = games)]
pub(crate) struct MetaRow {
    pub id: String,
    pub join_code: String,
    pub kind: String,
    pub state: String,
    pub commitment: String,
    pub epoch: String,
    pub last_seq: i64,
    pub next_serial: i64,
    pub auto_draw: bool,
    pub next_draw_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub name: String,
    pub announcement: Option<String>,
    pub session_id: Option<String>,
    pub session_position: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = games)]
pub(crate) struct NewGameRow<'a> {
    pub id: &'a str,
    pub join_code: &'a str,
    pub kind: &'a str,
    pub state: &'a str,
    pub seed: &'a [u8],
    pub commitment: &'a str,
    pub epoch: &'a str,
    pub last_seq: i64,
    pub next_serial: i64,
    pub auto_draw: bool,
    pub next_draw_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub name: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub(crate) struct EventRow {
    pub seq: i64,
    pub at_ms: i64,
    pub kind: String,
    pub payload: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = events)]
pub(crate) struct NewEventRow<'a> {
    pub game_id: &'a str,
    pub seq: i64,
    pub at_ms: i64,
    pub kind: &'a str,
    pub payload: &'a str,
    pub prev_hash: &'a [u8],
    pub hash: &'a [u8],
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = players)]
pub(crate) struct PlayerDbRow {
    pub id: String,
    pub game_id: String,
    pub nickname: String,
    pub token_hash: Vec<u8>,
    pub recovery_code_hash: Vec<u8>,
    pub created_at_ms: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = players)]
pub(crate) struct NewPlayerRow<'a> {
    pub id: &'a str,
    pub game_id: &'a str,
    pub nickname: &'a str,
    pub token_hash: &'a [u8],
    pub recovery_code_hash: &'a [u8],
    pub created_at_ms: i64,
}

impl<'a> NewPlayerRow<'a> {
    pub(crate) fn of(new: &'a NewPlayer<'a>) -> Self {
        NewPlayerRow {
            id: new.id,
            game_id: new.game_id,
            nickname: new.nickname,
            token_hash: &new.token_hash,
            recovery_code_hash: &new.recovery_code_hash,
            created_at_ms: new.now,
        }
    }
}

/// The player a [`NewPlayer`] becomes once its row is in.
pub(crate) fn stored_player(new: &NewPlayer<'_>) -> PlayerRow {
    PlayerRow {
        id: new.id.to_string(),
        game_id: new.game_id.to_string(),
        nickname: new.nickname.to_string(),
        token_hash: new.token_hash,
        recovery_code_hash: new.recovery_code_hash,
        created_at_ms: new.now,
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cards)]
pub(crate) struct NewCardRow<'a> {
    pub game_id: &'a str,
    pub serial: i64,
    pub player_id: Option<&'a str>,
    pub issued_at_ms: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = daubs)]
pub(crate) struct NewDaubRow<'a> {
    pub player_id: &'a str,
    pub serial: i64,
    pub number: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub(crate) struct NewSessionRow<'a> {
    pub token_hash: &'a [u8],
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

pub(crate) fn to_i64(v: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Invalid(format!("{what} {v} is too large to store")))
}

pub(crate) fn to_u32(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is out of range ({v})")))
}

pub(crate) fn to_u64(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is negative ({v})")))
}

/// A stored daub's (serial, number).
pub(crate) fn to_daub(serial: i64, number: i64) -> Result<(u64, u8), StoreError> {
    let number =
        u8::try_from(number).map_err(|_| StoreError::Corrupt(format!("daub number {number} is not a ball")))?;
    Ok((to_u64(serial, "serial")?, number))
}

pub(crate) fn to_hash(v: Vec<u8>, what: &str) -> Result<[u8; 32], StoreError> {
    let len = v.len();
    <[u8; 32]>::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} has {len} bytes, not 32")))
}

pub(crate) fn state_text(state: GameState) -> &'static str {
    match state {
        GameState::Created => "created",
        GameState::Open => "open",
        GameState::Running => "running",
        GameState::Paused => "paused",
        GameState::Finished => "finished",
    }
}

pub(crate) fn parse_state(text: &str) -> Result<GameState, StoreError> {
    Ok(match text {
        "created" => GameState::Created,
        "open" => GameState::Open,
        "running" => GameState::Running,
        "paused" => GameState::Paused,
        "finished" => GameState::Finished,
        other => return Err(StoreError::Corrupt(format!("unknown game state {other:?}"))),
    })
}

impl MetaRow {
    pub(crate) fn into_meta(self) -> Result<GameMeta, StoreError> {
        let kind = self.kind.parse::<GameKind>().map_err(|e| StoreError::Corrupt(format!("game {}: {e}", self.id)))?;
        Ok(GameMeta {
            kind,
            state: parse_state(&self.state)?,
            last_seq: to_u64(self.last_seq, "last_seq")?,
            next_serial: to_u64(self.next_serial, "next_serial")?,
            id: self.id,
            join_code: self.join_code,
            commitment: self.commitment,
            epoch: self.epoch,
            auto_draw: self.auto_draw,
            next_draw_at_ms: self.next_draw_at_ms,
            created_at_ms: self.created_at_ms,
            updated_at_ms: self.updated_at_ms,
            name: self.name,
            announcement: self.announcement,
            session: match (self.session_id, self.session_position) {
                (Some(id), Some(position)) => Some((id, to_u32(position, "session_position")?)),
                _ => None,
            },
        })
    }
}

impl EventRow {
    pub(crate) fn into_stored(self) -> Result<StoredEvent, StoreError> {
        let seq = to_u64(self.seq, "event seq")?;
        Ok(StoredEvent {
            seq,
            at_ms: self.at_ms,
            kind: self.kind,
            payload: self.payload,
            prev_hash: to_hash(self.prev_hash, &format!("prev_hash of event {seq}"))?,
            hash: to_hash(self.hash, &format!("hash of event {seq}"))?,
        })
    }
}

impl PlayerDbRow {
    pub(crate) fn into_player(self) -> Result<PlayerRow, StoreError> {
        Ok(PlayerRow {
            token_hash: to_hash(self.token_hash, "token_hash")?,
            recovery_code_hash: to_hash(self.recovery_code_hash, "recovery_code_hash")?,
            id: self.id,
            game_id: self.game_id,
            nickname: self.nickname,
            created_at_ms: self.created_at_ms,
        })
    }
}
