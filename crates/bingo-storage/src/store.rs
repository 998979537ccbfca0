//! [`Store`]: the pool and every operation.

use crate::conn::{on_conn, read_tx, write_tx, Backend, DbConn, LockGameRow, Manager, SqlitePragmas, Target};
use crate::error::{ConflictKind, Result, StoreError};
use crate::model::{
    chain_hash, verify_chain, GameMeta, GameRecord, NewGame, NewPlayer, PlayerCards, PlayerRow, PlayerSummary, Stats,
    StoredEvent, GENESIS_HASH,
};
use crate::rows::{
    parse_state, state_text, stored_player, to_daub, to_hash, to_i64, to_u64, EventRow, MetaRow, NewCardRow,
    NewDaubRow, NewEventRow, NewGameRow, NewPlayerRow, NewSessionRow, PlayerDbRow,
};
use crate::schema::{admin, cards, daubs, events, games, leases, players, sessions};
use bingo_core::{Event, EventKind, GameState, Seed};
use diesel::connection::SimpleConnection;
use diesel::dsl::count_star;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::ops::Range;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The key of the PostgreSQL advisory lock held while migrating, so two nodes starting at once
/// do not both run the same migration.
const MIGRATION_LOCK_KEY: i64 = 0x6269_6e67_6f5f_6d69; // "bingo_mi"

/// Rows per multi-row INSERT, well under both backends' limits on bound parameters.
const INSERT_CHUNK: usize = 500;

/// How long `open` and each operation wait for a pooled connection.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

/// The platform's storage: a pool of connections to one SQLite file or one PostgreSQL database.
/// Cheap to clone (the pool is shared); every method is synchronous, so call it from
/// `tokio::task::spawn_blocking`.
#[derive(Clone)]
pub struct Store {
    pool: Pool<Manager>,
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

/// The state a game is in after `events`, starting from `state`.
fn state_after(mut state: GameState, events: &[Event]) -> GameState {
    for e in events {
        state = match e.kind {
            EventKind::GameOpened => GameState::Open,
            EventKind::GameStarted | EventKind::Resumed => GameState::Running,
            EventKind::Paused => GameState::Paused,
            EventKind::GameFinished => GameState::Finished,
            _ => state,
        };
    }
    state
}

/// The full names (`2025-11-20-000000_initial`) of the migrations with these versions.
fn migration_names<DB: diesel::backend::Backend>(
    source: &EmbeddedMigrations,
    applied: &[diesel::migration::MigrationVersion<'_>],
) -> Vec<String>
where
    EmbeddedMigrations: MigrationSource<DB>,
{
    let known: Vec<(String, String)> = source
        .migrations()
        .map(|all| all.iter().map(|m| (m.name().version().to_string(), m.name().to_string())).collect())
        .unwrap_or_default();
    applied
        .iter()
        .map(|v| {
            let v = v.to_string();
            known.iter().find(|(version, _)| *version == v).map(|(_, name)| name.clone()).unwrap_or(v)
        })
        .collect()
}

/// The migrations this build embeds for `backend`, oldest first, as (version, full name): the
/// version is what `__diesel_schema_migrations.version` holds (`20251120000000`), the name what
/// [`Store::migrate`] returns (`2025-11-20-000000_initial`). Backup tools compare a database's
/// applied versions with these to tell an older schema from one made by a newer build.
pub fn embedded_migrations(backend: Backend) -> Vec<(String, String)> {
    fn list<DB: diesel::backend::Backend>(source: &EmbeddedMigrations) -> Vec<(String, String)>
    where
        EmbeddedMigrations: MigrationSource<DB>,
    {
        let mut all: Vec<(String, String)> = source
            .migrations()
            .map(|all| all.iter().map(|m| (m.name().version().to_string(), m.name().to_string())).collect())
            .unwrap_or_default();
        all.sort();
        all
    }
    match backend {
        Backend::Sqlite => list::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS),
        Backend::Postgres => list::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS),
    }
}

fn normalize_join_code(code: &str) -> String {
    code.trim().to_uppercase()
}

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

/// Locks the game row and takes `count` serials from `next_serial`; evaluates to the first.
macro_rules! allocate_serials {
    ($c:ident, $game_id:expr, $count:expr) => {{
        let Some(game) = $c.lock_game_row($game_id)? else {
            return Err(StoreError::not_found("game", $game_id));
        };
        let first = game.next_serial;
        let next = first.checked_add($count).ok_or_else(|| invalid("card serials would overflow"))?;
        diesel::update(games::table.find($game_id)).set(games::next_serial.eq(next)).execute($c)?;
        first
    }};
}

impl Store {
    /// Opens a pool of `pool_size` connections to `url`: `sqlite:///absolute/path.db`,
    /// `sqlite://relative/path.db` (the file is created if missing, its directory is not),
    /// `postgres://...` or `postgresql://...`. Any other URL is `Invalid`; a database that cannot
    /// be reached within 10 seconds is `Unavailable`. Every SQLite connection gets WAL,
    /// `synchronous = FULL`, foreign keys and a 5-second busy timeout.
    pub fn open(url: &str, pool_size: u32) -> Result<Store> {
        let target = Target::parse(url)?;
        if pool_size == 0 {
            return Err(invalid("the pool needs at least one connection"));
        }
        let backend = target.backend();
        // One connection first, so an unreachable database fails at once with its own message
        // rather than after the pool's timeout.
        let manager = Manager { target };
        drop(
            manager
                .connect()
                .map_err(|e| StoreError::Unavailable(format!("cannot open the {backend} database: {e}")))?,
        );
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(CONNECTION_TIMEOUT)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn conn(&self) -> Result<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// The most connections the pool opens.
    pub fn pool_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// The pool's connections right now: (idle, in use), for the pool gauges.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.idle_connections, state.connections.saturating_sub(state.idle_connections))
    }

    /// Checks that a connection works (`SELECT 1`).
    pub fn ping(&self) -> Result<()> {
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => c.batch_execute("SELECT 1"))?;
        Ok(())
    }

    /// Runs the migrations not yet applied; returns the names of those applied now
    /// (`2025-11-20-000000_initial`; empty when the schema is current). On PostgreSQL an advisory lock keeps two nodes from migrating at once.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let failed = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Other(format!("migration failed: {e}"));
        match &mut *conn {
            DbConn::Sqlite(c) => c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|applied| migration_names::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS, &applied))
                .map_err(failed),
            DbConn::Postgres(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let result = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|applied| migration_names::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS, &applied))
                    .map_err(failed);
                let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
                let applied = result?;
                unlocked?;
                Ok(applied)
            }
        }
    }

    // ----- games and events -------------------------------------------------------------------

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

    /// Appends `events` to a game's log in one transaction and returns them as stored.
    ///
    /// The game's `last_seq` must equal `expected_last_seq`, else `Conflict(StaleLog)`: another
    /// writer appended first. The events' seqs must continue the log with no gap (else
    /// `Invalid`). Each is stored with its hash-chain link, and the game's `last_seq`, `state`
    /// (game_opened → open, game_started/resumed → running, paused → paused, game_finished →
    /// finished) and `updated_at_ms` (the last event's `at_ms`) follow; a finished game's
    /// auto-draw is switched off. The game row is locked for the whole transaction
    /// (`FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so racing writers serialize.
    pub fn append_events(&self, game_id: &str, expected_last_seq: u64, events: &[Event]) -> Result<Vec<StoredEvent>> {
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
            let state = state_after(parse_state(&game.state)?, events);
            diesel::update(games::table.find(game_id))
                .set((
                    games::last_seq.eq(last_seq),
                    games::state.eq(state_text(state)),
                    games::updated_at_ms.eq(last.at_ms),
                ))
                .execute(c)?;
            if state == GameState::Finished {
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

    // ----- players and cards ------------------------------------------------------------------

    /// Reserves `count` card serials for later `add_player_with_serials` calls: a short
    /// transaction on the game row, so that joins themselves need not hold it through their
    /// commit. Reserved serials a node never issues (it restarted) are simply skipped.
    pub fn reserve_serials(&self, game_id: &str, count: u32) -> Result<Range<u64>> {
        let count = i64::from(count);
        let mut conn = self.conn()?;
        let first = write_tx!(&mut *conn, c => {
            let first = allocate_serials!(c, game_id, count);
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

    /// Adds a player and gives them `card_count` consecutive serials from the game's
    /// `next_serial`, in one transaction with the game row locked: racing joins never share a
    /// serial. A taken token or recovery code hash is `Conflict(Duplicate)`.
    pub fn add_player(&self, new: &NewPlayer<'_>) -> Result<(PlayerRow, Vec<u64>)> {
        let count = i64::from(new.card_count);
        let row = NewPlayerRow::of(new);
        let mut conn = self.conn()?;
        let first = write_tx!(&mut *conn, c => {
            let first = allocate_serials!(c, new.game_id, count);
            diesel::insert_into(players::table).values(&row).execute(c)?;
            insert_cards!(c, new.game_id, first, count, Some(new.id), new.now);
            Ok(first)
        })?;
        let first = to_u64(first, "next_serial")?;
        Ok((stored_player(new), (first..first + u64::from(new.card_count)).collect()))
    }

    /// Issues `count` paper cards (no player) from the game's `next_serial`; returns their serials.
    pub fn issue_paper_cards(&self, game_id: &str, count: u32, now: i64) -> Result<Range<u64>> {
        let n = i64::from(count);
        let mut conn = self.conn()?;
        let first = write_tx!(&mut *conn, c => {
            let first = allocate_serials!(c, game_id, n);
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

    // ----- admin and sessions -------------------------------------------------------------------

    /// The admin passphrase hash (a PHC string), if one was set.
    pub fn admin_passphrase_hash(&self) -> Result<Option<String>> {
        let mut conn = self.conn()?;
        Ok(on_conn!(&mut *conn, c => admin::table
            .find(1i64)
            .select(admin::passphrase_hash)
            .first::<String>(c)
            .optional())?)
    }

    /// Sets (or replaces) the admin passphrase hash.
    pub fn set_admin_passphrase_hash(&self, phc: &str, now: i64) -> Result<()> {
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => diesel::insert_into(admin::table)
            .values((admin::id.eq(1i64), admin::passphrase_hash.eq(phc), admin::updated_at_ms.eq(now)))
            .on_conflict(admin::id)
            .do_update()
            .set((admin::passphrase_hash.eq(phc), admin::updated_at_ms.eq(now)))
            .execute(c))?;
        Ok(())
    }

    /// Stores an admin session (by its token's hash) valid until `expires_at_ms`.
    pub fn create_session(&self, token_hash: &[u8; 32], now: i64, expires_at_ms: i64) -> Result<()> {
        let row = NewSessionRow { token_hash: &token_hash[..], created_at_ms: now, expires_at_ms };
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => diesel::insert_into(sessions::table).values(&row).execute(c))?;
        Ok(())
    }

    /// Whether a session with this token hash exists and has not expired at `now`.
    pub fn session_valid(&self, token_hash: &[u8; 32], now: i64) -> Result<bool> {
        let mut conn = self.conn()?;
        let n: i64 = on_conn!(&mut *conn, c => sessions::table
            .filter(sessions::token_hash.eq(&token_hash[..]))
            .filter(sessions::expires_at_ms.gt(now))
            .select(count_star())
            .first(c))?;
        Ok(n > 0)
    }

    /// Ends a session (log out); whether it existed.
    pub fn delete_session(&self, token_hash: &[u8; 32]) -> Result<bool> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(sessions::table.find(&token_hash[..])).execute(c))?;
        Ok(n > 0)
    }

    /// Deletes sessions expired at `now`; how many.
    pub fn delete_expired_sessions(&self, now: i64) -> Result<u64> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(sessions::table.filter(sessions::expires_at_ms.le(now))).execute(c))?;
        Ok(n as u64)
    }

    // ----- leases -------------------------------------------------------------------------------

    /// Takes or renews the lease `name` for `holder` until `now + ttl_ms`, if it is free,
    /// expired (`expires_at_ms <= now`) or already `holder`'s. Returns whether `holder` holds it
    /// now. Exactly one of several racing holders wins: an `INSERT ... ON CONFLICT DO NOTHING`
    /// followed by a conditional `UPDATE`, in one write transaction (`BEGIN IMMEDIATE` on SQLite;
    /// on PostgreSQL the conflicting insert waits for the other and the `UPDATE` re-checks its
    /// condition on the locked row).
    pub fn try_acquire_lease(&self, name: &str, holder: &str, ttl_ms: u64, now: i64) -> Result<bool> {
        let expires = now.saturating_add(i64::try_from(ttl_ms).unwrap_or(i64::MAX));
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, c => {
            let inserted = diesel::insert_into(leases::table)
                .values((leases::name.eq(name), leases::holder.eq(holder), leases::expires_at_ms.eq(expires)))
                .on_conflict_do_nothing()
                .execute(c)?;
            if inserted == 1 {
                return Ok(true);
            }
            let updated = diesel::update(
                leases::table
                    .filter(leases::name.eq(name))
                    .filter(leases::holder.eq(holder).or(leases::expires_at_ms.le(now))),
            )
            .set((leases::holder.eq(holder), leases::expires_at_ms.eq(expires)))
            .execute(c)?;
            Ok(updated == 1)
        })
    }

    /// Gives up the lease if `holder` holds it; whether it did.
    pub fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(
            leases::table.filter(leases::name.eq(name)).filter(leases::holder.eq(holder))
        )
        .execute(c))?;
        Ok(n > 0)
    }

    /// Who holds the lease at `now`, if anyone.
    pub fn lease_holder(&self, name: &str, now: i64) -> Result<Option<String>> {
        let mut conn = self.conn()?;
        Ok(on_conn!(&mut *conn, c => leases::table
            .filter(leases::name.eq(name))
            .filter(leases::expires_at_ms.gt(now))
            .select(leases::holder)
            .first::<String>(c)
            .optional())?)
    }

    // ----- metrics ------------------------------------------------------------------------------

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
