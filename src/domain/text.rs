//! Text fields as the draw sees them: trimmed, NFC-normalised UTF-8, with a bounded length.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Longest text field accepted, in characters.
pub const MAX_FIELD_CHARS: usize = 500;

/// Whether `text` is certainly NFC: ASCII and CJK unified ideographs (U+4E00–U+9FFF, no
/// decomposition, combining class 0) are checked without table look-ups, the rest by the
/// Unicode quick check.
fn is_nfc(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c))
        || is_nfc_quick(text.chars()) == IsNormalized::Yes
}

/// Trims and NFC-normalises a required text field.
pub fn required(value: &str) -> Result<String, String> {
    required_ref(value).map(Cow::into_owned)
}

/// Trims and NFC-normalises an optional text field (empty stays empty).
pub fn optional(value: &str) -> Result<String, String> {
    optional_ref(value).map(Cow::into_owned)
}

/// As `required`, borrowing the text when it needs no change (the usual case), so that a
/// reader keeping only some fields of a row copies only those.
pub fn required_ref(value: &str) -> Result<Cow<'_, str>, String> {
    let text = optional_ref(value)?;
    if text.is_empty() {
        return Err("为空 / is empty".into());
    }
    Ok(text)
}

/// As `optional`, borrowing the text when it needs no change.
pub fn optional_ref(value: &str) -> Result<Cow<'_, str>, String> {
    let trimmed = value.trim();
    let text: Cow<str> = if is_nfc(trimmed) {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.nfc().collect())
    };
    if text.chars().count() > MAX_FIELD_CHARS {
        return Err(format!(
            "超过 {MAX_FIELD_CHARS} 个字符 / is longer than {MAX_FIELD_CHARS} characters"
        ));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err("含有控制字符 / contains a control character".into());
    }
    Ok(text)
}

/// Splits a list field on `;` or `；` into required, NFC-normalised items.
pub fn list(value: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    for part in value.split([';', '；']) {
        let item = required(part).map_err(|e| format!("有一项 {e} / has an item that {e}"))?;
        if items.contains(&item) {
            return Err(format!("「{item}」列了两次 / lists '{item}' twice"));
        }
        items.push(item);
    }
    Ok(items)
}

/// Parses an ISO date `YYYY-MM-DD`.
pub fn date(value: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        let v = value.trim();
        format!("「{v}」不是 YYYY-MM-DD 格式的日期 / '{v}' is not a date in the form YYYY-MM-DD")
    })
}

/// Checks, without copying, that `value` is already what `required` would make of it.
pub fn check_required(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is empty".into());
    }
    if value.trim() != value {
        return Err("has white space at an end".into());
    }
    if value.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    if !is_nfc(value) && value.nfc().ne(value.chars()) {
        return Err("is not NFC-normalised".into());
    }
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(format!("is longer than {MAX_FIELD_CHARS} characters"));
    }
    Ok(())
}

/// Checks that `value` is a date written `YYYY-MM-DD`.
pub fn check_date(value: &str) -> Result<(), String> {
    let d = date(value)?;
    if d.format("%Y-%m-%d").to_string() != value {
        return Err(format!("'{value}' is not written YYYY-MM-DD"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_to_nfc_and_trims() {
        // "é" as e + combining acute becomes the single code point.
        assert_eq!(required("  Cafe\u{301} ").unwrap(), "Caf\u{e9}");
        assert!(required("   ").is_err());
        assert!(required("a\u{7}b").is_err());
    }

    #[test]
    fn lists_split_on_both_semicolons_and_refuse_repeats() {
        assert_eq!(list("养老服务；殡葬服务;社会组织").unwrap().len(), 3);
        assert!(list("养老服务;;殡葬服务").is_err());
        assert!(list("养老服务;养老服务").is_err());
    }

    proptest::proptest! {
        /// The fast path never calls a non-NFC text normal.
        #[test]
        fn the_nfc_shortcut_agrees_with_normalisation(text in "[a-z\u{4E00}-\u{4E0F}\u{300}-\u{36F}\u{AC00}-\u{AC0F}\u{1100}-\u{1112}\u{F900}-\u{F90F}]{0,12}") {
            if is_nfc(&text) {
                proptest::prop_assert_eq!(text.nfc().collect::<String>(), text);
            }
        }
    }

    #[test]
    fn checks_accept_only_normal_forms() {
        assert!(check_required("上海市").is_ok());
        assert!(check_required(" 上海市").is_err());
        assert!(check_required("Cafe\u{301}").is_err());
        assert!(check_date("2026-12-05").is_ok());
        assert!(check_date("2026-12-5").is_err());
    }

    #[test]
    fn dates_are_iso() {
        assert!(date("2026-02-30").is_err());
        assert_eq!(date("2026-12-01").unwrap().to_string(), "2026-12-01");
    }
}
