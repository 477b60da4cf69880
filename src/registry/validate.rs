//! Checks that span rows and files: unique keys, and references to entities, officers and
//! matters that exist.

use std::collections::{HashMap, HashSet};

use crate::domain::{Inspection, Listing, Recusal};

use super::error::RowError;
use super::table::{Table, key_form};

fn error(file: &str, line: u64, column: &str, reason: String) -> RowError {
    RowError {
        file: file.to_string(),
        line,
        column: Some(column.to_string()),
        reason,
    }
}

/// The key of every good row, with its line. (foldhash: a million USCCs hash several times
/// faster than with the standard SipHash, and its per-process seed keeps crafted keys from
/// colliding on purpose.)
pub type Keys<'a> = HashMap<&'a str, u64, foldhash::fast::RandomState>;

/// Reports every key seen before, naming the line of its first appearance; returns the keys.
pub fn unique<'a, T>(
    file: &str,
    column: &str,
    table: &'a Table<T>,
    key: impl Fn(&'a T) -> &'a str,
    errors: &mut Vec<RowError>,
) -> Keys<'a> {
    let mut first: Keys =
        HashMap::with_capacity_and_hasher(table.rows.len(), foldhash::fast::RandomState::default());
    for (row, &line) in table.rows.iter().zip(&table.lines) {
        let k = key(row);
        if let Some(earlier) = first.get(k) {
            errors.push(error(
                file,
                line,
                column,
                format!("「{k}」与第 {earlier} 行重复 / '{k}' duplicates line {earlier}"),
            ));
        } else {
            first.insert(k, line);
        }
    }
    first
}

/// What other files may refer to, for cross-checks.
pub struct Tables<'a> {
    pub entities: Known<'a>,
    pub officers: Known<'a>,
    pub matters: Known<'a>,
    pub recusals: &'a Table<Recusal>,
    pub history: &'a Table<Inspection>,
    pub lists: &'a Table<Listing>,
}

/// The keys of a table: those of good rows, and those of rows already reported as bad.
/// The third field is true when the file could not be read at all (then nothing is known
/// missing from it).
pub struct Known<'a>(pub &'a Keys<'a>, pub &'a HashSet<String>, pub bool);

impl Known<'_> {
    fn contains(&self, key: &str) -> bool {
        self.2 || self.0.contains_key(key) || self.1.contains(&key_form(key))
    }
}

/// Reports each officer–entity pair declared a second time, at its line, naming the first.
pub fn unique_pairs(file: &str, table: &Table<Recusal>, errors: &mut Vec<RowError>) {
    unique_by_pair(
        file,
        table,
        |r| (&r.card_no, r.uscc.as_str()),
        "uscc",
        |first| {
            format!(
                "同一执法人员与对象已在第 {first} 行申报 / the same officer and entity are declared at line {first}"
            )
        },
        errors,
    );
}

/// Reports each entity put on the same list a second time, at its line, naming the first
/// (the key of `lists.csv` is the pair `uscc`, `list`).
pub fn unique_listings(file: &str, table: &Table<Listing>, errors: &mut Vec<RowError>) {
    unique_by_pair(
        file,
        table,
        |l| (l.uscc.as_str(), &l.list),
        "list",
        |first| {
            format!(
                "该对象已在第 {first} 行列入同一名录 / the same entity is on this list at line {first}"
            )
        },
        errors,
    );
}

/// Reports each row whose key pair repeats an earlier row's, in `column`, with `said` of the
/// earlier row's line.
fn unique_by_pair<'a, T>(
    file: &str,
    table: &'a Table<T>,
    pair: impl Fn(&'a T) -> (&'a str, &'a str),
    column: &str,
    said: impl Fn(u64) -> String,
    errors: &mut Vec<RowError>,
) {
    use std::collections::hash_map::Entry;
    let mut first = HashMap::with_capacity(table.rows.len());
    for (r, &line) in table.rows.iter().zip(&table.lines) {
        match first.entry(pair(r)) {
            Entry::Vacant(v) => {
                v.insert(line);
            }
            Entry::Occupied(o) => {
                let reason = said(*o.get());
                errors.push(error(file, line, column, reason));
            }
        }
    }
}

pub fn references(files: &super::FileNames, t: &Tables, errors: &mut Vec<RowError>) {
    // A reference to a row that is itself bad was reported with that row: not again here.
    let (entities, officers, matters) = (&t.entities, &t.officers, &t.matters);
    for (r, &line) in t.recusals.rows.iter().zip(&t.recusals.lines) {
        if !officers.contains(r.card_no.as_str()) {
            let reason = format!("officer '{}' is not in {}", r.card_no, files.officers);
            errors.push(error(files.recusals, line, "card_no", reason));
        }
        if !entities.contains(r.uscc.as_str()) {
            let reason = format!("entity '{}' is not in {}", r.uscc, files.entities);
            errors.push(error(files.recusals, line, "uscc", reason));
        }
    }
    unique_pairs(files.recusals, t.recusals, errors);
    for (h, &line) in t.history.rows.iter().zip(&t.history.lines) {
        if !entities.contains(h.uscc.as_str()) {
            let reason = format!("entity '{}' is not in {}", h.uscc, files.entities);
            errors.push(error(files.history, line, "uscc", reason));
        }
        if !matters.contains(h.matter_code.as_str()) {
            let reason = format!("matter '{}' is not in {}", h.matter_code, files.matters);
            errors.push(error(files.history, line, "matter_code", reason));
        }
        for card in &h.officers {
            if !officers.contains(card.as_str()) {
                let reason = format!("officer '{card}' is not in {}", files.officers);
                errors.push(error(files.history, line, "officers", reason));
            }
        }
    }
    for (l, &line) in t.lists.rows.iter().zip(&t.lists.lines) {
        if !entities.contains(l.uscc.as_str()) {
            let reason = format!(
                "名录中的对象不在 {0} 中 / entity '{1}' is not in {0}",
                files.entities, l.uscc
            );
            errors.push(error(files.lists, line, "uscc", reason));
        }
    }
    unique_listings(files.lists, t.lists, errors);
}
