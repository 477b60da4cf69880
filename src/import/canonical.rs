//! The canonical bytes of an imported table, so that the same content imported again is
//! recognised whatever its encoding, format, row or column order, BOM or line ends: the
//! table's canonical CSV (`registry::canonical`, DRAW-SPEC §2.5), whose SHA-256 is the
//! snapshot's content hash and the commitment's source hash.

use std::io::{self, Write};

use super::Rows;
use crate::registry::canonical::{self as table, TableRow};

/// The canonical CSV of `rows`.
pub fn canonical_csv(rows: &Rows) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every record has as many fields as the header.
    if let Err(e) = write_canonical(rows, &mut out) {
        debug_assert!(false, "writing to memory failed: {e}");
    }
    out
}

/// The SHA-256 of `canonical_csv(rows)`, in lower-case hex (computed without holding the
/// bytes).
pub fn content_hash(rows: &Rows) -> String {
    match rows {
        Rows::Entities(r) => table::hash(r),
        Rows::Officers(r) => table::hash(r),
        Rows::Matters(r) => table::hash(r),
        Rows::Recusals(r) => table::hash(r),
        Rows::History(r) => table::hash(r),
        Rows::Lists(r) => table::hash(r),
    }
}

/// Writes the canonical CSV of `rows` to `out`. Rows are sorted by the table's key (the
/// first column), then by all their fields in column order, as bytes: a total order, so
/// equal tables give equal bytes (history and recusals are thus sorted by all fields).
pub fn write_canonical(rows: &Rows, out: impl Write) -> io::Result<()> {
    match rows {
        Rows::Entities(r) => table::write_sorted(r, out),
        Rows::Officers(r) => table::write_sorted(r, out),
        Rows::Matters(r) => table::write_sorted(r, out),
        Rows::Recusals(r) => table::write_sorted(r, out),
        Rows::History(r) => table::write_sorted(r, out),
        Rows::Lists(r) => table::write_sorted(r, out),
    }
}

/// Sorts `rows` into the canonical order of `write_canonical` (rows written in this order
/// are then found in order by the sort inside the hash, in one pass).
pub fn sort(rows: &mut Rows) {
    match rows {
        Rows::Entities(r) => r.sort_unstable_by(table::compare),
        Rows::Officers(r) => r.sort_unstable_by(table::compare),
        Rows::Matters(r) => r.sort_unstable_by(table::compare),
        Rows::Recusals(r) => r.sort_unstable_by(table::compare),
        Rows::History(r) => r.sort_unstable_by(table::compare),
        Rows::Lists(r) => r.sort_unstable_by(table::compare),
    }
}

/// Whether `rows` are already in canonical order (history keeps its rows' positions in
/// that order, and `log verify` checks they are).
pub fn is_canonical_order(rows: &Rows) -> bool {
    fn ordered<T: TableRow<N>, const N: usize>(r: &[T]) -> bool {
        r.windows(2).all(|w| table::compare(&w[0], &w[1]).is_le())
    }
    match rows {
        Rows::Entities(r) => ordered(r),
        Rows::Officers(r) => ordered(r),
        Rows::Matters(r) => ordered(r),
        Rows::Recusals(r) => ordered(r),
        Rows::History(r) => ordered(r),
        Rows::Lists(r) => ordered(r),
    }
}
