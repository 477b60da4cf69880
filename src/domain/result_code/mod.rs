//! Inspection result categories (抽查结果) as data: one list per sector, nested, with the
//! combinations that exclude or require each other and the source each list follows.
//!
//! The lists live in `registries/result-codes/*.toml` (embedded; format in
//! `registries/README.md`). A result is a selection of codes of the list of its target's
//! sector ([`CodeBook::for_sector`]), checked by [`ResultCodes::check_selection`]: the one
//! checker the CLI, the API and the demo go through. A refusal names the rule that forbids
//! the selection, in Chinese first (officers read it), then in English.

mod book;
mod check;
mod parse;
#[cfg(test)]
mod tests;

pub use book::CodeBook;

use serde::{Deserialize, Serialize};

/// What a result category says about the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// No problem was found (`"none"`): 1 未发现问题.
    #[serde(rename = "none")]
    NoProblem,
    /// A problem was found: a violation of a rule, missing or false publicity, an entity
    /// that cannot be contacted at its registered domicile (`"finding"`).
    #[serde(rename = "finding")]
    Finding,
    /// The entity could not be inspected normally or is no longer active: closed, refused
    /// to cooperate, deregistered, revoked, moved out, no such activity (`"status"`).
    #[serde(rename = "status")]
    Status,
    /// What happens about the problems found: pending follow-up, or corrected after an
    /// order to correct (`"follow-up"`).
    #[serde(rename = "follow-up")]
    FollowUp,
}

impl Kind {
    /// The word used in the data files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NoProblem => "none",
            Kind::Finding => "finding",
            Kind::Status => "status",
            Kind::FollowUp => "follow-up",
        }
    }
}

/// One result category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultCategory {
    /// The code, e.g. `"1"`, `"A"`, `"SZ01"`; stored and logged as written here.
    pub code: String,
    /// The code of the category this one sits under, if any: selecting this one requires
    /// selecting its parent.
    #[serde(default)]
    pub parent: Option<String>,
    /// Chinese label, e.g. `未发现问题`.
    pub zh: String,
    /// English label.
    pub en: String,
    pub kind: Kind,
    /// Must be the only code selected (未发现问题, 注销…).
    #[serde(default)]
    pub alone: bool,
    /// When selected, at least one of its children must be selected too.
    #[serde(default)]
    pub needs_child: bool,
}

/// A combination that is refused: with `with` empty, any two of `codes` together; else any
/// of `codes` together with any of `with`. `zh` and `en` say why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclude {
    pub codes: Vec<String>,
    #[serde(default)]
    pub with: Vec<String>,
    pub zh: String,
    pub en: String,
}

/// A combination that is required: when any of `codes` is selected, at least one of `any`
/// must be selected too. `zh` and `en` say why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Require {
    pub codes: Vec<String>,
    pub any: Vec<String>,
    pub zh: String,
    pub en: String,
}

/// One validated list of result categories: the categories in canonical order (each parent
/// directly followed by its subtree, siblings in file order) and the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultCodes {
    /// The list's id, e.g. `social-orgs`.
    pub id: String,
    /// The list's name in Chinese and English.
    pub zh: String,
    pub en: String,
    /// The sectors (as spelled in `entities.csv`) whose targets use this list.
    pub sectors: Vec<String>,
    /// The list used for a sector that no list names.
    pub fallback: bool,
    /// The documents the list follows, and which parts are this project's own.
    pub source: String,
    categories: Vec<ResultCategory>,
    excludes: Vec<Exclude>,
    requires: Vec<Require>,
}

impl ResultCodes {
    /// An empty list: every code is unknown to it, so every selection is refused.
    pub fn empty() -> ResultCodes {
        ResultCodes {
            id: "none".into(),
            zh: "无".into(),
            en: "none".into(),
            sectors: Vec::new(),
            fallback: true,
            source: String::new(),
            categories: Vec::new(),
            excludes: Vec::new(),
            requires: Vec::new(),
        }
    }

    /// The category of `code` (surrounding spaces and letter case ignored).
    pub fn get(&self, code: &str) -> Option<&ResultCategory> {
        let code = code.trim();
        self.categories
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }

    /// The categories in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = &ResultCategory> {
        self.categories.iter()
    }

    /// The rules that refuse combinations.
    pub fn excludes(&self) -> &[Exclude] {
        &self.excludes
    }

    /// The rules that require combinations.
    pub fn requires(&self) -> &[Require] {
        &self.requires
    }

    /// The number of categories.
    pub fn len(&self) -> usize {
        self.categories.len()
    }

    /// True when there is no category.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// `code` and its ancestors, from the top: `[A, 2, B]` for B. Empty for an unknown code.
    pub fn path(&self, code: &str) -> Vec<&ResultCategory> {
        let mut path = Vec::new();
        let mut at = self.get(code);
        while let Some(c) = at {
            // The parse refuses cycles; the bound keeps a bad list from looping anyway.
            if path.len() > self.categories.len() {
                break;
            }
            path.push(c);
            at = c.parent.as_deref().and_then(|p| self.get(p));
        }
        path.reverse();
        path
    }

    /// The codes of the children of `code`, in canonical order.
    pub fn children(&self, code: &str) -> Vec<&str> {
        self.categories
            .iter()
            .filter(|c| c.parent.as_deref() == Some(code))
            .map(|c| c.code.as_str())
            .collect()
    }

    /// Is `code` a descendant of `ancestor`?
    pub fn is_below(&self, code: &str, ancestor: &str) -> bool {
        let path = self.path(code);
        path.len() > 1
            && path[..path.len() - 1]
                .iter()
                .any(|c| c.code.eq_ignore_ascii_case(ancestor))
    }

    /// `code` with its label, e.g. `A 发现问题待后续处理` (`en` for the English one).
    fn named(&self, code: &str, en: bool) -> String {
        match self.get(code) {
            Some(c) if en => format!("{} \"{}\"", c.code, c.en),
            Some(c) => format!("「{} {}」", c.code, c.zh),
            None => code.to_string(),
        }
    }
}
