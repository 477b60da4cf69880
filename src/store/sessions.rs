//! Sign-in sessions, kept on the server: the SHA-256 of the cookie's random bytes, whose
//! user, opened with which password, when opened and when last used (Unix seconds). Server
//! state, not the product's: `log verify` exempts this table (`projection::EXEMPT`); the
//! sign-ins and sign-outs are log entries.

use super::{Result, Store, Tx};
use crate::{on_conn, on_pool};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id_sha256: Vec<u8>,
    pub user_id: i64,
    pub created: i64,
    pub last_seen: i64,
    /// The `passwords` row (its log entry) the session was opened with.
    pub password_seq: i64,
    /// The `user.signed_in` entry that opened it.
    pub signed_in_seq: i64,
}

/// Opens a session.
pub async fn insert(tx: &mut Tx, row: &SessionRow) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO sessions (id_sha256, user_id, created, last_seen, password_seq, signed_in_seq) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.id_sha256)
    .bind(row.user_id)
    .bind(row.created)
    .bind(row.last_seen)
    .bind(row.password_seq)
    .bind(row.signed_in_seq)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// The session whose id hashes to `id_sha256`.
pub async fn get(store: &Store, id_sha256: &[u8]) -> Result<Option<SessionRow>> {
    Ok(on_pool!(store, p => sqlx::query_as(
        "SELECT id_sha256, user_id, created, last_seen, password_seq, signed_in_seq FROM sessions WHERE id_sha256 = $1",
    )
    .bind(id_sha256)
    .fetch_optional(p)
    .await?))
}

/// Moves a session's last use to `now`.
pub async fn touch(store: &Store, id_sha256: &[u8], now: i64) -> Result<()> {
    on_pool!(store, p => sqlx::query("UPDATE sessions SET last_seen = $2 WHERE id_sha256 = $1")
        .bind(id_sha256)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Ends one session; whether it was open.
pub async fn delete(tx: &mut Tx, id_sha256: &[u8]) -> Result<bool> {
    let n = on_conn!(tx, c => sqlx::query("DELETE FROM sessions WHERE id_sha256 = $1")
        .bind(id_sha256)
        .execute(&mut *c)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// Ends every session of a user (a new password, a revocation).
pub async fn delete_of_user(tx: &mut Tx, user_id: i64) -> Result<u64> {
    Ok(
        on_conn!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected()),
    )
}

/// Deletes the sessions last used before `idle_before` or opened before `opened_before`.
pub async fn delete_stale(tx: &mut Tx, idle_before: i64, opened_before: i64) -> Result<u64> {
    Ok(on_conn!(tx, c => sqlx::query(
        "DELETE FROM sessions WHERE last_seen < $1 OR created < $2",
    )
    .bind(idle_before)
    .bind(opened_before)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}
