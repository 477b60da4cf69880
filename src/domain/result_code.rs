//! The standard inspection result categories (抽查结果), as data.
//!
//! The list lives in `registries/result-codes.toml` (embedded; format in its comments) so
//! that a local authority can add codes without a code change. A result is a selection of
//! codes, checked by [`ResultCodes::check_selection`].

use serde::{Deserialize, Serialize};

/// What a result category says about the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Finding {
    /// No problem was found (`"none"`).
    #[serde(rename = "none")]
    NoProblem,
    /// A problem was found: a violation, missing or false publicity… (`"problem"`).
    #[serde(rename = "problem")]
    Problem,
    /// The entity could not be inspected normally: unreachable, closed, deregistered,
    /// moved out, no such activity (`"status"`).
    #[serde(rename = "status")]
    Status,
}

impl Finding {
    /// The word used in the data file and the API: `none`, `problem` or `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::NoProblem => "none",
            Finding::Problem => "problem",
            Finding::Status => "status",
        }
    }
}

/// One result category: its code and labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultCategory {
    /// The code exchanged with provincial systems, e.g. `"1"`, `"A"`.
    pub code: String,
    /// Chinese label, e.g. `未发现问题`.
    pub zh: String,
    /// English label.
    pub en: String,
    /// What the category says about the entity.
    pub finding: Finding,
    /// When true the code must be the only one selected (未发现问题).
    #[serde(default)]
    pub exclusive: bool,
}

/// The validated list of result categories, in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultCodes {
    categories: Vec<ResultCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    category: Vec<ResultCategory>,
}

impl ResultCodes {
    /// Name of the shipped file, as used in error messages.
    pub const SHIPPED_FILE: &'static str = "registries/result-codes.toml";

    /// Text of the shipped file.
    pub const SHIPPED_TEXT: &'static str = include_str!("../../registries/result-codes.toml");

    /// The shipped list ([`ResultCodes::SHIPPED_TEXT`]). A test proves it parses; should it
    /// not, the list is empty and every selection is refused as unknown, never accepted.
    pub fn shipped() -> ResultCodes {
        ResultCodes::parse(Self::SHIPPED_FILE, Self::SHIPPED_TEXT).unwrap_or(ResultCodes {
            categories: Vec::new(),
        })
    }

    /// Parses and validates a result-code file; `file` names it in errors. Refused: unknown
    /// keys, an empty list, an empty label, a code that is empty or not made of letters and
    /// digits, a code given twice (letter case ignored).
    pub fn parse(file: &str, text: &str) -> Result<ResultCodes, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        if raw.category.is_empty() {
            return Err(format!("{file}: category: no [[category]] is listed"));
        }
        let mut categories: Vec<ResultCategory> = Vec::with_capacity(raw.category.len());
        for (i, mut c) in raw.category.into_iter().enumerate() {
            let at = format!("{file}: category #{}", i + 1);
            c.code = c.code.trim().to_string();
            c.zh = c.zh.trim().to_string();
            c.en = c.en.trim().to_string();
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
        Ok(ResultCodes { categories })
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

    /// The number of categories.
    pub fn len(&self) -> usize {
        self.categories.len()
    }

    /// True when there is no category (only if the shipped file failed to parse).
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// Checks a result (a selection of codes) and returns it in canonical spelling and order.
    /// Refused: no code; an unknown code (all are named); a code given twice; an exclusive
    /// code (未发现问题) together with any other.
    pub fn check_selection(&self, codes: &[String]) -> Result<Vec<String>, String> {
        if codes.is_empty() {
            return Err("no result category is selected: select at least one".to_string());
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
                "unknown result code{} '{}' (known: {})",
                if unknown.len() > 1 { "s" } else { "" },
                unknown.join("', '"),
                known.join(", ")
            ));
        }
        if let Some(code) = twice {
            return Err(format!("result code '{code}' is selected twice"));
        }
        selected.sort_unstable_by_key(|(i, _)| *i);
        if selected.len() > 1
            && let Some((_, c)) = selected.iter().find(|(_, c)| c.exclusive)
        {
            let all: Vec<&str> = selected.iter().map(|(_, c)| c.code.as_str()).collect();
            return Err(format!(
                "result code '{}' ({}) cannot be combined with other codes (selected: {})",
                c.code,
                c.zh,
                all.join(", ")
            ));
        }
        Ok(selected.into_iter().map(|(_, c)| c.code.clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn shipped_file_parses() {
        let parsed = ResultCodes::parse(ResultCodes::SHIPPED_FILE, ResultCodes::SHIPPED_TEXT);
        let parsed = parsed.unwrap();
        assert_eq!(ResultCodes::shipped(), parsed);
        let all: Vec<&str> = parsed.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            all,
            [
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "A", "B", "C", "D",
                "E", "F"
            ]
        );
        let one = parsed.get("1").unwrap();
        assert_eq!(
            (one.zh.as_str(), one.finding, one.exclusive),
            ("未发现问题", Finding::NoProblem, true)
        );
        assert_eq!(parsed.iter().filter(|c| c.exclusive).count(), 1);
        for code in ["6", "7", "8", "9", "10", "11", "12", "F"] {
            assert_eq!(parsed.get(code).unwrap().finding, Finding::Status, "{code}");
        }
        for code in ["2", "3", "4", "5", "A", "B", "C", "D", "E"] {
            assert_eq!(
                parsed.get(code).unwrap().finding,
                Finding::Problem,
                "{code}"
            );
        }
    }

    #[test]
    fn selection_comes_back_in_canonical_order() {
        let rc = ResultCodes::shipped();
        assert_eq!(
            rc.check_selection(&codes(&["E", "10", "B", "2"])),
            Ok(codes(&["2", "10", "B", "E"]))
        );
        assert_eq!(
            rc.check_selection(&codes(&[" a ", "c"])),
            Ok(codes(&["A", "C"]))
        );
        assert_eq!(rc.check_selection(&codes(&["1"])), Ok(codes(&["1"])));
    }

    #[test]
    fn empty_selection_is_refused() {
        let error = ResultCodes::shipped().check_selection(&[]).unwrap_err();
        assert!(error.contains("at least one"), "{error}");
    }

    #[test]
    fn unknown_codes_are_named() {
        let error = ResultCodes::shipped()
            .check_selection(&codes(&["A", "Z", "13"]))
            .unwrap_err();
        assert!(error.contains("'Z', '13'"), "{error}");
        assert!(error.contains("known: 1, 2"), "{error}");
    }

    #[test]
    fn duplicates_are_refused() {
        let error = ResultCodes::shipped()
            .check_selection(&codes(&["B", "A", "b"]))
            .unwrap_err();
        assert!(error.contains("'b' is selected twice"), "{error}");
    }

    #[test]
    fn exclusive_code_must_be_alone() {
        let rc = ResultCodes::shipped();
        for other in ["A", "6", "F", "E"] {
            let error = rc.check_selection(&codes(&[other, "1"])).unwrap_err();
            assert!(
                error.contains("'1' (未发现问题) cannot be combined"),
                "{error}"
            );
        }
    }

    #[test]
    fn local_codes_can_be_added() {
        let text = format!(
            "{}\n[[category]]\ncode = \"G\"\nzh = \"违反公安部门相关规定\"\nen = \"Violation of public security rules\"\nfinding = \"problem\"\n",
            ResultCodes::SHIPPED_TEXT
        );
        let rc = ResultCodes::parse("local.toml", &text).unwrap();
        assert_eq!(rc.len(), 19);
        assert_eq!(
            rc.check_selection(&codes(&["G", "A"])),
            Ok(codes(&["A", "G"]))
        );
    }

    const ONE: &str = "[[category]]\ncode = \"1\"\nzh = \"未发现问题\"\nen = \"No problem found\"\nfinding = \"none\"\nexclusive = true\n";

    #[test]
    fn bad_files_are_refused() {
        let cases = [
            (ONE.replace("exclusive", "exclusiv"), "exclusiv"),
            (ONE.replace("\"none\"", "\"fine\""), "fine"),
            (ONE.replace("zh = \"未发现问题\"\n", ""), "zh"),
            (
                ONE.replace("en = \"No problem found\"", "en = \" \""),
                "(1).en: is empty",
            ),
            (
                ONE.replace("code = \"1\"", "code = \"1 A\""),
                "letters and digits",
            ),
            (format!("{ONE}{ONE}"), "given twice"),
            (
                format!(
                    "{ONE}{}",
                    ONE.replace("code = \"1\"", "code = \"1\"\nnote = 1")
                ),
                "note",
            ),
            ("".to_string(), "category"),
            ("category = []".to_string(), "no [[category]]"),
        ];
        for (text, expected) in cases {
            let error = ResultCodes::parse("x.toml", &text).unwrap_err();
            assert!(error.starts_with("x.toml: "), "{error}");
            assert!(error.contains(expected), "{expected}: {error}");
        }
    }

    #[test]
    fn letter_case_duplicates_in_the_file_are_refused() {
        let text = format!(
            "{}\n[[category]]\ncode = \"a\"\nzh = \"x\"\nen = \"x\"\nfinding = \"problem\"\n",
            ResultCodes::SHIPPED_TEXT
        );
        let error = ResultCodes::parse("x.toml", &text).unwrap_err();
        assert!(error.contains("'a' is given twice"), "{error}");
    }
}
