//! The canonical CSV of a directory table (DRAW-SPEC §2.5) and its SHA-256, the table's
//! content hash: a commitment's `sources` and a database snapshot's `content_sha256`, the
//! same definition for a folder read by `registry::load` and a table imported by `import`.
//! The folder format's CSV as `write` writes it, header in the standard column order, rows
//! sorted by the table's key then by the whole record (bytes), LF line ends, UTF-8 without
//! BOM, every value in its canonical spelling.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::{self, Write};

use super::parse;
use super::write::{self, EntityText, write_table};
use crate::domain::{Entity, Inspection, Listing, Matter, Officer, Recusal};

/// A row of one directory table, in whatever form a reader keeps it, as the canonical CSV
/// writes it.
pub trait TableRow<const N: usize> {
    /// The table's columns in the standard order.
    const COLUMNS: &'static [&'static str];
    /// The table's key: the value of the first column.
    fn key(&self) -> &str;
    /// The row's fields as written, in `COLUMNS` order.
    fn record(&self) -> [Cow<'_, str>; N];
}

impl TableRow<10> for Entity {
    const COLUMNS: &'static [&'static str] = parse::ENTITY_COLUMNS;
    fn key(&self) -> &str {
        self.uscc.as_str()
    }
    fn record(&self) -> [Cow<'_, str>; 10] {
        write::entity_text_record(EntityText {
            uscc: self.uscc.as_str(),
            name: &self.name,
            sector: &self.sector,
            entity_type: &self.entity_type,
            district: &self.district,
            address: &self.address,
            grade: self.grade,
            status: self.status,
            legal_representative: &self.legal_representative,
            contact: &self.contact,
        })
    }
}

impl TableRow<7> for Officer {
    const COLUMNS: &'static [&'static str] = parse::OFFICER_COLUMNS;
    fn key(&self) -> &str {
        &self.card_no
    }
    fn record(&self) -> [Cow<'_, str>; 7] {
        write::officer_record(self)
    }
}

impl TableRow<7> for Matter {
    const COLUMNS: &'static [&'static str] = parse::MATTER_COLUMNS;
    fn key(&self) -> &str {
        &self.code
    }
    fn record(&self) -> [Cow<'_, str>; 7] {
        write::matter_record(self)
    }
}

impl TableRow<3> for Recusal {
    const COLUMNS: &'static [&'static str] = parse::RECUSAL_COLUMNS;
    fn key(&self) -> &str {
        &self.card_no
    }
    fn record(&self) -> [Cow<'_, str>; 3] {
        write::recusal_record(self)
    }
}

impl TableRow<4> for Inspection {
    const COLUMNS: &'static [&'static str] = parse::HISTORY_COLUMNS;
    fn key(&self) -> &str {
        self.uscc.as_str()
    }
    fn record(&self) -> [Cow<'_, str>; 4] {
        write::inspection_record(self)
    }
}

impl TableRow<4> for Listing {
    const COLUMNS: &'static [&'static str] = parse::LIST_COLUMNS;
    fn key(&self) -> &str {
        self.uscc.as_str()
    }
    fn record(&self) -> [Cow<'_, str>; 4] {
        write::listing_record(self)
    }
}

/// The canonical order: by key, ties broken by the whole record (built only on a tie).
pub fn compare<T: TableRow<N>, const N: usize>(a: &T, b: &T) -> Ordering {
    match a.key().cmp(b.key()) {
        Ordering::Equal => a.record().cmp(&b.record()),
        unequal => unequal,
    }
}

/// Writes the canonical CSV of `rows` to `out`. Only references are sorted, so a million
/// rows are not copied to be ordered.
pub fn write_sorted<T: TableRow<N>, const N: usize>(rows: &[T], out: impl Write) -> io::Result<()> {
    let mut order: Vec<&T> = rows.iter().collect();
    order.sort_unstable_by(|a, b| compare(*a, *b));
    write_table(out, T::COLUMNS, order.into_iter().map(TableRow::record))
}

/// The content hash of `rows`: SHA-256 of their canonical CSV, lower-case hex (computed
/// without holding the bytes).
pub fn hash<T: TableRow<N>, const N: usize>(rows: &[T]) -> String {
    let mut hasher = crate::canonical::Sha256Writer::default();
    if let Err(e) = write_sorted(rows, &mut hasher) {
        debug_assert!(false, "hashing failed: {e}");
    }
    hasher.hex()
}

/// As `hash`, for rows already in canonical order (not sorted again; an entity table sorted
/// by its unique keys is). Gives `hash`'s result only for such rows, which the caller sorted.
pub fn hash_in_order<T: TableRow<N>, const N: usize>(rows: &[T]) -> String {
    debug_assert!(rows.windows(2).all(|w| compare(&w[0], &w[1]).is_le()));
    let mut hasher = crate::canonical::Sha256Writer::default();
    if let Err(e) = write_table(&mut hasher, T::COLUMNS, rows.iter().map(TableRow::record)) {
        debug_assert!(false, "hashing failed: {e}");
    }
    hasher.hex()
}
