//! The canonical bytes of a table, so that the same content imported again is recognised
//! whatever its encoding, format, row or column order, BOM or line ends: the folder
//! format's CSV (`registry::write`), header in the standard column order, rows sorted,
//! LF line ends, UTF-8 without BOM, every value in its canonical spelling.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::{self, Write};

use crate::registry::write::{
    entity_record, inspection_record, matter_record, officer_record, recusal_record, write_table,
};

use super::Rows;
use crate::domain::{Entity, Inspection, Matter, Officer, Recusal};

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
    let mut hasher = crate::canonical::Sha256Writer::default();
    if let Err(e) = write_canonical(rows, &mut hasher) {
        debug_assert!(false, "hashing failed: {e}");
    }
    hasher.hex()
}

/// Writes the canonical CSV of `rows` to `out`. Rows are sorted by the table's key (the
/// first column), then by all their fields in column order, as bytes: a total order, so
/// equal tables give equal bytes (history and recusals are thus sorted by all fields).
pub fn write_canonical(rows: &Rows, out: impl Write) -> io::Result<()> {
    let columns = rows.kind().columns();
    match rows {
        Rows::Entities(r) => sorted(out, columns, r, entity_key, entity_record),
        Rows::Officers(r) => sorted(out, columns, r, officer_key, officer_record),
        Rows::Matters(r) => sorted(out, columns, r, matter_key, matter_record),
        Rows::Recusals(r) => sorted(out, columns, r, recusal_key, recusal_record),
        Rows::History(r) => sorted(out, columns, r, inspection_key, inspection_record),
    }
}

/// Sorts `rows` into the canonical order of `write_canonical` (rows written in this order
/// are then found in order by the sort inside the hash, in one pass).
pub fn sort(rows: &mut Rows) {
    match rows {
        Rows::Entities(r) => r.sort_unstable_by(|a, b| compare(a, b, entity_key, entity_record)),
        Rows::Officers(r) => r.sort_unstable_by(|a, b| compare(a, b, officer_key, officer_record)),
        Rows::Matters(r) => r.sort_unstable_by(|a, b| compare(a, b, matter_key, matter_record)),
        Rows::Recusals(r) => r.sort_unstable_by(|a, b| compare(a, b, recusal_key, recusal_record)),
        Rows::History(r) => {
            r.sort_unstable_by(|a, b| compare(a, b, inspection_key, inspection_record))
        }
    }
}

/// Whether `rows` are already in canonical order (history keeps its rows' positions in
/// that order, and `log verify` checks they are).
pub fn is_canonical_order(rows: &Rows) -> bool {
    fn ordered<T, const N: usize>(
        r: &[T],
        key: fn(&T) -> &str,
        record: fn(&T) -> [Cow<'_, str>; N],
    ) -> bool {
        r.windows(2)
            .all(|w| compare(&w[0], &w[1], key, record) != Ordering::Greater)
    }
    match rows {
        Rows::Entities(r) => ordered(r, entity_key, entity_record),
        Rows::Officers(r) => ordered(r, officer_key, officer_record),
        Rows::Matters(r) => ordered(r, matter_key, matter_record),
        Rows::Recusals(r) => ordered(r, recusal_key, recusal_record),
        Rows::History(r) => ordered(r, inspection_key, inspection_record),
    }
}

fn entity_key(e: &Entity) -> &str {
    e.uscc.as_str()
}
fn officer_key(o: &Officer) -> &str {
    &o.card_no
}
fn matter_key(m: &Matter) -> &str {
    &m.code
}
fn recusal_key(r: &Recusal) -> &str {
    &r.card_no
}
fn inspection_key(h: &Inspection) -> &str {
    h.uscc.as_str()
}

/// The canonical order: by `key`, ties broken by the whole record (built only on a tie).
fn compare<T, const N: usize>(
    a: &T,
    b: &T,
    key: fn(&T) -> &str,
    record: fn(&T) -> [Cow<'_, str>; N],
) -> Ordering {
    match key(a).cmp(key(b)) {
        Ordering::Equal => record(a).cmp(&record(b)),
        unequal => unequal,
    }
}

/// Writes `rows` in canonical order. Only references are sorted, so a million entities
/// are not copied to be ordered.
fn sorted<'a, T, const N: usize>(
    out: impl Write,
    columns: &[&str],
    rows: &'a [T],
    key: fn(&T) -> &str,
    record: fn(&T) -> [Cow<'_, str>; N],
) -> io::Result<()> {
    let mut order: Vec<&'a T> = rows.iter().collect();
    order.sort_unstable_by(|a, b| compare(*a, *b, key, record));
    write_table(out, columns, order.into_iter().map(record))
}
