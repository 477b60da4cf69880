//! Reading one CSV table: checks the header against the expected columns, then hands each row
//! to a parser that reports every bad field. Rows with errors are skipped, never half-read.

use std::collections::{HashMap, HashSet};

use super::error::RowError;
use super::split;

/// Where each expected column is in the file (looked up for every field of every row, so
/// with foldhash rather than SipHash).
type ColumnIndex = HashMap<&'static str, usize, foldhash::fast::RandomState>;

/// Field access for one row, collecting the errors of every field it is asked for.
pub struct Row<'a> {
    file: &'a str,
    line: u64,
    fields: Vec<&'a str>,
    index: &'a ColumnIndex,
    errors: &'a mut Vec<RowError>,
}

impl<'a> Row<'a> {
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Parses column `column` with `parse`; on failure records the reason and returns `None`.
    /// The value may borrow the field's text.
    pub fn field<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&'a str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.fields[self.index[column]];
        match parse(raw) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.error(Some(column), reason);
                None
            }
        }
    }

    /// Records a problem that concerns the row (or a column) after its fields were read.
    pub fn error(&mut self, column: Option<&str>, reason: String) {
        self.errors.push(RowError {
            file: self.file.to_string(),
            line: self.line,
            column: column.map(str::to_string),
            reason,
        });
    }
}

/// Columns in a fixed order, for rows whose fields come from elsewhere than a CSV record
/// (JSON objects, say): field `i` of every row is column `columns[i]`. The same `parse::*`
/// functions then validate them, with the same `Row` field API and the same messages.
pub struct FixedColumns {
    index: ColumnIndex,
    len: usize,
}

impl FixedColumns {
    /// Field `i` of each row will be column `columns[i]`.
    pub fn new(columns: &[&'static str]) -> FixedColumns {
        let index = columns.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        FixedColumns {
            index,
            len: columns.len(),
        }
    }

    /// Parses one row of `file` at `line` with `parse`, its bad fields reported into
    /// `errors`. `fields` must hold one value per column, in the order given to `new`; a
    /// row of another length is refused as a whole (one error), never indexed out of bounds.
    pub fn parse<'a, T>(
        &'a self,
        file: &'a str,
        line: u64,
        fields: Vec<&'a str>,
        errors: &'a mut Vec<RowError>,
        parse: fn(&mut Row) -> Option<T>,
    ) -> Option<T> {
        if fields.len() != self.len {
            errors.push(RowError {
                file: file.to_string(),
                line,
                column: None,
                reason: format!(
                    "有 {0} 个字段，应为 {1} 个 / has {0} fields, expected {1}",
                    fields.len(),
                    self.len
                ),
            });
            return None;
        }
        let mut row = Row {
            file,
            line,
            fields,
            index: &self.index,
            errors,
        };
        parse(&mut row)
    }
}

/// The rows of a table that parsed, and the keys of those that did not (so that references
/// to a row already reported as bad are not reported a second time).
pub struct Table<T> {
    pub rows: Vec<T>,
    /// The line of each row in `rows`.
    pub lines: Vec<u64>,
    pub bad_keys: HashSet<String>,
}

/// How a key column is compared across files: upper case, without white space.
pub fn key_form(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn empty<T>() -> Table<T> {
    Table {
        rows: Vec::new(),
        lines: Vec::new(),
        bad_keys: HashSet::new(),
    }
}

/// `read` when the file could be read, an empty table otherwise.
pub fn read_some<T: Send>(
    file: &str,
    input: Option<&[u8]>,
    columns: &[&'static str],
    key: &'static str,
    errors: &mut Vec<RowError>,
    parse: fn(&mut Row) -> Option<T>,
) -> Table<T> {
    match input {
        Some(bytes) => read(file, bytes, columns, key, errors, parse),
        None => empty(),
    }
}

/// Reads every row of `input`. `columns` must all be in the header, and nothing else may be;
/// `key` is the column other files refer to. `errors` receives one entry per bad field or row,
/// in line order. Large files are parsed on two threads (`split`).
pub fn read<T: Send>(
    file: &str,
    input: &[u8],
    columns: &[&'static str],
    key: &'static str,
    errors: &mut Vec<RowError>,
    parse: fn(&mut Row) -> Option<T>,
) -> Table<T> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let header_error = |errors: &mut Vec<RowError>, line, column: Option<&str>, reason| {
        errors.push(RowError {
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            reason,
        })
    };
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            header_error(
                errors,
                1,
                None,
                format!("无法读取表头 / cannot read the header: {e}"),
            );
            return empty();
        }
    };
    // Blank lines before the header (a workbook's empty top rows) are skipped.
    let line = headers.position().map_or(1, |p| {
        split::count(&input[..p.byte() as usize], b'\n') as u64 + 1
    });
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        header_error(
            errors,
            line,
            None,
            "文件为空（没有表头行） / the file is empty (no header line)".into(),
        );
        return empty();
    }
    let mut index = ColumnIndex::default();
    let before = errors.len();
    for (i, raw) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_string();
        match columns.iter().find(|c| **c == name) {
            Some(c) if index.contains_key(c) => header_error(
                errors,
                line,
                Some(&name),
                "列重复出现 / column appears twice".into(),
            ),
            Some(c) => {
                index.insert(*c, i);
            }
            None => header_error(
                errors,
                line,
                Some(&name),
                format!(
                    "未知的列（应为：{0}） / unknown column (expected: {0})",
                    columns.join(", ")
                ),
            ),
        }
    }
    for c in columns {
        if !index.contains_key(c) {
            header_error(
                errors,
                line,
                Some(c),
                "缺少必需的列 / required column is missing".into(),
            );
        }
    }
    if errors.len() > before {
        return empty();
    }
    let start = reader.position().byte() as usize;
    let body = &input[start..];
    // Lines are counted from the bytes, not taken from the reader (see `LineCount`).
    let first_line = split::count(&input[..start], b'\n') as u64 + 1;
    let pieces = split::split(body, first_line, 2);
    let chunk = Chunk {
        file,
        headers: &headers,
        index: &index,
        key,
        parse,
    };
    // Tables are sized from an upper bound on their records (the line count) up front:
    // growing by doubling would touch (and make the kernel zero) about twice the memory of a
    // large table. The first piece's rows are sized for the whole table, and the others are
    // appended into capacity that is already there (untouched capacity costs no memory).
    let lines: Vec<usize> = pieces
        .iter()
        .map(|p| split::count(p.bytes, b'\n') + 1)
        .collect();
    let whole = lines.iter().sum();
    let results: Vec<(Table<T>, Vec<RowError>)> = if pieces.len() == 1 {
        vec![chunk.read(&pieces[0], whole)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = pieces[1..]
                .iter()
                .zip(&lines[1..])
                .map(|(p, &capacity)| {
                    let chunk = &chunk;
                    s.spawn(move || chunk.read(p, capacity))
                })
                .collect();
            let mut all = vec![chunk.read(&pieces[0], whole)];
            all.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("parsing thread")),
            );
            all
        })
    };
    // Append in place: a second full-size copy of a large table would double peak memory.
    let total: usize = results.iter().map(|(t, _)| t.rows.len()).sum();
    let mut parts = results.into_iter();
    let (mut table, first_errors) = parts.next().expect("at least one piece");
    errors.extend(first_errors);
    table.rows.reserve_exact(total - table.rows.len());
    table.lines.reserve_exact(total - table.lines.len());
    for (mut part, part_errors) in parts {
        table.rows.append(&mut part.rows);
        table.lines.append(&mut part.lines);
        table.bad_keys.extend(part.bad_keys);
        errors.extend(part_errors);
    }
    table
}

/// The line a record starts on, counted from the bytes of its piece. The csv reader's own
/// count lags one line behind after a CRLF line end (it takes the LF as the start of the
/// next record), which would name the line above each bad row of a file saved by Excel.
struct LineCount<'a> {
    bytes: &'a [u8],
    /// How far line feeds have been counted, and the line number there.
    counted_to: usize,
    line: u64,
}

impl LineCount<'_> {
    /// The line of the first byte at or after `byte` that is not a line end: where the
    /// record the reader placed at `byte` begins. Positions only move forward.
    fn at(&mut self, byte: u64) -> u64 {
        let mut start = (byte as usize).min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.counted_to {
            self.line += split::count(&self.bytes[self.counted_to..start], b'\n') as u64;
            self.counted_to = start;
        }
        self.line
    }
}

/// What every piece of a file is read with.
struct Chunk<'a, T> {
    file: &'a str,
    headers: &'a csv::ByteRecord,
    index: &'a ColumnIndex,
    key: &'static str,
    parse: fn(&mut Row) -> Option<T>,
}

impl<T> Chunk<'_, T> {
    /// Parses the records of one piece (no header), numbering lines as in the whole file,
    /// into tables with room for `capacity` rows.
    fn read(&self, piece: &split::Piece, capacity: usize) -> (Table<T>, Vec<RowError>) {
        let file = self.file;
        let mut errors = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(piece.bytes);
        let mut line_of = LineCount {
            bytes: piece.bytes,
            counted_to: 0,
            line: piece.first_line,
        };
        let mut rows = Vec::with_capacity(capacity);
        let mut lines = Vec::with_capacity(capacity);
        let mut bad_keys = HashSet::new();
        let mut record = csv::ByteRecord::new();
        loop {
            let line = line_of.at(reader.position().byte());
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(line, |p| line_of.at(p.byte()));
                    let reason = format!("CSV 无法读取 / unreadable CSV: {e}");
                    errors.push(RowError {
                        file: file.to_string(),
                        line,
                        column: None,
                        reason,
                    });
                    break;
                }
            }
            let line = record.position().map_or(line, |p| line_of.at(p.byte()));
            if record.len() == 1 && record[0].is_empty() {
                continue; // a blank line
            }
            if record.len() != self.headers.len() {
                let reason = format!(
                    "有 {0} 个字段，表头有 {1} 个 / has {0} fields, the header has {1}",
                    record.len(),
                    self.headers.len()
                );
                errors.push(RowError {
                    file: file.to_string(),
                    line,
                    column: None,
                    reason,
                });
                continue;
            }
            let mut fields = Vec::with_capacity(record.len());
            let mut bad_encoding = None;
            for (i, raw) in record.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(s) => fields.push(s),
                    Err(_) => {
                        bad_encoding.get_or_insert(i);
                        fields.push("");
                    }
                }
            }
            if let Some(i) = bad_encoding {
                errors.push(RowError {
                    file: file.to_string(),
                    line,
                    column: Some(String::from_utf8_lossy(&self.headers[i]).trim().to_string()),
                    reason: "不是有效的 UTF-8（请另存为 CSV UTF-8） / is not valid UTF-8 (save the file as UTF-8 CSV)"
                        .into(),
                });
                continue;
            }
            let raw_key = fields[self.index[self.key]];
            let mut row = Row {
                file,
                line,
                fields,
                index: self.index,
                errors: &mut errors,
            };
            match (self.parse)(&mut row) {
                Some(value) => {
                    rows.push(value);
                    lines.push(line);
                }
                None => {
                    bad_keys.insert(key_form(raw_key));
                }
            }
        }
        (
            Table {
                rows,
                lines,
                bad_keys,
            },
            errors,
        )
    }
}
