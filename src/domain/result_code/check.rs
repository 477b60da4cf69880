//! The one checker of a selection of result codes against a list: known codes, no repeats,
//! then every rule of the list, each broken rule named in Chinese and English.

use super::{ResultCategory, ResultCodes};

/// A rule a selection breaks, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub zh: String,
    pub en: String,
}

impl ResultCodes {
    /// Checks a result (a selection of codes) and returns it in canonical spelling and order.
    /// Refused, with the reason: no code; an unknown code (all are named); a code given
    /// twice; any broken rule (all are named): a code that must be alone, a child without
    /// its parent, a parent without a child where it needs one, an `exclude` or a `require`
    /// of the list.
    pub fn check_selection(&self, codes: &[String]) -> Result<Vec<String>, String> {
        if codes.is_empty() {
            return Err(
                "codes: 未选择结果代码，请至少选择一个 (no result category is selected: select at least one)"
                    .to_string(),
            );
        }
        let mut unknown: Vec<&str> = Vec::new();
        let mut twice: Option<&str> = None;
        let mut selected: Vec<(usize, &ResultCategory)> = Vec::with_capacity(codes.len());
        for code in codes.iter().map(|c| c.trim()) {
            let found = self
                .categories
                .iter()
                .enumerate()
                .find(|(_, c)| c.code.eq_ignore_ascii_case(code));
            match found {
                None => unknown.push(code),
                Some((i, _)) if selected.iter().any(|(j, _)| *j == i) => {
                    twice.get_or_insert(code);
                }
                Some(category) => selected.push(category),
            }
        }
        if !unknown.is_empty() {
            let known: Vec<&str> = self.iter().map(|c| c.code.as_str()).collect();
            return Err(format!(
                "codes: 结果代码 '{}' 不在「{}」中 (unknown result code{} '{}' in the list '{}'; known: {})",
                unknown.join("', '"),
                self.zh,
                if unknown.len() > 1 { "s" } else { "" },
                unknown.join("', '"),
                self.id,
                known.join(", ")
            ));
        }
        if let Some(code) = twice {
            return Err(format!(
                "codes: 结果代码 '{code}' 重复选择 (result code '{code}' is selected twice)"
            ));
        }
        selected.sort_unstable_by_key(|(i, _)| *i);
        let chosen: Vec<&str> = selected.iter().map(|(_, c)| c.code.as_str()).collect();
        let broken = self.broken(&chosen);
        if !broken.is_empty() {
            let zh: Vec<&str> = broken.iter().map(|b| b.zh.as_str()).collect();
            let en: Vec<&str> = broken.iter().map(|b| b.en.as_str()).collect();
            return Err(format!(
                "codes {}: {} ({})",
                chosen.join(", "),
                zh.join("；"),
                en.join("; ")
            ));
        }
        Ok(chosen.into_iter().map(str::to_string).collect())
    }

    /// The rules a selection of known codes (canonical spelling) breaks, in this order: the
    /// codes that must be alone, children without their parent, parents without a child
    /// where one is needed, then the list's `exclude` and `require` rules in file order.
    pub fn broken(&self, chosen: &[&str]) -> Vec<Broken> {
        let has = |code: &str| chosen.contains(&code);
        let mut out = Vec::new();
        for c in chosen.iter().filter_map(|c| self.get(c)) {
            if c.alone && chosen.len() > 1 {
                out.push(Broken {
                    zh: format!(
                        "{}须单独选择，不能与其他代码同时选择",
                        self.named(&c.code, false)
                    ),
                    en: format!("{} must be selected alone", self.named(&c.code, true)),
                });
            }
        }
        for c in chosen.iter().filter_map(|c| self.get(c)) {
            if let Some(p) = c.parent.as_deref()
                && !has(p)
            {
                out.push(Broken {
                    zh: format!(
                        "{}须同时选择其上级{}",
                        self.named(&c.code, false),
                        self.named(p, false)
                    ),
                    en: format!(
                        "{} needs its parent {}",
                        self.named(&c.code, true),
                        self.named(p, true)
                    ),
                });
            }
        }
        for c in chosen.iter().filter_map(|c| self.get(c)) {
            let children = self.children(&c.code);
            if c.needs_child && !children.iter().any(|k| has(k)) {
                out.push(Broken {
                    zh: format!(
                        "{}须至少选择一个下级代码（{}）",
                        self.named(&c.code, false),
                        children.join("、")
                    ),
                    en: format!(
                        "{} needs at least one of its children ({})",
                        self.named(&c.code, true),
                        children.join(", ")
                    ),
                });
            }
        }
        for r in &self.excludes {
            let first: Vec<&String> = r.codes.iter().filter(|c| has(c)).collect();
            let clash = if r.with.is_empty() {
                first.len() > 1
            } else {
                !first.is_empty() && r.with.iter().any(|c| has(c))
            };
            if clash {
                out.push(Broken {
                    zh: r.zh.clone(),
                    en: r.en.clone(),
                });
            }
        }
        for r in &self.requires {
            if r.codes.iter().any(|c| has(c)) && !r.any.iter().any(|c| has(c)) {
                out.push(Broken {
                    zh: r.zh.clone(),
                    en: r.en.clone(),
                });
            }
        }
        out
    }
}
