//! References from an imported recusals, history or lists file to the other tables, which are
//! not in the file but in the current snapshots (of the database, say). The same checks
//! as `registry::validate::references` makes across a folder's files.

use std::collections::HashSet;

use crate::registry::RowError;

use super::{Parsed, Rows};

/// The keys of the current snapshot of each table another one refers to; `None` when the
/// table has no snapshot yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// USCCs of the entities.
    pub entities: Option<HashSet<String>>,
    /// Card numbers of the officers.
    pub officers: Option<HashSet<String>>,
    /// Codes of the matters.
    pub matters: Option<HashSet<String>>,
}

/// One referenced table: its snapshot's keys, and what it is called in messages.
struct Target<'a> {
    keys: Option<&'a HashSet<String>>,
    /// The CLI word, e.g. "officers".
    table: &'static str,
    /// One row of it, e.g. "officer".
    one: &'static str,
    /// The table in Chinese, e.g. "执法检查人员名录".
    zh: &'static str,
}

/// Every reference of `parsed` (read from `file_name`) to a key that `known` does not
/// have, by line and column. A table with no snapshot is reported once (line 0), not for
/// each row. Entities, officers and matters refer to nothing: no problems.
pub fn check_references(parsed: &Parsed, file_name: &str, known: &Known) -> Vec<RowError> {
    let entities = Target {
        keys: known.entities.as_ref(),
        table: "entities",
        one: "entity",
        zh: "检查对象名录",
    };
    let officers = Target {
        keys: known.officers.as_ref(),
        table: "officers",
        one: "officer",
        zh: "执法检查人员名录",
    };
    let matters = Target {
        keys: known.matters.as_ref(),
        table: "matters",
        one: "matter",
        zh: "抽查事项清单",
    };
    let mut errors = Vec::new();
    let mut check = |target: &Target, line: u64, column: &str, key: &str| match target.keys {
        Some(keys) if !keys.contains(key) => errors.push(RowError {
            file: file_name.to_string(),
            line,
            column: Some(column.to_string()),
            reason: format!(
                "「{key}」不在当前的{}中 / {} '{key}' is not in the current {}",
                target.zh, target.one, target.table
            ),
        }),
        _ => {}
    };
    let targets: Vec<&Target> = match &parsed.rows {
        Rows::Recusals(rows) => {
            for (r, &line) in rows.iter().zip(&parsed.lines) {
                check(&officers, line, "card_no", &r.card_no);
                check(&entities, line, "uscc", r.uscc.as_str());
            }
            vec![&officers, &entities]
        }
        Rows::History(rows) => {
            for (h, &line) in rows.iter().zip(&parsed.lines) {
                check(&entities, line, "uscc", h.uscc.as_str());
                check(&matters, line, "matter_code", &h.matter_code);
                for card in &h.officers {
                    check(&officers, line, "officers", card);
                }
            }
            vec![&entities, &matters, &officers]
        }
        Rows::Lists(rows) => {
            for (l, &line) in rows.iter().zip(&parsed.lines) {
                check(&entities, line, "uscc", l.uscc.as_str());
            }
            vec![&entities]
        }
        Rows::Entities(_) | Rows::Officers(_) | Rows::Matters(_) => Vec::new(),
    };
    if !parsed.rows.is_empty() {
        let missing = targets
            .iter()
            .filter(|t| t.keys.is_none())
            .map(|t| RowError {
                file: file_name.to_string(),
                line: 0,
                column: None,
                reason: format!(
                    "引用了尚未导入的{0}，请先导入{0} / refers to {1} but none have been imported yet: import {1} first",
                    t.zh, t.table
                ),
            });
        let missing: Vec<RowError> = missing.collect();
        errors.splice(0..0, missing);
    }
    errors
}
