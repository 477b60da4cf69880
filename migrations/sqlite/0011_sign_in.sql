-- People sign in (console), SQLite. Kept in step with ../postgres/0011_sign_in.sql.

-- One row per `user.password_set` entry: the password a user signs in with, as an argon2id
-- PHC string (algorithm, parameters, salt and hash; never the password). The newest row of
-- a user is their password; a change or a reset is a new row, never an update. `set_by` is
-- the user who set it (the user themself, or a corps user resetting it), NULL when the
-- server's operator set it at the command line. The entry carries only the SHA-256 of
-- `phc`, so that `log verify` finds a rewritten hash (a way to sign in as someone).
CREATE TABLE passwords (
    log_seq INTEGER PRIMARY KEY REFERENCES log_entries (seq),
    user_id INTEGER NOT NULL REFERENCES users (id),
    phc     TEXT NOT NULL,
    set_by  INTEGER NULL REFERENCES users (id),
    set_at  TEXT NOT NULL
);
CREATE INDEX passwords_by_user ON passwords (user_id, log_seq);
CREATE TRIGGER passwords_no_update BEFORE UPDATE ON passwords
BEGIN SELECT RAISE(ABORT, 'passwords are append-only: a change is a new row: UPDATE refused'); END;
CREATE TRIGGER passwords_no_delete BEFORE DELETE ON passwords
BEGIN SELECT RAISE(ABORT, 'passwords are append-only: DELETE refused'); END;

-- Sign-in sessions: server state, not the product's (exempt from `log verify`; the
-- sign-in and sign-out themselves are log entries). The cookie holds 32 random bytes;
-- only their SHA-256 is kept. Times are Unix seconds. A session ends when its user signs
-- out (the row is deleted), when it has been idle too long or lived too long (refused,
-- then deleted), or when its user's password changes or the user is revoked.
CREATE TABLE sessions (
    id_sha256 BLOB PRIMARY KEY CHECK (length(id_sha256) = 32),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    created   INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    -- The `passwords` row the session was opened with: a newer password ends it.
    password_seq INTEGER NOT NULL REFERENCES passwords (log_seq),
    -- The `user.signed_in` entry that opened it, which names it (the SHA-256 of id_sha256):
    -- a row without one opens nothing.
    signed_in_seq INTEGER NOT NULL REFERENCES log_entries (seq)
);
CREATE INDEX sessions_by_user ON sessions (user_id);
