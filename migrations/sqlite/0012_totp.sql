-- The corps' optional second factor (TOTP, RFC 6238), SQLite. Kept in step with
-- ../postgres/0012_totp.sql.

-- One row per `user.totp_set` or `user.totp_removed` entry. The newest row of a user says
-- whether they sign in with a one-time code: `secret` is the base32 TOTP secret their
-- authenticator app holds, or '' once it was removed. Setting or removing is a new row,
-- never an update. `set_by` is who did it: the user themself (setting always is), a corps
-- user removing it for someone who lost their phone, or NULL for the server's operator at
-- the command line. The entry carries only the SHA-256 of `secret`, so that `log verify`
-- finds a rewritten secret (a way to sign in as someone) without the log holding it.
CREATE TABLE totp_secrets (
    log_seq INTEGER PRIMARY KEY REFERENCES log_entries (seq),
    user_id INTEGER NOT NULL REFERENCES users (id),
    secret  TEXT NOT NULL,
    set_by  INTEGER NULL REFERENCES users (id),
    set_at  TEXT NOT NULL
);
CREATE INDEX totp_secrets_by_user ON totp_secrets (user_id, log_seq);
CREATE TRIGGER totp_secrets_no_update BEFORE UPDATE ON totp_secrets
BEGIN SELECT RAISE(ABORT, 'totp_secrets are append-only: a change is a new row: UPDATE refused'); END;
CREATE TRIGGER totp_secrets_no_delete BEFORE DELETE ON totp_secrets
BEGIN SELECT RAISE(ABORT, 'totp_secrets are append-only: DELETE refused'); END;

-- Per user, the codes used: server state, not the product's (exempt from `log verify`,
-- like sessions). `last_step` is the newest 30-second step whose code was taken (a code
-- signs in once, and an older one never after it, in every process of the server);
-- `failures` counts wrong codes given with the right password since `failures_since`
-- (Unix seconds): past the limit, no code is taken for a while, whatever the address.
-- Deleting a row only forgets these, which reopens at most the last minute's codes to
-- someone who also has the password.
CREATE TABLE totp_uses (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id),
    last_step      INTEGER NOT NULL,
    failures       INTEGER NOT NULL,
    failures_since INTEGER NOT NULL
);
