-- The claims listing selects a game's events by kind (Store::events_of_kinds).
CREATE INDEX events_game_kind ON events (game_id, kind, seq);
