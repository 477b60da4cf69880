//! Annual plans (年度抽查计划): append-only rows, one per `annual_plan.published` entry,
//! keyed by that entry; a plan's versions are 1, 2, … and the newest is in force.

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn};

/// One version of an annual plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnnualPlanRow {
    /// The `annual_plan.published` entry.
    pub log_seq: i64,
    pub plan_id: String,
    pub version: i64,
    pub department: String,
    pub year: i64,
    pub title: String,
    pub basis: String,
    /// The batch ids, as canonical JSON text.
    pub batches: String,
    /// The floors, as canonical JSON text.
    pub floors: String,
    pub published_at: String,
}

pub async fn insert(tx: &mut Tx, r: &AnnualPlanRow) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO annual_plans (log_seq, plan_id, version, department, year, title, basis, batches, floors, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(r.log_seq)
    .bind(&r.plan_id)
    .bind(r.version)
    .bind(&r.department)
    .bind(r.year)
    .bind(&r.title)
    .bind(&r.basis)
    .bind(&r.batches)
    .bind(&r.floors)
    .bind(&r.published_at)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

fn from_row<R: Row>(r: R) -> Result<AnnualPlanRow, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(AnnualPlanRow {
        log_seq: r.try_get(0)?,
        plan_id: r.try_get(1)?,
        version: r.try_get(2)?,
        department: r.try_get(3)?,
        year: r.try_get(4)?,
        title: r.try_get(5)?,
        basis: r.try_get(6)?,
        batches: r.try_get(7)?,
        floors: r.try_get(8)?,
        published_at: r.try_get(9)?,
    })
}

const SELECT: &str = "SELECT log_seq, plan_id, version, department, year, title, basis, batches, floors, published_at FROM annual_plans";

/// Every version of plan `id`, oldest first.
pub async fn versions(store: &Store, id: &str) -> Result<Vec<AnnualPlanRow>> {
    let sql = format!("{SELECT} WHERE plan_id = $1 ORDER BY version");
    Ok(fetch_rows!(pool store, sql, from_row, id))
}

/// Every version of plan `id`, oldest first, inside a write transaction.
pub async fn versions_in(tx: &mut Tx, id: &str) -> Result<Vec<AnnualPlanRow>> {
    let sql = format!("{SELECT} WHERE plan_id = $1 ORDER BY version");
    Ok(fetch_rows!(tx tx, sql, from_row, id))
}

/// Every version of every plan, by year (newest first), plan id and version.
pub async fn all(store: &Store) -> Result<Vec<AnnualPlanRow>> {
    let sql = format!("{SELECT} ORDER BY year DESC, plan_id, version");
    Ok(fetch_rows!(pool store, sql, from_row))
}
