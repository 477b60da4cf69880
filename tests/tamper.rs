//! Tamper tests: every single leaf of a real bundle, changed to another value of the same
//! kind, must make `verify` fail (or the bundle unreadable); so must reordering.

mod common;

use serde_json::Value;
use shuangsui::bundle::{self, Bundle};

fn mini() -> Value {
    let path = common::fixture("../vectors/mini-bundle.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Another value of the same kind that still parses where possible.
fn changed(v: &Value) -> Value {
    match v {
        Value::Null => {
            serde_json::json!({"after_conflicts": 0, "department": null, "qualified": 0, "slot": 0})
        }
        Value::Bool(b) => Value::Bool(!b),
        Value::Number(n) => Value::from(n.as_u64().unwrap() + 1),
        Value::String(s) => Value::String(match s.as_str() {
            "A" => "B".into(),
            "B" | "C" | "D" => "A".into(),
            "正常" => "停业".into(),
            "在岗" => "暂停".into(),
            "书面检查" | "网络监测" => "实地核查".into(),
            "实地核查" => "书面检查".into(),
            "ceremony" => "drand".into(),
            s if s.len() == 10 && s.as_bytes()[4] == b'-' => "2027-01-01".into(),
            s if s.contains('/') && s.split('/').all(|p| p.parse::<u32>().is_ok()) => "1/1".into(),
            s if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
                // ceremony digits: same length, different digits
                s.chars()
                    .map(|c| {
                        if c == '9' {
                            '0'
                        } else {
                            char::from(c as u8 + 1)
                        }
                    })
                    .collect()
            }
            s => format!("{s}X"),
        }),
        _ => unreachable!("only leaves are changed"),
    }
}

fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(x, format!("{path}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(x, format!("{path}/{i}"), out)),
        _ => out.push(path),
    }
}

/// Ok(()) when the bundle is rejected; Err(description) when it still verifies.
fn rejected(v: &Value) -> Result<bool, String> {
    match serde_json::from_value::<Bundle>(v.clone()) {
        Err(_) => Ok(false), // unreadable: rejected, but not by a FAIL
        Ok(b) => match bundle::verify(&b) {
            Err(_) => Ok(true),
            Ok(s) => Err(format!("still PASSes: {s:?}")),
        },
    }
}

#[test]
fn the_untampered_bundle_passes() {
    let b: Bundle = serde_json::from_value(mini()).unwrap();
    bundle::verify(&b).unwrap();
}

#[test]
fn every_leaf_changed_fails() {
    let original = mini();
    let mut paths = Vec::new();
    leaves(&original, String::new(), &mut paths);
    assert!(
        paths.len() > 300,
        "the mini bundle has {} leaves",
        paths.len()
    );
    let mut failed_verification = 0;
    let mut undetected = Vec::new();
    for p in &paths {
        let mut v = original.clone();
        let leaf = v.pointer_mut(p).unwrap();
        *leaf = changed(leaf);
        match rejected(&v) {
            Ok(true) => failed_verification += 1,
            Ok(false) => {}
            Err(e) => undetected.push(format!("{p}: {e}")),
        }
    }
    assert!(
        undetected.is_empty(),
        "undetected changes:\n{}",
        undetected.join("\n")
    );
    // Nearly all changes keep the bundle readable, so they are caught by verification
    // itself, not by the parser.
    assert!(
        failed_verification * 10 >= paths.len() * 9,
        "{failed_verification} of {}",
        paths.len()
    );
}

#[test]
fn reordering_fails() {
    let original = mini();
    for (a, b) in [
        ("/draw/strata/0/targets/0", "/draw/strata/0/targets/1"),
        (
            "/draw/strata/0/targets/0/team/0",
            "/draw/strata/0/targets/0/team/1",
        ),
        (
            "/commitment/snapshots/entities/0",
            "/commitment/snapshots/entities/1",
        ),
        (
            "/commitment/snapshots/officers/2",
            "/commitment/snapshots/officers/3",
        ),
        (
            "/entropy/ceremony/contributions/0",
            "/entropy/ceremony/contributions/1",
        ),
    ] {
        let mut v = original.clone();
        let x = v.pointer(a).unwrap().clone();
        let y = v.pointer(b).unwrap().clone();
        *v.pointer_mut(a).unwrap() = y;
        *v.pointer_mut(b).unwrap() = x;
        assert_eq!(rejected(&v), Ok(true), "swapping {a} and {b}");
    }
}

#[test]
fn an_added_field_is_refused() {
    let mut v = mini();
    v["draw"]["note"] = Value::from("redrawn");
    assert_eq!(rejected(&v), Ok(false));
    let mut v = mini();
    v["commitment"]["snapshots"]["entities"][0]["legal_representative"] = Value::from("x");
    assert_eq!(rejected(&v), Ok(false));
}

#[test]
fn non_canonical_spellings_are_refused_in_a_bundle() {
    // A plan file may write "50%", but a committed plan only "50/100"; likewise dates.
    for (pointer, value) in [
        ("/commitment/header/plan/strata/0/ratio", "50%"),
        ("/commitment/header/plan/strata/0/ratio", "050/100"),
        ("/commitment/header/plan/inspection_date", "2026-12-5"),
    ] {
        let mut v = mini();
        *v.pointer_mut(pointer).unwrap() = Value::from(value);
        assert_eq!(
            rejected(&v),
            Ok(false),
            "{pointer} = {value} must not parse"
        );
    }
}

#[test]
fn invalid_records_are_named_even_when_the_hashes_are_recomputed() {
    // A forger who fixes up every hash still cannot slip in a record that is not valid.
    let mut b: Bundle = serde_json::from_value(mini()).unwrap();
    b.commitment.snapshots.officers[0].valid_until = "2099-1-1".into();
    b.commitment.header.snapshots = b.commitment.snapshots.digests();
    b.commitment.hash = b.commitment.header.hash();
    let d = bundle::verify(&b).unwrap_err();
    assert_eq!(
        d.path, "/commitment/snapshots/officers/0/valid_until",
        "{d}"
    );

    let mut b: Bundle = serde_json::from_value(mini()).unwrap();
    b.commitment.snapshots.entities[0].name = " 有空格的名称".into();
    b.commitment.header.snapshots = b.commitment.snapshots.digests();
    b.commitment.hash = b.commitment.header.hash();
    assert_eq!(
        bundle::verify(&b).unwrap_err().path,
        "/commitment/snapshots/entities/0/name"
    );
}

/// A change to a matter record (given a text of 501 characters).
type MatterChange = fn(&mut shuangsui::commitment::MatterRecord, &str);

#[test]
fn invalid_matter_records_are_named_even_when_the_hash_is_recomputed() {
    // DRAW-SPEC §2.4: the header's matter records follow the matters file's rules.
    let long = "查".repeat(501);
    let cases: [(&str, MatterChange, &str); 7] = [
        ("content", |m, v| m.content = v.into(), "longer than 500"),
        (
            "legal_basis",
            |m, _| m.legal_basis = "《办\n法》".into(),
            "control character",
        ),
        (
            "inspecting_body",
            |m, _| m.inspecting_body = String::new(),
            "is empty",
        ),
        (
            "name",
            |m, _| m.name = " 养老机构服务安全".into(),
            "white space at an end",
        ),
        ("sector", |m, _| m.sector = "Cafe\u{301}".into(), "not NFC"),
        ("methods", |m, _| m.methods.clear(), "is empty"),
        ("methods", |m, _| m.methods = vec![m.methods[0]; 2], "twice"),
    ];
    for (field, change, reason) in cases {
        let mut b: Bundle = serde_json::from_value(mini()).unwrap();
        change(&mut b.commitment.header.matters[0], &long);
        b.commitment.hash = b.commitment.header.hash();
        let d = bundle::verify(&b).unwrap_err();
        assert_eq!(
            d.path,
            format!("/commitment/header/matters/0/{field}"),
            "{d}"
        );
        assert!(d.to_string().contains(reason), "{field}: {d}");
    }
}

/// DRAW-SPEC §2.4: the header's sources name the five tables in order, each with a
/// lowercase hex content hash; a commitment made by hand otherwise is refused by name even
/// with its hash recomputed (the Python verifier refused it already).
#[test]
fn malformed_sources_are_named_even_when_the_hash_is_recomputed() {
    type SourcesChange = fn(&mut Vec<shuangsui::commitment::SourceFile>);
    let cases: [(SourcesChange, &str, &str); 5] = [
        (
            |s| s[0].sha256 = s[0].sha256.to_uppercase(),
            "/commitment/header/sources/0/sha256",
            "lowercase",
        ),
        (
            |s| s[1].file = "officers.xlsx".into(),
            "/commitment/header/sources/1/file",
            "officers.csv",
        ),
        (
            |s| s.swap(2, 3),
            "/commitment/header/sources/2/file",
            "matters.csv",
        ),
        (
            |s| {
                s.pop();
            },
            "/commitment/header/sources/5",
            "lists.csv",
        ),
        (
            |s| {
                s.remove(4);
            },
            "/commitment/header/sources/4/file",
            "history.csv",
        ),
    ];
    for (change, path, reason) in cases {
        let mut b: Bundle = serde_json::from_value(mini()).unwrap();
        change(&mut b.commitment.header.sources);
        b.commitment.hash = b.commitment.header.hash();
        let d = bundle::verify(&b).unwrap_err();
        assert_eq!(d.path, path, "{d}");
        assert!(d.message.contains(reason), "{d}");
    }
}
