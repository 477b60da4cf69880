//! The tables as projections of the log. The signed log is the one source of truth:
//! `replay` folds its entries, from entry 0, into the rows every table must hold, and
//! `compare` sets those rows beside the rows a database holds, in both directions (changed,
//! missing and extra rows), naming the table, the row's key and the column.
//!
//! Most columns are a value some entry carries. A few are too large or too secret for an
//! entry and are covered by a hash the entry carries instead ([`Expect::Sha256Of`]: a
//! batch's commitment header, a user's token hash), and a checkpoint's note is covered by
//! its signature ([`Expect::Note`]). Directory snapshot rows (up to millions) are covered by
//! their snapshot's content hash: [`Projection::snapshots`] says which rows each snapshot
//! must have, and `app::crosscheck` hashes them.
//!
//! Pure: no database, no clock. Which tables and columns exist is [`TABLES`],
//! [`snapshot_columns`] and [`EXEMPT`]: a table or column outside them is itself a fault.

pub mod compare;
pub mod replay;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use crate::import::Kind;

pub use compare::{Mismatch, compare};
pub use replay::{Fault, replay};

/// One stored value, as either database gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Null => f.write_str("NULL"),
            Cell::Int(i) => write!(f, "{i}"),
            Cell::Text(t) if t.chars().count() > 80 => {
                write!(f, "'{}…'", t.chars().take(80).collect::<String>())
            }
            Cell::Text(t) => write!(f, "'{t}'"),
            Cell::Bytes(b) => write!(f, "{} bytes", b.len()),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Null, Into::into)
    }
}

/// What the log says a stored value must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this value.
    Is(Cell),
    /// Bytes (or text) whose SHA-256 is this lower-case hex digest.
    Sha256Of(String),
    /// A checkpoint of this size signed by the log's key (its root is checked with the
    /// tree, by `ledger::verify`).
    Note { size: u64 },
}

impl<T: Into<Cell>> From<T> for Expect {
    fn from(v: T) -> Expect {
        Expect::Is(v.into())
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Is(c) => c.fmt(f),
            Expect::Sha256Of(h) => write!(f, "a value whose SHA-256 is {h}"),
            Expect::Note { size } => write!(f, "a checkpoint of size {size} signed by the log"),
        }
    }
}

/// A table the log projects row by row: its columns, the first `key` of which identify a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub key: usize,
}

/// Every table projected row by row, with every column it may have.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "meta",
        columns: &["key", "value"],
        key: 1,
    },
    TableSpec {
        name: "log_entries",
        columns: &["seq", "bytes", "leaf_hash", "opening"],
        key: 1,
    },
    TableSpec {
        name: "log_checkpoints",
        columns: &["size", "note"],
        key: 1,
    },
    TableSpec {
        name: "snapshots",
        columns: &[
            "id",
            "kind",
            "version",
            "content_sha256",
            "row_count",
            "source_name",
            "source_sha256",
            "encoding",
            "imported_at",
            "log_seq",
        ],
        key: 1,
    },
    TableSpec {
        name: "batches",
        columns: &[
            "id",
            "title",
            "state",
            "plan_toml",
            "created_at",
            "commitment_hash",
            "commitment_header",
            "entities_snapshot",
            "officers_snapshot",
            "matters_snapshot",
            "recusals_snapshot",
            "history_snapshot",
            "committed_at",
            "seed",
            "entropy_json",
            "bundle_sha256",
            "drawn_at",
            "published_at",
            "withdrawn_at",
            "withdraw_reason",
            "lists_snapshot",
        ],
        key: 1,
    },
    TableSpec {
        name: "assignments",
        columns: &["batch_id", "position", "stratum", "uscc", "team"],
        key: 2,
    },
    TableSpec {
        name: "results",
        columns: &[
            "id",
            "batch_id",
            "uscc",
            "recorded_by",
            "codes",
            "note",
            "inspected_on",
            "recorded_at",
            "corrects",
            "log_seq",
            "request_id",
            "checklist",
            "findings",
        ],
        key: 1,
    },
    TableSpec {
        name: "annual_plans",
        columns: &[
            "log_seq",
            "plan_id",
            "version",
            "department",
            "year",
            "title",
            "basis",
            "batches",
            "floors",
            "published_at",
        ],
        key: 1,
    },
    TableSpec {
        name: "reviews",
        columns: &[
            "log_seq",
            "batch_id",
            "result_id",
            "reviewer",
            "verdict",
            "reason",
            "reviewed_at",
        ],
        key: 1,
    },
    TableSpec {
        name: "followup_measures",
        columns: &[
            "log_seq",
            "batch_id",
            "uscc",
            "result_id",
            "measure",
            "due_on",
            "note",
            "recorded_by",
            "recorded_at",
            "request_id",
        ],
        key: 1,
    },
    TableSpec {
        name: "followup_closures",
        columns: &[
            "log_seq",
            "batch_id",
            "uscc",
            "result_id",
            "closed_on",
            "outcome",
            "outcome_text",
            "closed_by",
            "recorded_at",
        ],
        key: 1,
    },
    TableSpec {
        name: "users",
        columns: &[
            "id",
            "name",
            "role",
            "card_no",
            "token_sha256",
            "created_at",
            "revoked_at",
            "log_seq",
        ],
        key: 1,
    },
    TableSpec {
        name: "passwords",
        columns: &["log_seq", "user_id", "phc", "set_by", "set_at"],
        key: 1,
    },
    TableSpec {
        name: "totp_secrets",
        columns: &["log_seq", "user_id", "secret", "set_by", "set_at"],
        key: 1,
    },
];

/// The columns a directory snapshot table (named by its `Kind`'s word) may have:
/// `snapshot_id`, `position` for history (which has no natural key), then the folder
/// format's columns. Its rows are covered by their snapshot's content hash (the canonical CSV
/// of the folder columns), their count by the snapshot's row count, and `position` by being
/// 0, 1, … in the canonical order.
pub fn snapshot_columns(kind: Kind) -> Vec<&'static str> {
    let mut columns = vec!["snapshot_id"];
    if kind == Kind::History {
        columns.push("position");
    }
    columns.extend_from_slice(kind.columns());
    columns
}

/// Tables that hold no state of the product, with the reason each may go unchecked.
pub const EXEMPT: &[(&str, &str)] = &[
    (
        "_sqlx_migrations",
        "sqlx's record of which schema migrations ran: the schema, not the record",
    ),
    (
        "sessions",
        "sign-in sessions: the server's memory of who holds which cookie, ended by sign-out, \
         idleness, age, a new password or revocation; the sign-ins and sign-outs are entries, \
         and a session opens only when its row names a signed-in entry that names it back, \
         so a row written here by hand opens nothing",
    ),
    (
        "totp_uses",
        "per user, the newest one-time code taken and the wrong codes lately given: the \
         server's memory that a code signs in once and guesses are limited; the codes' secrets \
         are entries, and changing this only reopens the last minute's codes or the guesses \
         to someone who also has the password",
    ),
];

/// The rows one table must hold, by key, each with the entry that last set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    pub spec: TableSpec,
    pub rows: BTreeMap<Vec<Cell>, (u64, Vec<Expect>)>,
}

impl Rows {
    fn new(spec: TableSpec) -> Rows {
        Rows {
            spec,
            rows: BTreeMap::new(),
        }
    }
}

/// What a directory snapshot's rows must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRows {
    pub id: i64,
    /// The snapshot table (entities, officers, …).
    pub table: String,
    pub version: i64,
    pub rows: i64,
    pub content_sha256: String,
    /// The `directory.snapshot` entry.
    pub seq: u64,
}

/// Everything the tables must hold, as the log says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    /// One per [`TABLES`] entry, in that order.
    pub tables: Vec<Rows>,
    pub snapshots: Vec<SnapshotRows>,
}

impl Projection {
    /// The rows of the table `name` (one of [`TABLES`]).
    pub fn table(&self, name: &str) -> Option<&Rows> {
        self.tables.iter().find(|t| t.spec.name == name)
    }
}
