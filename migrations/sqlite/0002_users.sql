-- Users of the HTTP API, SQLite. Kept in step with ../postgres/0002_users.sql: same
-- columns, same rules.

-- A user is added once and revoked at most once, never removed: each addition is a log
-- entry (`log_seq`). The token is shown once and kept only as the SHA-256 of its secret.
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('corps', 'officer', 'auditor')),
    -- The officer's card number (执法证号); officers only.
    card_no      TEXT NULL,
    token_sha256 BLOB NOT NULL CHECK (length(token_sha256) = 32),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT NULL,
    log_seq      INTEGER NOT NULL REFERENCES log_entries (seq),
    CHECK ((role = 'officer' AND card_no IS NOT NULL) OR (role <> 'officer' AND card_no IS NULL))
);

-- Users are revoked, never removed; the one change allowed is setting revoked_at once.
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
