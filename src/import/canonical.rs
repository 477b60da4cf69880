//! The canonical bytes of a table, so that the same content imported again is recognised
//! whatever its encoding, format, row or column order, BOM or line ends: the folder
//! format's CSV (`registry::write`), header in the standard column order, rows sorted,
//! LF line ends, UTF-8 without BOM, every value in its canonical spelling.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::{self, Write};

use sha2::{Digest, Sha256};

use crate::registry::write::{
    entity_record, inspection_record, matter_record, officer_record, recusal_record, write_table,
};

use super::Rows;

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
    let mut hasher = Hashing(Sha256::new());
    if let Err(e) = write_canonical(rows, &mut hasher) {
        debug_assert!(false, "hashing failed: {e}");
    }
    hex::encode(hasher.0.finalize())
}

/// Writes the canonical CSV of `rows` to `out`. Rows are sorted by the table's key (the
/// first column), then by all their fields in column order, as bytes: a total order, so
/// equal tables give equal bytes (history and recusals are thus sorted by all fields).
pub fn write_canonical(rows: &Rows, out: impl Write) -> io::Result<()> {
    let columns = rows.kind().columns();
    match rows {
        Rows::Entities(r) => sorted(out, columns, r, |e| e.uscc.as_str(), entity_record),
        Rows::Officers(r) => sorted(out, columns, r, |o| &o.card_no, officer_record),
        Rows::Matters(r) => sorted(out, columns, r, |m| &m.code, matter_record),
        Rows::Recusals(r) => sorted(out, columns, r, |x| &x.card_no, recusal_record),
        Rows::History(r) => sorted(out, columns, r, |h| h.uscc.as_str(), inspection_record),
    }
}

/// Writes `rows` sorted by `key`, ties broken by the whole record. Only references are
/// sorted (a record is built for a comparison only on a tie of keys), so a million
/// entities are not copied to be ordered.
fn sorted<'a, T, const N: usize>(
    out: impl Write,
    columns: &[&str],
    rows: &'a [T],
    key: fn(&'a T) -> &'a str,
    record: fn(&'a T) -> [Cow<'a, str>; N],
) -> io::Result<()> {
    let mut order: Vec<&'a T> = rows.iter().collect();
    order.sort_unstable_by(|a, b| match key(a).cmp(key(b)) {
        Ordering::Equal => record(a).cmp(&record(b)),
        unequal => unequal,
    });
    write_table(out, columns, order.into_iter().map(record))
}

/// An `io::Write` that hashes what is written.
struct Hashing(Sha256);

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
