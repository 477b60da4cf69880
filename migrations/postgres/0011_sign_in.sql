-- People sign in (console), PostgreSQL. Kept in step with ../sqlite/0011_sign_in.sql.

-- One row per `user.password_set` entry: the password a user signs in with, as an argon2id
-- PHC string (algorithm, parameters, salt and hash; never the password). The newest row of
-- a user is their password; a change or a reset is a new row, never an update. `set_by` is
-- the user who set it (the user themself, or a corps user resetting it), NULL when the
-- server's operator set it at the command line. The entry carries only the SHA-256 of
-- `phc`, so that `log verify` finds a rewritten hash (a way to sign in as someone).
CREATE TABLE passwords (
    log_seq BIGINT PRIMARY KEY REFERENCES log_entries (seq),
    user_id BIGINT NOT NULL REFERENCES users (id),
    phc     TEXT NOT NULL,
    set_by  BIGINT NULL REFERENCES users (id),
    set_at  TEXT NOT NULL
);
CREATE INDEX passwords_by_user ON passwords (user_id, log_seq);
CREATE TRIGGER passwords_append_only BEFORE UPDATE OR DELETE ON passwords FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER passwords_no_truncate BEFORE TRUNCATE ON passwords FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Sign-in sessions: server state, not the product's (exempt from `log verify`; the
-- sign-in and sign-out themselves are log entries). The cookie holds 32 random bytes;
-- only their SHA-256 is kept. Times are Unix seconds. A session ends when its user signs
-- out (the row is deleted), when it has been idle too long or lived too long (refused,
-- then deleted), or when its user's password changes or the user is revoked.
CREATE TABLE sessions (
    id_sha256 BYTEA PRIMARY KEY CHECK (length(id_sha256) = 32),
    user_id   BIGINT NOT NULL REFERENCES users (id),
    created   BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    -- The `passwords` row the session was opened with: a newer password ends it.
    password_seq BIGINT NOT NULL REFERENCES passwords (log_seq),
    -- The `user.signed_in` entry that opened it, which names it (the SHA-256 of id_sha256):
    -- a row without one opens nothing.
    signed_in_seq BIGINT NOT NULL REFERENCES log_entries (seq)
);
CREATE INDEX sessions_by_user ON sessions (user_id);
