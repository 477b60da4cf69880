//! Directory snapshots: one immutable, hashed version of one table per import that changed it.

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn, on_pool};

/// A snapshot's description (its rows are in the table named by `kind`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub id: i64,
    pub kind: String,
    pub version: i64,
    /// SHA-256 of the snapshot's canonical CSV (`import::canonical_csv`).
    pub content_sha256: String,
    pub row_count: i64,
    pub source_name: String,
    /// SHA-256 of the imported file's exact bytes.
    pub source_sha256: String,
    pub encoding: String,
    pub imported_at: String,
    pub log_seq: i64,
}

/// What a new snapshot records.
pub struct NewSnapshot<'a> {
    pub kind: &'a str,
    /// The next version of `kind` (one more than the newest, from 1).
    pub version: i64,
    pub content_sha256: &'a str,
    pub row_count: i64,
    pub source_name: &'a str,
    pub source_sha256: &'a str,
    pub encoding: &'a str,
    pub imported_at: &'a str,
    pub log_seq: i64,
}

const COLUMNS: &str = "id, kind, version, content_sha256, row_count, source_name, source_sha256, encoding, imported_at, log_seq";

fn from_row<R: Row>(r: R) -> Result<Snapshot, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(Snapshot {
        id: r.try_get(0)?,
        kind: r.try_get(1)?,
        version: r.try_get(2)?,
        content_sha256: r.try_get(3)?,
        row_count: r.try_get(4)?,
        source_name: r.try_get(5)?,
        source_sha256: r.try_get(6)?,
        encoding: r.try_get(7)?,
        imported_at: r.try_get(8)?,
        log_seq: r.try_get(9)?,
    })
}

/// The newest snapshot of `kind`, as seen inside a write transaction.
pub async fn latest_in(tx: &mut Tx, kind: &str) -> Result<Option<Snapshot>> {
    let sql =
        format!("SELECT {COLUMNS} FROM snapshots WHERE kind = $1 ORDER BY version DESC LIMIT 1");
    Ok(
        on_conn!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(kind).fetch_optional(&mut *c).await?.map(from_row).transpose()?),
    )
}

/// The newest snapshot of `kind`.
pub async fn latest(store: &Store, kind: &str) -> Result<Option<Snapshot>> {
    let sql =
        format!("SELECT {COLUMNS} FROM snapshots WHERE kind = $1 ORDER BY version DESC LIMIT 1");
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(kind).fetch_optional(p).await?.map(from_row).transpose()?),
    )
}

/// Every snapshot, oldest first.
pub async fn all(store: &Store) -> Result<Vec<Snapshot>> {
    let sql = format!("SELECT {COLUMNS} FROM snapshots ORDER BY id");
    Ok(fetch_rows!(pool store, sql, from_row))
}

/// One snapshot by id.
pub async fn by_id(store: &Store, id: i64) -> Result<Option<Snapshot>> {
    let sql = format!("SELECT {COLUMNS} FROM snapshots WHERE id = $1");
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?.map(from_row).transpose()?),
    )
}

/// The id the next snapshot will have. Called inside the write transaction (which holds the
/// store's write lock), so rows can be written under it before the snapshot row itself:
/// their foreign key is checked at commit.
pub async fn reserve_id(tx: &mut Tx) -> Result<i64> {
    // MAX + 1 under the write lock, on both databases: ids follow log order without gaps
    // (a PostgreSQL sequence skips the values of rolled-back transactions), as the log's
    // projection numbers them (`log verify`).
    Ok(
        on_conn!(tx, c => sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM snapshots")
        .fetch_one(&mut *c)
        .await?),
    )
}

/// Records snapshot `id` (from `reserve_id`); a version given twice is refused by the
/// `UNIQUE (kind, version)` constraint.
pub async fn create(tx: &mut Tx, id: i64, new: &NewSnapshot<'_>) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO snapshots (id, kind, version, content_sha256, row_count, source_name, source_sha256, encoding, imported_at, log_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(new.kind)
    .bind(new.version)
    .bind(new.content_sha256)
    .bind(new.row_count)
    .bind(new.source_name)
    .bind(new.source_sha256)
    .bind(new.encoding)
    .bind(new.imported_at)
    .bind(new.log_seq)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}
