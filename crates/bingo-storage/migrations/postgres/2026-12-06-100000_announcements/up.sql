-- The announcement the hall is shown now (the Console's text for the Screen and the phones), or
-- NULL for none. On the game's row so that a restarted node or any other node has it.
ALTER TABLE games ADD COLUMN announcement TEXT;
