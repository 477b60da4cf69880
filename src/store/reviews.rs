//! Reviews of results (审核): append-only rows, one per `result.approved` or
//! `result.returned` entry, keyed by that entry. A result is reviewed at most once.

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn};

/// A review as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewRow {
    /// The `result.approved` or `result.returned` entry.
    pub log_seq: i64,
    pub batch_id: String,
    pub result_id: i64,
    /// The reviewing user's id.
    pub reviewer: i64,
    /// `approved` or `returned`.
    pub verdict: String,
    /// A return's reason (returns only).
    pub reason: Option<String>,
    pub reviewed_at: String,
}

pub async fn insert(tx: &mut Tx, r: &ReviewRow) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO reviews (log_seq, batch_id, result_id, reviewer, verdict, reason, reviewed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.log_seq)
    .bind(&r.batch_id)
    .bind(r.result_id)
    .bind(r.reviewer)
    .bind(&r.verdict)
    .bind(&r.reason)
    .bind(&r.reviewed_at)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

fn from_row<R: Row>(r: R) -> Result<ReviewRow, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ReviewRow {
        log_seq: r.try_get(0)?,
        batch_id: r.try_get(1)?,
        result_id: r.try_get(2)?,
        reviewer: r.try_get(3)?,
        verdict: r.try_get(4)?,
        reason: r.try_get(5)?,
        reviewed_at: r.try_get(6)?,
    })
}

const SELECT: &str =
    "SELECT log_seq, batch_id, result_id, reviewer, verdict, reason, reviewed_at FROM reviews";

/// Every review of a batch, in log order.
pub async fn of_batch(store: &Store, batch: &str) -> Result<Vec<ReviewRow>> {
    let sql = format!("{SELECT} WHERE batch_id = $1 ORDER BY log_seq");
    Ok(fetch_rows!(pool store, sql, from_row, batch))
}

/// Every review of a batch, in log order, inside a write transaction.
pub async fn of_batch_in(tx: &mut Tx, batch: &str) -> Result<Vec<ReviewRow>> {
    let sql = format!("{SELECT} WHERE batch_id = $1 ORDER BY log_seq");
    Ok(fetch_rows!(tx tx, sql, from_row, batch))
}
