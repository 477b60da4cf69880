//! The rows a table holds beside the rows the log says it must hold: every column of every
//! row, in both directions. The first difference is reported, naming the table, the row's
//! key, the column and the entry that set it.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

use super::{Cell, Expect, Rows};
use crate::ledger::{Checkpoint, VerifierKey};

/// The first place a table differs from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub table: String,
    /// `column=value` pairs of the row's key; empty for the table itself.
    pub key: String,
    pub reason: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "FAIL table {}: {}", self.table, self.reason)
        } else {
            write!(
                f,
                "FAIL table {} row [{}]: {}",
                self.table, self.key, self.reason
            )
        }
    }
}

impl std::error::Error for Mismatch {}

fn key_text(rows: &Rows, key: &[Cell]) -> String {
    rows.spec
        .columns
        .iter()
        .zip(key)
        .map(|(c, v)| format!("{c}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `actual` is what `expected` asks for.
fn holds(expected: &Expect, actual: &Cell, verifier: &VerifierKey) -> bool {
    match (expected, actual) {
        (Expect::Is(e), a) => e == a,
        (Expect::Sha256Of(h), Cell::Bytes(b)) => sha256_hex(b) == *h,
        (Expect::Sha256Of(h), Cell::Text(t)) => sha256_hex(t.as_bytes()) == *h,
        (Expect::Note { size }, Cell::Text(note)) => Checkpoint::open(note, verifier)
            .is_ok_and(|c| c.size == *size && c.origin == verifier.name()),
        _ => false,
    }
}

/// Checks that `table` has exactly the `known` columns (`columns` as its catalog lists
/// them): a column the log does not cover is a place to change the record without a trace.
pub fn columns(table: &str, known: &[&str], columns: &[String]) -> Result<(), Mismatch> {
    let table_fault = |reason: String| Mismatch {
        table: table.to_string(),
        key: String::new(),
        reason,
    };
    if let Some(extra) = columns.iter().find(|c| !known.contains(&c.as_str())) {
        return Err(table_fault(format!(
            "column {extra} is covered by no log entry"
        )));
    }
    if let Some(missing) = known.iter().find(|c| !columns.iter().any(|k| k == *c)) {
        return Err(table_fault(format!("column {missing} is missing")));
    }
    Ok(())
}

/// Compares a table's `actual` rows (the values of `expected.spec.columns`, in that order;
/// check the columns first with [`columns`]) with what the log says; returns how many rows
/// were compared.
pub fn compare(
    expected: &Rows,
    actual: Vec<Vec<Cell>>,
    verifier: &VerifierKey,
) -> Result<usize, Mismatch> {
    let spec = expected.spec;
    let mut stored: BTreeMap<Vec<Cell>, Vec<Cell>> = BTreeMap::new();
    for row in actual {
        let key = row[..spec.key].to_vec();
        if stored.insert(key.clone(), row).is_some() {
            return Err(Mismatch {
                table: spec.name.to_string(),
                key: key_text(expected, &key),
                reason: "the key is stored twice".into(),
            });
        }
    }
    for (key, (seq, want)) in &expected.rows {
        let fault = |reason: String| Mismatch {
            table: spec.name.to_string(),
            key: key_text(expected, key),
            reason,
        };
        let Some(row) = stored.remove(key) else {
            return Err(fault(format!(
                "missing: log entry {seq} says this row exists"
            )));
        };
        for ((column, e), a) in spec.columns.iter().zip(want).zip(&row) {
            if !holds(e, a, verifier) {
                // A committed column holds a secret (a PHC string, a TOTP secret): its hash
                // is shown, never the value that now lets someone in.
                let shown = match (e, a) {
                    (Expect::Sha256Of(_), Cell::Text(t)) => {
                        format!("a value whose SHA-256 is {}", sha256_hex(t.as_bytes()))
                    }
                    (Expect::Sha256Of(_), Cell::Bytes(b)) => {
                        format!("a value whose SHA-256 is {}", sha256_hex(b))
                    }
                    _ => a.to_string(),
                };
                return Err(fault(format!(
                    "column {column} is {shown}, but log entry {seq} says {e}"
                )));
            }
        }
    }
    if let Some(key) = stored.keys().next() {
        return Err(Mismatch {
            table: spec.name.to_string(),
            key: key_text(expected, key),
            reason: "no log entry makes this row".into(),
        });
    }
    Ok(expected.rows.len())
}
