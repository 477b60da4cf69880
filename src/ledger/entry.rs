//! Log entries: one event in a fixed envelope, as RFC 8785 canonical JSON bytes.
//!
//! `{"event": {...}, "kind": "...", "seq": n, "time": "...Z"}`. The bytes are what the tree
//! hashes and what storage keeps; they are never re-serialised to be checked, only compared
//! with their canonical form.
//!
//! Numbers must be integers within ±(2^53 − 1). RFC 8785 writes every number as an IEEE
//! double, so a larger integer would come out of canonicalisation as a different number;
//! such values (and decimals) belong in strings.

use serde::Deserialize;
use serde_json::{Map, Value};

/// Largest integer RFC 8785 (through an IEEE double) writes exactly: 2^53 − 1.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The largest entry: C2SP tlog-tiles entry bundles write each entry's length in two
/// bytes. Large content (a draw's targets) is sealed outside the entry (`ledger::seal`).
pub const MAX_ENTRY_BYTES: usize = 65_535;

/// Deepest nesting of arrays and objects accepted in an event (serde_json parses 128).
const MAX_DEPTH: usize = 100;

/// A decoded entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The event itself (always a JSON object).
    pub event: Map<String, Value>,
    /// What kind of event this is (non-empty).
    pub kind: String,
    /// Position in the log, from 0.
    pub seq: u64,
    /// When the entry was written: RFC 3339, UTC (`…T…Z`), as the caller gave it.
    pub time: String,
}

/// Why an entry could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The event is not a JSON object.
    #[error("the event must be a JSON object, not {0}")]
    EventNotObject(&'static str),
    /// A number with a fraction or exponent (or beyond i64/u64).
    #[error("{path}: {number} is not an integer; write decimals as strings")]
    NotInteger {
        /// JSON pointer into the entry.
        path: String,
        /// The number as serde_json prints it.
        number: String,
    },
    /// An integer that RFC 8785 cannot write exactly.
    #[error(
        "{path}: {number} is beyond ±(2^53 − 1), which canonical JSON cannot keep exact; write it as a string"
    )]
    UnsafeInteger {
        /// JSON pointer into the entry.
        path: String,
        /// The integer.
        number: String,
    },
    /// Arrays and objects nested deeper than the limit.
    #[error("{path}: nested deeper than {MAX_DEPTH} levels")]
    TooDeep {
        /// JSON pointer to where the limit was reached.
        path: String,
    },
    /// `time` is not RFC 3339 in UTC.
    #[error("time {0:?} is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)")]
    Time(String),
    /// `kind` is empty.
    #[error("the kind is empty")]
    EmptyKind,
    /// `seq` is beyond [`MAX_SAFE_INTEGER`].
    #[error("seq {0} is beyond 2^53 − 1")]
    SeqTooLarge(u64),
    /// The bytes are not JSON, or not an envelope of the right shape.
    #[error("not a log entry: {0}")]
    Malformed(String),
    /// The entry is longer than [`MAX_ENTRY_BYTES`].
    #[error("the entry is {0} bytes, more than the {MAX_ENTRY_BYTES} a log entry may hold")]
    TooLarge(usize),
    /// The bytes are valid but not in their canonical (RFC 8785) form.
    #[error("the bytes are not canonical JSON (RFC 8785)")]
    NotCanonical,
}

/// The canonical bytes of entry `seq`. Refuses a non-object event, non-integers and unsafe
/// integers anywhere in it (the error names the JSON pointer), an empty `kind` and a `time`
/// that is not RFC 3339 UTC.
pub fn encode(seq: u64, time: &str, kind: &str, event: &Value) -> Result<Vec<u8>, EntryError> {
    let object = match event {
        Value::Object(map) => map,
        other => return Err(EntryError::EventNotObject(type_name(other))),
    };
    check_fields(seq, time, kind)?;
    check_numbers(event, &mut String::from("/event"), 0)?;
    let mut envelope = Map::new();
    envelope.insert("event".into(), Value::Object(object.clone()));
    envelope.insert("kind".into(), Value::String(kind.into()));
    envelope.insert("seq".into(), Value::from(seq));
    envelope.insert("time".into(), Value::String(time.into()));
    let bytes = serde_json_canonicalizer::to_vec(&Value::Object(envelope))
        .map_err(|e| EntryError::Malformed(e.to_string()))?;
    if bytes.len() > MAX_ENTRY_BYTES {
        return Err(EntryError::TooLarge(bytes.len()));
    }
    Ok(bytes)
}

/// Parses entry bytes, checking that they are exactly their canonical form and follow the
/// same rules as [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Envelope, EntryError> {
    if bytes.len() > MAX_ENTRY_BYTES {
        return Err(EntryError::TooLarge(bytes.len()));
    }
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| EntryError::Malformed(e.to_string()))?;
    if let Some(event) = value.get("event") {
        if !event.is_object() {
            return Err(EntryError::EventNotObject(type_name(event)));
        }
        check_numbers(event, &mut String::from("/event"), 0)?;
    }
    let canonical = serde_json_canonicalizer::to_vec(&value)
        .map_err(|e| EntryError::Malformed(e.to_string()))?;
    if canonical != bytes {
        return Err(EntryError::NotCanonical);
    }
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|e| EntryError::Malformed(e.to_string()))?;
    check_fields(envelope.seq, &envelope.time, &envelope.kind)?;
    Ok(envelope)
}

fn check_fields(seq: u64, time: &str, kind: &str) -> Result<(), EntryError> {
    if seq > MAX_SAFE_INTEGER {
        return Err(EntryError::SeqTooLarge(seq));
    }
    if kind.is_empty() {
        return Err(EntryError::EmptyKind);
    }
    if !is_utc_rfc3339(time) {
        return Err(EntryError::Time(time.into()));
    }
    Ok(())
}

/// RFC 3339 with an upper-case `T` and `Z` (one byte form for one instant's notation).
fn is_utc_rfc3339(time: &str) -> bool {
    time.as_bytes().get(10) == Some(&b'T')
        && time.ends_with('Z')
        && chrono::DateTime::parse_from_rfc3339(time).is_ok()
}

/// Refuses non-integers and integers beyond ±(2^53 − 1); `path` is the JSON pointer so far.
fn check_numbers(value: &Value, path: &mut String, depth: usize) -> Result<(), EntryError> {
    match value {
        Value::Number(n) => {
            let magnitude = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if !n.is_f64() => u,
                (None, Some(i)) if !n.is_f64() => i.unsigned_abs(),
                _ => {
                    return Err(EntryError::NotInteger {
                        path: path.clone(),
                        number: n.to_string(),
                    });
                }
            };
            if magnitude > MAX_SAFE_INTEGER {
                return Err(EntryError::UnsafeInteger {
                    path: path.clone(),
                    number: n.to_string(),
                });
            }
            Ok(())
        }
        Value::Array(items) => {
            deeper(path, depth)?;
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                check_numbers(item, path, depth + 1)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            deeper(path, depth)?;
            for (key, item) in map {
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                check_numbers(item, path, depth + 1)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

fn deeper(path: &str, depth: usize) -> Result<(), EntryError> {
    if depth >= MAX_DEPTH {
        Err(EntryError::TooDeep { path: path.into() })
    } else {
        Ok(())
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T: &str = "2025-03-01T08:30:00Z";

    #[test]
    fn encodes_canonically_and_decodes_back() {
        let event = json!({"z": 1, "a": {"y": [true, null, "文"], "b": -5}});
        let bytes = encode(7, T, "batch.committed", &event).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"event":{"a":{"b":-5,"y":[true,null,"文"]},"z":1},"kind":"batch.committed","seq":7,"time":"2025-03-01T08:30:00Z"}"#
        );
        let envelope = decode(&bytes).unwrap();
        assert_eq!(envelope.seq, 7);
        assert_eq!(envelope.time, T);
        assert_eq!(envelope.kind, "batch.committed");
        assert_eq!(Value::Object(envelope.event), event);
    }

    #[test]
    fn refuses_floats_and_names_the_path() {
        let event = json!({"a": [1, {"x/y": 2.5}]});
        assert_eq!(
            encode(0, T, "k", &event),
            Err(EntryError::NotInteger {
                path: "/event/a/1/x~1y".into(),
                number: "2.5".into()
            })
        );
        let whole_float = json!({"n": 3.0});
        assert!(matches!(
            encode(0, T, "k", &whole_float),
            Err(EntryError::NotInteger { .. })
        ));
    }

    #[test]
    fn refuses_integers_canonical_json_would_change() {
        let ok = json!({"n": MAX_SAFE_INTEGER, "m": -(MAX_SAFE_INTEGER as i64)});
        assert!(encode(0, T, "k", &ok).is_ok());
        for big in [
            json!(MAX_SAFE_INTEGER + 1),
            json!(i64::MIN),
            json!(u64::MAX),
        ] {
            let event = json!({ "n": big });
            assert!(matches!(
                encode(0, T, "k", &event),
                Err(EntryError::UnsafeInteger { path, .. }) if path == "/event/n"
            ));
        }
        assert_eq!(
            encode(MAX_SAFE_INTEGER + 1, T, "k", &json!({})),
            Err(EntryError::SeqTooLarge(MAX_SAFE_INTEGER + 1))
        );
    }

    #[test]
    fn refuses_non_objects_bad_times_and_empty_kinds() {
        for event in [json!([1]), json!("x"), json!(1), json!(null)] {
            assert!(matches!(
                encode(0, T, "k", &event),
                Err(EntryError::EventNotObject(_))
            ));
        }
        for time in [
            "2025-03-01 08:30:00Z",
            "2025-03-01T08:30:00+08:00",
            "2025-03-01t08:30:00z",
            "2025-13-01T08:30:00Z",
            "",
        ] {
            assert_eq!(
                encode(0, time, "k", &json!({})),
                Err(EntryError::Time(time.into()))
            );
        }
        assert!(encode(0, "2025-03-01T08:30:00.125Z", "k", &json!({})).is_ok());
        assert_eq!(encode(0, T, "", &json!({})), Err(EntryError::EmptyKind));
    }

    #[test]
    fn refuses_entries_an_entry_bundle_cannot_hold() {
        let fits = |n: usize| json!({ "x": "a".repeat(n) });
        let base = encode(0, T, "k", &fits(0)).unwrap().len();
        assert_eq!(
            encode(0, T, "k", &fits(MAX_ENTRY_BYTES - base)).map(|b| b.len()),
            Ok(MAX_ENTRY_BYTES)
        );
        assert_eq!(
            encode(0, T, "k", &fits(MAX_ENTRY_BYTES - base + 1)),
            Err(EntryError::TooLarge(MAX_ENTRY_BYTES + 1))
        );
        let long = format!(
            r#"{{"event":{{"x":"{}"}},"kind":"k","seq":0,"time":"{T}"}}"#,
            "a".repeat(70_000)
        );
        assert!(matches!(
            decode(long.as_bytes()),
            Err(EntryError::TooLarge(_))
        ));
    }

    #[test]
    fn refuses_deep_nesting() {
        let mut event = json!(1);
        for _ in 0..150 {
            event = json!({ "a": event });
        }
        assert!(matches!(
            encode(0, T, "k", &event),
            Err(EntryError::TooDeep { .. })
        ));
    }

    #[test]
    fn decode_refuses_what_is_not_canonical_or_not_an_envelope() {
        let good = encode(1, T, "k", &json!({"a": 1})).unwrap();
        let text = String::from_utf8(good).unwrap();
        let variants = [
            text.replace(",\"kind\"", ", \"kind\""),        // whitespace
            text.replace("{\"a\":1}", "{\"a\":1,\"a\":1}"), // duplicate key
            text.replace("\"a\":1", "\"a\":1.0"),           // float form
            text.replace("\"a\":1", "\"a\":1e0"),           // exponent
            format!("{text}\n"),                            // trailing newline
            text.replace("\"kind\":\"k\",", ""),            // missing field
            text.replace("\"kind\"", "\"extra\":1,\"kind\""), // unknown field
            text.replace("{\"a\":1}", "[1]"),               // not an object
            text.replace("\"seq\":1", "\"seq\":\"1\""),     // wrong type
            text.replace("\"a\":1", "\"a\":9007199254740993"), // unsafe integer
        ];
        for v in variants {
            assert!(decode(v.as_bytes()).is_err(), "{v}");
        }
        assert_eq!(
            decode(text.replace("\"a\":1", "\"a\":1.5").as_bytes()),
            Err(EntryError::NotInteger {
                path: "/event/a".into(),
                number: "1.5".into()
            })
        );
        assert!(matches!(decode(b"\xff"), Err(EntryError::Malformed(_))));
        assert!(decode(text.as_bytes()).is_ok());
    }
}
