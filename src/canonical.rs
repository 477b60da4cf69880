//! Canonical JSON (RFC 8785) and the hashes taken over it.
//!
//! Small documents (commitment header, entropy) go through `serde_json_canonicalizer`.
//! Snapshot records and the draw result are many, so they are not canonicalised one by one:
//! their structs declare fields in lexicographic order and hold only strings, arrays,
//! integers and enums, which makes serde_json's compact output canonical (the draw result is
//! written by serde_json; the records by `commitment::record_json`, which writes the same
//! bytes faster); tests check that all of these agree.

use std::io::Write;

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

/// RFC 8785 bytes of `value`.
pub fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json_canonicalizer::to_vec(value).expect("plan and records serialise without error")
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An `io::Write` that keeps nothing and hashes what is written (SHA-256): for bytes too
/// large to be held only to be hashed (a bundle of 10⁶ entities, a table's canonical CSV).
#[derive(Default)]
pub struct Sha256Writer(Sha256);

impl Sha256Writer {
    /// The lowercase hex SHA-256 of everything written.
    pub fn hex(self) -> String {
        hex::encode(self.0.finalize())
    }
}

impl Write for Sha256Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// For `#[serde(serialize_with = "canonical::embed")]`: writes the field as its RFC 8785
/// form, so that a bundle written by serde_json stays canonical around it.
pub fn embed<T: Serialize, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    let text = String::from_utf8(to_vec(value)).expect("JSON is UTF-8");
    let raw = serde_json::value::RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

/// Writes `value` with serde_json's compact writer (canonical for this crate's bundle types).
pub fn write<T: Serialize, W: Write>(value: &T, out: W) -> std::io::Result<()> {
    serde_json::to_writer(out, value).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::commitment::{EntityRecord, InspectionRecord, OfficerRecord, RecusalRecord};
    use crate::domain::{EntityStatus, Grade, OfficerStatus};

    fn fast<T: serde::Serialize>(v: &T) -> Vec<u8> {
        serde_json::to_vec(v).unwrap()
    }

    proptest! {
        /// The record structs' serde_json output is byte-identical to RFC 8785, for any text
        /// (quotes, backslashes, control characters, non-BMP characters included).
        #[test]
        fn record_serialisation_is_rfc8785(a in "\\PC*", b in ".*", c in "[\"\\\\\u{0}-\u{1f}\u{7f}-\u{ff}\u{1F600}]*", n in 0usize..3) {
            let e = EntityRecord {
                district: a.clone().into(), grade: Grade::C, name: b.clone().into(), sector: c.clone().into(),
                status: EntityStatus::Active, entity_type: a.clone().into(), uscc: c.clone().into(),
            };
            prop_assert_eq!(fast(&e), super::to_vec(&e));
            let o = OfficerRecord {
                card_no: c.clone(), department: b.clone(), district: a.clone(),
                sectors: vec![c.clone(); n], status: OfficerStatus::Active, valid_until: b.clone(),
            };
            prop_assert_eq!(fast(&o), super::to_vec(&o));
            let r = RecusalRecord { card_no: a.clone(), uscc: c.clone() };
            prop_assert_eq!(fast(&r), super::to_vec(&r));
            let h = InspectionRecord { date: b.clone(), matter: c.clone(), officers: vec![a.clone(); n], uscc: b };
            prop_assert_eq!(fast(&h), super::to_vec(&h));
        }
    }
}
