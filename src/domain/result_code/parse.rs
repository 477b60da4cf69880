//! Reading one result list (`registries/result-codes/*.toml`) and refusing a bad one, every
//! error naming the file and the field.

use serde::Deserialize;

use super::{Exclude, Require, ResultCategory, ResultCodes};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    id: String,
    zh: String,
    en: String,
    #[serde(default)]
    sectors: Vec<String>,
    #[serde(default)]
    fallback: bool,
    source: String,
    category: Vec<ResultCategory>,
    #[serde(default)]
    exclude: Vec<Exclude>,
    #[serde(default)]
    require: Vec<Require>,
}

fn trimmed(s: &mut String) {
    *s = s.trim().to_string();
}

impl ResultCodes {
    /// Parses and validates one list; `file` names it in errors. Refused: unknown keys; an
    /// empty id, label or source; no category; a code that is empty or not made of ASCII
    /// letters and digits, or given twice (letter case ignored); a parent that is not a
    /// code of the list or that makes a cycle; `needs_child` on a code without children;
    /// `alone` on a code with a parent; a rule naming an unknown code, or an exclusion
    /// that can never apply; no sector on a list that is not the fallback.
    pub fn parse(file: &str, text: &str) -> Result<ResultCodes, String> {
        let mut raw: RawFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        for (name, value) in [
            ("id", &mut raw.id),
            ("zh", &mut raw.zh),
            ("en", &mut raw.en),
            ("source", &mut raw.source),
        ] {
            trimmed(value);
            if value.is_empty() {
                return Err(format!("{file}: {name}: is empty"));
            }
        }
        for s in raw.sectors.iter_mut() {
            trimmed(s);
        }
        if raw.sectors.iter().any(String::is_empty) {
            return Err(format!("{file}: sectors: a sector is empty"));
        }
        if raw.sectors.is_empty() && !raw.fallback {
            return Err(format!(
                "{file}: sectors: name at least one sector, or set fallback = true"
            ));
        }
        if raw.category.is_empty() {
            return Err(format!("{file}: category: no [[category]] is listed"));
        }
        let mut categories: Vec<ResultCategory> = Vec::with_capacity(raw.category.len());
        for (i, mut c) in raw.category.into_iter().enumerate() {
            let at = format!("{file}: category #{}", i + 1);
            trimmed(&mut c.code);
            trimmed(&mut c.zh);
            trimmed(&mut c.en);
            if let Some(p) = c.parent.as_mut() {
                trimmed(p);
            }
            if c.code.is_empty() || !c.code.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                return Err(format!(
                    "{at}.code: '{}' is not a code (letters and digits only)",
                    c.code
                ));
            }
            if c.zh.is_empty() {
                return Err(format!("{at} ({}).zh: is empty", c.code));
            }
            if c.en.is_empty() {
                return Err(format!("{at} ({}).en: is empty", c.code));
            }
            if categories
                .iter()
                .any(|k| k.code.eq_ignore_ascii_case(&c.code))
            {
                return Err(format!("{at}.code: '{}' is given twice", c.code));
            }
            categories.push(c);
        }
        let known = |code: &str| categories.iter().any(|c| c.code == code);
        for c in &categories {
            let at = format!("{file}: category {}", c.code);
            if let Some(p) = &c.parent {
                if !known(p) {
                    return Err(format!("{at}.parent: '{p}' is not a code of this list"));
                }
                if c.alone {
                    return Err(format!(
                        "{at}.alone: a code with a parent is never alone (its parent is selected with it)"
                    ));
                }
            }
            if c.needs_child
                && !categories
                    .iter()
                    .any(|k| k.parent.as_ref() == Some(&c.code))
            {
                return Err(format!("{at}.needs_child: '{}' has no children", c.code));
            }
        }
        let categories = canonical(file, categories)?;
        let list = ResultCodes {
            id: raw.id,
            zh: raw.zh,
            en: raw.en,
            sectors: raw.sectors,
            fallback: raw.fallback,
            source: raw.source,
            categories,
            excludes: raw.exclude,
            requires: raw.require,
        };
        list.check_rules(file)
    }

    /// Refuses rules that name unknown codes, have no reason text, or can never apply.
    fn check_rules(mut self, file: &str) -> Result<ResultCodes, String> {
        let unknown = |codes: &[String]| -> Option<String> {
            codes
                .iter()
                .find(|c| !self.categories.iter().any(|k| k.code == **c))
                .cloned()
        };
        for (i, r) in self.excludes.iter().enumerate() {
            let at = format!("{file}: exclude #{}", i + 1);
            if r.codes.is_empty() || (r.with.is_empty() && r.codes.len() < 2) {
                return Err(format!(
                    "{at}.codes: name two codes or more, or some codes and `with`"
                ));
            }
            if let Some(c) = unknown(&r.codes).or_else(|| unknown(&r.with)) {
                return Err(format!("{at}: '{c}' is not a code of this list"));
            }
            if r.zh.trim().is_empty() || r.en.trim().is_empty() {
                return Err(format!("{at}: zh and en say why; one is empty"));
            }
        }
        for (i, r) in self.requires.iter().enumerate() {
            let at = format!("{file}: require #{}", i + 1);
            if r.codes.is_empty() || r.any.is_empty() {
                return Err(format!("{at}: codes and any may not be empty"));
            }
            if let Some(c) = unknown(&r.codes).or_else(|| unknown(&r.any)) {
                return Err(format!("{at}: '{c}' is not a code of this list"));
            }
            if r.zh.trim().is_empty() || r.en.trim().is_empty() {
                return Err(format!("{at}: zh and en say why; one is empty"));
            }
        }
        for r in self.excludes.iter_mut() {
            trimmed(&mut r.zh);
            trimmed(&mut r.en);
        }
        for r in self.requires.iter_mut() {
            trimmed(&mut r.zh);
            trimmed(&mut r.en);
        }
        Ok(self)
    }
}

/// The categories in canonical order: each top-level category in file order, followed by
/// its subtree in the same order. Refuses a cycle of parents.
fn canonical(file: &str, categories: Vec<ResultCategory>) -> Result<Vec<ResultCategory>, String> {
    let n = categories.len();
    let mut order: Vec<usize> = Vec::with_capacity(n);
    fn visit(at: usize, all: &[ResultCategory], order: &mut Vec<usize>) {
        order.push(at);
        for (i, c) in all.iter().enumerate() {
            if c.parent.as_deref() == Some(all[at].code.as_str()) {
                visit(i, all, order);
            }
        }
    }
    for (i, c) in categories.iter().enumerate() {
        if c.parent.is_none() {
            visit(i, &categories, &mut order);
        }
    }
    if order.len() != n {
        let lost = categories
            .iter()
            .enumerate()
            .find(|(i, _)| !order.contains(i))
            .map(|(_, c)| c.code.clone())
            .unwrap_or_default();
        return Err(format!(
            "{file}: category {lost}.parent: its parents make a cycle"
        ));
    }
    let mut slots: Vec<Option<ResultCategory>> = categories.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}
