//! JSON Lines: one JSON object per non-blank line, with exactly the table's columns as keys
//! and strings as values (a list column may also be an array of strings). Each object's
//! fields are then validated by the same `registry::parse` functions as a CSV row's.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::registry::RowError;
use crate::registry::split;
use crate::registry::table::{FixedColumns, Row, Table, key_form};

use super::Kind;
use super::json_value::{self, Value};

/// Reads every line of `text` (lines numbered from 1). Bad rows are reported into `errors`
/// in line order and left out of the table. Large inputs are read on two threads.
pub fn read<T: Send>(
    file: &str,
    text: &str,
    kind: Kind,
    errors: &mut Vec<RowError>,
    parse: fn(&mut Row) -> Option<T>,
) -> Table<T> {
    let reader = Lines {
        file,
        kind,
        columns: FixedColumns::new(kind.columns()),
        parse,
    };
    let (first, second) = halves(text);
    let (table, first_errors) = if second.is_empty() {
        reader.read(first, 1)
    } else {
        let second_line = split::count(first.as_bytes(), b'\n') as u64 + 1;
        let (first, (mut rest, rest_errors)) = std::thread::scope(|s| {
            let rest = s.spawn(|| reader.read(second, second_line));
            let first = reader.read(first, 1);
            // A panic on the other thread is passed on as it is.
            (
                first,
                rest.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            )
        });
        let (mut table, mut first_errors) = first;
        table.rows.append(&mut rest.rows);
        table.lines.append(&mut rest.lines);
        table.bad_keys.extend(rest.bad_keys);
        first_errors.extend(rest_errors);
        (table, first_errors)
    };
    errors.extend(first_errors);
    table
}

/// `text` cut after a line feed near its middle when it is large (else whole, and "").
fn halves(text: &str) -> (&str, &str) {
    if text.len() < split::MIN_SPLIT {
        return (text, "");
    }
    match memchr::memchr(b'\n', &text.as_bytes()[text.len() / 2..]) {
        // A line feed is one byte and never inside a UTF-8 character: a valid cut.
        Some(i) => text.split_at(text.len() / 2 + i + 1),
        None => (text, ""),
    }
}

/// What every piece of a file is read with.
struct Lines<'a, T> {
    file: &'a str,
    kind: Kind,
    columns: FixedColumns,
    parse: fn(&mut Row) -> Option<T>,
}

impl<T: Send> Lines<'_, T> {
    /// Reads the lines of `piece`, the first of which is line `first_line` of the file;
    /// returns the table and the errors.
    fn read(&self, piece: &str, first_line: u64) -> (Table<T>, Vec<RowError>) {
        let mut errors = Vec::new();
        let capacity = split::count(piece.as_bytes(), b'\n') + 1;
        let mut rows = Vec::with_capacity(capacity);
        let mut lines = Vec::with_capacity(capacity);
        let mut bad_keys = HashSet::new();
        for (i, text) in piece.split('\n').enumerate() {
            let line = first_line + i as u64;
            if text.trim().is_empty() {
                continue;
            }
            match self.row(text, line, &mut errors) {
                Ok(value) => {
                    rows.push(value);
                    lines.push(line);
                }
                Err(Some(key)) => {
                    bad_keys.insert(key);
                }
                Err(None) => {}
            }
        }
        let table = Table {
            rows,
            lines,
            bad_keys,
        };
        (table, errors)
    }

    /// Parses one non-blank line. On failure, the key (in `key_form`) if it could be read.
    fn row(&self, text: &str, line: u64, errors: &mut Vec<RowError>) -> Result<T, Option<String>> {
        let error = |errors: &mut Vec<RowError>, column: Option<&str>, reason: String| {
            errors.push(RowError {
                file: self.file.to_string(),
                line,
                column: column.map(str::to_string),
                reason,
            })
        };
        let object = match json_value::object(text) {
            Ok(o) => o,
            Err(reason) => {
                error(errors, None, reason);
                return Err(None);
            }
        };
        let columns = self.kind.columns();
        let mut slots: Vec<Option<Cow<str>>> = vec![None; columns.len()];
        let mut bad = false;
        for (key, value) in object.0 {
            let Some(i) = columns.iter().position(|c| *c == key) else {
                let reason = format!("unknown key (expected: {})", columns.join(", "));
                error(errors, Some(&key), reason);
                bad = true;
                continue;
            };
            if slots[i].is_some() {
                error(errors, Some(columns[i]), "key appears twice".into());
                bad = true;
                continue;
            }
            match self.field(columns[i], value) {
                Ok(v) => slots[i] = Some(v),
                Err(reason) => {
                    error(errors, Some(columns[i]), reason);
                    slots[i] = Some(Cow::Borrowed(""));
                    bad = true;
                }
            }
        }
        for (c, slot) in columns.iter().zip(&slots) {
            if slot.is_none() {
                error(errors, Some(c), "required key is missing".into());
                bad = true;
            }
        }
        let key = columns
            .iter()
            .position(|c| *c == self.kind.key())
            .and_then(|i| slots[i].as_deref())
            .map(key_form);
        if bad {
            return Err(key);
        }
        let fields: Vec<&str> = slots.iter().map(|s| s.as_deref().unwrap_or("")).collect();
        self.columns
            .parse(self.file, line, fields, errors, self.parse)
            .ok_or(key)
    }

    /// A value as the text of its field: a string as it is, an array of strings in a list
    /// column joined with `;` (so that the list rules apply to it unchanged).
    fn field<'v>(&self, column: &str, value: Value<'v>) -> Result<Cow<'v, str>, String> {
        let is_list = self.kind.list_columns().contains(&column);
        match value {
            Value::Str(s) => Ok(s),
            Value::List(items) if is_list => {
                if items.is_empty() {
                    return Err("is an empty list".into());
                }
                if let Some(item) = items.iter().find(|i| i.contains([';', '；'])) {
                    return Err(format!(
                        "has an item '{item}' with a ';' inside (give the items one by one)"
                    ));
                }
                Ok(Cow::Owned(items.join(";")))
            }
            Value::List(_) => Err("must be a JSON string, not an array".into()),
            Value::Other(what) if is_list => Err(format!(
                "must be a JSON string or an array of strings, not {what}"
            )),
            Value::Other(what) => Err(format!("must be a JSON string, not {what}")),
        }
    }
}
