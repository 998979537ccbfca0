//! Players, their cards (serials) and their daubs.

use super::{invalid, Store, INSERT_CHUNK};
use crate::conn::{on_conn, read_tx, write_tx, LockGameRow};
use crate::error::{Result, StoreError};
use crate::model::{NewPlayer, PlayerCards, PlayerRow, PlayerSummary};
use crate::rows::{stored_player, to_daub, to_i64, to_u64, NewCardRow, NewDaubRow, NewPlayerRow, PlayerDbRow};
use crate::schema::{cards, daubs, games, players};
use bingo_core::card::Placement;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::ops::Range;

/// Inserts `count` cards from serial `first` for `player` (None = paper), in chunks.
macro_rules! insert_cards {
    ($c:ident, $game_id:expr, $first:expr, $count:expr, $player:expr, $now:expr) => {{
        let rows: Vec<NewCardRow<'_>> = ($first..$first + $count)
            .map(|serial| NewCardRow { game_id: $game_id, serial, player_id: $player, issued_at_ms: $now })
            .collect();
        for chunk in rows.chunks(INSERT_CHUNK) {
            diesel::insert_into(cards::table).values(chunk).execute($c)?;
        }
    }};
}

/// Locks the game row and takes `count` serials placed by `$placement` (skipping the rest of a
/// 90-ball strip when the issue needs a fresh one) from `next_serial`; evaluates to the first.
macro_rules! allocate_serials {
    ($c:ident, $game_id:expr, $count:expr, $placement:expr) => {{
        let Some(game) = $c.lock_game_row($game_id)? else {
            return Err(StoreError::not_found("game", $game_id));
        };
        let next = to_u64(game.next_serial, "next_serial")?;
        let first = $placement.first(next, $count as u64);
        let first = i64::try_from(first).map_err(|_| invalid("card serials would overflow"))?;
        let next = first.checked_add($count).ok_or_else(|| invalid("card serials would overflow"))?;
        diesel::update(games::table.find($game_id)).set(games::next_serial.eq(next)).execute($c)?;
        first
    }};
}

impl Store {
    /// Reserves `count` card serials for later `add_player_with_serials` calls: a short
    /// transaction on the game row, so that joins themselves need not hold it through their
    /// commit. Reserved serials a node never issues (it restarted) are simply skipped. The block
    /// is placed like one issue of `count` cards (a 90-ball block starts a strip).
    pub fn reserve_serials(&self, game_id: &str, count: u32, placement: Placement) -> Result<Range<u64>> {
        let count = i64::from(count);
        let mut conn = self.conn()?;
        let first = write_tx!(&mut *conn, c => {
            let first = allocate_serials!(c, game_id, count, placement);
            Ok(first)
        })?;
        let first = to_u64(first, "next_serial")?;
        Ok(first..first + count as u64)
    }

    /// Adds a player holding `serials` (from `reserve_serials`): inserts only, so concurrent joins
    /// commit together. A serial already issued is `Conflict` (`Duplicate`).
    pub fn add_player_with_serials(&self, new: &NewPlayer<'_>, serials: Range<u64>) -> Result<PlayerRow> {
        let row = NewPlayerRow::of(new);
        let first = i64::try_from(serials.start).map_err(|_| invalid("card serial out of range"))?;
        let count = i64::try_from(serials.end.saturating_sub(serials.start)).map_err(|_| invalid("too many cards"))?;
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, c => {
            diesel::insert_into(players::table).values(&row).execute(c)?;
            insert_cards!(c, new.game_id, first, count, Some(new.id), new.now);
            Ok(())
        })?;
        Ok(stored_player(new))
    }

    /// Adds a player and gives them `card_count` consecutive serials placed by `placement` from
    /// the game's `next_serial`, in one transaction with the game row locked: racing joins never
    /// share a serial. A taken token or recovery code hash is `Conflict(Duplicate)`.
    pub fn add_player(&self, new: &NewPlayer<'_>, placement: Placement) -> Result<(PlayerRow, Vec<u64>)> {
        let count = i64::from(new.card_count);
        let row = NewPlayerRow::of(new);
        let mut conn = self.conn()?;
        let first = write_tx!(&mut *conn, c => {
            let first = allocate_serials!(c, new.game_id, count, placement);
            diesel::insert_into(players::table).values(&row).execute(c)?;
            insert_cards!(c, new.game_id, first, count, Some(new.id), new.now);
            Ok(first)
        })?;
        let first = to_u64(first, "next_serial")?;
        Ok((stored_player(new), (first..first + u64::from(new.card_count)).collect()))
    }

    /// Issues `count` paper cards (no player) placed by `placement` from the game's
    /// `next_serial`; returns their serials.
    pub fn issue_paper_cards(&self, game_id: &str, count: u32, placement: Placement, now: i64) -> Result<Range<u64>> {
        let n = i64::from(count);
        let mut conn = self.conn()?;
        let first = write_tx!(&mut *conn, c => {
            let first = allocate_serials!(c, game_id, n, placement);
            insert_cards!(c, game_id, first, n, None, now);
            Ok(first)
        })?;
        let first = to_u64(first, "next_serial")?;
        Ok(first..first + u64::from(count))
    }

    /// The player whose bearer token hashes to `token_hash`.
    pub fn player_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<PlayerRow>> {
        let mut conn = self.conn()?;
        let row: Option<PlayerDbRow> = on_conn!(&mut *conn, c => players::table
            .filter(players::token_hash.eq(&token_hash[..]))
            .select(PlayerDbRow::as_select())
            .first(c)
            .optional())?;
        row.map(PlayerDbRow::into_player).transpose()
    }

    /// The players whose token hashes are among `token_hashes`, each with their cards and marks,
    /// in one read (three queries however many players: many sockets say hello at once). Unknown
    /// hashes are left out.
    pub fn players_with_cards(&self, token_hashes: &[[u8; 32]]) -> Result<Vec<PlayerCards>> {
        if token_hashes.is_empty() {
            return Ok(Vec::new());
        }
        let hashes: Vec<&[u8]> = token_hashes.iter().map(|h| &h[..]).collect();
        let mut conn = self.conn()?;
        // (player, serial) and (player, serial, number) rows.
        type Cards = Vec<(Option<String>, i64)>;
        type Marks = Vec<(String, i64, i64)>;
        let (rows, cards, marks): (Vec<PlayerDbRow>, Cards, Marks) = read_tx!(&mut *conn, c => {
            let rows: Vec<PlayerDbRow> = players::table
                .filter(players::token_hash.eq_any(&hashes))
                .select(PlayerDbRow::as_select())
                .load(c)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let cards = cards::table
                .filter(cards::player_id.eq_any(&ids))
                .order((cards::player_id.asc(), cards::serial.asc()))
                .select((cards::player_id, cards::serial))
                .load(c)?;
            let marks = daubs::table
                .filter(daubs::player_id.eq_any(&ids))
                .order((daubs::player_id.asc(), daubs::serial.asc(), daubs::number.asc()))
                .select((daubs::player_id, daubs::serial, daubs::number))
                .load(c)?;
            Ok((rows, cards, marks))
        })?;
        let mut found: std::collections::HashMap<String, PlayerCards> = std::collections::HashMap::new();
        for row in rows {
            let player = row.into_player()?;
            found.insert(player.id.clone(), PlayerCards { player, serials: Vec::new(), daubs: Vec::new() });
        }
        for (id, serial) in cards {
            if let Some(p) = id.and_then(|id| found.get_mut(&id)) {
                p.serials.push(to_u64(serial, "serial")?);
            }
        }
        for (id, serial, number) in marks {
            if let Some(p) = found.get_mut(&id) {
                p.daubs.push(to_daub(serial, number)?);
            }
        }
        Ok(found.into_values().collect())
    }

    /// The player of `game_id` whose recovery code hashes to `recovery_code_hash`.
    pub fn player_by_recovery(&self, game_id: &str, recovery_code_hash: &[u8; 32]) -> Result<Option<PlayerRow>> {
        let mut conn = self.conn()?;
        let row: Option<PlayerDbRow> = on_conn!(&mut *conn, c => players::table
            .filter(players::game_id.eq(game_id))
            .filter(players::recovery_code_hash.eq(&recovery_code_hash[..]))
            .select(PlayerDbRow::as_select())
            .first(c)
            .optional())?;
        row.map(PlayerDbRow::into_player).transpose()
    }

    /// Replaces a player's token hash (recovery issues a new token; the old one stops working).
    pub fn rotate_player_token(&self, player_id: &str, new_token_hash: &[u8; 32]) -> Result<()> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::update(players::table.find(player_id))
            .set(players::token_hash.eq(&new_token_hash[..]))
            .execute(c))?;
        if n == 0 {
            return Err(StoreError::not_found("player", player_id));
        }
        Ok(())
    }

    /// How many players have joined the game.
    pub fn player_count(&self, game_id: &str) -> Result<u64> {
        let mut conn = self.conn()?;
        let n: i64 = on_conn!(&mut *conn, c => players::table
            .filter(players::game_id.eq(game_id))
            .select(count_star())
            .first(c))?;
        to_u64(n, "player count")
    }

    /// The game's players, in order of joining, with how many cards each holds.
    pub fn players_of_game(&self, game_id: &str) -> Result<Vec<PlayerSummary>> {
        let mut conn = self.conn()?;
        let (rows, counts): (Vec<PlayerDbRow>, Vec<(Option<String>, i64)>) = read_tx!(&mut *conn, c => {
            let rows = players::table
                .filter(players::game_id.eq(game_id))
                .order((players::created_at_ms.asc(), players::id.asc()))
                .select(PlayerDbRow::as_select())
                .load(c)?;
            let counts = cards::table
                .filter(cards::game_id.eq(game_id))
                .filter(cards::player_id.is_not_null())
                .group_by(cards::player_id)
                .select((cards::player_id, count_star()))
                .load(c)?;
            Ok((rows, counts))
        })?;
        let counts: std::collections::HashMap<String, i64> =
            counts.into_iter().filter_map(|(id, n)| id.map(|id| (id, n))).collect();
        rows.into_iter()
            .map(|row| {
                let cards = to_u64(counts.get(&row.id).copied().unwrap_or(0), "card count")?;
                Ok(PlayerSummary { player: row.into_player()?, cards })
            })
            .collect()
    }

    /// The serials of a player's cards, ascending.
    pub fn cards_of_player(&self, player_id: &str) -> Result<Vec<u64>> {
        let mut conn = self.conn()?;
        let serials: Vec<i64> = on_conn!(&mut *conn, c => cards::table
            .filter(cards::player_id.eq(player_id))
            .order(cards::serial.asc())
            .select(cards::serial)
            .load(c))?;
        serials.into_iter().map(|s| to_u64(s, "serial")).collect()
    }

    /// Who holds card `serial` of `game_id`: `None` = not issued, `Some(None)` = a paper card,
    /// `Some(Some(player_id))` = a player's.
    pub fn card_owner(&self, game_id: &str, serial: u64) -> Result<Option<Option<String>>> {
        let Ok(serial) = i64::try_from(serial) else { return Ok(None) };
        let mut conn = self.conn()?;
        Ok(on_conn!(&mut *conn, c => cards::table
            .find((game_id, serial))
            .select(cards::player_id)
            .first::<Option<String>>(c)
            .optional())?)
    }

    // ----- daubs --------------------------------------------------------------------------------

    /// Marks (`on`) or unmarks `number` on the player's card `serial`; doing it twice is the same
    /// as once. A card the player does not hold is `NotFound`.
    pub fn set_daub(&self, player_id: &str, serial: u64, number: u8, on: bool) -> Result<()> {
        let serial = to_i64(serial, "serial")?;
        let number = i64::from(number);
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, c => {
            let held: i64 = cards::table
                .filter(cards::player_id.eq(player_id))
                .filter(cards::serial.eq(serial))
                .select(count_star())
                .first(c)?;
            if held == 0 {
                return Err(StoreError::not_found("card of player", format!("{player_id}/{serial}")));
            }
            if on {
                diesel::insert_into(daubs::table)
                    .values(&NewDaubRow { player_id, serial, number })
                    .on_conflict_do_nothing()
                    .execute(c)?;
            } else {
                diesel::delete(daubs::table.find((player_id, serial, number))).execute(c)?;
            }
            Ok(())
        })
    }

    /// A player's marks as (serial, number), ascending.
    pub fn daubs_of_player(&self, player_id: &str) -> Result<Vec<(u64, u8)>> {
        let mut conn = self.conn()?;
        let rows: Vec<(i64, i64)> = on_conn!(&mut *conn, c => daubs::table
            .filter(daubs::player_id.eq(player_id))
            .order((daubs::serial.asc(), daubs::number.asc()))
            .select((daubs::serial, daubs::number))
            .load(c))?;
        rows.into_iter().map(|(serial, number)| to_daub(serial, number)).collect()
    }
}
