//! Import files (CSV in UTF-8 or GBK, an `.xlsx` workbook, JSON Lines) into validated
//! directory rows.
//!
//! One file holds one table (`Kind`). `parse` turns its bytes into domain rows with the
//! folder format's rules (`registries/README.md`), through the folder's own decoding
//! (`registry::decode`), `registry::table` and `registry::parse`, so that no rule is written
//! twice, or returns every problem found.
//! `content_hash` recognises the same content imported again; `check_references` checks
//! a recusals, history or lists file against the keys of the other tables' current snapshots;
//! `diff` says which rows a new version adds, removes and changes.
//! Pure: no file, clock or database is touched here.

mod canonical;
pub mod diff;
mod error;
mod json_value;
mod jsonl;
mod kind;
mod references;

use crate::domain::{Entity, Inspection, Listing, Matter, Officer, Recusal};
use crate::registry::table::{self, Row, Table};
use crate::registry::{RowError, decode, parse as row, validate};

pub use crate::registry::decode::{Encoding, ReadAs};
pub use canonical::{canonical_csv, content_hash, is_canonical_order, sort, write_canonical};
pub use error::{ImportErrors, SHOWN};
pub use kind::Kind;
pub use references::{Known, check_references};

/// The format of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// From the file name: `.jsonl` or `.ndjson` (any case) is JSON Lines, anything else CSV
    /// (an `.xlsx` workbook is recognised by its content and read as CSV rows).
    #[default]
    Auto,
    /// CSV with a header line, as in a directory folder.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The format named by a CLI word: `auto`, `csv`, `jsonl`/`ndjson` (any case).
    pub fn parse(word: &str) -> Option<Format> {
        match word.to_ascii_lowercase().as_str() {
            "auto" => Some(Format::Auto),
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// `Csv` or `JsonLines`: this format, or for `Auto` the one `file_name`'s extension says.
    pub fn resolve(self, file_name: &str) -> Format {
        match self {
            Format::Auto => {
                let lower = file_name.to_ascii_lowercase();
                if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
                    Format::JsonLines
                } else {
                    Format::Csv
                }
            }
            known => known,
        }
    }
}

/// The validated rows of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    /// Rows of `entities`.
    Entities(Vec<Entity>),
    /// Rows of `officers`.
    Officers(Vec<Officer>),
    /// Rows of `matters`.
    Matters(Vec<Matter>),
    /// Rows of `recusals`.
    Recusals(Vec<Recusal>),
    /// Rows of `history`.
    History(Vec<Inspection>),
    /// Rows of `lists`.
    Lists(Vec<Listing>),
}

impl Rows {
    /// The table these rows belong to.
    pub fn kind(&self) -> Kind {
        match self {
            Rows::Entities(_) => Kind::Entities,
            Rows::Officers(_) => Kind::Officers,
            Rows::Matters(_) => Kind::Matters,
            Rows::Recusals(_) => Kind::Recusals,
            Rows::History(_) => Kind::History,
            Rows::Lists(_) => Kind::Lists,
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Rows::Entities(r) => r.len(),
            Rows::Officers(r) => r.len(),
            Rows::Matters(r) => r.len(),
            Rows::Recusals(r) => r.len(),
            Rows::History(r) => r.len(),
            Rows::Lists(r) => r.len(),
        }
    }

    /// Whether there are no rows (a file with only its header).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A file read and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The rows, in file order.
    pub rows: Rows,
    /// The 1-based file line of each row.
    pub lines: Vec<u64>,
    /// How the bytes were read: UTF-8, GBK (when `Auto` found GBK) or as a workbook.
    pub read_as: ReadAs,
    /// What messages call the source: the file's name, or `file[sheet]` for a workbook
    /// (whose `lines` are then the sheet's row numbers).
    pub label: String,
    /// `Csv` or `JsonLines`.
    pub format_used: Format,
}

/// Reads `bytes`, the content of `file_name` (used in messages and, for `Format::Auto`, for
/// its extension), as the table `kind`: every row validated, keys unique within the file.
/// Either every row is good, or every problem is returned, in line order. A workbook
/// (`registry::decode`) is read as CSV rows; asking for JSON Lines then is an error.
pub fn parse(
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
    format: Format,
    encoding: Encoding,
) -> Result<Parsed, ImportErrors> {
    let decoded = decode::decode(file_name, bytes, encoding, kind.word()).map_err(ImportErrors)?;
    let (text, read_as, label) = (decoded.text, decoded.read_as, decoded.label);
    let file_name = label.as_str();
    let format_used = match (read_as, format) {
        (ReadAs::Xlsx, Format::JsonLines) => {
            return Err(ImportErrors(vec![RowError {
                file: file_name.to_string(),
                line: 0,
                column: None,
                reason: "is an .xlsx workbook, not JSON Lines (leave out --format)".into(),
            }]));
        }
        (ReadAs::Xlsx, _) => Format::Csv,
        _ => format.resolve(file_name),
    };
    if text.trim().is_empty() {
        let (zh, what) = match format_used {
            Format::JsonLines => ("没有数据行", "no rows"),
            _ => ("没有表头行", "no header line"),
        };
        return Err(ImportErrors(vec![RowError {
            file: file_name.to_string(),
            line: 0,
            column: None,
            reason: format!("文件为空（{zh}） / the file is empty ({what})"),
        }]));
    }
    let source = Source {
        file: file_name,
        text: &text,
        kind,
        format: format_used,
    };
    let mut errors = Vec::new();
    let (rows, lines) = match kind {
        Kind::Entities => {
            let t = source.read(&mut errors, row::entity);
            validate::unique(file_name, "uscc", &t, |e| e.uscc.as_str(), &mut errors);
            (Rows::Entities(t.rows), t.lines)
        }
        Kind::Officers => {
            let t = source.read(&mut errors, row::officer);
            validate::unique(file_name, "card_no", &t, |o| &o.card_no, &mut errors);
            (Rows::Officers(t.rows), t.lines)
        }
        Kind::Matters => {
            let t = source.read(&mut errors, row::matter);
            validate::unique(file_name, "code", &t, |m| &m.code, &mut errors);
            (Rows::Matters(t.rows), t.lines)
        }
        Kind::Recusals => {
            let t = source.read(&mut errors, row::recusal);
            validate::unique_pairs(file_name, &t, &mut errors);
            (Rows::Recusals(t.rows), t.lines)
        }
        // As in a folder, the same inspection may be listed twice.
        Kind::History => {
            let t = source.read(&mut errors, row::inspection);
            (Rows::History(t.rows), t.lines)
        }
        Kind::Lists => {
            let t = source.read(&mut errors, row::listing);
            validate::unique_listings(file_name, &t, &mut errors);
            (Rows::Lists(t.rows), t.lines)
        }
    };
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportErrors(errors));
    }
    Ok(Parsed {
        rows,
        lines,
        read_as,
        label,
        format_used,
    })
}

/// A decoded file and how to read it.
struct Source<'a> {
    file: &'a str,
    text: &'a str,
    kind: Kind,
    format: Format,
}

impl Source<'_> {
    /// Every good row of the file; each bad field or row goes into `errors`.
    fn read<T: Send>(
        &self,
        errors: &mut Vec<RowError>,
        parse: fn(&mut Row) -> Option<T>,
    ) -> Table<T> {
        match self.format {
            Format::JsonLines => jsonl::read(self.file, self.text, self.kind, errors, parse),
            Format::Csv | Format::Auto => {
                let (columns, key) = (self.kind.columns(), self.kind.key());
                table::read(self.file, self.text.as_bytes(), columns, key, errors, parse)
            }
        }
    }
}

#[cfg(test)]
mod tests;
