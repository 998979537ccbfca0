//! Event logs: appending with the expected sequence number and the hash chain, and reading.

use super::{invalid, Store, INSERT_CHUNK};
use crate::conn::{on_conn, write_tx, LockGameRow};
use crate::error::{ConflictKind, Result, StoreError};
use crate::model::{chain_hash, StoredEvent};
use crate::rows::{state_text, to_hash, to_i64, to_u64, EventRow, NewEventRow};
use crate::schema::{events, games};
use bingo_core::{Event, GameState};
use diesel::prelude::*;

impl Store {
    /// Appends `events` to a game's log in one transaction and returns them as stored.
    ///
    /// The game's `last_seq` must equal `expected_last_seq`, else `Conflict(StaleLog)`: another
    /// writer appended first. The events' seqs must continue the log with no gap (else
    /// `Invalid`). Each is stored with its hash-chain link, and the game's `last_seq`, `state`
    /// (`state_after`: the engine's state once the events are applied; the storage does not
    /// re-derive the rules) and `updated_at_ms` (the last event's `at_ms`) follow; a finished
    /// game's auto-draw is switched off. The game row is locked for the whole transaction
    /// (`FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so racing writers serialize.
    pub fn append_events(
        &self,
        game_id: &str,
        expected_last_seq: u64,
        events: &[Event],
        state_after: GameState,
    ) -> Result<Vec<StoredEvent>> {
        let expected = to_i64(expected_last_seq, "expected_last_seq")?;
        let mut prepared = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            let want = expected_last_seq.checked_add(i as u64 + 1).ok_or_else(|| invalid("seq overflows"))?;
            if e.seq != want {
                return Err(invalid(format!("event seq {} does not continue the log: expected {want}", e.seq)));
            }
            let payload = serde_json::to_string(e).map_err(|err| StoreError::Other(err.to_string()))?;
            prepared.push((to_i64(e.seq, "seq")?, e, payload));
        }
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, c => {
            let Some(game) = c.lock_game_row(game_id)? else {
                return Err(StoreError::not_found("game", game_id));
            };
            if game.last_seq != expected {
                let actual = to_u64(game.last_seq, "last_seq")?;
                return Err(StoreError::conflict(
                    ConflictKind::StaleLog { expected: expected_last_seq, actual },
                    format!("game {game_id}: the log ends at {actual}, not {expected_last_seq}: another writer appended first"),
                ));
            }
            let Some((last_seq, last)) = prepared.last().map(|(seq, e, _)| (*seq, *e)) else {
                return Ok(Vec::new());
            };
            let prev: Option<Vec<u8>> =
                events::table.find((game_id, game.last_seq)).select(events::hash).first(c).optional()?;
            let prev = prev.ok_or_else(|| {
                StoreError::Corrupt(format!("game {game_id}: event {} (its last) is missing", game.last_seq))
            })?;
            let mut prev = to_hash(prev, &format!("hash of event {}", game.last_seq))?;
            let mut stored = Vec::with_capacity(prepared.len());
            for (_, e, payload) in &prepared {
                let hash = chain_hash(&prev, e.seq, payload.as_bytes());
                stored.push(StoredEvent {
                    seq: e.seq,
                    at_ms: e.at_ms,
                    kind: e.kind.name().to_string(),
                    payload: payload.clone(),
                    prev_hash: prev,
                    hash,
                });
                prev = hash;
            }
            let rows: Vec<NewEventRow<'_>> = prepared
                .iter()
                .zip(&stored)
                .map(|((seq, e, payload), s)| NewEventRow {
                    game_id,
                    seq: *seq,
                    at_ms: e.at_ms,
                    kind: e.kind.name(),
                    payload,
                    prev_hash: &s.prev_hash,
                    hash: &s.hash,
                })
                .collect();
            for chunk in rows.chunks(INSERT_CHUNK) {
                diesel::insert_into(events::table).values(chunk).execute(c)?;
            }
            diesel::update(games::table.find(game_id))
                .set((
                    games::last_seq.eq(last_seq),
                    games::state.eq(state_text(state_after)),
                    games::updated_at_ms.eq(last.at_ms),
                ))
                .execute(c)?;
            if state_after == GameState::Finished {
                diesel::update(games::table.find(game_id))
                    .set((games::auto_draw.eq(false), games::next_draw_at_ms.eq(None::<i64>)))
                    .execute(c)?;
            }
            Ok(stored)
        })
    }

    /// Up to `limit` events with seq greater than `after_seq`, ascending (empty for an unknown
    /// game).
    pub fn events_after(&self, game_id: &str, after_seq: u64, limit: u32) -> Result<Vec<StoredEvent>> {
        let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
        let mut conn = self.conn()?;
        let rows: Vec<EventRow> = on_conn!(&mut *conn, c => events::table
            .filter(events::game_id.eq(game_id))
            .filter(events::seq.gt(after))
            .order(events::seq.asc())
            .limit(i64::from(limit))
            .select(EventRow::as_select())
            .load(c))?;
        rows.into_iter().map(EventRow::into_stored).collect()
    }

    /// The game's events whose kind (`EventKind::name()`) is one of `kinds`, ascending: selected by
    /// the `kind` column (indexed with the game), so a long log is not read to find a few events.
    pub fn events_of_kinds(&self, game_id: &str, kinds: &[&str]) -> Result<Vec<StoredEvent>> {
        let mut conn = self.conn()?;
        let rows: Vec<EventRow> = on_conn!(&mut *conn, c => events::table
            .filter(events::game_id.eq(game_id))
            .filter(events::kind.eq_any(kinds))
            .order(events::seq.asc())
            .select(EventRow::as_select())
            .load(c))?;
        rows.into_iter().map(EventRow::into_stored).collect()
    }

    /// The game's last event, if the game exists.
    pub fn last_event(&self, game_id: &str) -> Result<Option<StoredEvent>> {
        let mut conn = self.conn()?;
        let row: Option<EventRow> = on_conn!(&mut *conn, c => events::table
            .filter(events::game_id.eq(game_id))
            .order(events::seq.desc())
            .select(EventRow::as_select())
            .first(c)
            .optional())?;
        row.map(EventRow::into_stored).transpose()
    }
}
