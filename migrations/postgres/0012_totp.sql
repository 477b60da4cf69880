-- The corps' optional second factor (TOTP, RFC 6238), PostgreSQL. Kept in step with
-- ../sqlite/0012_totp.sql.

-- One row per `user.totp_set` or `user.totp_removed` entry. The newest row of a user says
-- whether they sign in with a one-time code: `secret` is the base32 TOTP secret their
-- authenticator app holds, or '' once it was removed. Setting or removing is a new row,
-- never an update. `set_by` is who did it: the user themself (setting always is), a corps
-- user removing it for someone who lost their phone, or NULL for the server's operator at
-- the command line. The entry carries only the SHA-256 of `secret`, so that `log verify`
-- finds a rewritten secret (a way to sign in as someone) without the log holding it.
CREATE TABLE totp_secrets (
    log_seq BIGINT PRIMARY KEY REFERENCES log_entries (seq),
    user_id BIGINT NOT NULL REFERENCES users (id),
    secret  TEXT NOT NULL,
    set_by  BIGINT NULL REFERENCES users (id),
    set_at  TEXT NOT NULL
);
CREATE INDEX totp_secrets_by_user ON totp_secrets (user_id, log_seq);
CREATE TRIGGER totp_secrets_append_only BEFORE UPDATE OR DELETE ON totp_secrets FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER totp_secrets_no_truncate BEFORE TRUNCATE ON totp_secrets FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Per user, the codes used: server state, not the product's (exempt from `log verify`,
-- like sessions). `last_step` is the newest 30-second step whose code was taken (a code
-- signs in once, and an older one never after it, in every process of the server);
-- `failures` counts wrong codes given with the right password since `failures_since`
-- (Unix seconds): past the limit, no code is taken for a while, whatever the address.
-- Deleting a row only forgets these, which reopens at most the last minute's codes to
-- someone who also has the password.
CREATE TABLE totp_uses (
    user_id        BIGINT PRIMARY KEY REFERENCES users (id),
    last_step      BIGINT NOT NULL,
    failures       BIGINT NOT NULL,
    failures_since BIGINT NOT NULL
);
