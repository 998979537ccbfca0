-- A night at the hall: sessions (an ordered programme of games), their templates, and the hall's
-- snowball pot. The table is `hall_sessions`: `sessions` holds the console's login sessions.
CREATE TABLE hall_sessions (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    -- The session's plan as JSON (bingo-service's SessionPlan).
    plan TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    -- Set when a game finished and another follows: the finish time plus the interval.
    interval_until_ms BIGINT
);
CREATE INDEX hall_sessions_created ON hall_sessions (created_at_ms);

-- A session's games: its id and the game's place in the programme (from 0); NULL for a game on
-- its own. The service links the games in the transaction that inserts the session.
ALTER TABLE games ADD COLUMN session_id TEXT;
ALTER TABLE games ADD COLUMN session_position BIGINT;
CREATE INDEX games_session ON games (session_id, session_position);

CREATE TABLE session_templates (
    name TEXT NOT NULL PRIMARY KEY,
    plan TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- The hall's snowball (its jackpot carried from game to game): one row, id 'hall'.
CREATE TABLE snowball (
    id TEXT NOT NULL PRIMARY KEY CHECK (id = 'hall'),
    pot BIGINT NOT NULL CHECK (pot >= 0),
    -- The game playing for the pot now (offered at its start, freed at its end): one at a time,
    -- so two games are never offered the same pot.
    in_play_game TEXT NULL
);

-- The snowball's history selects every game's snowball_won and snowball_carried events.
CREATE INDEX events_kind_at ON events (kind, at_ms);
