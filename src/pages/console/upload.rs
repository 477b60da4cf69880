//! The corps' directory upload, pure: the preview of a file (every bad row, or what it
//! would change against the current version, with the confirm and cancel buttons) from
//! plain data, as `templates/console/upload.html`.

use askama::Template;

use super::{Console, finish};
use crate::import::diff::Diff;
use crate::registry::RowError;

/// At most this many bad rows are listed; the rest are counted.
pub const SHOWN: usize = 500;

/// A bad row or file as the page lists it.
pub struct Problem {
    /// `file` or `file:row` (a workbook's label names its sheet).
    pub place: String,
    pub column: Option<String>,
    pub reason: String,
}

impl From<&RowError> for Problem {
    fn from(e: &RowError) -> Problem {
        Problem {
            place: match e.line {
                0 => e.file.clone(),
                line => format!("{}:{line}", e.file),
            },
            column: e.column.clone(),
            reason: e.reason.clone(),
        }
    }
}

/// What the preview found.
pub enum Found<'a> {
    /// Bad rows: nothing is held.
    Problems(&'a [RowError]),
    /// The same content as current version `version`: nothing to import.
    Unchanged { version: i64 },
    /// A new version of `rows` rows against current version `current` (none: the first),
    /// held as `held` until confirmed.
    Changed {
        rows: usize,
        current: Option<i64>,
        diff: &'a Diff,
        held: &'a str,
    },
}

#[derive(Template)]
#[template(path = "console/upload.html")]
struct UploadTemplate<'a> {
    c: &'a Console,
    table: &'a str,
    file_name: &'a str,
    problems: Vec<Problem>,
    more: usize,
    unchanged: Option<i64>,
    rows: usize,
    current: Option<i64>,
    diff: Option<&'a Diff>,
    held: &'a str,
}

/// The preview of `file_name` as directory table `table` (its name for people).
pub fn preview(c: &Console, table: &str, file_name: &str, found: Found<'_>) -> String {
    let mut t = UploadTemplate {
        c,
        table,
        file_name,
        problems: Vec::new(),
        more: 0,
        unchanged: None,
        rows: 0,
        current: None,
        diff: None,
        held: "",
    };
    match found {
        Found::Problems(errors) => {
            t.problems = errors.iter().take(SHOWN).map(Problem::from).collect();
            t.more = errors.len().saturating_sub(SHOWN);
        }
        Found::Unchanged { version } => t.unchanged = Some(version),
        Found::Changed {
            rows,
            current,
            diff,
            held,
        } => {
            t.rows = rows;
            t.current = current;
            t.diff = Some(diff);
            t.held = held;
        }
    }
    finish(t.render())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::diff::{ChangedRow, FieldChange};
    use crate::pages::model::Lang;

    fn console() -> Console {
        Console::new(
            Lang::Zh,
            Some("总队".into()),
            "tok".into(),
            "/console/directories",
        )
    }

    #[test]
    fn bad_rows_are_listed_with_file_row_and_column_and_nothing_to_confirm() {
        let errors = [RowError {
            file: "entities.csv".into(),
            line: 3,
            column: Some("credit_grade".into()),
            reason: "「E」不是 A、B、C、D 之一".into(),
        }];
        let html = preview(
            &console(),
            "检查对象名录",
            "entities.csv",
            Found::Problems(&errors),
        );
        for want in ["entities.csv:3", "credit_grade", "「E」不是", "没有导入"] {
            assert!(html.contains(want), "{want} in {html}");
        }
        assert!(!html.contains("确认导入"), "{html}");
    }

    #[test]
    fn a_change_shows_its_counts_fields_and_the_confirm_form() {
        let diff = Diff {
            added: 2,
            removed: 1,
            changed: 1,
            unchanged: 5,
            first_added: vec!["A".into(), "B".into()],
            first_removed: vec!["C".into()],
            first_changed: vec![ChangedRow {
                key: "D".into(),
                fields: vec![FieldChange {
                    column: "name",
                    old: "旧名".into(),
                    new: "新名".into(),
                }],
            }],
        };
        let found = Found::Changed {
            rows: 8,
            current: Some(1),
            diff: &diff,
            held: "HELD-ID",
        };
        let html = preview(&console(), "检查对象名录", "entities.csv", found);
        for want in [
            "新增 2 行",
            "删除 1 行",
            "修改 1 行",
            "旧名",
            "新名",
            "确认导入",
            "value=\"HELD-ID\"",
            "name=\"csrf\" value=\"tok\"",
        ] {
            assert!(html.contains(want), "{want} in {html}");
        }
    }
}
