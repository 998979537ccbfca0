//! Games: creating one (with its first event), loading it whole, finding it, auto-draw, the
//! announcement, and the counts for metrics.

use super::{invalid, Store};
use crate::conn::{on_conn, read_tx, write_tx};
use crate::error::{Result, StoreError};
use crate::model::{chain_hash, verify_chain, GameMeta, GameRecord, NewGame, Stats, StoredEvent, GENESIS_HASH};
use crate::rows::{state_text, to_hash, to_u64, EventRow, MetaRow, NewEventRow, NewGameRow};
use crate::schema::{cards, events, games, players};
use bingo_core::{EventKind, GameState, Seed};
use diesel::dsl::count_star;
use diesel::prelude::*;

fn normalize_join_code(code: &str) -> String {
    code.trim().to_uppercase()
}

impl Store {
    /// Stores a new game and its `game_created` event (seq 1) in one transaction. The event must
    /// be seq 1 and `game_created` for the same kind and commitment, and the seed must open the
    /// commitment (else `Invalid`). A join code used by an unfinished game is
    /// `Conflict(JoinCodeTaken)`; an id already used is `Conflict(Duplicate)`.
    pub fn create_game(&self, new: &NewGame<'_>) -> Result<GameMeta> {
        let created = new.created;
        let EventKind::GameCreated { config, commitment } = &created.kind else {
            return Err(invalid(format!("the first event must be game_created, not {}", created.kind.name())));
        };
        if created.seq != 1 {
            return Err(invalid(format!("the game_created event must have seq 1, not {}", created.seq)));
        }
        if config.kind != new.kind {
            return Err(invalid("the game's kind differs from its game_created event"));
        }
        let commitment = commitment.to_string();
        if !commitment.eq_ignore_ascii_case(new.commitment) {
            return Err(invalid("the commitment differs from the game_created event's"));
        }
        if Seed::from_bytes(new.seed).commitment().to_string() != commitment {
            return Err(invalid("the seed does not open the commitment"));
        }
        let join_code = normalize_join_code(new.join_code);
        if join_code.is_empty() {
            return Err(invalid("the join code is empty"));
        }
        let payload = serde_json::to_string(created).map_err(|e| StoreError::Other(e.to_string()))?;
        let hash = chain_hash(&GENESIS_HASH, 1, payload.as_bytes());
        let game = NewGameRow {
            id: new.id,
            join_code: &join_code,
            kind: new.kind.as_str(),
            state: state_text(GameState::Created),
            seed: &new.seed,
            commitment: &commitment,
            epoch: new.epoch,
            last_seq: 1,
            next_serial: 1,
            auto_draw: false,
            next_draw_at_ms: None,
            created_at_ms: created.at_ms,
            updated_at_ms: created.at_ms,
            name: config.name.as_str(),
        };
        let event = NewEventRow {
            game_id: new.id,
            seq: 1,
            at_ms: created.at_ms,
            kind: created.kind.name(),
            payload: &payload,
            prev_hash: &GENESIS_HASH,
            hash: &hash,
        };
        let mut conn = self.conn()?;
        let row = write_tx!(&mut *conn, c => {
            diesel::insert_into(games::table).values(&game).execute(c)?;
            diesel::insert_into(events::table).values(&event).execute(c)?;
            Ok(games::table.find(new.id).select(MetaRow::as_select()).first(c)?)
        })?;
        row.into_meta()
    }

    /// The whole game, seed included, from one snapshot: its row, its seed and its parsed log.
    /// The hash chain is verified and every payload parsed; anything that does not add up is
    /// `Corrupt` naming the event.
    pub fn load_game(&self, game_id: &str) -> Result<Option<GameRecord>> {
        let mut conn = self.conn()?;
        let loaded: Option<(MetaRow, Vec<u8>, Vec<EventRow>)> = read_tx!(&mut *conn, c => {
            let game: Option<(MetaRow, Vec<u8>)> =
                games::table.find(game_id).select((MetaRow::as_select(), games::seed)).first(c).optional()?;
            let Some((meta, seed)) = game else { return Ok(None) };
            let rows: Vec<EventRow> = events::table
                .filter(events::game_id.eq(game_id))
                .order(events::seq.asc())
                .select(EventRow::as_select())
                .load(c)?;
            Ok(Some((meta, seed, rows)))
        })?;
        let Some((meta, seed, rows)) = loaded else { return Ok(None) };
        let meta = meta.into_meta()?;
        let seed = Seed::from_bytes(to_hash(seed, &format!("seed of game {game_id}"))?);
        let stored = rows.into_iter().map(EventRow::into_stored).collect::<Result<Vec<_>>>()?;
        if stored.first().map(|e| e.seq) != Some(1) || stored.last().map(|e| e.seq) != Some(meta.last_seq) {
            return Err(StoreError::Corrupt(format!(
                "game {game_id}: the stored log does not run from 1 to last_seq {}",
                meta.last_seq
            )));
        }
        verify_chain(&stored).map_err(|e| StoreError::Corrupt(format!("game {game_id}: {e}")))?;
        let events = stored.iter().map(StoredEvent::event).collect::<Result<Vec<_>>>()?;
        Ok(Some(GameRecord { meta, seed, events }))
    }

    /// The game with this join code (matched case-insensitively): the unfinished one if there is
    /// one, else the most recently created finished one.
    pub fn game_by_join_code(&self, code: &str) -> Result<Option<GameMeta>> {
        let code = normalize_join_code(code);
        let mut conn = self.conn()?;
        let finished = state_text(GameState::Finished);
        let row: Option<MetaRow> = on_conn!(&mut *conn, c => {
            let live = games::table
                .filter(games::join_code.eq(&code))
                .filter(games::state.ne(finished))
                .select(MetaRow::as_select())
                .first(c)
                .optional()?;
            match live {
                Some(row) => Ok::<_, StoreError>(Some(row)),
                None => Ok(games::table
                    .filter(games::join_code.eq(&code))
                    .order((games::created_at_ms.desc(), games::id.desc()))
                    .select(MetaRow::as_select())
                    .first(c)
                    .optional()?),
            }
        })?;
        row.map(MetaRow::into_meta).transpose()
    }

    /// The game's row without its seed.
    pub fn game_meta(&self, game_id: &str) -> Result<Option<GameMeta>> {
        let mut conn = self.conn()?;
        let row: Option<MetaRow> = on_conn!(&mut *conn, c => games::table
            .find(game_id)
            .select(MetaRow::as_select())
            .first(c)
            .optional())?;
        row.map(MetaRow::into_meta).transpose()
    }

    /// Up to `limit` games, newest first.
    pub fn list_games(&self, limit: u32) -> Result<Vec<GameMeta>> {
        let mut conn = self.conn()?;
        let rows: Vec<MetaRow> = on_conn!(&mut *conn, c => games::table
            .order((games::created_at_ms.desc(), games::id.desc()))
            .limit(i64::from(limit))
            .select(MetaRow::as_select())
            .load(c))?;
        rows.into_iter().map(MetaRow::into_meta).collect()
    }

    /// Switches a game's auto-draw on or off and sets when the next ball is due.
    pub fn set_auto_draw(&self, game_id: &str, on: bool, next_at_ms: Option<i64>) -> Result<()> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::update(games::table.find(game_id))
            .set((games::auto_draw.eq(on), games::next_draw_at_ms.eq(next_at_ms)))
            .execute(c))?;
        if n == 0 {
            return Err(StoreError::not_found("game", game_id));
        }
        Ok(())
    }

    /// Sets what the hall is told now (`None` clears it). The text is stored as given: the
    /// service checks it first.
    pub fn set_announcement(&self, game_id: &str, text: Option<&str>) -> Result<()> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::update(games::table.find(game_id))
            .set(games::announcement.eq(text))
            .execute(c))?;
        if n == 0 {
            return Err(StoreError::not_found("game", game_id));
        }
        Ok(())
    }

    /// Unfinished games with auto-draw on, soonest `next_draw_at_ms` first (games without one
    /// first of all).
    pub fn games_with_auto_draw(&self) -> Result<Vec<GameMeta>> {
        let mut conn = self.conn()?;
        let rows: Vec<MetaRow> = on_conn!(&mut *conn, c => games::table
            .filter(games::auto_draw.eq(true))
            .filter(games::state.ne(state_text(GameState::Finished)))
            .select(MetaRow::as_select())
            .load(c))?;
        let mut games = rows.into_iter().map(MetaRow::into_meta).collect::<Result<Vec<_>>>()?;
        games.sort_by(|a, b| (a.next_draw_at_ms, &a.id).cmp(&(b.next_draw_at_ms, &b.id)));
        Ok(games)
    }

    /// Counts for metrics: games per state, players, cards.
    pub fn stats(&self) -> Result<Stats> {
        let mut conn = self.conn()?;
        let (by_state, players, cards): (Vec<(String, i64)>, i64, i64) = read_tx!(&mut *conn, c => {
            let by_state = games::table.group_by(games::state).select((games::state, count_star())).load(c)?;
            let players = players::table.select(count_star()).first(c)?;
            let cards = cards::table.select(count_star()).first(c)?;
            Ok((by_state, players, cards))
        })?;
        let games_by_state = by_state.into_iter().map(|(s, n)| Ok((s, to_u64(n, "count")?))).collect::<Result<_>>()?;
        Ok(Stats { games_by_state, players: to_u64(players, "count")?, cards: to_u64(cards, "count")? })
    }
}
