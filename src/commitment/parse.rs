//! Reading a commitment or a bundle fast. Nearly all of such a file is the entity snapshot
//! (10^6 records, 190 MB), and serde_json reads on one thread; here the entity records are
//! read on two, each half from its own position, and the rest of the file by serde_json.
//!
//! The shortcut is taken only when it cannot change the result. The entity list is found by
//! the bytes `"snapshots":{"entities":[`, and split at the bytes `},{"district":"`; neither
//! can stand inside a JSON string, where every `"` is escaped. The first half must end
//! exactly where the second begins, and the rest of the file, with an empty entity list in
//! place of the records, must parse into the same type. Anything else (a file written with
//! white space, an error anywhere) falls back to serde_json over the whole file, so errors
//! read exactly as before.

use serde::de::DeserializeOwned;

use super::{Commitment, EntityRecord, record_read};
use crate::bundle::Bundle;

/// A document holding one entity snapshot.
pub trait WithEntities: DeserializeOwned + Send {
    fn entities_mut(&mut self) -> &mut Vec<EntityRecord>;
}

impl WithEntities for Commitment {
    fn entities_mut(&mut self) -> &mut Vec<EntityRecord> {
        &mut self.snapshots.entities
    }
}

impl WithEntities for Bundle {
    fn entities_mut(&mut self) -> &mut Vec<EntityRecord> {
        &mut self.commitment.snapshots.entities
    }
}

const ENTITIES: &[u8] = br#""snapshots":{"entities":["#;
const BOUNDARY: &[u8] = br#"},{"district":""#;
/// Files smaller than this are read by serde_json alone.
const SPLIT_FROM_BYTES: usize = 4 << 20;

/// Parses `bytes` as a `T`: the same value, or the same error, as `serde_json::from_slice`.
pub fn from_slice<T: WithEntities>(bytes: &[u8]) -> serde_json::Result<T> {
    if bytes.len() >= SPLIT_FROM_BYTES
        && let Some(value) = split(bytes)
    {
        return Ok(value);
    }
    serde_json::from_slice(bytes)
}

/// Where the entity records were read to: the `]` that closes the list, or `stop`.
enum End {
    Close(usize),
    Stop,
}

/// No canonical entity record is shorter than this (its keys, punctuation, grade, status and
/// an 18-character USCC take 108 bytes); the record lists are sized by it up front, since
/// growing by doubling would touch (and make the kernel zero) far more memory.
const MIN_RECORD_BYTES: usize = 96;

/// Reads records `{…}` separated by `,` from `pos`, until the `]` that closes the list, or
/// until a record ends exactly at `stop`; `room` is how many bytes the records may span.
fn records(
    bytes: &[u8],
    mut pos: usize,
    stop: usize,
    room: usize,
) -> Option<(Vec<EntityRecord>, End)> {
    let mut out = Vec::with_capacity(room / MIN_RECORD_BYTES + 1);
    if bytes.get(pos) == Some(&b']') {
        return Some((out, End::Close(pos)));
    }
    loop {
        if bytes.get(pos) != Some(&b'{') {
            return None;
        }
        if let Some((record, len)) = record_read::entity(&bytes[pos..]) {
            out.push(record);
            pos += len;
        } else {
            let mut stream =
                serde_json::Deserializer::from_slice(&bytes[pos..]).into_iter::<EntityRecord>();
            out.push(stream.next()?.ok()?);
            pos += stream.byte_offset();
        }
        if pos == stop {
            return Some((out, End::Stop));
        }
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => return Some((out, End::Close(pos))),
            _ => return None,
        }
    }
}

/// The two-thread path alone: `None` where it does not apply (then `from_slice` falls back
/// to serde_json).
pub fn split<T: WithEntities>(bytes: &[u8]) -> Option<T> {
    let open = memchr::memmem::find(bytes, ENTITIES)? + ENTITIES.len();
    // A boundary between two records near the middle of the file; the first half stops at
    // the end of the record before it, the second starts with the record after it.
    let middle = open + (bytes.len() - open) / 2;
    let Some(boundary) = memchr::memmem::find(&bytes[middle..], BOUNDARY).map(|i| middle + i)
    else {
        return whole(bytes, open);
    };
    let (first, second) = std::thread::scope(|s| {
        // The first half gets room for the whole list, so the second is appended in place.
        let second = s.spawn(|| records(bytes, boundary + 2, usize::MAX, bytes.len() - boundary));
        let first = records(bytes, open, boundary + 1, bytes.len() - open);
        (first, second.join().ok().flatten())
    });
    let (mut entities, close) = match (first?, second) {
        ((mut a, End::Stop), Some((b, End::Close(close)))) => {
            a.reserve_exact(b.len());
            a.extend(b);
            (a, close)
        }
        // The list closed before the boundary: the boundary was not in it.
        ((a, End::Close(close)), _) => (a, close),
        _ => return None,
    };
    rest(bytes, open, close, &mut entities)
}

/// The whole entity list on this thread (no boundary to split at).
fn whole<T: WithEntities>(bytes: &[u8], open: usize) -> Option<T> {
    let (mut entities, end) = records(bytes, open, usize::MAX, bytes.len() - open)?;
    let End::Close(close) = end else { return None };
    rest(bytes, open, close, &mut entities)
}

/// Parses the file with the entity list `bytes[open..close]` left out, and puts `entities`
/// in its place.
fn rest<T: WithEntities>(
    bytes: &[u8],
    open: usize,
    close: usize,
    entities: &mut Vec<EntityRecord>,
) -> Option<T> {
    let mut others = Vec::with_capacity(bytes.len() - (close - open));
    others.extend_from_slice(&bytes[..open]);
    others.extend_from_slice(&bytes[close..]);
    let mut value: T = serde_json::from_slice(&others).ok()?;
    if !value.entities_mut().is_empty() {
        return None;
    }
    std::mem::swap(value.entities_mut(), entities);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize, name: &str) -> String {
        format!(
            r#"{{"district":"浦东新区","grade":"A","name":"{name}","sector":"养老服务","status":"正常","type":"养老机构","uscc":"U{i:017}"}}"#
        )
    }

    /// A commitment-shaped document (not a valid commitment: only the parse is tested, on
    /// a stand-in type with the same shape).
    fn document(names: &[&str]) -> Vec<u8> {
        let records: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| record(i, n))
            .collect();
        format!(
            r#"{{"hash":"h","snapshots":{{"entities":[{}],"history":[]}}}}"#,
            records.join(",")
        )
        .into_bytes()
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        hash: String,
        snapshots: Snaps,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Snaps {
        entities: Vec<EntityRecord>,
        history: Vec<String>,
    }

    impl WithEntities for Doc {
        fn entities_mut(&mut self) -> &mut Vec<EntityRecord> {
            &mut self.snapshots.entities
        }
    }

    fn both(bytes: &[u8]) -> (Option<Doc>, serde_json::Result<Doc>) {
        (split(bytes), serde_json::from_slice(bytes))
    }

    #[test]
    fn split_reading_gives_what_serde_json_gives() {
        // Names holding the very bytes the reader looks for, escaped as JSON escapes them.
        let tricky = [
            r#"a\"},{\"district\":\"b"#,
            r#"\"snapshots\":{\"entities\":["#,
            "},{",
            r"back\\slash",
        ];
        for n in [0usize, 1, 2, 3, 1000] {
            let names: Vec<&str> = (0..n).map(|i| tricky[i % tricky.len()]).collect();
            let bytes = document(&names);
            let (fast, plain) = both(&bytes);
            assert_eq!(fast.as_ref(), plain.as_ref().ok(), "{n} records");
            assert!(
                n == 0 || fast.is_some(),
                "{n} records: the fast path was not taken"
            );
        }
    }

    #[test]
    fn the_two_thread_path_declines_anything_unusual() {
        let good = document(&["甲"; 50]);
        let spaced = String::from_utf8(good.clone())
            .unwrap()
            .replace("},{", "}, {");
        let unknown = String::from_utf8(good.clone()).unwrap().replacen(
            r#""grade":"A""#,
            r#""grade":"A","extra":1"#,
            1,
        );
        let truncated = &good[..good.len() - 40];
        let missing_rest = String::from_utf8(good.clone())
            .unwrap()
            .replace(r#","history":[]"#, "");
        // White space between records (serde_json reads it), an unknown field, a cut file
        // and a missing list (serde_json refuses them): `from_slice` then gives serde_json's
        // value or error, which tests/commit_file.rs checks on a file large enough for it.
        assert!(serde_json::from_slice::<Doc>(spaced.as_bytes()).is_ok());
        for bytes in [
            spaced.as_bytes(),
            unknown.as_bytes(),
            truncated,
            missing_rest.as_bytes(),
        ] {
            assert_eq!(
                split::<Doc>(bytes),
                None,
                "{}",
                String::from_utf8_lossy(&bytes[bytes.len() - 60..])
            );
        }
    }

    #[test]
    fn a_split_inside_a_long_list_joins_both_halves_in_order() {
        let names: Vec<String> = (0..5000).map(|i| format!("机构{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let bytes = document(&refs);
        let doc = split::<Doc>(&bytes).expect("fast path");
        assert_eq!(doc.snapshots.entities.len(), 5000);
        for (i, e) in doc.snapshots.entities.iter().enumerate() {
            assert_eq!(e.name.as_str(), names[i]);
        }
    }
}
