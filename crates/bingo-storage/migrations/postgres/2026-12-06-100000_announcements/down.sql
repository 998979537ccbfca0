ALTER TABLE games DROP COLUMN announcement;
