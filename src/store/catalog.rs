//! The database as its catalog describes it: which tables and columns exist, and any
//! table's rows as plain values, for `log verify` to set beside the log's projection. Table
//! and column names come from the catalog or from `projection`'s constants, never from
//! user input.

use sqlx::{Column, Row, TypeInfo, ValueRef};

use super::{Result, Store, StoreError};
use crate::on_pool;
use crate::projection::Cell;

/// Every table of the database's own schema, sorted.
pub async fn tables(store: &Store) -> Result<Vec<String>> {
    let mut names: Vec<String> = match store {
        Store::Sqlite(p) => {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            )
            .fetch_all(p)
            .await?
        }
        Store::Postgres(p) => {
            sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            )
            .fetch_all(p)
            .await?
        }
    };
    names.sort();
    Ok(names)
}

/// The columns of `table`, in the catalog's order.
pub async fn columns(store: &Store, table: &str) -> Result<Vec<String>> {
    Ok(match store {
        Store::Sqlite(p) => {
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(p)
                .await?
        }
        Store::Postgres(p) => {
            sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(p)
            .await?
        }
    })
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn unsupported(table: &str, column: &str, ty: &str) -> StoreError {
    StoreError::Corrupt(format!("{table}.{column}: a value of type {ty}"))
}

/// Every row of `table`, with the values of `columns` in that order.
pub async fn rows(store: &Store, table: &str, columns: &[&str]) -> Result<Vec<Vec<Cell>>> {
    let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
    let sql = format!("SELECT {} FROM {}", list.join(", "), quoted(table));
    let mut out = Vec::new();
    match store {
        Store::Sqlite(p) => {
            for row in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(p).await? {
                let mut cells = Vec::with_capacity(columns.len());
                for i in 0..row.len() {
                    let raw = row.try_get_raw(i)?;
                    let ty = raw.type_info().name().to_string();
                    let is_null = raw.is_null();
                    cells.push(match ty.as_str() {
                        _ if is_null => Cell::Null,
                        "INTEGER" => Cell::Int(row.try_get(i)?),
                        "TEXT" => Cell::Text(row.try_get(i)?),
                        "BLOB" => Cell::Bytes(row.try_get(i)?),
                        "REAL" => Cell::Text(row.try_get::<f64, _>(i)?.to_string()),
                        other => return Err(unsupported(table, row.column(i).name(), other)),
                    });
                }
                out.push(cells);
            }
        }
        Store::Postgres(p) => {
            for row in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(p).await? {
                let mut cells = Vec::with_capacity(columns.len());
                for i in 0..row.len() {
                    let raw = row.try_get_raw(i)?;
                    let ty = raw.type_info().name().to_string();
                    let is_null = raw.is_null();
                    cells.push(match ty.as_str() {
                        _ if is_null => Cell::Null,
                        "INT8" => Cell::Int(row.try_get(i)?),
                        "INT4" => Cell::Int(row.try_get::<i32, _>(i)?.into()),
                        "INT2" => Cell::Int(row.try_get::<i16, _>(i)?.into()),
                        "TEXT" | "VARCHAR" => Cell::Text(row.try_get(i)?),
                        "BYTEA" => Cell::Bytes(row.try_get(i)?),
                        "BOOL" => Cell::Int(row.try_get::<bool, _>(i)?.into()),
                        other => return Err(unsupported(table, row.column(i).name(), other)),
                    });
                }
                out.push(cells);
            }
        }
    }
    Ok(out)
}

/// How many rows `table` (a snapshot rows table) holds per `snapshot_id`.
pub async fn rows_per_snapshot(store: &Store, table: &str) -> Result<Vec<(i64, i64)>> {
    let sql = format!(
        "SELECT snapshot_id, COUNT(*) FROM {} GROUP BY snapshot_id ORDER BY snapshot_id",
        quoted(table)
    );
    Ok(
        on_pool!(store, p => sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await?),
    )
}

/// The number of history rows of `snapshot` and their least and greatest `position`.
pub async fn history_positions(
    store: &Store,
    snapshot: i64,
) -> Result<(i64, Option<i64>, Option<i64>)> {
    Ok(
        on_pool!(store, p => sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(
        "SELECT COUNT(*), CAST(MIN(position) AS BIGINT), CAST(MAX(position) AS BIGINT) FROM history WHERE snapshot_id = $1",
    )
    .bind(snapshot)
    .fetch_one(p)
    .await?),
    )
}
