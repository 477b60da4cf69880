//! Inspection checklists (检查表单) as data: per matter, the items an officer checks, each
//! with its legal basis, and the answers allowed; and the one checker of a filled checklist.
//!
//! The checklists live in `registries/checklists/<matter code>.toml` (embedded; format in
//! `registries/README.md`). A result fills the checklists of the matters it inspected
//! ([`Book::check`]): every item answered or left unchecked (未检查), a finding for each
//! problem answer, a measure (`codes::Measure`) where one was taken, and nothing that
//! contradicts the result's categories. The CLI, the API and the demo all go through it.
//!
//! What is logged pins the checklist that was filled by its content hash ([`Checklist::sha256`]),
//! so a checklist file changed later never changes what an old result means; the finding
//! texts are working notes, never published: the log holds only a salted hash of them
//! (`app::results`, docs/LOG.md).

mod check;
mod parse;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use check::{Filled, FilledItem, Form, FormItem};

/// What an answer says about the item checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AnswerKind {
    /// The item is as the rules require (符合, 是).
    #[serde(rename = "ok")]
    Ok,
    /// A problem was found (不符合): the item needs a finding.
    #[serde(rename = "problem")]
    Problem,
    /// The item does not apply to this entity (不适用).
    #[serde(rename = "not-applicable")]
    NotApplicable,
}

/// One allowed answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The answer as written and logged, e.g. `不符合`.
    pub value: String,
    pub en: String,
    pub kind: AnswerKind,
}

/// One item of a checklist: what to check and by which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The item's id within its checklist, e.g. `03`.
    pub id: String,
    /// What to check, in Chinese and English.
    pub zh: String,
    pub en: String,
    /// The legal basis (依据): a regulation, with its article where one was checked.
    pub basis: String,
}

/// One matter's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    /// The matter's code (`matters.csv`), e.g. `MZ-YL-01`.
    pub matter: String,
    pub zh: String,
    pub en: String,
    /// The documents it follows, and which parts are this project's own.
    pub source: String,
    /// The answers allowed for every item, in the order offered.
    #[serde(rename = "answer")]
    pub answers: Vec<Answer>,
    #[serde(rename = "item")]
    pub items: Vec<Item>,
}

impl Checklist {
    /// The checklist's content hash: lowercase hex SHA-256 of the RFC 8785 canonical JSON of
    /// its parsed content (comments and layout of the file do not count). A result's log
    /// entry names the checklist it filled by this hash.
    pub fn sha256(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        crate::canonical::sha256_hex(&crate::canonical::to_vec(&value))
    }

    /// The allowed answer spelled `value` (surrounding spaces ignored).
    pub fn answer(&self, value: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.value == value.trim())
    }

    /// The item `id` (surrounding spaces ignored).
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id.trim())
    }
}

/// The shipped checklists, embedded: (file name as used in errors, text).
pub const SHIPPED: [(&str, &str); 10] = [
    (
        "registries/checklists/MZ-YL-01.toml",
        include_str!("../../../registries/checklists/MZ-YL-01.toml"),
    ),
    (
        "registries/checklists/MZ-YL-02.toml",
        include_str!("../../../registries/checklists/MZ-YL-02.toml"),
    ),
    (
        "registries/checklists/MZ-YL-03.toml",
        include_str!("../../../registries/checklists/MZ-YL-03.toml"),
    ),
    (
        "registries/checklists/MZ-BZ-01.toml",
        include_str!("../../../registries/checklists/MZ-BZ-01.toml"),
    ),
    (
        "registries/checklists/MZ-BZ-02.toml",
        include_str!("../../../registries/checklists/MZ-BZ-02.toml"),
    ),
    (
        "registries/checklists/MZ-SZ-01.toml",
        include_str!("../../../registries/checklists/MZ-SZ-01.toml"),
    ),
    (
        "registries/checklists/MZ-SZ-02.toml",
        include_str!("../../../registries/checklists/MZ-SZ-02.toml"),
    ),
    (
        "registries/checklists/MZ-SZ-03.toml",
        include_str!("../../../registries/checklists/MZ-SZ-03.toml"),
    ),
    (
        "registries/checklists/XF-YL-01.toml",
        include_str!("../../../registries/checklists/XF-YL-01.toml"),
    ),
    (
        "registries/checklists/SC-YL-01.toml",
        include_str!("../../../registries/checklists/SC-YL-01.toml"),
    ),
];

/// All the checklists, one per matter at most.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Book {
    lists: Vec<Checklist>,
}

static SHIPPED_BOOK: LazyLock<Book> = LazyLock::new(|| Book::parse(&SHIPPED).unwrap_or_default());

impl Book {
    /// The shipped checklists ([`SHIPPED`]). A test proves they parse; should they not, the
    /// book is empty and every filled checklist is refused as naming an unknown matter.
    pub fn shipped() -> &'static Book {
        &SHIPPED_BOOK
    }

    /// Parses each (file, text); a matter has at most one checklist.
    pub fn parse(files: &[(&str, &str)]) -> Result<Book, String> {
        let mut lists: Vec<Checklist> = Vec::with_capacity(files.len());
        for (file, text) in files {
            let list = parse::checklist(file, text)?;
            if lists.iter().any(|l| l.matter == list.matter) {
                return Err(format!(
                    "{file}: matter: 事项 '{}' 已有检查表单 (the matter '{}' has another checklist)",
                    list.matter, list.matter
                ));
            }
            lists.push(list);
        }
        Ok(Book { lists })
    }

    /// The checklist of `matter`, if it has one.
    pub fn get(&self, matter: &str) -> Option<&Checklist> {
        self.lists.iter().find(|l| l.matter == matter.trim())
    }

    /// Every checklist, in file order.
    pub fn lists(&self) -> &[Checklist] {
        &self.lists
    }

    /// The checklist whose content hash is `sha256`, among the shipped ones.
    pub fn by_hash(&self, sha256: &str) -> Option<&Checklist> {
        self.lists.iter().find(|l| l.sha256() == sha256)
    }
}
