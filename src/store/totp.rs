//! Users' TOTP secrets (the corps' optional second factor), one row per `user.totp_set` or
//! `user.totp_removed` entry; the newest row of a user says whether they sign in with a
//! one-time code (an empty secret: no longer). Append-only (the database refuses UPDATE and
//! DELETE): setting or removing is a new row. `totp_uses` is server state: per user, the
//! newest step whose code was taken and the wrong codes lately given.

use super::{Result, Store, Tx};
use crate::{on_conn, on_pool};

/// A user's second factor as stored.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TotpRow {
    /// The `user.totp_set` or `user.totp_removed` entry.
    pub log_seq: i64,
    pub user_id: i64,
    /// The base32 secret, or empty once removed; never shown again, never logged.
    pub secret: String,
    pub set_by: Option<i64>,
    pub set_at: String,
}

impl std::fmt::Debug for TotpRow {
    /// Leaves the secret out (logs and panics print rows).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRow")
            .field("log_seq", &self.log_seq)
            .field("user_id", &self.user_id)
            .field("on", &!self.secret.is_empty())
            .field("set_by", &self.set_by)
            .field("set_at", &self.set_at)
            .finish()
    }
}

const CURRENT: &str = "SELECT log_seq, user_id, secret, set_by, set_at FROM totp_secrets \
     WHERE user_id = $1 ORDER BY log_seq DESC LIMIT 1";

/// Records a second factor set or removed by entry `log_seq`.
pub async fn insert(tx: &mut Tx, row: &TotpRow) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO totp_secrets (log_seq, user_id, secret, set_by, set_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(row.log_seq)
    .bind(row.user_id)
    .bind(&row.secret)
    .bind(row.set_by)
    .bind(&row.set_at)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// The secret user `user_id` signs in with, if their second factor is on.
pub async fn current(store: &Store, user_id: i64) -> Result<Option<TotpRow>> {
    let row: Option<TotpRow> =
        on_pool!(store, p => sqlx::query_as(CURRENT).bind(user_id).fetch_optional(p).await?);
    Ok(row.filter(|r| !r.secret.is_empty()))
}

/// As `current`, inside a write transaction.
pub async fn current_in(tx: &mut Tx, user_id: i64) -> Result<Option<TotpRow>> {
    let row: Option<TotpRow> =
        on_conn!(tx, c => sqlx::query_as(CURRENT).bind(user_id).fetch_optional(&mut *c).await?);
    Ok(row.filter(|r| !r.secret.is_empty()))
}

/// The users whose second factor is on.
pub async fn users_on(store: &Store) -> Result<Vec<i64>> {
    const ON: &str = "SELECT t.user_id FROM totp_secrets t WHERE t.secret <> '' AND t.log_seq = \
         (SELECT MAX(u.log_seq) FROM totp_secrets u WHERE u.user_id = t.user_id) ORDER BY t.user_id";
    Ok(on_pool!(store, p => sqlx::query_scalar(ON).fetch_all(p).await?))
}

/// Takes `step` for `user`: true if it is newer than every step taken before (and then the
/// wrong codes are forgotten), false if it was taken already or an older one.
pub async fn take_step(tx: &mut Tx, user: i64, step: i64) -> Result<bool> {
    let taken = on_conn!(tx, c => sqlx::query(
        "INSERT INTO totp_uses (user_id, last_step, failures, failures_since) VALUES ($1, $2, 0, 0) \
         ON CONFLICT (user_id) DO UPDATE SET last_step = excluded.last_step, failures = 0 \
         WHERE totp_uses.last_step < excluded.last_step",
    )
    .bind(user)
    .bind(step)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(taken == 1)
}

/// The wrong codes `user` gave since `since` (Unix seconds), as counted in their window.
pub async fn failures_since(tx: &mut Tx, user: i64, since: i64) -> Result<i64> {
    let row: Option<(i64, i64)> = on_conn!(tx, c => sqlx::query_as(
        "SELECT failures, failures_since FROM totp_uses WHERE user_id = $1",
    )
    .bind(user)
    .fetch_optional(&mut *c)
    .await?);
    Ok(row.map_or(0, |(n, from)| if from >= since { n } else { 0 }))
}

/// Counts a wrong code of `user` at `now`: a new window if the last began before
/// `window_from`.
pub async fn record_failure(tx: &mut Tx, user: i64, now: i64, window_from: i64) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO totp_uses (user_id, last_step, failures, failures_since) VALUES ($1, 0, 1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET \
         failures = CASE WHEN totp_uses.failures_since < $3 THEN 1 ELSE totp_uses.failures + 1 END, \
         failures_since = CASE WHEN totp_uses.failures_since < $3 THEN $2 ELSE totp_uses.failures_since END",
    )
    .bind(user)
    .bind(now)
    .bind(window_from)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}
