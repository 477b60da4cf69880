//! Which directory table a file holds, named by the CLI words of `shuangsui import`.

use std::fmt;

use crate::registry::{FILES, parse};

/// One of the six directory tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `entities.csv`: supervised entities, keyed by `uscc`.
    Entities,
    /// `officers.csv`: law-enforcement officers, keyed by `card_no`.
    Officers,
    /// `matters.csv`: the inspection-matter list, keyed by `code`.
    Matters,
    /// `recusals.csv`: declared conflicts, keyed by the pair (`card_no`, `uscc`).
    Recusals,
    /// `history.csv`: past inspections (no key; identical rows may repeat).
    History,
    /// `lists.csv`: entities on named lists, keyed by the pair (`uscc`, `list`).
    Lists,
}

impl Kind {
    /// Every kind, in the folder format's file order.
    pub const ALL: [Kind; 6] = [
        Kind::Entities,
        Kind::Officers,
        Kind::Matters,
        Kind::Recusals,
        Kind::History,
        Kind::Lists,
    ];

    /// The tables every directory has, in file order: every batch commits a snapshot of each.
    /// `lists` is not among them: a directory without it has an empty one (a batch then
    /// names no lists snapshot).
    pub const REQUIRED: [Kind; 5] = [
        Kind::Entities,
        Kind::Officers,
        Kind::Matters,
        Kind::Recusals,
        Kind::History,
    ];

    /// The kind named by a CLI word: `entities`, `officers`, `matters`, `recusals`,
    /// `history` or `lists` (exactly, lower case); `None` for any other word.
    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.word() == word)
    }

    /// The CLI word of this kind.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Entities => "entities",
            Kind::Officers => "officers",
            Kind::Matters => "matters",
            Kind::Recusals => "recusals",
            Kind::History => "history",
            Kind::Lists => "lists",
        }
    }

    /// The table's file name in a directory folder, e.g. `entities.csv`.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Entities => FILES.entities,
            Kind::Officers => FILES.officers,
            Kind::Matters => FILES.matters,
            Kind::Recusals => FILES.recusals,
            Kind::History => FILES.history,
            Kind::Lists => FILES.lists,
        }
    }

    /// The key column: the one other tables refer to (for recusals, the first of the key
    /// pair `card_no`, `uscc`; for history, `uscc`, which is not unique; for lists, the first
    /// of the key pair `uscc`, `list`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Entities => "uscc",
            Kind::Officers => "card_no",
            Kind::Matters => "code",
            Kind::Recusals => "card_no",
            Kind::History | Kind::Lists => "uscc",
        }
    }

    /// The table's columns in the standard order (`registry::parse::*_COLUMNS`).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Entities => parse::ENTITY_COLUMNS,
            Kind::Officers => parse::OFFICER_COLUMNS,
            Kind::Matters => parse::MATTER_COLUMNS,
            Kind::Recusals => parse::RECUSAL_COLUMNS,
            Kind::History => parse::HISTORY_COLUMNS,
            Kind::Lists => parse::LIST_COLUMNS,
        }
    }

    /// The columns that hold `;`-separated lists (JSON Lines also accepts arrays there).
    pub fn list_columns(self) -> &'static [&'static str] {
        match self {
            Kind::Officers => &["sectors"],
            Kind::Matters => &["method"],
            Kind::History => &["officers"],
            Kind::Entities | Kind::Recusals | Kind::Lists => &[],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn words_round_trip_and_keys_are_columns() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.word()), Some(kind));
            assert!(kind.columns().contains(&kind.key()));
            for c in kind.list_columns() {
                assert!(kind.columns().contains(c));
            }
        }
        assert_eq!(Kind::parse("Entities"), None);
        assert_eq!(Kind::parse("entity"), None);
    }
}
