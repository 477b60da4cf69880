//! Batch ids (a batch's id is its plan's `id`, DRAW-SPEC §3.1): 1 to 64 characters, an
//! ASCII letter or digit first, then letters, digits, `.`, `_` or `-`. The one place that
//! rule is written; plan files, commitments, the CLI's batch arguments and the API's paths
//! all parse through `BatchId::parse`. Ids appear in URLs (`/batches/{id}`), file names and
//! pages, so a `/`, a space or markup can never be one.

use std::fmt;

/// Longest batch id, in characters.
pub const MAX_LEN: usize = 64;

/// The rule, as said in errors.
pub const RULE: &str =
    "a batch id is 1 to 64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit";

/// A batch id that satisfies the rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BatchId(String);

impl BatchId {
    /// Accepts `text` exactly as given (no trimming): `Err` says what is wrong and the rule.
    pub fn parse(text: &str) -> Result<BatchId, String> {
        let problem = if text.is_empty() {
            Some("is empty".to_string())
        } else if text.len() > MAX_LEN {
            Some(format!("is {} characters long", text.chars().count()))
        } else if !text.as_bytes()[0].is_ascii_alphanumeric() {
            Some(format!(
                "starts with '{}'",
                text.chars().next().unwrap_or(' ')
            ))
        } else {
            text.chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
                .map(|c| format!("contains '{}'", c.escape_default()))
        };
        match problem {
            None => Ok(BatchId(text.to_string())),
            Some(p) => Err(format!("'{}' {p}: {RULE}", text.escape_default())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for BatchId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for BatchId {
    type Err = String;
    fn from_str(s: &str) -> Result<BatchId, String> {
        BatchId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_ids_and_the_edges_of_the_rule_parse() {
        for ok in [
            "SH-MZ-2026-YL-01",
            "TEST-2026-01",
            "a",
            "0.x_y-z",
            &"A".repeat(MAX_LEN),
        ] {
            assert_eq!(BatchId::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn paths_markup_spaces_and_long_ids_are_refused_with_the_rule() {
        for (bad, said) in [
            ("../../etc/passwd", "starts with '.'"),
            ("a/b", "contains '/'"),
            ("<script>alert(1)</script>", "starts with '<'"),
            ("x<script>", "contains '<'"),
            ("", "is empty"),
            (" SH-1", "starts with ' '"),
            ("SH 1", "contains ' '"),
            ("-x", "starts with '-'"),
            ("批次1", "starts with"),
            ("B批次", "contains"),
            ("a\u{0}", "contains '\\u{0}'"),
        ] {
            let e = BatchId::parse(bad).unwrap_err();
            assert!(e.contains(said) && e.contains(RULE), "{bad:?}: {e}");
        }
        let e = BatchId::parse(&"A".repeat(MAX_LEN + 1)).unwrap_err();
        assert!(e.contains("65 characters long"), "{e}");
    }
}
