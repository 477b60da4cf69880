//! Users' passwords as argon2id PHC strings, one row per `user.password_set` entry; the
//! newest row of a user is their password. Append-only (the database refuses UPDATE and
//! DELETE): a change or a reset is a new row.

use super::{Result, Store, Tx};
use crate::{on_conn, on_pool};

/// A user's password as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PasswordRow {
    /// The `user.password_set` entry.
    pub log_seq: i64,
    pub user_id: i64,
    /// The argon2id PHC string; never shown, never logged.
    pub phc: String,
    pub set_by: Option<i64>,
    pub set_at: String,
}

const CURRENT: &str = "SELECT log_seq, user_id, phc, set_by, set_at FROM passwords \
     WHERE user_id = $1 ORDER BY log_seq DESC LIMIT 1";

/// Records a password set by entry `log_seq`.
pub async fn insert(tx: &mut Tx, row: &PasswordRow) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO passwords (log_seq, user_id, phc, set_by, set_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(row.log_seq)
    .bind(row.user_id)
    .bind(&row.phc)
    .bind(row.set_by)
    .bind(&row.set_at)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// The password user `user_id` signs in with, if one was ever set.
pub async fn current(store: &Store, user_id: i64) -> Result<Option<PasswordRow>> {
    Ok(on_pool!(store, p => sqlx::query_as(CURRENT).bind(user_id).fetch_optional(p).await?))
}

/// As `current`, inside a write transaction.
pub async fn current_in(tx: &mut Tx, user_id: i64) -> Result<Option<PasswordRow>> {
    Ok(on_conn!(tx, c => sqlx::query_as(CURRENT).bind(user_id).fetch_optional(&mut *c).await?))
}
