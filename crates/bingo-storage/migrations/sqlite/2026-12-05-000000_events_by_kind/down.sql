DROP INDEX events_game_kind;
