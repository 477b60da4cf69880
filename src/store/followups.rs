//! Follow-ups (后续处置): append-only rows, one per `followup.measure` entry
//! (`followup_measures`) and one per `followup.closed` entry (`followup_closures`, at most
//! one per target), each keyed by its entry.

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn};

/// A measure as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MeasureRow {
    /// The `followup.measure` entry.
    pub log_seq: i64,
    pub batch_id: String,
    pub uscc: String,
    /// The result followed up (the standing one when the measure was recorded).
    pub result_id: i64,
    /// A `domain::codes::Measure`, as spelled there (e.g. 责令限期整改).
    pub measure: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub note: String,
    /// The recording corps user's id.
    pub recorded_by: i64,
    pub recorded_at: String,
    /// The client's request id (idempotency key), if it gave one.
    pub request_id: Option<String>,
}

/// A closure as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ClosureRow {
    /// The `followup.closed` entry.
    pub log_seq: i64,
    pub batch_id: String,
    pub uscc: String,
    /// The standing result when it was closed.
    pub result_id: i64,
    /// YYYY-MM-DD.
    pub closed_on: String,
    /// A `domain::codes::Outcome`, as spelled there (e.g. 已整改).
    pub outcome: String,
    /// The outcome in words (查处结果).
    pub outcome_text: String,
    /// The closing corps user's id.
    pub closed_by: i64,
    pub recorded_at: String,
}

pub async fn insert_measure(tx: &mut Tx, m: &MeasureRow) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO followup_measures (log_seq, batch_id, uscc, result_id, measure, due_on, note, recorded_by, recorded_at, request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(m.log_seq)
    .bind(&m.batch_id)
    .bind(&m.uscc)
    .bind(m.result_id)
    .bind(&m.measure)
    .bind(&m.due_on)
    .bind(&m.note)
    .bind(m.recorded_by)
    .bind(&m.recorded_at)
    .bind(&m.request_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

pub async fn insert_closure(tx: &mut Tx, c: &ClosureRow) -> Result<()> {
    on_conn!(tx, conn => sqlx::query(
        "INSERT INTO followup_closures (log_seq, batch_id, uscc, result_id, closed_on, outcome, outcome_text, closed_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(c.log_seq)
    .bind(&c.batch_id)
    .bind(&c.uscc)
    .bind(c.result_id)
    .bind(&c.closed_on)
    .bind(&c.outcome)
    .bind(&c.outcome_text)
    .bind(c.closed_by)
    .bind(&c.recorded_at)
    .execute(&mut *conn)
    .await
    .map(|_| ())?);
    Ok(())
}

fn measure_row<R: Row>(r: R) -> Result<MeasureRow, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(MeasureRow {
        log_seq: r.try_get(0)?,
        batch_id: r.try_get(1)?,
        uscc: r.try_get(2)?,
        result_id: r.try_get(3)?,
        measure: r.try_get(4)?,
        due_on: r.try_get(5)?,
        note: r.try_get(6)?,
        recorded_by: r.try_get(7)?,
        recorded_at: r.try_get(8)?,
        request_id: r.try_get(9)?,
    })
}

fn closure_row<R: Row>(r: R) -> Result<ClosureRow, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ClosureRow {
        log_seq: r.try_get(0)?,
        batch_id: r.try_get(1)?,
        uscc: r.try_get(2)?,
        result_id: r.try_get(3)?,
        closed_on: r.try_get(4)?,
        outcome: r.try_get(5)?,
        outcome_text: r.try_get(6)?,
        closed_by: r.try_get(7)?,
        recorded_at: r.try_get(8)?,
    })
}

const MEASURES: &str = "SELECT log_seq, batch_id, uscc, result_id, measure, due_on, note, recorded_by, recorded_at, request_id FROM followup_measures";
const CLOSURES: &str = "SELECT log_seq, batch_id, uscc, result_id, closed_on, outcome, outcome_text, closed_by, recorded_at FROM followup_closures";

/// A batch's measures and closures, in log order.
pub async fn of_batch(store: &Store, batch: &str) -> Result<(Vec<MeasureRow>, Vec<ClosureRow>)> {
    let m = format!("{MEASURES} WHERE batch_id = $1 ORDER BY log_seq");
    let c = format!("{CLOSURES} WHERE batch_id = $1 ORDER BY log_seq");
    Ok((
        fetch_rows!(pool store, m, measure_row, batch),
        fetch_rows!(pool store, c, closure_row, batch),
    ))
}

/// One target's measures and closure, in log order, inside a write transaction.
pub async fn of_target_in(
    tx: &mut Tx,
    batch: &str,
    uscc: &str,
) -> Result<(Vec<MeasureRow>, Vec<ClosureRow>)> {
    let m = format!("{MEASURES} WHERE batch_id = $1 AND uscc = $2 ORDER BY log_seq");
    let c = format!("{CLOSURES} WHERE batch_id = $1 AND uscc = $2 ORDER BY log_seq");
    Ok((
        fetch_rows!(tx tx, m, measure_row, batch, uscc),
        fetch_rows!(tx tx, c, closure_row, batch, uscc),
    ))
}

/// The measure the corps user `by` recorded on a target under request id `request`, if
/// any, inside a write transaction.
pub async fn measure_by_request_in(
    tx: &mut Tx,
    batch: &str,
    uscc: &str,
    by: i64,
    request: &str,
) -> Result<Option<MeasureRow>> {
    let q = format!(
        "{MEASURES} WHERE batch_id = $1 AND uscc = $2 AND recorded_by = $3 AND request_id = $4"
    );
    let rows = fetch_rows!(tx tx, q, measure_row, batch, uscc, by, request);
    Ok(rows.into_iter().next())
}
