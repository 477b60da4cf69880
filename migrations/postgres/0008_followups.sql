-- Follow-up and closure (后续处置 / 查处结果), PostgreSQL. Kept in step with
-- ../sqlite/0008_followups.sql.

-- One row per measure (`followup.measure` entry): the target (batch and USCC), the result
-- it followed up (the standing one when it was recorded), the measure, its due date, the
-- corps' note, and the corps user who recorded it. A follow-up takes any number.
CREATE TABLE followup_measures (
    log_seq     BIGINT PRIMARY KEY REFERENCES log_entries (seq),
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    uscc        TEXT NOT NULL,
    result_id   BIGINT NOT NULL REFERENCES results (id),
    measure     TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX followup_measures_by_target ON followup_measures (batch_id, uscc);

-- One row per closure (`followup.closed` entry): at most one per target.
CREATE TABLE followup_closures (
    log_seq      BIGINT PRIMARY KEY REFERENCES log_entries (seq),
    batch_id     TEXT NOT NULL REFERENCES batches (id),
    uscc         TEXT NOT NULL,
    result_id    BIGINT NOT NULL REFERENCES results (id),
    closed_on    TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    outcome_text TEXT NOT NULL,
    closed_by    BIGINT NOT NULL REFERENCES users (id),
    recorded_at  TEXT NOT NULL,
    UNIQUE (batch_id, uscc)
);

-- Append-only: UPDATE, DELETE and TRUNCATE refused (defence in depth; `log verify` is the
-- proof).
CREATE TRIGGER followup_measures_append_only BEFORE UPDATE OR DELETE ON followup_measures FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER followup_measures_no_truncate BEFORE TRUNCATE ON followup_measures FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER followup_closures_append_only BEFORE UPDATE OR DELETE ON followup_closures FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER followup_closures_no_truncate BEFORE TRUNCATE ON followup_closures FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
