-- The log is the truth: every table is a projection of the signed log, and `log verify`
-- replays the log and compares every row and column. Columns no entry covers and nothing
-- needs are removed. Kept in step with ../postgres/0004_log_is_the_truth.sql.

-- An entry's kind and time are in its signed bytes; a copy beside them was a place to hide
-- a change (a renamed kind hid a draw's start from the re-roll check).
ALTER TABLE log_entries DROP COLUMN kind;
ALTER TABLE log_entries DROP COLUMN recorded_at;
-- When a checkpoint was signed is not part of what it signs.
ALTER TABLE log_checkpoints DROP COLUMN signed_at;
-- A target's name, district and grade are its row in the batch's committed entities
-- snapshot (read by a join), not a second, unchecked copy.
ALTER TABLE assignments DROP COLUMN entity_name;
ALTER TABLE assignments DROP COLUMN district;
ALTER TABLE assignments DROP COLUMN grade;

-- Targets are written once, with the draw (defence in depth; `log verify` is the proof).
CREATE TRIGGER assignments_no_update BEFORE UPDATE ON assignments
BEGIN SELECT RAISE(ABORT, 'assignments are written with the draw: UPDATE refused'); END;
CREATE TRIGGER assignments_no_delete BEFORE DELETE ON assignments
BEGIN SELECT RAISE(ABORT, 'assignments are written with the draw: DELETE refused'); END;
