//! Sealed content: the log is public, but some of what an entry records may not be public
//! yet (which entities a draw picked, before they are inspected) or ever (a user's name and
//! token commitment). Such fields leave the entry's event; the event carries instead
//! `"sealed": "<hex SHA-256 of the opening>"`, and the **opening**, kept beside the entry,
//! is the RFC 8785 canonical JSON `{"content":{<the sealed fields>},"salt":"<64 hex>"}`.
//! The 32 random bytes of salt make the seal unguessable even when the content is one of
//! few candidates. Opening an entry checks the hash and puts the fields back, so every
//! reader of the full record (the replay, `verify`) sees one event with all its fields.
//!
//! Which fields of which kind are sealed is [`SEALED_FIELDS`] (the table in docs/LOG.md).
//! A batch's publication reveals the openings of the batch's sealed entries: its
//! `reveals_sha256` is the SHA-256 of [`reveals`], the canonical JSON list of them.
//!
//! Pure: the salt is given by the caller.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The event field that holds a seal.
pub const SEALED: &str = "sealed";

/// Per entry kind, the event fields that are sealed. Kinds not listed seal nothing.
/// `batch.drawn`, `result.*` and `followup.*` are revealed when their batch is published; `user.*`
/// never are (LOG.md, "What is public").
pub const SEALED_FIELDS: &[(&str, &[&str])] = &[
    ("batch.drawn", &["bundle_sha256", "targets"]),
    ("result.recorded", RESULT_FIELDS),
    ("result.corrected", RESULT_FIELDS),
    // A return's reason is a working note between reviewer and officer; it may name the
    // target, so it is sealed with the results. An approval names only ids: all public.
    ("result.returned", &["reason"]),
    // A follow-up names its target and what was found of it: sealed with the results, and
    // public at once for a batch already published (LOG.md, "Follow-up").
    ("followup.measure", &["due", "measure", "note", "uscc"]),
    ("followup.closed", &["closed_on", "outcome", "text", "uscc"]),
    ("user.added", &["card_no", "name", "token_commitment"]),
    ("user.revoked", &["name"]),
    ("user.password_set", &["phc_commitment"]),
    ("user.totp_set", &["secret_commitment"]),
    // Who signs in when is a person's working day: never public.
    ("user.signed_in", &["session", "user"]),
    ("user.signed_out", &["session", "user"]),
];

/// Per entry kind, the event fields sealed when the entry has them: a measure's `request`
/// (an API client chooses its idempotency key, which could name the target; entries
/// without one, and those written before it existed, have none).
pub const SEALED_IF_GIVEN: &[(&str, &[&str])] = &[("followup.measure", &["request"])];

/// The fields of `kind` sealed when given ([`SEALED_IF_GIVEN`]).
pub fn optional_of(kind: &str) -> &'static [&'static str] {
    SEALED_IF_GIVEN
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, fields)| fields)
}

/// What a result entry (recorded or corrected) seals: everything that names its target.
const RESULT_FIELDS: &[&str] = &[
    "checklist",
    "codes",
    "inspected_on",
    "note",
    "recorded_by",
    "request",
    "uscc",
];

/// The kinds whose openings a batch's publication reveals.
pub const REVEALED_AT_PUBLICATION: &[&str] = &[
    "batch.drawn",
    "result.recorded",
    "result.corrected",
    "result.returned",
    "followup.measure",
    "followup.closed",
];

/// Why an entry's seal does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the entry is sealed but its opening is missing")]
    Missing,
    #[error("an opening is given for an entry that seals nothing")]
    Unexpected,
    #[error("the seal is not 64 lowercase hex digits")]
    BadSeal,
    #[error("the opening does not hash to the entry's seal")]
    Mismatch,
    #[error(
        "the opening is not {{\"content\":{{…}},\"salt\":\"<64 hex>\"}} in canonical JSON: {0}"
    )]
    Malformed(String),
    #[error("the opening's field {0:?} is also in the entry's event")]
    Duplicate(String),
    #[error("the fields sealed are {found:?}, a {kind} entry seals {expected:?}")]
    WrongFields {
        kind: String,
        found: Vec<String>,
        expected: Vec<String>,
    },
}

/// The fields a `kind` entry seals (empty for most kinds).
pub fn fields_of(kind: &str) -> &'static [&'static str] {
    SEALED_FIELDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, fields)| fields)
}

/// Splits a full `event` of `kind`: the public event (with its `sealed` field) and the
/// opening's text, or the event unchanged and `None` for a kind that seals nothing. A
/// field the kind seals that the event lacks is simply not sealed (and the opening check
/// of [`open`] will name it).
pub fn seal(kind: &str, event: &Value, salt: &[u8; 32]) -> (Value, Option<String>) {
    let fields = fields_of(kind);
    let Value::Object(map) = event else {
        return (event.clone(), None);
    };
    if fields.is_empty() {
        return (event.clone(), None);
    }
    let mut public = Map::new();
    let mut content = Map::new();
    let optional = optional_of(kind);
    for (k, v) in map {
        if fields.contains(&k.as_str()) || optional.contains(&k.as_str()) {
            content.insert(k.clone(), v.clone());
        } else {
            public.insert(k.clone(), v.clone());
        }
    }
    let mut opening = Map::new();
    opening.insert("content".into(), Value::Object(content));
    opening.insert("salt".into(), Value::String(hex::encode(salt)));
    let text = String::from_utf8(crate::canonical::to_vec(&Value::Object(opening)))
        .expect("canonical JSON is UTF-8");
    public.insert(SEALED.into(), Value::String(seal_of(&text)));
    (Value::Object(public), Some(text))
}

/// The seal of an opening: lowercase hex SHA-256 of its bytes.
pub fn seal_of(opening: &str) -> String {
    hex::encode(Sha256::digest(opening.as_bytes()))
}

/// Opens a `kind` entry's `event` in place with its `opening` (if any): checks that the
/// opening hashes to the seal, is canonical, holds exactly the fields the kind seals (and
/// any of those it seals when given), and puts them back in place of `sealed`. An entry without a seal takes no opening.
pub fn open(
    kind: &str,
    event: &mut Map<String, Value>,
    opening: Option<&str>,
) -> Result<(), SealError> {
    let Some(seal) = event.get(SEALED) else {
        return match opening {
            Some(_) => Err(SealError::Unexpected),
            None if fields_of(kind).is_empty() => Ok(()),
            None => Err(SealError::WrongFields {
                kind: kind.into(),
                found: Vec::new(),
                expected: fields_of(kind).iter().map(|f| f.to_string()).collect(),
            }),
        };
    };
    let seal = seal
        .as_str()
        .filter(|s| is_hex64(s))
        .ok_or(SealError::BadSeal)?;
    let opening = opening.ok_or(SealError::Missing)?;
    if seal_of(opening) != seal {
        return Err(SealError::Mismatch);
    }
    let content = parse_opening(opening)?;
    // The fields sealed when given are set aside: the rest must be exactly the kind's.
    let optional = optional_of(kind);
    let mut found: Vec<String> = content
        .keys()
        .filter(|k| !optional.contains(&k.as_str()))
        .cloned()
        .collect();
    found.sort();
    let mut expected: Vec<String> = fields_of(kind).iter().map(|f| f.to_string()).collect();
    expected.sort();
    if found != expected {
        return Err(SealError::WrongFields {
            kind: kind.into(),
            found,
            expected,
        });
    }
    event.remove(SEALED);
    for (k, v) in content {
        if event.contains_key(&k) {
            return Err(SealError::Duplicate(k));
        }
        event.insert(k, v);
    }
    Ok(())
}

/// The content of an opening, after checking its form.
fn parse_opening(opening: &str) -> Result<Map<String, Value>, SealError> {
    let bad = |why: &str| SealError::Malformed(why.to_string());
    let value: Value = serde_json::from_str(opening).map_err(|e| bad(&e.to_string()))?;
    if crate::canonical::to_vec(&value) != opening.as_bytes() {
        return Err(bad("not canonical"));
    }
    let Value::Object(mut map) = value else {
        return Err(bad("not an object"));
    };
    let salt = map.remove("salt");
    let content = map.remove("content");
    if !map.is_empty() {
        return Err(bad("unknown fields"));
    }
    if !salt.as_ref().and_then(Value::as_str).is_some_and(is_hex64) {
        return Err(bad("the salt is not 64 lowercase hex digits"));
    }
    match content {
        Some(Value::Object(content)) => Ok(content),
        _ => Err(bad("the content is not an object")),
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The revealed openings of a batch: the RFC 8785 canonical JSON list
/// `[{"opening":"<opening text>","seq":n},…]` in increasing `seq`. A batch's
/// `batch.published` entry carries its SHA-256 (`reveals_sha256`).
pub fn reveals<'a>(openings: impl IntoIterator<Item = (u64, &'a str)>) -> Vec<u8> {
    let list: Vec<Value> = openings
        .into_iter()
        .map(|(seq, text)| serde_json::json!({"opening": text, "seq": seq}))
        .collect();
    crate::canonical::to_vec(&Value::Array(list))
}

/// The openings batch `batch`'s publication reveals, as of `entries` (the log so far, in
/// order): those of its `REVEALED_AT_PUBLICATION` entries. Entries that do not decode are
/// skipped (`log verify` names them).
pub fn openings_of<'a>(entries: &'a [super::StoredEntry], batch: &str) -> Vec<(u64, &'a str)> {
    entries
        .iter()
        .filter_map(|e| {
            let opening = e.opening.as_deref()?;
            let envelope = super::entry::decode(&e.bytes).ok()?;
            (REVEALED_AT_PUBLICATION.contains(&envelope.kind.as_str())
                && envelope.event.get("batch").and_then(Value::as_str) == Some(batch))
            .then_some((e.seq, opening))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SALT: [u8; 32] = [7; 32];

    fn result_event() -> Value {
        json!({"batch": "B", "codes": ["A1"], "corrects": null, "inspected_on": "2026-11-02",
               "note": "", "recorded_by": "SHMZ-1", "request": null, "result": 3, "checklist": null, "uscc": "91310000MA1K000001"})
    }

    #[test]
    fn seals_the_kinds_fields_and_opens_back_to_the_event() {
        let full = result_event();
        let (public, opening) = seal("result.recorded", &full, &SALT);
        let opening = opening.unwrap();
        let public_map = public.as_object().unwrap();
        assert_eq!(
            public_map.keys().collect::<Vec<_>>(),
            ["batch", "corrects", "result", "sealed"]
        );
        assert!(!public.to_string().contains("91310000MA1K000001"));
        assert!(opening.starts_with("{\"content\":{\"checklist\":null,\"codes\":[\"A1\"]"));
        assert!(opening.ends_with(&format!("\"salt\":\"{}\"}}", hex::encode(SALT))));
        let mut back = public_map.clone();
        open("result.recorded", &mut back, Some(&opening)).unwrap();
        assert_eq!(Value::Object(back), full);
    }

    #[test]
    fn kinds_that_seal_nothing_are_unchanged() {
        let event = json!({"batch": "B", "reason": "x"});
        assert_eq!(
            seal("batch.withdrawn", &event, &SALT),
            (event.clone(), None)
        );
        let mut map = event.as_object().unwrap().clone();
        assert_eq!(open("batch.withdrawn", &mut map, None), Ok(()));
        assert_eq!(
            open("batch.withdrawn", &mut map, Some("{}")),
            Err(SealError::Unexpected)
        );
    }

    #[test]
    fn a_changed_opening_or_seal_is_refused() {
        let (public, opening) = seal("result.recorded", &result_event(), &SALT);
        let opening = opening.unwrap();
        let public = public.as_object().unwrap().clone();
        let forged = opening.replace("SHMZ-1", "SHMZ-2");
        assert_eq!(
            open("result.recorded", &mut public.clone(), Some(&forged)),
            Err(SealError::Mismatch)
        );
        assert_eq!(
            open("result.recorded", &mut public.clone(), None),
            Err(SealError::Missing)
        );
        // An opening whose hash is right but that seals other fields than the kind's.
        let (other, other_opening) = seal("user.revoked", &json!({"name": "x", "user": 1}), &SALT);
        let mut m = public.clone();
        m.insert(SEALED.into(), other[SEALED].clone());
        assert!(matches!(
            open("result.recorded", &mut m, other_opening.as_deref()),
            Err(SealError::WrongFields { .. })
        ));
        // A sealing kind written without its seal (its fields in the clear) is refused.
        let mut clear = result_event().as_object().unwrap().clone();
        assert!(matches!(
            open("result.recorded", &mut clear, None),
            Err(SealError::WrongFields { .. })
        ));
    }

    #[test]
    fn a_non_canonical_opening_is_refused_even_if_it_hashes() {
        let text = "{\"salt\":\"00\", \"content\":{}}";
        let mut event = Map::new();
        event.insert(SEALED.into(), Value::String(seal_of(text)));
        assert!(matches!(
            open("user.revoked", &mut event, Some(text)),
            Err(SealError::Malformed(_))
        ));
    }

    #[test]
    fn reveals_is_canonical_and_in_seq_order() {
        assert_eq!(
            String::from_utf8(reveals([(4, "{\"a\":1}"), (9, "x")])).unwrap(),
            r#"[{"opening":"{\"a\":1}","seq":4},{"opening":"x","seq":9}]"#
        );
    }
}
