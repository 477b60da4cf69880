-- Review before publication (审核), SQLite. Kept in step with ../postgres/0006_reviews.sql.

-- A new role, `reviewer` (审核人员): it approves or returns results, and does nothing else.
-- SQLite cannot change a CHECK constraint in place, so `users` is rebuilt with the same
-- columns and rows (nothing references it yet) and its triggers are made again.
CREATE TABLE users_new (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('corps', 'officer', 'auditor', 'reviewer')),
    -- The officer's card number (执法证号); officers only.
    card_no      TEXT NULL,
    token_sha256 BLOB NOT NULL CHECK (length(token_sha256) = 32),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT NULL,
    log_seq      INTEGER NOT NULL REFERENCES log_entries (seq),
    CHECK ((role = 'officer' AND card_no IS NOT NULL) OR (role <> 'officer' AND card_no IS NULL))
);
INSERT INTO users_new (id, name, role, card_no, token_sha256, created_at, revoked_at, log_seq)
    SELECT id, name, role, card_no, token_sha256, created_at, revoked_at, log_seq FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'users are revoked, never removed: DELETE refused'); END;
CREATE TRIGGER users_only_revoke BEFORE UPDATE ON users
WHEN OLD.revoked_at IS NOT NULL
  OR NEW.revoked_at IS NULL
  OR NEW.id IS NOT OLD.id
  OR NEW.name IS NOT OLD.name
  OR NEW.role IS NOT OLD.role
  OR NEW.card_no IS NOT OLD.card_no
  OR NEW.token_sha256 IS NOT OLD.token_sha256
  OR NEW.created_at IS NOT OLD.created_at
  OR NEW.log_seq IS NOT OLD.log_seq
BEGIN SELECT RAISE(ABORT, 'users: only revoked_at may be set, once: UPDATE refused'); END;

-- One row per review, keyed by its log entry (`result.approved` or `result.returned`):
-- the result reviewed, the reviewing user, the verdict and, for a return, its reason.
-- A result is reviewed at most once; a returned result is corrected, and the correction
-- is reviewed in turn.
CREATE TABLE reviews (
    log_seq     INTEGER PRIMARY KEY REFERENCES log_entries (seq),
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    result_id   INTEGER NOT NULL UNIQUE REFERENCES results (id),
    reviewer    INTEGER NOT NULL REFERENCES users (id),
    verdict     TEXT NOT NULL CHECK (verdict IN ('approved', 'returned')),
    reason      TEXT NULL,
    reviewed_at TEXT NOT NULL,
    CHECK ((verdict = 'returned' AND reason IS NOT NULL) OR (verdict = 'approved' AND reason IS NULL))
);
CREATE INDEX reviews_by_batch ON reviews (batch_id);

-- Append-only (defence in depth; `log verify` is the proof).
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only (correct the result, review the correction): UPDATE refused'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only (correct the result, review the correction): DELETE refused'); END;
