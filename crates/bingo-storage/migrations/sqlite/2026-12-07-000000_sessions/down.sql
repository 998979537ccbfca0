DROP INDEX events_kind_at;
DROP TABLE snowball;
DROP TABLE session_templates;
DROP INDEX games_session;
ALTER TABLE games DROP COLUMN session_position;
ALTER TABLE games DROP COLUMN session_id;
DROP TABLE hall_sessions;
