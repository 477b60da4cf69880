//! The log's tables: entries (exact bytes, in order), signed checkpoints, and the settings
//! fixed at `init`. Rows here are only ever inserted (the database refuses the rest).

use sqlx::Row;

use super::{Result, Store, StoreError, Tx};
use crate::{on_conn, on_pool};

pub use crate::ledger::StoredEntry;

/// One stored checkpoint: the tree size it signs and the signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub note: String,
}

/// The columns `entry_from_row` reads.
const ENTRY_COLUMNS: &str = "seq, bytes, leaf_hash, opening";

/// A `log_entries` row (`ENTRY_COLUMNS`) as a `StoredEntry`.
fn entry_from_row<R: Row>(r: R) -> Result<StoredEntry, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Vec<u8>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(StoredEntry {
        seq: r.try_get::<i64, _>(0)? as u64,
        bytes: r.try_get(1)?,
        leaf_hash: r.try_get(2)?,
        opening: r.try_get(3)?,
    })
}

/// The number of entries (the next entry's `seq`), as seen by `tx`.
pub async fn size(tx: &mut Tx) -> Result<u64> {
    let n: i64 = on_conn!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM log_entries").fetch_one(&mut *c).await?);
    Ok(n as u64)
}

/// Inserts the entry `bytes` at position `seq` (which must be `size`), with the opening of
/// its seal if it has one.
pub async fn insert(
    tx: &mut Tx,
    seq: u64,
    bytes: &[u8],
    leaf_hash: &[u8],
    opening: Option<&str>,
) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO log_entries (seq, bytes, leaf_hash, opening) VALUES ($1, $2, $3, $4)",
    )
    .bind(seq as i64)
    .bind(bytes)
    .bind(leaf_hash)
    .bind(opening)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// The leaf hashes of every entry, in order (to compute the root for a checkpoint).
pub async fn leaf_hashes(tx: &mut Tx) -> Result<Vec<[u8; 32]>> {
    let rows: Vec<Vec<u8>> = on_conn!(tx, c => sqlx::query_scalar("SELECT leaf_hash FROM log_entries ORDER BY seq")
        .fetch_all(&mut *c)
        .await?);
    rows.into_iter()
        .enumerate()
        .map(|(i, h)| {
            h.try_into().map_err(|_| {
                StoreError::Corrupt(format!("log entry {i}: leaf hash is not 32 bytes"))
            })
        })
        .collect()
}

/// Inserts a signed checkpoint for tree size `size` (nothing if one exists for that size).
pub async fn insert_checkpoint(tx: &mut Tx, size: u64, note: &str) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO log_checkpoints (size, note) VALUES ($1, $2) ON CONFLICT (size) DO NOTHING",
    )
    .bind(size as i64)
    .bind(note)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Every entry, in order of `seq`.
pub async fn entries(store: &Store) -> Result<Vec<StoredEntry>> {
    let rows = on_pool!(store, p => {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {ENTRY_COLUMNS} FROM log_entries ORDER BY seq")))
            .fetch_all(p)
            .await?
            .into_iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>, sqlx::Error>>()?
    });
    Ok(rows)
}

/// Every entry, in order of `seq`, as seen inside a write transaction.
pub async fn entries_in(tx: &mut Tx) -> Result<Vec<StoredEntry>> {
    let rows = on_conn!(tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {ENTRY_COLUMNS} FROM log_entries ORDER BY seq")))
            .fetch_all(&mut *c)
            .await?
            .into_iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>, sqlx::Error>>()?
    });
    Ok(rows)
}

/// The newest checkpoint, as seen inside a write transaction.
pub async fn latest_checkpoint_in(tx: &mut Tx) -> Result<Option<StoredCheckpoint>> {
    Ok(on_conn!(tx, c => {
        sqlx::query("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&mut *c)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(StoredCheckpoint {
                size: r.try_get::<i64, _>(0)? as u64,
                note: r.try_get(1)?,
            }))
            .transpose()?
    }))
}

/// The entry at `seq`, if any, as seen inside a write transaction.
pub async fn entry_in(tx: &mut Tx, seq: u64) -> Result<Option<StoredEntry>> {
    let row = on_conn!(tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {ENTRY_COLUMNS} FROM log_entries WHERE seq = $1")))
            .bind(seq as i64)
            .fetch_optional(&mut *c)
            .await?
            .map(entry_from_row)
            .transpose()?
    });
    Ok(row)
}

/// The newest stored checkpoint, if any (one row, by the primary key).
pub async fn latest_checkpoint(store: &Store) -> Result<Option<StoredCheckpoint>> {
    Ok(on_pool!(store, p => {
        sqlx::query("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(StoredCheckpoint {
                size: r.try_get::<i64, _>(0)? as u64,
                note: r.try_get(1)?,
            }))
            .transpose()?
    }))
}

/// Every checkpoint, in order of size.
pub async fn checkpoints(store: &Store) -> Result<Vec<StoredCheckpoint>> {
    let rows = on_pool!(store, p => {
        sqlx::query("SELECT size, note FROM log_checkpoints ORDER BY size")
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| Ok(StoredCheckpoint {
                size: r.try_get::<i64, _>(0)? as u64,
                note: r.try_get(1)?,
            }))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
    });
    Ok(rows)
}

/// A setting fixed at `init` (the log's origin, its verifier key), if set.
pub async fn meta(store: &Store, key: &str) -> Result<Option<String>> {
    Ok(
        on_pool!(store, p => sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_optional(p)
        .await?),
    )
}

/// Sets a setting once (a second set of the same key is refused by the primary key).
pub async fn set_meta(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    on_conn!(tx, c => sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
        .bind(key)
        .bind(value)
        .execute(&mut *c)
        .await?
        .rows_affected());
    Ok(())
}

/// The leaf hashes of entries `start`, `start + 1`, … below `end`, in order (to extend a
/// tree kept in memory).
pub async fn leaf_hashes_between(store: &Store, start: u64, end: u64) -> Result<Vec<[u8; 32]>> {
    let rows: Vec<(i64, Vec<u8>)> = on_pool!(store, p => sqlx::query_as(
        "SELECT seq, leaf_hash FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq",
    )
    .bind(start as i64)
    .bind(end as i64)
    .fetch_all(p)
    .await?);
    rows.into_iter()
        .enumerate()
        .map(|(i, (seq, h))| {
            if seq as u64 != start + i as u64 {
                return Err(StoreError::Corrupt(format!(
                    "log entry {}: missing (found entry {seq} in its place)",
                    start + i as u64
                )));
            }
            h.try_into().map_err(|_| {
                StoreError::Corrupt(format!("log entry {seq}: leaf hash is not 32 bytes"))
            })
        })
        .collect()
}

/// The entries `start`, `start + 1`, … below `end`, in order.
pub async fn entries_between(store: &Store, start: u64, end: u64) -> Result<Vec<StoredEntry>> {
    let rows = on_pool!(store, p => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq"
        )))
        .bind(start as i64)
        .bind(end as i64)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, sqlx::Error>>()?
    });
    Ok(rows)
}

/// The checkpoint stored for tree size `size`, if any.
pub async fn checkpoint_of_size(store: &Store, size: u64) -> Result<Option<StoredCheckpoint>> {
    let row: Option<(i64, String)> = on_pool!(store, p => sqlx::query_as(
        "SELECT size, note FROM log_checkpoints WHERE size = $1",
    )
    .bind(size as i64)
    .fetch_optional(p)
    .await?);
    Ok(row.map(|(size, note)| StoredCheckpoint {
        size: size as u64,
        note,
    }))
}
