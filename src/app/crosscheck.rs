//! `log verify`'s second half: the tables are projections of the log. The log is replayed
//! from entry 0 (`projection::replay`) and every table the database's catalog lists is set
//! beside it, row by row and column by column, in both directions: a changed, missing or
//! extra row is named with its table, key and column. Directory snapshot rows are hashed
//! and counted against their snapshot's logged content hash and row count. A table or column
//! the projection does not know is itself a failure (only `projection::EXEMPT` tables, which
//! hold no state, are skipped), so a column added later without coverage cannot go unseen.

use crate::domain::Message;
use std::collections::HashMap;

use super::{AppError, Result};
use crate::import::{self, Kind, Rows};
use crate::ledger::StoredEntry;
use crate::ledger::VerifierKey;
use crate::projection::{self, EXEMPT, Projection};
use crate::store::Store;
use crate::store::{self, catalog, rows};

fn fail(message: String) -> AppError {
    AppError::Invalid(Message::same(message))
}

/// Checks every table against the log; returns how many rows were compared (snapshot rows
/// count once per snapshot).
pub async fn tables(
    store: &Store,
    verifier: &VerifierKey,
    entries: &[StoredEntry],
) -> Result<usize> {
    let projection = projection::replay(entries).map_err(|f| fail(f.to_string()))?;
    let present = catalog::tables(store).await?;
    let mut checked = 0;
    for table in present.iter().cloned() {
        if EXEMPT.iter().any(|(name, _)| *name == table) {
            continue;
        }
        if let Some(expected) = projection.table(&table) {
            let columns = catalog::columns(store, &table).await?;
            projection::compare::columns(expected.spec.name, expected.spec.columns, &columns)
                .map_err(|m| fail(m.to_string()))?;
            let stored = catalog::rows(store, &table, expected.spec.columns).await?;
            checked +=
                projection::compare(expected, stored, verifier).map_err(|m| fail(m.to_string()))?;
        } else if let Some(kind) = Kind::parse(&table) {
            checked += snapshot_rows(store, &projection, kind).await?;
        } else if table == store::cosignatures::TABLE {
            checked += cosignatures(store).await?;
        } else {
            return Err(fail(format!(
                "FAIL table {table}: no log entry projects it (its rows could change without a trace)"
            )));
        }
    }
    for expected in &projection.tables {
        if !present.iter().any(|t| t == expected.spec.name) {
            return Err(fail(format!("FAIL table {}: missing", expected.spec.name)));
        }
    }
    Ok(checked)
}

/// Witnesses' cosignatures: not entries of the log but signatures over its checkpoints, so
/// each row is checked by its signature: the witness's key is a cosignature key, the log has
/// a checkpoint of that size, and the line is that witness's valid cosignature of it.
async fn cosignatures(store: &Store) -> Result<usize> {
    let table = store::cosignatures::TABLE;
    let columns = catalog::columns(store, table).await?;
    projection::compare::columns(table, &["witness", "size", "line"], &columns)
        .map_err(|m| fail(m.to_string()))?;
    let rows = store::cosignatures::all(store).await?;
    for row in &rows {
        let what = format!(
            "FAIL table {table} row [witness={}, size={}]",
            row.witness, row.size
        );
        let witness = crate::witness::WitnessVerifier::parse(&row.witness)
            .map_err(|e| fail(format!("{what}: column witness: {e}")))?;
        let checkpoint = store::log::checkpoint_of_size(store, row.size)
            .await?
            .ok_or_else(|| fail(format!("{what}: the log has no checkpoint of that size")))?;
        let cosigned = format!("{}{}", checkpoint.note, row.line);
        let single_line = row.line.ends_with('\n') && row.line.matches('\n').count() == 1;
        if !single_line || witness.verify_cosignature(&cosigned).is_err() {
            return Err(fail(format!(
                "{what}: column line: not this witness's cosignature of the checkpoint of size {}",
                row.size
            )));
        }
    }
    Ok(rows.len())
}

/// A snapshot rows table: its columns are the known ones, each of its rows belongs to a
/// logged snapshot of this table, each snapshot has its logged number of rows, and they hash
/// to its logged content hash (history: positions 0, 1, … in canonical order).
async fn snapshot_rows(store: &Store, projection: &Projection, kind: Kind) -> Result<usize> {
    let table = kind.word();
    let columns = catalog::columns(store, table).await?;
    projection::compare::columns(table, &projection::snapshot_columns(kind), &columns)
        .map_err(|m| fail(m.to_string()))?;
    let logged: HashMap<i64, &projection::SnapshotRows> = projection
        .snapshots
        .iter()
        .filter(|s| s.table == table)
        .map(|s| (s.id, s))
        .collect();
    let stored: HashMap<i64, i64> = catalog::rows_per_snapshot(store, table)
        .await?
        .into_iter()
        .collect();
    for (id, count) in &stored {
        if !logged.contains_key(id) {
            return Err(fail(format!(
                "FAIL table {table}: {count} row(s) of snapshot {id}, which no {table} directory.snapshot entry made"
            )));
        }
    }
    let mut checked = 0;
    for s in logged.values() {
        let what = format!(
            "FAIL table {table}: snapshot {} ({table} v{}, log entry {})",
            s.id, s.version, s.seq
        );
        let count = stored.get(&s.id).copied().unwrap_or(0);
        if count != s.rows {
            return Err(fail(format!(
                "{what}: {count} rows, the log says {}",
                s.rows
            )));
        }
        let read = async {
            Ok::<_, store::StoreError>(match kind {
                Kind::Entities => Rows::Entities(rows::entities(store, s.id).await?),
                Kind::Officers => Rows::Officers(rows::officers(store, s.id).await?),
                Kind::Matters => Rows::Matters(rows::matters(store, s.id).await?),
                Kind::Recusals => Rows::Recusals(rows::recusals(store, s.id).await?),
                Kind::History => Rows::History(rows::history(store, s.id).await?),
                Kind::Lists => Rows::Lists(rows::lists(store, s.id).await?),
            })
        };
        // A value no import writes (a bad USCC, grade or date) is a change behind the log's back.
        let rows = match read.await {
            Ok(rows) => rows,
            Err(store::StoreError::Corrupt(why)) => {
                return Err(fail(format!("{what}: a row the import never wrote: {why}")));
            }
            Err(e) => return Err(e.into()),
        };
        if import::content_hash(&rows) != s.content_sha256 {
            return Err(fail(format!(
                "{what}: its rows do not hash to the logged content hash {}",
                s.content_sha256
            )));
        }
        if kind == Kind::History {
            let (n, min, max) = catalog::history_positions(store, s.id).await?;
            let dense = n == 0 || (min == Some(0) && max == Some(n - 1));
            if !dense || !import::is_canonical_order(&rows) {
                return Err(fail(format!(
                    "{what}: its positions are not 0…{} in canonical order",
                    n - 1
                )));
            }
        }
        checked += 1;
    }
    Ok(checked)
}
