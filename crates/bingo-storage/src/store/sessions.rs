//! A night at the hall: sessions (an ordered programme of games), their templates, the hall's
//! snowball pot, and the selection of events across games its history is read from.

use super::{invalid, Store};
use crate::conn::{on_conn, read_tx, write_tx};
use crate::error::{Result, StoreError};
use crate::model::{GameEvent, GameMeta, SessionCounts, SessionRecord, TemplateRecord};
use crate::rows::{state_text, to_i64, to_u64, EventRow, MetaRow};
use crate::schema::{events, games, hall_sessions, session_templates, snowball};
use bingo_core::GameState;
use diesel::prelude::*;
use std::collections::HashMap;

/// The snowball table's one row.
const HALL: &str = "hall";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = hall_sessions)]
struct SessionRow {
    id: String,
    name: String,
    plan: String,
    created_at_ms: i64,
    interval_until_ms: Option<i64>,
}

impl From<SessionRow> for SessionRecord {
    fn from(r: SessionRow) -> Self {
        SessionRecord {
            id: r.id,
            name: r.name,
            plan: r.plan,
            created_at_ms: r.created_at_ms,
            interval_until_ms: r.interval_until_ms,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_templates)]
struct TemplateRow {
    name: String,
    plan: String,
    updated_at_ms: i64,
}

impl Store {
    /// Stores a session and makes `game_ids` its games, in that order (positions from 0), in one
    /// transaction. Every game must exist and belong to no session yet (else `Invalid`, and
    /// nothing is stored); an id already used is `Conflict(Duplicate)`.
    pub fn create_hall_session(&self, session: &SessionRecord, game_ids: &[String]) -> Result<()> {
        if game_ids.is_empty() {
            return Err(invalid("a session needs at least one game"));
        }
        let row = SessionRow {
            id: session.id.clone(),
            name: session.name.clone(),
            plan: session.plan.clone(),
            created_at_ms: session.created_at_ms,
            interval_until_ms: session.interval_until_ms,
        };
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, c => {
            diesel::insert_into(hall_sessions::table).values(&row).execute(c)?;
            for (position, game_id) in game_ids.iter().enumerate() {
                let n = diesel::update(games::table.find(game_id).filter(games::session_id.is_null()))
                    .set((games::session_id.eq(&row.id), games::session_position.eq(position as i64)))
                    .execute(c)?;
                if n == 0 {
                    return Err(invalid(format!("game {game_id:?} does not exist or is in another session")));
                }
            }
            Ok(())
        })
    }

    /// The session, if it exists.
    pub fn hall_session(&self, session_id: &str) -> Result<Option<SessionRecord>> {
        let mut conn = self.conn()?;
        let row: Option<SessionRow> = on_conn!(&mut *conn, c => hall_sessions::table
            .find(session_id)
            .select(SessionRow::as_select())
            .first(c)
            .optional())?;
        Ok(row.map(SessionRecord::from))
    }

    /// The session and its games in programme order, read from one snapshot; `None` when there
    /// is no such session.
    pub fn hall_session_with_games(&self, session_id: &str) -> Result<Option<(SessionRecord, Vec<GameMeta>)>> {
        let mut conn = self.conn()?;
        let found: Option<(SessionRow, Vec<MetaRow>)> = read_tx!(&mut *conn, c => {
            let session: Option<SessionRow> =
                hall_sessions::table.find(session_id).select(SessionRow::as_select()).first(c).optional()?;
            let Some(session) = session else { return Ok(None) };
            let games: Vec<MetaRow> = games::table
                .filter(games::session_id.eq(session_id))
                .order(games::session_position.asc())
                .select(MetaRow::as_select())
                .load(c)?;
            Ok(Some((session, games)))
        })?;
        let Some((session, games)) = found else { return Ok(None) };
        let games = games.into_iter().map(MetaRow::into_meta).collect::<Result<Vec<_>>>()?;
        Ok(Some((session.into(), games)))
    }

    /// Up to `limit` sessions, newest first, with how many games each has and how many finished.
    pub fn list_hall_sessions(&self, limit: u32) -> Result<Vec<SessionCounts>> {
        let mut conn = self.conn()?;
        let (sessions, states): (Vec<SessionRow>, Vec<(Option<String>, String)>) = read_tx!(&mut *conn, c => {
            let sessions: Vec<SessionRow> = hall_sessions::table
                .order((hall_sessions::created_at_ms.desc(), hall_sessions::id.desc()))
                .limit(i64::from(limit))
                .select(SessionRow::as_select())
                .load(c)?;
            let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
            let states = games::table
                .filter(games::session_id.eq_any(&ids))
                .select((games::session_id, games::state))
                .load(c)?;
            Ok((sessions, states))
        })?;
        let finished = state_text(GameState::Finished);
        let mut counts: HashMap<String, (u64, u64)> = HashMap::new();
        for (id, state) in states {
            let Some(id) = id else { continue };
            let entry = counts.entry(id).or_default();
            entry.0 += 1;
            entry.1 += u64::from(state == finished);
        }
        Ok(sessions
            .into_iter()
            .map(|s| {
                let (games, finished) = counts.get(&s.id).copied().unwrap_or_default();
                SessionCounts { session: s.into(), games, finished }
            })
            .collect())
    }

    /// Sets (or clears) when the session's interval ends.
    pub fn set_interval_until(&self, session_id: &str, until_ms: Option<i64>) -> Result<()> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::update(hall_sessions::table.find(session_id))
            .set(hall_sessions::interval_until_ms.eq(until_ms))
            .execute(c))?;
        if n == 0 {
            return Err(StoreError::not_found("session", session_id));
        }
        Ok(())
    }

    /// Every saved template, by name.
    pub fn templates(&self) -> Result<Vec<TemplateRecord>> {
        let mut conn = self.conn()?;
        let rows: Vec<TemplateRow> = on_conn!(&mut *conn, c => session_templates::table
            .order(session_templates::name.asc())
            .select(TemplateRow::as_select())
            .load(c))?;
        Ok(rows
            .into_iter()
            .map(|r| TemplateRecord { name: r.name, plan: r.plan, updated_at_ms: r.updated_at_ms })
            .collect())
    }

    /// Saves a template, replacing the one of the same name.
    pub fn put_template(&self, template: &TemplateRecord) -> Result<()> {
        let row = TemplateRow {
            name: template.name.clone(),
            plan: template.plan.clone(),
            updated_at_ms: template.updated_at_ms,
        };
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => diesel::insert_into(session_templates::table)
            .values(&row)
            .on_conflict(session_templates::name)
            .do_update()
            .set((session_templates::plan.eq(&row.plan), session_templates::updated_at_ms.eq(row.updated_at_ms)))
            .execute(c))?;
        Ok(())
    }

    /// Deletes a template; false when there was none of that name.
    pub fn delete_template(&self, name: &str) -> Result<bool> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(session_templates::table.find(name)).execute(c))?;
        Ok(n > 0)
    }

    /// The hall's snowball: its pot (0 until one is set) and the game playing for it, if any.
    pub fn snowball(&self) -> Result<(u64, Option<String>)> {
        let mut conn = self.conn()?;
        let row: Option<(i64, Option<String>)> = on_conn!(&mut *conn, c => snowball::table
            .find(HALL)
            .select((snowball::pot, snowball::in_play_game))
            .first(c)
            .optional())?;
        match row {
            Some((pot, holder)) => Ok((to_u64(pot, "snowball pot")?, holder)),
            None => Ok((0, None)),
        }
    }

    /// The hall's snowball pot (0 until one is set).
    pub fn snowball_pot(&self) -> Result<u64> {
        Ok(self.snowball()?.0)
    }

    /// Reserves the pot for game `game_id` (one conditional update, so two nodes cannot both
    /// take it): the pot when the game holds it now (or already did), none when another game does.
    pub fn reserve_snowball(&self, game_id: &str) -> Result<Option<u64>> {
        let mut conn = self.conn()?;
        let taken = on_conn!(&mut *conn, c => {
            diesel::insert_into(snowball::table)
                .values((snowball::id.eq(HALL), snowball::pot.eq(0i64)))
                .on_conflict(snowball::id)
                .do_nothing()
                .execute(c)?;
            diesel::update(snowball::table.find(HALL))
                .filter(snowball::in_play_game.is_null().or(snowball::in_play_game.eq(game_id)))
                .set(snowball::in_play_game.eq(game_id))
                .execute(c)
        })?;
        drop(conn);
        if taken == 0 {
            return Ok(None);
        }
        Ok(Some(self.snowball_pot()?))
    }

    /// Stores the pot game `game_id` left (`next_pot`) and frees the snowball, if that game holds
    /// it; false (nothing changed) otherwise.
    pub fn settle_snowball(&self, game_id: &str, next_pot: u64) -> Result<bool> {
        let pot = to_i64(next_pot, "snowball pot")?;
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::update(snowball::table.find(HALL))
            .filter(snowball::in_play_game.eq(game_id))
            .set((snowball::pot.eq(pot), snowball::in_play_game.eq(None::<String>)))
            .execute(c))?;
        Ok(n > 0)
    }

    /// Frees the snowball held by game `game_id` without changing the pot (its start failed, or
    /// it ended without playing for it).
    pub fn release_snowball(&self, game_id: &str) -> Result<()> {
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => diesel::update(snowball::table.find(HALL))
            .filter(snowball::in_play_game.eq(game_id))
            .set(snowball::in_play_game.eq(None::<String>))
            .execute(c))?;
        Ok(())
    }

    /// Sets the hall's snowball pot, unless a game is playing for it: then the game that holds it,
    /// and nothing changed.
    pub fn set_snowball_pot(&self, pot: u64) -> Result<Option<String>> {
        let pot = to_i64(pot, "snowball pot")?;
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => {
            diesel::insert_into(snowball::table)
                .values((snowball::id.eq(HALL), snowball::pot.eq(pot)))
                .on_conflict(snowball::id)
                .do_nothing()
                .execute(c)?;
            diesel::update(snowball::table.find(HALL))
                .filter(snowball::in_play_game.is_null())
                .set(snowball::pot.eq(pot))
                .execute(c)
        })?;
        drop(conn);
        Ok(self.snowball()?.1)
    }

    /// Up to `limit` events of any game whose kind is one of `kinds`, newest first, each with its
    /// game's id and name.
    pub fn events_of_kinds_everywhere(&self, kinds: &[&str], limit: u32) -> Result<Vec<GameEvent>> {
        let mut conn = self.conn()?;
        let rows: Vec<(String, String, EventRow)> = on_conn!(&mut *conn, c => events::table
            .inner_join(games::table)
            .filter(events::kind.eq_any(kinds))
            .order((events::at_ms.desc(), events::game_id.desc(), events::seq.desc()))
            .limit(i64::from(limit))
            .select((events::game_id, games::name, EventRow::as_select()))
            .load(c))?;
        rows.into_iter()
            .map(|(game_id, game_name, row)| Ok(GameEvent { game_id, game_name, event: row.into_stored()? }))
            .collect()
    }
}
