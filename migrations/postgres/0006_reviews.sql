-- Review before publication (审核), PostgreSQL. Kept in step with ../sqlite/0006_reviews.sql.

-- A new role, `reviewer` (审核人员): it approves or returns results, and does nothing else.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('corps', 'officer', 'auditor', 'reviewer'));

-- One row per review, keyed by its log entry (`result.approved` or `result.returned`):
-- the result reviewed, the reviewing user, the verdict and, for a return, its reason.
-- A result is reviewed at most once; a returned result is corrected, and the correction
-- is reviewed in turn.
CREATE TABLE reviews (
    log_seq     BIGINT PRIMARY KEY REFERENCES log_entries (seq),
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    result_id   BIGINT NOT NULL UNIQUE REFERENCES results (id),
    reviewer    BIGINT NOT NULL REFERENCES users (id),
    verdict     TEXT NOT NULL CHECK (verdict IN ('approved', 'returned')),
    reason      TEXT NULL,
    reviewed_at TEXT NOT NULL,
    CHECK ((verdict = 'returned' AND reason IS NOT NULL) OR (verdict = 'approved' AND reason IS NULL))
);
CREATE INDEX reviews_by_batch ON reviews (batch_id);

-- Append-only: UPDATE, DELETE and TRUNCATE refused (defence in depth; `log verify` is the
-- proof).
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER reviews_no_truncate BEFORE TRUNCATE ON reviews FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
