use serde_json::json;

use super::*;
use crate::ledger::{LogKey, tree::Tree};

fn key() -> LogKey {
    LogKey::from_seed("monitor.example/log", &[5; 32]).unwrap()
}

fn entries(events: &[(&str, serde_json::Value)]) -> Vec<Vec<u8>> {
    events
        .iter()
        .enumerate()
        .map(|(i, (kind, event))| {
            let (public, _) = seal::seal(kind, event, &[i as u8; 32]);
            entry::encode(i as u64, "2026-12-03T08:00:00Z", kind, &public).unwrap()
        })
        .collect()
}

fn note_of(entries: &[Vec<u8>]) -> (Checkpoint, String) {
    let tree = Tree::from_entries(entries.iter().map(Vec::as_slice));
    let c = Checkpoint {
        origin: "monitor.example/log".into(),
        size: tree.len(),
        root: tree.root(),
    };
    let note = c.sign(&key());
    (c, note)
}

fn trust() -> Trust {
    Trust {
        log: key().verifier(),
        witnesses: Vec::new(),
        quorum: 0,
    }
}

fn history() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "log.init",
            json!({"origin": "monitor.example/log", "verifier_key": "k"}),
        ),
        (
            "batch.created",
            json!({"batch": "B1", "title": "养老机构检查", "plan": {}, "plan_toml": ""}),
        ),
        (
            "batch.committed",
            json!({"batch": "B1", "commitment_hash": "ab", "snapshots": {}}),
        ),
        (
            "draw.started",
            json!({"batch": "B1", "entropy": {"digits": "见证人=123"}}),
        ),
        (
            "batch.drawn",
            json!({"batch": "B1", "commitment_hash": "ab", "seed": "cd", "bundle_sha256": "ef",
                               "strata": [{"drawn": 2}, {"drawn": 3}], "targets": [{"uscc": "91310000631696382C"}]}),
        ),
        ("draw.refused", json!({"batch": "B1", "reason": "已抽取"})),
    ]
}

#[test]
fn a_first_run_takes_the_whole_log_and_says_each_event() {
    let all = entries(&history());
    let (c, note) = note_of(&all);
    let mut kept = Kept::default();
    let opened = trust().open(&note).unwrap();
    assert_eq!(opened, c);
    let said = absorb(&mut kept, &c, &note, &all).unwrap();
    assert_eq!(said.len(), 6);
    assert!(said[2].words.contains("已承诺") && said[2].words.contains("ab"));
    assert!(said[3].words.contains("见证人=123"), "{}", said[3].words);
    assert!(said[4].words.contains("共抽取 5 个对象"));
    assert!(!said.iter().any(|s| s.words.contains("91310000631696382C")));
    assert!(said[5].words.contains("已抽取") && said[5].words.contains("拒绝"));
    assert_eq!(kept.leaves.len(), 6);
}

#[test]
fn growth_is_taken_and_a_fork_or_rollback_is_refused() {
    let mut events = history();
    let all = entries(&events[..4]);
    let (c4, note4) = note_of(&all);
    let mut kept = Kept::default();
    absorb(&mut kept, &c4, &note4, &all).unwrap();

    let all6 = entries(&events);
    let (c6, note6) = note_of(&all6);
    assert_eq!(wanted(&kept, &c6).unwrap(), 4..6);
    let mut grown = kept.clone();
    absorb(&mut grown, &c6, &note6, &all6[4..]).unwrap();
    assert_eq!(grown.checkpoint.as_deref(), Some(note6.as_str()));

    // A history rewritten under the same key: entry 2 commits another hash.
    events[2].1["commitment_hash"] = json!("99");
    let forked = entries(&events);
    let (cf, notef) = note_of(&forked);
    let before = kept.clone();
    assert_eq!(
        absorb(&mut kept, &cf, &notef, &forked[4..]),
        Err(Inconsistency::Fork { old: 4, new: 6 })
    );
    assert_eq!(kept, before, "nothing kept from a failed run");
    // A smaller log than the one verified.
    let (c2, _) = note_of(&all[..2]);
    assert_eq!(
        wanted(&grown, &c2),
        Err(Inconsistency::Rollback { old: 6, new: 2 })
    );
}

#[test]
fn an_entry_showing_a_sealed_field_or_of_an_unknown_kind_is_refused() {
    let mut all = entries(&history());
    // A result written with its target in the clear.
    let clear = json!({"batch": "B1", "result": 1, "corrects": null, "uscc": "91310000631696382C"});
    all.push(entry::encode(6, "2026-12-03T08:00:00Z", "result.recorded", &clear).unwrap());
    let (c, note) = note_of(&all);
    let e = absorb(&mut Kept::default(), &c, &note, &all).unwrap_err();
    assert!(matches!(e, Inconsistency::Entry { seq: 6, .. }), "{e}");
    let mut all = entries(&history());
    all.push(entry::encode(6, "2026-12-03T08:00:00Z", "batch.renamed", &json!({})).unwrap());
    let (c, note) = note_of(&all);
    let e = absorb(&mut Kept::default(), &c, &note, &all).unwrap_err();
    assert!(e.to_string().contains("unknown entry kind"), "{e}");
}

#[test]
fn a_checkpoint_without_the_quorum_or_by_another_key_is_refused() {
    let all = entries(&history());
    let (_, note) = note_of(&all);
    let witness = crate::witness::WitnessKey::from_seed("w.example/w", &[1; 32]).unwrap();
    let mut t = trust();
    t.witnesses = vec![witness.verifier()];
    t.quorum = 1;
    assert_eq!(
        t.open(&note),
        Err(Inconsistency::Quorum {
            valid: 0,
            quorum: 1
        })
    );
    let c = Checkpoint::open(&note, &key().verifier()).unwrap();
    let line = witness.cosign(&c, crate::witness::Timestamp::new(1_764_000_000).unwrap());
    assert!(t.open(&format!("{note}{line}")).is_ok());
    let other = LogKey::from_seed("monitor.example/log", &[6; 32]).unwrap();
    let t = Trust {
        log: other.verifier(),
        witnesses: Vec::new(),
        quorum: 0,
    };
    assert!(matches!(t.open(&note), Err(Inconsistency::Checkpoint(_))));
}

#[test]
fn an_annual_plan_is_said_with_its_department_year_version_and_batches() {
    let text = include_str!("../../registries/shanghai/annual/2026.toml");
    let event = crate::annual::parse("2026.toml", text).unwrap().to_event(2);
    let said = super::words::say("annual_plan.published", event.as_object().unwrap()).unwrap();
    assert_eq!(
        said,
        "上海市民政局 公布2026年度抽查计划 SH-MZ-2026（第 2 版）：上海市民政局2026年度“双随机、一公开”抽查工作计划，含 4 个批次"
    );
}
