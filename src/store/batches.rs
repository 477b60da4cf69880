//! Batches and their drawn targets. A batch's state only moves forward, and each move is a
//! guarded UPDATE (`WHERE state = …`) inside a write transaction: of several processes
//! moving the same batch, exactly one sees its row change.

use sqlx::Row;

use super::{Result, Store, Tx};
use crate::{fetch_rows, on_conn, on_pool};

/// A batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: String,
    pub title: String,
    pub state: String,
    pub plan_toml: String,
    pub created_at: String,
    pub commitment_hash: Option<String>,
    /// Snapshot ids: entities, officers, matters, recusals, history, and lists (none when
    /// no lists table had been imported when the batch was committed).
    pub snapshots: [Option<i64>; 6],
    pub committed_at: Option<String>,
    pub seed: Option<String>,
    pub entropy_json: Option<String>,
    pub bundle_sha256: Option<String>,
    pub drawn_at: Option<String>,
    pub published_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub withdraw_reason: Option<String>,
}

/// A drawn target with its team (card numbers in pick order; empty if unstaffed). The name,
/// district and grade are the target's row in the batch's committed entities snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Assignment {
    pub position: i64,
    pub stratum: String,
    pub uscc: String,
    pub entity_name: String,
    pub district: String,
    pub grade: String,
    /// The entity's sector (行业领域) in the batch's snapshot: which result list applies.
    pub sector: String,
    pub team: Vec<String>,
}

const COLUMNS: &str = "id, title, state, plan_toml, created_at, commitment_hash, \
    entities_snapshot, officers_snapshot, matters_snapshot, recusals_snapshot, history_snapshot, \
    committed_at, seed, entropy_json, bundle_sha256, drawn_at, published_at, withdrawn_at, withdraw_reason, \
    lists_snapshot";

fn from_row<R: Row>(r: R) -> Result<BatchRow, sqlx::Error>
where
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(BatchRow {
        id: r.try_get(0)?,
        title: r.try_get(1)?,
        state: r.try_get(2)?,
        plan_toml: r.try_get(3)?,
        created_at: r.try_get(4)?,
        commitment_hash: r.try_get(5)?,
        snapshots: [
            r.try_get(6)?,
            r.try_get(7)?,
            r.try_get(8)?,
            r.try_get(9)?,
            r.try_get(10)?,
            r.try_get(19)?,
        ],
        committed_at: r.try_get(11)?,
        seed: r.try_get(12)?,
        entropy_json: r.try_get(13)?,
        bundle_sha256: r.try_get(14)?,
        drawn_at: r.try_get(15)?,
        published_at: r.try_get(16)?,
        withdrawn_at: r.try_get(17)?,
        withdraw_reason: r.try_get(18)?,
    })
}

pub async fn get(store: &Store, id: &str) -> Result<Option<BatchRow>> {
    let sql = format!("SELECT {COLUMNS} FROM batches WHERE id = $1");
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?.map(from_row).transpose()?),
    )
}

pub async fn get_in(tx: &mut Tx, id: &str) -> Result<Option<BatchRow>> {
    let sql = format!("SELECT {COLUMNS} FROM batches WHERE id = $1");
    Ok(
        on_conn!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.map(from_row).transpose()?),
    )
}

/// The canonical bytes of a committed batch's commitment header, as stored at commit.
pub async fn commitment_header(store: &Store, id: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        on_pool!(store, p => sqlx::query_scalar::<_, Option<Vec<u8>>>(
        "SELECT commitment_header FROM batches WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(p)
    .await?
    .flatten()),
    )
}

/// Every batch, newest first.
pub async fn all(store: &Store) -> Result<Vec<BatchRow>> {
    let sql = format!("SELECT {COLUMNS} FROM batches ORDER BY created_at DESC, id");
    Ok(fetch_rows!(pool store, sql, from_row))
}

/// A new draft batch.
pub async fn insert(tx: &mut Tx, id: &str, title: &str, plan_toml: &str, time: &str) -> Result<()> {
    on_conn!(tx, c => sqlx::query(
        "INSERT INTO batches (id, title, state, plan_toml, created_at) VALUES ($1, $2, 'draft', $3, $4)",
    )
    .bind(id)
    .bind(title)
    .bind(plan_toml)
    .bind(time)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// draft → committed; false if the batch was not a draft.
pub async fn commit(
    tx: &mut Tx,
    id: &str,
    hash: &str,
    header: &[u8],
    snapshots: [Option<i64>; 6],
    time: &str,
) -> Result<bool> {
    let n = on_conn!(tx, c => sqlx::query(
        "UPDATE batches SET state = 'committed', commitment_hash = $2, commitment_header = $3, \
         entities_snapshot = $4, officers_snapshot = $5, matters_snapshot = $6, recusals_snapshot = $7, \
         history_snapshot = $8, committed_at = $9, lists_snapshot = $10 \
         WHERE id = $1 AND state = 'draft'",
    )
    .bind(id)
    .bind(hash)
    .bind(header)
    .bind(snapshots[0])
    .bind(snapshots[1])
    .bind(snapshots[2])
    .bind(snapshots[3])
    .bind(snapshots[4])
    .bind(time)
    .bind(snapshots[5])
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// committed → drawn; false if the batch was not committed (drawn already, or withdrawn).
pub async fn claim_draw(
    tx: &mut Tx,
    id: &str,
    seed: &str,
    entropy_json: &str,
    bundle_sha256: &str,
    time: &str,
) -> Result<bool> {
    let n = on_conn!(tx, c => sqlx::query(
        "UPDATE batches SET state = 'drawn', seed = $2, entropy_json = $3, bundle_sha256 = $4, drawn_at = $5 \
         WHERE id = $1 AND state = 'committed'",
    )
    .bind(id)
    .bind(seed)
    .bind(entropy_json)
    .bind(bundle_sha256)
    .bind(time)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// drawn → results (the first result recorded); no change in any other state.
pub async fn mark_results(tx: &mut Tx, id: &str) -> Result<()> {
    on_conn!(tx, c => sqlx::query("UPDATE batches SET state = 'results' WHERE id = $1 AND state = 'drawn'")
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected());
    Ok(())
}

/// drawn/results → published; false if the batch was in another state.
pub async fn publish(tx: &mut Tx, id: &str, time: &str) -> Result<bool> {
    let n = on_conn!(tx, c => sqlx::query(
        "UPDATE batches SET state = 'published', published_at = $2 WHERE id = $1 AND state IN ('drawn', 'results')",
    )
    .bind(id)
    .bind(time)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// draft/committed → withdrawn (never after the draw); false otherwise.
pub async fn withdraw(tx: &mut Tx, id: &str, reason: &str, time: &str) -> Result<bool> {
    let n = on_conn!(tx, c => sqlx::query(
        "UPDATE batches SET state = 'withdrawn', withdrawn_at = $2, withdraw_reason = $3 \
         WHERE id = $1 AND state IN ('draft', 'committed')",
    )
    .bind(id)
    .bind(time)
    .bind(reason)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(n == 1)
}

pub async fn insert_assignments(tx: &mut Tx, batch: &str, rows: &[Assignment]) -> Result<()> {
    for a in rows {
        on_conn!(tx, c => sqlx::query(
            "INSERT INTO assignments (batch_id, position, stratum, uscc, team) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(batch)
        .bind(a.position)
        .bind(&a.stratum)
        .bind(&a.uscc)
        .bind(a.team.join(";"))
        .execute(&mut *c)
        .await?
        .rows_affected());
    }
    Ok(())
}

pub async fn assignments(store: &Store, batch: &str) -> Result<Vec<Assignment>> {
    let sql =
        format!("SELECT {TARGET_COLUMNS} FROM {TARGETS} WHERE a.batch_id = $1 ORDER BY a.position");
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(batch)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(|r| batch_target(r).map(|t| t.target))
        .collect::<Result<Vec<_>, sqlx::Error>>()?),
    )
}

/// A `LIKE` pattern that matches `text` literally somewhere (`%`, `_` and `\` escaped; the
/// queries say `ESCAPE '\'`).
fn like_containing(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A drawn target together with its batch's id, title and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchTarget {
    pub batch_id: String,
    pub batch_title: String,
    pub batch_state: String,
    pub target: Assignment,
}

fn batch_target<R: Row>(r: R) -> Result<BatchTarget, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let team: String = r.try_get(10)?;
    Ok(BatchTarget {
        batch_id: r.try_get(0)?,
        batch_title: r.try_get(1)?,
        batch_state: r.try_get(2)?,
        target: Assignment {
            position: r.try_get(3)?,
            stratum: r.try_get(4)?,
            uscc: r.try_get(5)?,
            entity_name: r.try_get(6)?,
            district: r.try_get(7)?,
            grade: r.try_get(8)?,
            sector: r.try_get(9)?,
            team: if team.is_empty() {
                Vec::new()
            } else {
                team.split(';').map(str::to_string).collect()
            },
        },
    })
}

const TARGET_COLUMNS: &str = "a.batch_id, b.title, b.state, a.position, a.stratum, a.uscc, \
    COALESCE(e.name, ''), COALESCE(e.district, ''), COALESCE(e.credit_grade, ''), \
    COALESCE(e.sector, ''), a.team";

/// Targets with their batch and their row in the batch's committed entities snapshot.
const TARGETS: &str = "assignments a JOIN batches b ON b.id = a.batch_id \
    LEFT JOIN entities e ON e.snapshot_id = b.entities_snapshot AND e.uscc = a.uscc";

/// The targets whose team includes officer `card`, newest batch first.
pub async fn assignments_of_officer(store: &Store, card: &str) -> Result<Vec<BatchTarget>> {
    let sql = format!(
        "SELECT {TARGET_COLUMNS} FROM {TARGETS} \
         WHERE (';' || a.team || ';') LIKE $1 ESCAPE '\\' \
         ORDER BY b.drawn_at DESC, a.batch_id, a.position"
    );
    let pattern = like_containing(&format!(";{card};"));
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(&pattern)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(batch_target)
        .collect::<Result<Vec<_>, _>>()?),
    )
}

/// Targets of published batches whose USCC is `query` or whose name contains it, newest
/// publication first, at most `limit`. A query with a NUL finds nothing: no stored name or
/// USCC holds one, SQLite's `LIKE` would stop reading the pattern there (matching every
/// name) and PostgreSQL refuses NUL in text.
pub async fn search_published(store: &Store, query: &str, limit: i64) -> Result<Vec<BatchTarget>> {
    if query.contains('\0') {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {TARGET_COLUMNS} FROM {TARGETS} \
         WHERE b.state = 'published' AND (a.uscc = $1 OR e.name LIKE $2 ESCAPE '\\') \
         ORDER BY b.published_at DESC, a.batch_id, a.position LIMIT $3"
    );
    let pattern = like_containing(query);
    Ok(
        on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(query.to_ascii_uppercase())
        .bind(&pattern)
        .bind(limit)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(batch_target)
        .collect::<Result<Vec<_>, _>>()?),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_match_literally() {
        assert_eq!(super::like_containing("a%b_c\\"), "%a\\%b\\_c\\\\%");
        assert_eq!(super::like_containing("养老"), "%养老%");
    }
}
