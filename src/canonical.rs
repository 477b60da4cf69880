//! Canonical JSON (RFC 8785) and the hashes taken over it.
//!
//! Small documents (commitment header, entropy, draw result) go through
//! `serde_json_canonicalizer`. Snapshot records are many, so they are written by serde_json
//! directly: their structs declare fields in lexicographic order and hold only strings,
//! arrays and enums, which makes serde_json's compact output canonical; tests check that the
//! two agree.

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

/// For `#[serde(serialize_with = "canonical::embed")]`: writes the field as its RFC 8785
/// form, so that a bundle written by serde_json stays canonical around it.
pub fn embed<T: Serialize, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    let text = String::from_utf8(to_vec(value)).expect("JSON is UTF-8");
    let raw = serde_json::value::RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// SHA-256 over each record's canonical JSON followed by a line feed (DRAW-SPEC §2.3).
pub fn records_sha256<T: Serialize>(records: &[T]) -> String {
    let mut hasher = Sha256::new();
    for r in records {
        serde_json::to_writer(HashWriter(&mut hasher), r).expect("records serialise");
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// Writes `value` with serde_json's compact writer (canonical for this crate's bundle types).
pub fn write<T: Serialize, W: Write>(value: &T, out: W) -> serde_json::Result<()> {
    serde_json::to_writer(out, value)
}
