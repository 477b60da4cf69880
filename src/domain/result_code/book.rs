//! All the result lists, and which one a sector uses: the list that names the sector, else
//! the fallback list.

use super::{ResultCategory, ResultCodes};

/// The shipped lists, embedded: (file name as used in errors, text).
pub const SHIPPED: [(&str, &str); 4] = [
    (
        "registries/result-codes/market.toml",
        include_str!("../../../registries/result-codes/market.toml"),
    ),
    (
        "registries/result-codes/social-orgs.toml",
        include_str!("../../../registries/result-codes/social-orgs.toml"),
    ),
    (
        "registries/result-codes/elderly-care.toml",
        include_str!("../../../registries/result-codes/elderly-care.toml"),
    ),
    (
        "registries/result-codes/funeral.toml",
        include_str!("../../../registries/result-codes/funeral.toml"),
    ),
];

/// The result lists, validated together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBook {
    lists: Vec<ResultCodes>,
    fallback: usize,
}

impl CodeBook {
    /// The shipped lists ([`SHIPPED`]). A test proves they parse; should they not, the book
    /// holds one empty list and every selection is refused as unknown, never accepted.
    pub fn shipped() -> CodeBook {
        CodeBook::parse(&SHIPPED).unwrap_or(CodeBook {
            lists: vec![ResultCodes::empty()],
            fallback: 0,
        })
    }

    /// Parses each (file, text) and checks the lists together: ids unique, a sector named
    /// by at most one list, exactly one fallback list.
    pub fn parse(files: &[(&str, &str)]) -> Result<CodeBook, String> {
        let mut lists: Vec<ResultCodes> = Vec::with_capacity(files.len());
        for (file, text) in files {
            let list = ResultCodes::parse(file, text)?;
            if lists.iter().any(|l| l.id == list.id) {
                return Err(format!("{file}: id: '{}' is used by another list", list.id));
            }
            for s in &list.sectors {
                if let Some(other) = lists.iter().find(|l| l.sectors.contains(s)) {
                    return Err(format!(
                        "{file}: sectors: '{s}' is named by the list '{}' too",
                        other.id
                    ));
                }
            }
            lists.push(list);
        }
        let fallbacks: Vec<usize> = (0..lists.len()).filter(|i| lists[*i].fallback).collect();
        match fallbacks.as_slice() {
            [one] => Ok(CodeBook {
                fallback: *one,
                lists,
            }),
            [] => Err("result lists: none is the fallback (fallback = true)".into()),
            _ => Err("result lists: more than one is the fallback (fallback = true)".into()),
        }
    }

    /// Every list, the fallback among them.
    pub fn lists(&self) -> &[ResultCodes] {
        &self.lists
    }

    /// The list for targets of `sector`: the one that names it, else the fallback.
    pub fn for_sector(&self, sector: &str) -> &ResultCodes {
        self.lists
            .iter()
            .find(|l| l.sectors.iter().any(|s| s == sector))
            .unwrap_or(&self.lists[self.fallback])
    }

    /// Checks a selection for a target of `sector` against that sector's list.
    pub fn check(&self, sector: &str, codes: &[String]) -> Result<Vec<String>, String> {
        self.for_sector(sector).check_selection(codes)
    }

    /// The list and category that label a stored code of a target of `sector`: its
    /// sector's list, else the fallback list (a result recorded before the lists were per
    /// sector was checked against it). `None` for a code neither knows.
    pub fn label(&self, sector: &str, code: &str) -> Option<(&ResultCodes, &ResultCategory)> {
        let own = self.for_sector(sector);
        own.get(code).map(|c| (own, c)).or_else(|| {
            let general = &self.lists[self.fallback];
            general.get(code).map(|c| (general, c))
        })
    }

    /// Whether a stored selection for a target of `sector` holds a finding (a code of kind
    /// `finding`, labelled as [`CodeBook::label`] does).
    pub fn has_finding(&self, sector: &str, codes: &[String]) -> bool {
        self.has_kind(sector, codes, &[super::Kind::Finding])
    }

    /// Whether a stored selection says a problem was found: a finding, or a follow-up code
    /// (`E` 发现问题经责令已改正 may stand alone in a list that allows it; it names a problem
    /// found and already corrected, which opens no follow-up but was still found).
    pub fn found_problem(&self, sector: &str, codes: &[String]) -> bool {
        self.has_kind(
            sector,
            codes,
            &[super::Kind::Finding, super::Kind::FollowUp],
        )
    }

    fn has_kind(&self, sector: &str, codes: &[String], kinds: &[super::Kind]) -> bool {
        codes.iter().any(|c| {
            self.label(sector, c)
                .is_some_and(|(_, c)| kinds.contains(&c.kind))
        })
    }
}
