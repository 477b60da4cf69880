//! Inspection results: append-only rows; a correction is a new row naming the one it corrects.

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn, on_pool};

/// A result as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResultRow {
    pub id: i64,
    pub batch_id: String,
    pub uscc: String,
    pub recorded_by: String,
    /// Category codes in the data file's order.
    pub codes: Vec<String>,
    pub note: String,
    pub inspected_on: String,
    pub recorded_at: String,
    pub corrects: Option<i64>,
    pub log_seq: i64,
    /// The client's request id (idempotency key), if it gave one.
    pub request_id: Option<String>,
    /// The filled checklist as logged (canonical JSON), if the result fills one.
    pub checklist: Option<String>,
    /// The findings' opening (canonical JSON with its salt; never published), if any.
    pub findings: Option<String>,
}

/// What a new result records.
pub struct NewResult<'a> {
    /// The id the log entry names (`next_id`).
    pub id: i64,
    pub batch_id: &'a str,
    pub uscc: &'a str,
    pub recorded_by: &'a str,
    pub codes: &'a [String],
    pub note: &'a str,
    pub inspected_on: &'a str,
    pub recorded_at: &'a str,
    pub corrects: Option<i64>,
    pub log_seq: i64,
    pub request_id: Option<&'a str>,
    pub checklist: Option<&'a str>,
    pub findings: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, r: &NewResult<'_>) -> Result<i64> {
    Ok(on_conn!(tx, c => sqlx::query_scalar(
        "INSERT INTO results (id, batch_id, uscc, recorded_by, codes, note, inspected_on, recorded_at, corrects, log_seq, request_id, checklist, findings) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(r.id)
    .bind(r.batch_id)
    .bind(r.uscc)
    .bind(r.recorded_by)
    .bind(r.codes.join(";"))
    .bind(r.note)
    .bind(r.inspected_on)
    .bind(r.recorded_at)
    .bind(r.corrects)
    .bind(r.log_seq)
    .bind(r.request_id)
    .bind(r.checklist)
    .bind(r.findings)
    .fetch_one(&mut *c)
    .await?))
}

/// The next result id (ids are given in order by both databases); used to write the log
/// entry, which names the result, before the row.
pub async fn next_id(tx: &mut Tx) -> Result<i64> {
    let max: Option<i64> = on_conn!(tx, c => sqlx::query_scalar("SELECT MAX(id) FROM results").fetch_one(&mut *c).await?);
    Ok(max.unwrap_or(0) + 1)
}

fn from_row<R: Row>(r: R) -> Result<ResultRow, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let codes: String = r.try_get(4)?;
    Ok(ResultRow {
        id: r.try_get(0)?,
        batch_id: r.try_get(1)?,
        uscc: r.try_get(2)?,
        recorded_by: r.try_get(3)?,
        codes: codes
            .split(';')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        note: r.try_get(5)?,
        inspected_on: r.try_get(6)?,
        recorded_at: r.try_get(7)?,
        corrects: r.try_get(8)?,
        log_seq: r.try_get(9)?,
        request_id: r.try_get(10)?,
        checklist: r.try_get(11)?,
        findings: r.try_get(12)?,
    })
}

const SELECT: &str = "SELECT id, batch_id, uscc, recorded_by, codes, note, inspected_on, recorded_at, corrects, log_seq, request_id, checklist, findings FROM results";

/// Every result of a batch, in the order recorded.
pub async fn of_batch(store: &Store, batch: &str) -> Result<Vec<ResultRow>> {
    let sql = format!("{SELECT} WHERE batch_id = $1 ORDER BY id");
    Ok(fetch_rows!(pool store, sql, from_row, batch))
}

/// Every result of a batch, in the order recorded, inside a write transaction.
pub async fn of_batch_in(tx: &mut Tx, batch: &str) -> Result<Vec<ResultRow>> {
    let sql = format!("{SELECT} WHERE batch_id = $1 ORDER BY id");
    Ok(fetch_rows!(tx tx, sql, from_row, batch))
}

/// Every result, in order (for `log verify`'s cross-check).
pub async fn all(store: &Store) -> Result<Vec<ResultRow>> {
    let sql = format!("{SELECT} ORDER BY id");
    Ok(fetch_rows!(pool store, sql, from_row))
}

/// One result by id, inside a write transaction.
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<ResultRow>> {
    let sql = format!("{SELECT} WHERE id = $1");
    Ok(
        on_conn!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.map(from_row).transpose()?),
    )
}

/// The results of one target of a batch, in the order recorded, inside a write transaction
/// (where which result stands is decided).
pub async fn of_target_in(tx: &mut Tx, batch: &str, uscc: &str) -> Result<Vec<ResultRow>> {
    let sql = format!("{SELECT} WHERE batch_id = $1 AND uscc = $2 ORDER BY id");
    Ok(fetch_rows!(tx tx, sql, from_row, batch, uscc))
}

const BY_REQUEST: &str = "WHERE batch_id = $1 AND recorded_by = $2 AND request_id = $3";

/// The result an officer recorded in a batch under a request id, if any.
pub async fn by_request(
    store: &Store,
    batch: &str,
    recorded_by: &str,
    request: &str,
) -> Result<Option<ResultRow>> {
    let sql = format!("{SELECT} {BY_REQUEST}");
    Ok(on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(batch)
        .bind(recorded_by)
        .bind(request)
        .fetch_optional(p)
        .await?
        .map(from_row)
        .transpose()?))
}

/// As `by_request`, inside a write transaction.
pub async fn by_request_in(
    tx: &mut Tx,
    batch: &str,
    recorded_by: &str,
    request: &str,
) -> Result<Option<ResultRow>> {
    let sql = format!("{SELECT} {BY_REQUEST}");
    Ok(on_conn!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(batch)
        .bind(recorded_by)
        .bind(request)
        .fetch_optional(&mut *c)
        .await?
        .map(from_row)
        .transpose()?))
}
