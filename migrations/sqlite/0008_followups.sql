-- Follow-up and closure (后续处置 / 查处结果), SQLite. Kept in step with
-- ../postgres/0008_followups.sql.

-- One row per measure (`followup.measure` entry): the target (batch and USCC), the result
-- it followed up (the standing one when it was recorded), the measure, its due date, the
-- corps' note, and the corps user who recorded it. A follow-up takes any number.
CREATE TABLE followup_measures (
    log_seq     INTEGER PRIMARY KEY REFERENCES log_entries (seq),
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    uscc        TEXT NOT NULL,
    result_id   INTEGER NOT NULL REFERENCES results (id),
    measure     TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX followup_measures_by_target ON followup_measures (batch_id, uscc);

-- One row per closure (`followup.closed` entry): at most one per target.
CREATE TABLE followup_closures (
    log_seq      INTEGER PRIMARY KEY REFERENCES log_entries (seq),
    batch_id     TEXT NOT NULL REFERENCES batches (id),
    uscc         TEXT NOT NULL,
    result_id    INTEGER NOT NULL REFERENCES results (id),
    closed_on    TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    outcome_text TEXT NOT NULL,
    closed_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at  TEXT NOT NULL,
    UNIQUE (batch_id, uscc)
);

-- Append-only (defence in depth; `log verify` is the proof).
CREATE TRIGGER followup_measures_no_update BEFORE UPDATE ON followup_measures
BEGIN SELECT RAISE(ABORT, 'follow-up measures are append-only (record a new measure): UPDATE refused'); END;
CREATE TRIGGER followup_measures_no_delete BEFORE DELETE ON followup_measures
BEGIN SELECT RAISE(ABORT, 'follow-up measures are append-only (record a new measure): DELETE refused'); END;
CREATE TRIGGER followup_closures_no_update BEFORE UPDATE ON followup_closures
BEGIN SELECT RAISE(ABORT, 'a follow-up is closed once: UPDATE refused'); END;
CREATE TRIGGER followup_closures_no_delete BEFORE DELETE ON followup_closures
BEGIN SELECT RAISE(ABORT, 'a follow-up is closed once: DELETE refused'); END;
