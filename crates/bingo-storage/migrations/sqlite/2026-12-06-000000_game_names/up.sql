-- A game's name (its config's `name`, empty when none), for the Console's games list.
ALTER TABLE games ADD COLUMN name TEXT NOT NULL DEFAULT '';
