//! Users of the HTTP API and their tokens (stored as hashes only).
//!
//! Rows are inserted once and changed once at most: `revoke` sets `revoked_at` (the
//! database refuses any other UPDATE, and every DELETE).

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn, on_pool};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    /// `corps`, `officer`, `auditor` or `reviewer`.
    pub role: String,
    /// The officer's card number (officers only).
    pub card_no: Option<String>,
    /// SHA-256 of the token's secret; never shown.
    pub token_sha256: Vec<u8>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// The `user.added` entry.
    pub log_seq: i64,
}

/// What a new user records.
pub struct NewUser<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub card_no: Option<&'a str>,
    pub token_sha256: &'a [u8],
    pub created_at: &'a str,
    pub log_seq: i64,
}

const COLUMNS: &str = "id, name, role, card_no, token_sha256, created_at, revoked_at, log_seq";

fn from_row<R: Row>(r: R) -> Result<UserRow, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Vec<u8>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(UserRow {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        role: r.try_get(2)?,
        card_no: r.try_get(3)?,
        token_sha256: r.try_get(4)?,
        created_at: r.try_get(5)?,
        revoked_at: r.try_get(6)?,
        log_seq: r.try_get(7)?,
    })
}

/// The id the next user will have. Called inside the write transaction (which holds the
/// store's write lock), so the token and the log entry can name the user before its row
/// is written.
pub async fn reserve_id(tx: &mut Tx) -> Result<i64> {
    // MAX + 1 under the write lock, on both databases: ids follow log order without gaps
    // (a PostgreSQL sequence skips the values of rolled-back transactions), as the log's
    // projection numbers them (`log verify`).
    Ok(
        on_conn!(tx, c => sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users")
        .fetch_one(&mut *c)
        .await?),
    )
}

/// Records user `id` (from `reserve_id`); a name given twice is refused by `UNIQUE`.
pub async fn insert(tx: &mut Tx, id: i64, new: &NewUser<'_>) -> Result<i64> {
    Ok(on_conn!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (id, name, role, card_no, token_sha256, created_at, log_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id)
    .bind(new.name)
    .bind(new.role)
    .bind(new.card_no)
    .bind(new.token_sha256)
    .bind(new.created_at)
    .bind(new.log_seq)
    .fetch_one(&mut *c)
    .await?))
}

/// One user by id.
pub async fn get(store: &Store, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?.map(from_row).transpose()?),
    )
}

/// One user by id, as seen inside a write transaction.
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(
        on_conn!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.map(from_row).transpose()?),
    )
}

/// One user by name.
pub async fn by_name(store: &Store, name: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE name = $1");
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(p).await?.map(from_row).transpose()?),
    )
}

/// One user by name, as seen inside a write transaction.
pub async fn by_name_in(tx: &mut Tx, name: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE name = $1");
    Ok(
        on_conn!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(&mut *c).await?.map(from_row).transpose()?),
    )
}

/// Every user, in the order added.
pub async fn all(store: &Store) -> Result<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY id");
    Ok(fetch_rows!(pool store, sql, from_row))
}

/// Sets `revoked_at` of the user `name` to `time` if it is not revoked yet; whether it was.
pub async fn revoke(tx: &mut Tx, name: &str, time: &str) -> Result<bool> {
    let changed = on_conn!(tx, c => sqlx::query(
        "UPDATE users SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
    )
    .bind(name)
    .bind(time)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(changed == 1)
}
