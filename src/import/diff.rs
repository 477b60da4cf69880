//! What an import would change: the rows of a table compared, by key, with the current
//! snapshot's rows. Pure: the caller reads both.
//!
//! A row's key is its table's key columns (`key_columns`): one for entities, officers and
//! matters; the pair for recusals and lists; the whole row for history, which has no key (a
//! changed inspection is then one removed and one added). Rows are compared as the canonical
//! CSV writes them (`registry::canonical::TableRow::record`), so a change of spelling that
//! parses to the same value is no change.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Kind, Rows};
use crate::registry::canonical::TableRow;

/// At most this many rows of each sort are listed; the rest are counted.
pub const FIRST: usize = 10;

/// One field of a changed row: its column, and its value before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub column: &'static str,
    pub old: String,
    pub new: String,
}

/// A changed row: its key (key columns joined by " / ") and the fields that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedRow {
    pub key: String,
    pub fields: Vec<FieldChange>,
}

/// The difference between two versions of one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// The keys of the first `FIRST` rows added, in key order.
    pub first_added: Vec<String>,
    /// The keys of the first `FIRST` rows removed, in key order.
    pub first_removed: Vec<String>,
    /// The first `FIRST` rows changed, in key order.
    pub first_changed: Vec<ChangedRow>,
}

impl Diff {
    /// Whether the new rows equal the old ones.
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.removed == 0 && self.changed == 0
    }
}

/// How many of the table's first columns make a row's key (all of them for history).
pub fn key_columns(kind: Kind) -> usize {
    match kind {
        Kind::Entities | Kind::Officers | Kind::Matters => 1,
        Kind::Recusals | Kind::Lists => 2,
        Kind::History => kind.columns().len(),
    }
}

/// What changes from `old` (none: the table was never imported) to `new`. Rows of another
/// table than `new`'s in `old` are a caller's mistake and count as no rows.
pub fn diff(old: Option<&Rows>, new: &Rows) -> Diff {
    fn of<T: TableRow<N>, const N: usize>(old: &[T], new: &[T], key: usize) -> Diff {
        compare(
            old.iter().map(|r| r.record()),
            new.iter().map(|r| r.record()),
            T::COLUMNS,
            key,
        )
    }
    let key = key_columns(new.kind());
    let none = Rows::Entities(Vec::new());
    let old = old.filter(|o| o.kind() == new.kind()).unwrap_or(&none);
    match (old, new) {
        (Rows::Entities(o), Rows::Entities(n)) => of(o, n, key),
        (Rows::Officers(o), Rows::Officers(n)) => of(o, n, key),
        (Rows::Matters(o), Rows::Matters(n)) => of(o, n, key),
        (Rows::Recusals(o), Rows::Recusals(n)) => of(o, n, key),
        (Rows::History(o), Rows::History(n)) => of(o, n, key),
        (Rows::Lists(o), Rows::Lists(n)) => of(o, n, key),
        (_, n) => match n {
            Rows::Entities(n) => of(&[], n, key),
            Rows::Officers(n) => of(&[], n, key),
            Rows::Matters(n) => of(&[], n, key),
            Rows::Recusals(n) => of(&[], n, key),
            Rows::History(n) => of(&[], n, key),
            Rows::Lists(n) => of(&[], n, key),
        },
    }
}

/// The difference of two tables given as records of `columns`, keyed by their first `key`
/// fields. Rows of the same key pair off in order (history's equal rows may repeat).
pub fn compare<'a, const N: usize>(
    old: impl Iterator<Item = [Cow<'a, str>; N]>,
    new: impl Iterator<Item = [Cow<'a, str>; N]>,
    columns: &'static [&'static str],
    key: usize,
) -> Diff {
    let key = key.clamp(1, N);
    let key_of = |r: &[Cow<'a, str>; N]| -> Vec<Cow<'a, str>> { r[..key].to_vec() };
    let mut before: BTreeMap<Vec<Cow<'a, str>>, Vec<[Cow<'a, str>; N]>> = BTreeMap::new();
    for r in old {
        before.entry(key_of(&r)).or_default().push(r);
    }
    let mut d = Diff::default();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for r in new {
        let k = key_of(&r);
        let Some(olds) = before.get_mut(&k).filter(|o| !o.is_empty()) else {
            d.added += 1;
            added.push(shown(&k));
            continue;
        };
        // An equal old row first, if there is one; else the first of this key.
        let at = olds.iter().position(|o| *o == r).unwrap_or(0);
        let o = olds.remove(at);
        if o == r {
            d.unchanged += 1;
            continue;
        }
        d.changed += 1;
        let fields = (0..N)
            .filter(|&i| o[i] != r[i])
            .map(|i| FieldChange {
                column: columns.get(i).copied().unwrap_or("?"),
                old: o[i].to_string(),
                new: r[i].to_string(),
            })
            .collect();
        changed.push(ChangedRow {
            key: shown(&k),
            fields,
        });
    }
    let mut removed = Vec::new();
    for (k, rest) in &before {
        d.removed += rest.len();
        removed.extend(std::iter::repeat_n(shown(k), rest.len()));
    }
    added.sort();
    changed.sort_by(|a, b| a.key.cmp(&b.key));
    d.first_added = added.into_iter().take(FIRST).collect();
    d.first_removed = removed.into_iter().take(FIRST).collect();
    d.first_changed = changed.into_iter().take(FIRST).collect();
    d
}

/// A key as people read it: its fields joined by " / ".
fn shown(key: &[Cow<'_, str>]) -> String {
    key.join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[&str] = &["code", "name", "sector"];

    fn rec(fields: [&'static str; 3]) -> [Cow<'static, str>; 3] {
        fields.map(Cow::Borrowed)
    }

    fn run(old: &[[&'static str; 3]], new: &[[&'static str; 3]], key: usize) -> Diff {
        compare(
            old.iter().copied().map(rec),
            new.iter().copied().map(rec),
            COLUMNS,
            key,
        )
    }

    #[test]
    fn rows_are_added_removed_changed_or_unchanged_by_key() {
        let old = [
            ["A", "甲", "养老服务"],
            ["B", "乙", "养老服务"],
            ["C", "丙", "殡葬服务"],
        ];
        let new = [
            ["D", "丁", "社会组织"],
            ["C", "丙二", "社会组织"],
            ["A", "甲", "养老服务"],
        ];
        let d = run(&old, &new, 1);
        assert_eq!((d.added, d.removed, d.changed, d.unchanged), (1, 1, 1, 1));
        assert_eq!(d.first_added, ["D"]);
        assert_eq!(d.first_removed, ["B"]);
        assert_eq!(
            d.first_changed,
            [ChangedRow {
                key: "C".into(),
                fields: vec![
                    FieldChange {
                        column: "name",
                        old: "丙".into(),
                        new: "丙二".into()
                    },
                    FieldChange {
                        column: "sector",
                        old: "殡葬服务".into(),
                        new: "社会组织".into()
                    },
                ],
            }]
        );
        assert!(!d.is_empty());
        assert!(run(&old, &old, 1).is_empty());
        assert_eq!(run(&old, &old, 1).unchanged, 3);
    }

    #[test]
    fn a_whole_row_key_pairs_equal_rows_and_never_says_changed() {
        let old = [["A", "x", "1"], ["A", "x", "1"], ["A", "y", "1"]];
        let new = [["A", "x", "1"], ["A", "y", "2"]];
        let d = run(&old, &new, 3);
        assert_eq!((d.added, d.removed, d.changed, d.unchanged), (1, 2, 0, 1));
        assert_eq!(d.first_added, ["A / y / 2"]);
        assert_eq!(d.first_removed, ["A / x / 1", "A / y / 1"]);
    }

    #[test]
    fn a_pair_key_tells_apart_rows_of_one_first_column() {
        let old = [["A", "x", "1"], ["A", "y", "1"]];
        let new = [["A", "y", "2"], ["A", "x", "1"]];
        let d = run(&old, &new, 2);
        assert_eq!((d.added, d.removed, d.changed, d.unchanged), (0, 0, 1, 1));
        assert_eq!(d.first_changed[0].key, "A / y");
    }

    #[test]
    fn only_the_first_few_are_listed_in_key_order_and_all_are_counted() {
        let keys: Vec<&'static str> = (0..25)
            .map(|i| &*Box::leak(format!("K{:02}", 24 - i).into_boxed_str()))
            .collect();
        let new: Vec<[&'static str; 3]> = keys.iter().map(|k| [*k, "n", "s"]).collect();
        let d = run(&[], &new, 1);
        assert_eq!(d.added, 25);
        assert_eq!(d.first_added.len(), FIRST);
        assert_eq!(d.first_added[0], "K00");
        assert_eq!(d.first_added[FIRST - 1], "K09");
    }

    #[test]
    fn tables_compare_as_their_canonical_records() {
        use crate::domain::{Matter, Method};
        let matter = |name: &str| Matter {
            code: "M1".into(),
            name: name.into(),
            sector: "养老服务".into(),
            legal_basis: "条例".into(),
            inspecting_body: "民政局".into(),
            content: "检查".into(),
            methods: vec![Method::parse("实地核查").unwrap()],
        };
        let old = Rows::Matters(vec![matter("甲")]);
        let new = Rows::Matters(vec![matter("乙")]);
        let d = diff(Some(&old), &new);
        assert_eq!(d.changed, 1);
        assert_eq!(d.first_changed[0].fields[0].column, "name");
        let first = diff(None, &new);
        assert_eq!((first.added, first.removed), (1, 0));
        assert_eq!(key_columns(Kind::History), 4);
    }
}
