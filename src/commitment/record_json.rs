//! The canonical JSON of snapshot records, written by hand because there are millions of
//! them: the same bytes serde_json writes for the derived `Serialize` (and so RFC 8785, see
//! `canonical`), at a fraction of the cost. A string with nothing to escape, which is every
//! string of a normal directory, is copied as it is; any other string is written by
//! serde_json itself. Tests hold the output to serde_json's and to an RFC 8785
//! canonicaliser's for arbitrary text.

use super::records::{EntityRecord, InspectionRecord, ListRecord, OfficerRecord, RecusalRecord};

/// A record that can append its canonical JSON to a buffer.
pub trait RecordJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

/// Appends `s` as a JSON string. Only `"`, `\` and the control characters U+0000–U+001F
/// are escaped by RFC 8785 (and by serde_json); a string without them is written verbatim.
fn string(out: &mut Vec<u8>, s: &str) {
    // A fold without early exit, so that the check runs over whole vectors of bytes.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("a string serialises");
    }
}

fn strings(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, s);
    }
    out.push(b']');
}

/// Appends `"key":` preceded by `{` for the first member and `,` for the others; `key` is
/// a literal without characters to escape.
fn key(out: &mut Vec<u8>, first: bool, key: &str) {
    out.push(if first { b'{' } else { b',' });
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

impl RecordJson for EntityRecord {
    fn write_json(&self, out: &mut Vec<u8>) {
        key(out, true, "district");
        string(out, &self.district);
        key(out, false, "grade");
        string(out, self.grade.as_str());
        key(out, false, "name");
        string(out, &self.name);
        key(out, false, "sector");
        string(out, &self.sector);
        key(out, false, "status");
        string(out, self.status.as_str());
        key(out, false, "type");
        string(out, &self.entity_type);
        key(out, false, "uscc");
        string(out, &self.uscc);
        out.push(b'}');
    }
}

impl RecordJson for OfficerRecord {
    fn write_json(&self, out: &mut Vec<u8>) {
        key(out, true, "card_no");
        string(out, &self.card_no);
        key(out, false, "department");
        string(out, &self.department);
        key(out, false, "district");
        string(out, &self.district);
        key(out, false, "sectors");
        strings(out, &self.sectors);
        key(out, false, "status");
        string(out, self.status.as_str());
        key(out, false, "valid_until");
        string(out, &self.valid_until);
        out.push(b'}');
    }
}

impl RecordJson for RecusalRecord {
    fn write_json(&self, out: &mut Vec<u8>) {
        key(out, true, "card_no");
        string(out, &self.card_no);
        key(out, false, "uscc");
        string(out, &self.uscc);
        out.push(b'}');
    }
}

impl RecordJson for ListRecord {
    fn write_json(&self, out: &mut Vec<u8>) {
        key(out, true, "list");
        string(out, &self.list);
        key(out, false, "uscc");
        string(out, &self.uscc);
        out.push(b'}');
    }
}

impl RecordJson for InspectionRecord {
    fn write_json(&self, out: &mut Vec<u8>) {
        key(out, true, "date");
        string(out, &self.date);
        key(out, false, "matter");
        string(out, &self.matter);
        key(out, false, "officers");
        strings(out, &self.officers);
        key(out, false, "uscc");
        string(out, &self.uscc);
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::RecordJson;
    use crate::commitment::{EntityRecord, InspectionRecord, OfficerRecord, RecusalRecord};
    use crate::domain::{EntityStatus, Grade, OfficerStatus};

    fn hand<T: RecordJson>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        v.write_json(&mut out);
        out
    }

    fn serde<T: serde::Serialize>(v: &T) -> Vec<u8> {
        serde_json::to_vec(v).unwrap()
    }

    #[test]
    fn a_sample_record_is_written_as_expected() {
        let e = EntityRecord {
            district: "浦东新区".into(),
            grade: Grade::B,
            name: "上海\"松鹤\"养老院\\\n".into(),
            sector: "养老服务".into(),
            status: EntityStatus::Active,
            entity_type: "养老机构".into(),
            uscc: "52310115MJ0000000X".into(),
        };
        assert_eq!(
            String::from_utf8(hand(&e)).unwrap(),
            r#"{"district":"浦东新区","grade":"B","name":"上海\"松鹤\"养老院\\\n","sector":"养老服务","status":"正常","type":"养老机构","uscc":"52310115MJ0000000X"}"#
        );
    }

    proptest! {
        /// Byte-identical to serde_json and to RFC 8785 for any text: quotes, backslashes,
        /// control characters, DEL, non-BMP characters, empty strings and lists.
        #[test]
        fn hand_written_json_is_serde_json_and_rfc8785(
            a in "\\PC*",
            b in ".*",
            c in "[\"\\\\\u{0}-\u{1f}\u{7f}-\u{ff}\u{2028}\u{1F600}a-z]*",
            n in 0usize..3,
            grade in 0usize..4,
            status in 0usize..6,
        ) {
            let e = EntityRecord {
                district: a.clone().into(), grade: Grade::ALL[grade], name: b.clone().into(), sector: c.clone().into(),
                status: EntityStatus::ALL[status], entity_type: a.clone().into(), uscc: c.clone().into(),
            };
            prop_assert_eq!(hand(&e), serde(&e));
            prop_assert_eq!(hand(&e), crate::canonical::to_vec(&e));
            let o = OfficerRecord {
                card_no: c.clone(), department: b.clone(), district: a.clone(),
                sectors: vec![c.clone(); n], status: OfficerStatus::ALL[status % OfficerStatus::ALL.len()],
                valid_until: b.clone(),
            };
            prop_assert_eq!(hand(&o), serde(&o));
            prop_assert_eq!(hand(&o), crate::canonical::to_vec(&o));
            let r = RecusalRecord { card_no: a.clone(), uscc: c.clone() };
            prop_assert_eq!(hand(&r), serde(&r));
            let h = InspectionRecord { date: b.clone(), matter: c.clone(), officers: vec![a; n], uscc: b };
            prop_assert_eq!(hand(&h), serde(&h));
            prop_assert_eq!(hand(&h), crate::canonical::to_vec(&h));
        }
    }
}
