//! Reading one entity record in its canonical form without serde: the keys in their fixed
//! order, no white space, strings without escapes. That is every record `commit` writes for
//! a normal directory, and it reads several times faster than serde_json's field matching.
//! Anything else (an escape, a raw control character, another key order, an alias of a
//! grade or status) gives `None`, and the caller reads the record with serde_json, so the
//! value is always the one serde_json would give.

use compact_str::CompactString;

use super::EntityRecord;
use crate::domain::{EntityStatus, Grade};

/// Takes `literal` at `*pos`, then a string up to its closing quote; `None` if the literal
/// is not there, or the string holds an escape, a raw control character or invalid UTF-8.
fn string_after<'a>(bytes: &'a [u8], pos: &mut usize, literal: &[u8]) -> Option<&'a str> {
    let rest = bytes.get(*pos..)?;
    if !rest.starts_with(literal) {
        return None;
    }
    let start = *pos + literal.len();
    let end = start + memchr::memchr2(b'"', b'\\', &bytes[start..])?;
    if bytes[end] != b'"' {
        return None;
    }
    let raw = &bytes[start..end];
    if raw.iter().any(|&b| b < 0x20) {
        return None;
    }
    let text = std::str::from_utf8(raw).ok()?;
    *pos = end + 1;
    Some(text)
}

/// The entity record at the start of `bytes` and the length it takes, when it is written in
/// the canonical form; `None` otherwise.
pub fn entity(bytes: &[u8]) -> Option<(EntityRecord, usize)> {
    let mut pos = 0;
    let district = string_after(bytes, &mut pos, br#"{"district":""#)?;
    let grade = string_after(bytes, &mut pos, br#","grade":""#)?;
    let name = string_after(bytes, &mut pos, br#","name":""#)?;
    let sector = string_after(bytes, &mut pos, br#","sector":""#)?;
    let status = string_after(bytes, &mut pos, br#","status":""#)?;
    let entity_type = string_after(bytes, &mut pos, br#","type":""#)?;
    let uscc = string_after(bytes, &mut pos, br#","uscc":""#)?;
    if bytes.get(pos) != Some(&b'}') {
        return None;
    }
    let record = EntityRecord {
        district: CompactString::from(district),
        grade: *Grade::ALL.iter().find(|g| g.as_str() == grade)?,
        name: CompactString::from(name),
        sector: CompactString::from(sector),
        status: *EntityStatus::ALL.iter().find(|s| s.as_str() == status)?,
        entity_type: CompactString::from(entity_type),
        uscc: CompactString::from(uscc),
    };
    Some((record, pos + 1))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn by_serde(bytes: &[u8]) -> Option<(EntityRecord, usize)> {
        let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<EntityRecord>();
        let record = stream.next()?.ok()?;
        Some((record, stream.byte_offset()))
    }

    #[test]
    fn a_canonical_record_is_read_and_its_length_given() {
        let text = r#"{"district":"浦东新区","grade":"B","name":"上海松鹤养老院","sector":"养老服务","status":"正常","type":"养老机构","uscc":"52310115MJ0000000X"},{"#;
        let (record, len) = entity(text.as_bytes()).expect("canonical");
        assert_eq!(Some((record, len)), by_serde(text.as_bytes()));
        assert_eq!(&text[len..], ",{");
    }

    #[test]
    fn anything_but_the_canonical_form_is_left_to_serde_json() {
        let canonical = r#"{"district":"d","grade":"A","name":"n","sector":"s","status":"正常","type":"t","uscc":"u"}"#;
        for other in [
            canonical.replace(r#""n""#, r#""a\"b""#),
            canonical.replace(r#""n""#, "\"a\u{1}b\""),
            canonical.replace(r#""grade":"A""#, r#""grade":"a""#),
            canonical.replace(r#""status":"正常""#, r#""status":"active""#),
            canonical.replace(",", ", "),
            canonical.replace(
                r#""district":"d","grade":"A""#,
                r#""grade":"A","district":"d""#,
            ),
            canonical.replace("}", r#","extra":"x"}"#),
            canonical[..canonical.len() - 1].to_string(),
        ] {
            assert_eq!(entity(other.as_bytes()), None, "{other}");
        }
        let mut bad_utf8 = canonical.as_bytes().to_vec();
        let at = canonical.find("\"n\"").unwrap() + 1;
        bad_utf8[at] = 0xFF;
        assert_eq!(entity(&bad_utf8), None);
    }

    proptest! {
        /// Whenever the fast reader gives a record, serde_json gives the same record and
        /// length; for text without escapes it always gives one.
        #[test]
        fn the_fast_reader_agrees_with_serde_json(
            district in "\\PC{0,8}",
            name in ".{0,12}",
            odd in "[\"\\\\\u{0}-\u{1f}a-z]{0,4}",
            grade in 0usize..4,
            status in 0usize..6,
        ) {
            let record = EntityRecord {
                district: CompactString::from(district.as_str()),
                grade: Grade::ALL[grade],
                name: CompactString::from(format!("{name}{odd}")),
                sector: CompactString::from(odd.as_str()),
                status: EntityStatus::ALL[status],
                entity_type: CompactString::from(name.as_str()),
                uscc: CompactString::from("52310115MJ0000000X"),
            };
            let mut bytes = serde_json::to_vec(&record).unwrap();
            bytes.extend_from_slice(b",{");
            let fast = entity(&bytes);
            if let Some(read) = &fast {
                prop_assert_eq!(Some(read.clone()), by_serde(&bytes));
                prop_assert_eq!(&read.0, &record);
            }
            let plain = |t: &str| !t.chars().any(|c| c == '"' || c == '\\' || c < ' ');
            if odd.is_empty() && plain(&district) && plain(&name) {
                prop_assert!(fast.is_some());
            }
        }
    }
}
