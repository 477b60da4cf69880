//! Witnesses' cosignatures of the log's checkpoints, as they answered: the witness's
//! verifier key, the size it cosigned, its cosignature line. Inserted only; `log verify`
//! checks each line against the stored checkpoint of its size.

use super::{Result, Store};
use crate::on_pool;

/// The table's name (for `log verify`, which checks it by signature, not by projection).
pub const TABLE: &str = "witness_cosignatures";

/// One stored cosignature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    pub witness: String,
    pub size: u64,
    pub line: String,
}

/// Keeps a cosignature (a second one by the same witness of the same size is ignored).
pub async fn insert(store: &Store, witness: &str, size: u64, line: &str) -> Result<()> {
    on_pool!(store, p => sqlx::query(
        "INSERT INTO witness_cosignatures (witness, size, line) VALUES ($1, $2, $3) ON CONFLICT (witness, size) DO NOTHING",
    )
    .bind(witness)
    .bind(size as i64)
    .bind(line)
    .execute(p)
    .await?
    .rows_affected());
    Ok(())
}

/// Every stored cosignature, by size then witness.
pub async fn all(store: &Store) -> Result<Vec<Cosignature>> {
    let rows: Vec<(String, i64, String)> = on_pool!(store, p => sqlx::query_as(
        "SELECT witness, size, line FROM witness_cosignatures ORDER BY size, witness",
    )
    .fetch_all(p)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(witness, size, line)| Cosignature {
            witness,
            size: size as u64,
            line,
        })
        .collect())
}

/// The cosignatures of the checkpoint of `size`.
pub async fn of_size(store: &Store, size: u64) -> Result<Vec<Cosignature>> {
    let rows: Vec<(String, String)> = on_pool!(store, p => sqlx::query_as(
        "SELECT witness, line FROM witness_cosignatures WHERE size = $1 ORDER BY witness",
    )
    .bind(size as i64)
    .fetch_all(p)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(witness, line)| Cosignature {
            witness,
            size,
            line,
        })
        .collect())
}

/// For each witness, the largest size it cosigned.
pub async fn latest(store: &Store) -> Result<Vec<(String, u64)>> {
    let rows: Vec<(String, i64)> = on_pool!(store, p => sqlx::query_as(
        "SELECT witness, MAX(size) FROM witness_cosignatures GROUP BY witness ORDER BY witness",
    )
    .fetch_all(p)
    .await?);
    Ok(rows.into_iter().map(|(w, s)| (w, s as u64)).collect())
}

/// The largest size cosigned by at least `quorum` witnesses, if any.
pub async fn largest_with(store: &Store, quorum: usize) -> Result<Option<u64>> {
    let size: Option<i64> = on_pool!(store, p => sqlx::query_scalar(
        "SELECT MAX(size) FROM (SELECT size FROM witness_cosignatures GROUP BY size HAVING COUNT(*) >= $1) AS q",
    )
    .bind(quorum as i64)
    .fetch_one(p)
    .await?);
    Ok(size.map(|s| s as u64))
}
