//! Checks that span rows and files: unique keys, and references to entities, officers and
//! matters that exist.

use std::collections::{HashMap, HashSet};

use crate::domain::{Entity, Inspection, Matter, Officer, Recusal};

use super::error::RowError;
use super::table::{Parsed, Table, key_form};

fn error(file: &str, line: u64, column: &str, reason: String) -> RowError {
    RowError {
        file: file.to_string(),
        line,
        column: Some(column.to_string()),
        reason,
    }
}

/// Reports every key seen before, naming the line of its first appearance.
pub fn unique<'a, T>(
    file: &str,
    column: &str,
    rows: &'a [Parsed<T>],
    key: impl Fn(&'a T) -> &'a str,
    errors: &mut Vec<RowError>,
) {
    let mut first: HashMap<&str, u64> = HashMap::with_capacity(rows.len());
    for row in rows {
        let k = key(&row.value);
        if let Some(line) = first.get(k) {
            errors.push(error(
                file,
                row.line,
                column,
                format!("'{k}' duplicates line {line}"),
            ));
        } else {
            first.insert(k, row.line);
        }
    }
}

/// The parsed tables of one directory, for cross-checks.
pub struct Tables<'a> {
    pub entities: &'a Table<Entity>,
    pub officers: &'a Table<Officer>,
    pub matters: &'a Table<Matter>,
    pub recusals: &'a [Parsed<Recusal>],
    pub history: &'a [Parsed<Inspection>],
}

/// The keys of a table: those of good rows, and those of rows already reported as bad.
struct Known<'a>(&'a HashSet<&'a str>, &'a HashSet<String>);

impl Known<'_> {
    fn contains(&self, key: &str) -> bool {
        self.0.contains(key) || self.1.contains(&key_form(key))
    }
}

pub fn references(files: &super::FileNames, t: &Tables, errors: &mut Vec<RowError>) {
    // A reference to a row that is itself bad was reported with that row: not again here.
    let entity_keys: HashSet<&str> = t
        .entities
        .rows
        .iter()
        .map(|r| r.value.uscc.as_str())
        .collect();
    let officer_keys: HashSet<&str> = t
        .officers
        .rows
        .iter()
        .map(|r| r.value.card_no.as_str())
        .collect();
    let matter_keys: HashSet<&str> = t
        .matters
        .rows
        .iter()
        .map(|r| r.value.code.as_str())
        .collect();
    let entities = Known(&entity_keys, &t.entities.bad_keys);
    let officers = Known(&officer_keys, &t.officers.bad_keys);
    let matters = Known(&matter_keys, &t.matters.bad_keys);

    let mut pairs = HashMap::new();
    for r in t.recusals {
        if !officers.contains(r.value.card_no.as_str()) {
            let reason = format!("officer '{}' is not in {}", r.value.card_no, files.officers);
            errors.push(error(files.recusals, r.line, "card_no", reason));
        }
        if !entities.contains(r.value.uscc.as_str()) {
            let reason = format!("entity '{}' is not in {}", r.value.uscc, files.entities);
            errors.push(error(files.recusals, r.line, "uscc", reason));
        }
        let key = (r.value.card_no.as_str(), r.value.uscc.as_str());
        if let Some(line) = pairs.insert(key, r.line) {
            let reason = format!("the same officer and entity are declared at line {line}");
            errors.push(error(files.recusals, r.line, "uscc", reason));
        }
    }
    for h in t.history {
        if !entities.contains(h.value.uscc.as_str()) {
            let reason = format!("entity '{}' is not in {}", h.value.uscc, files.entities);
            errors.push(error(files.history, h.line, "uscc", reason));
        }
        if !matters.contains(h.value.matter_code.as_str()) {
            let reason = format!(
                "matter '{}' is not in {}",
                h.value.matter_code, files.matters
            );
            errors.push(error(files.history, h.line, "matter_code", reason));
        }
        for card in &h.value.officers {
            if !officers.contains(card.as_str()) {
                let reason = format!("officer '{card}' is not in {}", files.officers);
                errors.push(error(files.history, h.line, "officers", reason));
            }
        }
    }
}
