//! Replay and comparison on small hand-written logs: the history rules (one entropy, one
//! draw, one standing result) and the three directions of a difference (changed, missing,
//! extra).

use serde_json::{Value, json};

use super::*;
use crate::import::Kind;
use crate::ledger::{self, LogKey, StoredEntry};

const PLAN: &str = include_str!("../../registries/shanghai/plans/elderly-care.toml");
const BATCH: &str = "SH-MZ-2026-YL-01";

fn key() -> LogKey {
    LogKey::from_seed("test.example/log", &[7; 32]).unwrap()
}

/// Stands for the `reveals_sha256` of a `batch.published` event: `log` puts in the hash of
/// the openings the batch's entries so far reveal.
const REVEALS: &str = "the openings so far";

/// A log of `events` after its `log.init`, sealed as the journal seals them.
fn log(events: &[(&str, Value)]) -> Vec<StoredEntry> {
    let verifier = key().verifier().to_string();
    let init = (
        "log.init",
        json!({ "origin": "test.example/log", "verifier_key": verifier }),
    );
    let mut entries: Vec<StoredEntry> = Vec::new();
    for (i, (kind, event)) in std::iter::once(&init).chain(events).enumerate() {
        let mut event = event.clone();
        if event["reveals_sha256"] == REVEALS {
            let batch = event["batch"].as_str().unwrap();
            let openings = ledger::seal::openings_of(&entries, batch);
            event["reveals_sha256"] = json!(crate::canonical::sha256_hex(&ledger::seal::reveals(
                openings
            )));
        }
        let (public, opening) = ledger::seal::seal(kind, &event, &[i as u8; 32]);
        let bytes = ledger::entry::encode(i as u64, "2026-11-30T08:00:00Z", kind, &public).unwrap();
        entries.push(StoredEntry {
            seq: i as u64,
            leaf_hash: ledger::tree::leaf_hash(&bytes).to_vec(),
            bytes,
            opening,
        });
    }
    entries
}

fn snapshots() -> Vec<(&'static str, Value)> {
    ["entities", "officers", "matters", "recusals", "history"]
        .iter()
        .map(|t| {
            (
                "directory.snapshot",
                json!({ "table": t, "version": 1, "content_sha256": "00", "rows": 0,
                        "source": { "name": format!("{t}.csv"), "sha256": "11", "encoding": "utf-8" } }),
            )
        })
        .collect()
}

/// A batch created, committed, started and drawn with one target, 91310000631696382C.
fn drawn() -> Vec<(&'static str, Value)> {
    let plan = crate::plan::Plan::from_toml("plan", PLAN).unwrap();
    let snap = json!({ "version": 1, "content_sha256": "00", "rows": 0 });
    let mut events = snapshots();
    events.extend([
        (
            "batch.created",
            json!({ "batch": BATCH, "title": plan.title, "plan": serde_json::to_value(&plan).unwrap(), "plan_toml": PLAN }),
        ),
        (
            "batch.committed",
            json!({ "batch": BATCH, "commitment_hash": "aa", "snapshots": {
                "entities": snap, "officers": snap, "matters": snap, "recusals": snap, "history": snap } }),
        ),
        ("draw.started", json!({ "batch": BATCH, "entropy": { "digits": "1" } })),
        (
            "batch.drawn",
            json!({ "batch": BATCH, "commitment_hash": "aa", "seed": "bb", "bundle_sha256": "cc",
                    "strata": [{ "name": "D", "drawn": 1 }],
                    "targets": [{ "uscc": "91310000631696382C", "team": ["C1", "C2"] }] }),
        ),
    ]);
    events
}

fn result(id: i64, corrects: Option<i64>) -> (&'static str, Value) {
    (
        if corrects.is_some() {
            "result.corrected"
        } else {
            "result.recorded"
        },
        json!({ "batch": BATCH, "result": id, "uscc": "91310000631696382C", "recorded_by": "C1",
                "codes": ["1"], "note": "", "inspected_on": "2026-12-15", "corrects": corrects,
                "request": null, "checklist": null }),
    )
}

/// User `id`, named `name`, with `role` (no card).
fn user(id: i64, name: &str, role: &str) -> (&'static str, Value) {
    (
        "user.added",
        json!({ "user": id, "name": name, "role": role, "card_no": null, "token_commitment": "dd" }),
    )
}

fn approved(result: i64, reviewer: i64) -> (&'static str, Value) {
    (
        "result.approved",
        json!({ "batch": BATCH, "result": result, "reviewer": reviewer }),
    )
}

fn returned(result: i64, reviewer: i64, reason: &str) -> (&'static str, Value) {
    (
        "result.returned",
        json!({ "batch": BATCH, "result": result, "reviewer": reviewer, "reason": reason }),
    )
}

fn published() -> (&'static str, Value) {
    (
        "batch.published",
        json!({ "batch": BATCH, "reveals_sha256": REVEALS, "bundle_sha256": "cc" }),
    )
}

fn fault(events: Vec<(&'static str, Value)>) -> String {
    replay(&log(&events)).expect_err("a fault").to_string()
}

#[test]
fn a_whole_lifecycle_replays_into_rows() {
    let mut events = drawn();
    events.extend([
        user(1, "审核一", "reviewer"),
        result(1, None),
        returned(1, 1, "未写明整改期限"),
        result(2, Some(1)),
        approved(2, 1),
        published(),
    ]);
    let entries = log(&events);
    assert!(
        entries.iter().all(|e| {
            memchr::memmem::find(&e.bytes, b"91310000631696382C").is_none()
                && memchr::memmem::find(&e.bytes, "整改".as_bytes()).is_none()
        }),
        "the target and the return's reason are sealed in every entry"
    );
    let p = replay(&entries).unwrap();
    let batches = p.table("batches").unwrap();
    let (_, row) = &batches.rows[&vec![Cell::from(BATCH)]];
    assert_eq!(row[2], Expect::from("published"));
    let reviews = p.table("reviews").unwrap();
    assert_eq!(reviews.rows.len(), 2);
    let (_, back) = &reviews.rows[&vec![Cell::Int(12)]];
    assert_eq!(back[4], Expect::from("returned"));
    assert_eq!(back[5], Expect::from("未写明整改期限"));
    let (_, yes) = &reviews.rows[&vec![Cell::Int(14)]];
    assert_eq!(
        (&yes[2], &yes[3], &yes[4], &yes[5]),
        (
            &Expect::from(2),
            &Expect::from(1),
            &Expect::from("approved"),
            &Expect::Is(Cell::Null)
        )
    );
    assert_eq!(
        row[6],
        Expect::Sha256Of("aa".into()),
        "the header is covered by the commitment hash"
    );
    assert_eq!(row[7], Expect::from(Some(1i64)), "entities snapshot id");
    assert_eq!(
        row[14],
        Expect::from(r#"{"digits":"1"}"#),
        "the started entropy"
    );
    assert_eq!(p.table("results").unwrap().rows.len(), 2);
    assert_eq!(p.table("assignments").unwrap().rows.len(), 1);
    assert_eq!(
        p.table("log_checkpoints").unwrap().rows.len(),
        events.len() + 1
    );
    assert_eq!(p.snapshots.len(), 5);
}

#[test]
fn a_second_entropy_for_one_draw_is_a_re_roll() {
    let mut events = drawn();
    events.insert(
        8,
        (
            "draw.started",
            json!({ "batch": BATCH, "entropy": { "digits": "2" } }),
        ),
    );
    let f = fault(events);
    assert!(
        f.contains("a re-roll") && f.contains(BATCH) && f.contains("entry 9"),
        "{f}"
    );
}

#[test]
fn the_same_entropy_again_is_not_a_re_roll() {
    let mut events = drawn();
    events.insert(
        8,
        (
            "draw.started",
            json!({ "batch": BATCH, "entropy": { "digits": "1" } }),
        ),
    );
    assert!(replay(&log(&events)).is_ok());
}

#[test]
fn a_batch_is_drawn_once() {
    let mut events = drawn();
    let again = events.last().unwrap().clone();
    events.push(again);
    let f = fault(events);
    assert!(f.contains("drawn while drawn") && f.contains(BATCH), "{f}");
}

#[test]
fn a_draw_needs_its_logged_start() {
    let mut events = drawn();
    events.remove(7);
    let f = fault(events);
    assert!(f.contains("without a logged draw.started"), "{f}");
}

#[test]
fn one_result_stands_per_target() {
    let mut events = drawn();
    events.extend([result(1, None), result(2, None)]);
    let f = fault(events);
    assert!(f.contains("not a correction, but result 1 stands"), "{f}");
    let mut events = drawn();
    events.extend([result(1, None), result(2, Some(1)), result(3, Some(1))]);
    let f = fault(events);
    assert!(f.contains("corrects 1, but the standing result"), "{f}");
}

#[test]
fn reviews_replay_only_as_the_application_writes_them() {
    let reviewer = || user(1, "审核一", "reviewer");
    let cases: Vec<(Vec<(&'static str, Value)>, &str)> = vec![
        // Published with a result not approved.
        (
            vec![reviewer(), result(1, None), published()],
            "not approved",
        ),
        // Published with its result returned.
        (
            vec![
                reviewer(),
                result(1, None),
                returned(1, 1, "补充"),
                published(),
            ],
            "not approved",
        ),
        // A superseded result approved.
        (
            vec![
                reviewer(),
                result(1, None),
                result(2, Some(1)),
                approved(1, 1),
            ],
            "no longer stands",
        ),
        // Approved after its return, without a correction; approved twice.
        (
            vec![
                reviewer(),
                result(1, None),
                returned(1, 1, "补充"),
                approved(1, 1),
            ],
            "reviewed again",
        ),
        (
            vec![reviewer(), result(1, None), approved(1, 1), approved(1, 1)],
            "reviewed again",
        ),
        // Reviewed by a user who is not a reviewer, or by no user.
        (
            vec![user(1, "总队", "corps"), result(1, None), approved(1, 1)],
            "who is corps",
        ),
        (vec![result(1, None), approved(1, 1)], "never added"),
        // A return without a reason, or with one not trimmed.
        (
            vec![reviewer(), result(1, None), returned(1, 1, "")],
            "not 1 to 500",
        ),
        (
            vec![reviewer(), result(1, None), returned(1, 1, " 补充")],
            "not 1 to 500",
        ),
        // A review of no result of the batch.
        (vec![reviewer(), approved(1, 1)], "not a result of it"),
    ];
    for (tail, expected) in cases {
        let mut events = drawn();
        events.extend(tail);
        let f = fault(events);
        assert!(f.contains(expected), "{expected}: {f}");
    }
}

#[test]
fn a_publication_reveals_every_result() {
    let mut events = drawn();
    events.extend([result(1, None)]);
    events.push((
        "batch.published",
        json!({ "batch": BATCH, "reveals_sha256": REVEALS, "bundle_sha256": "cc" }),
    ));
    // The reveals of the draw and result 1 only, with result 2 recorded before publication.
    let early = log(&events);
    let published = ledger::entry::decode(&early.last().unwrap().bytes).unwrap();
    let mut events = drawn();
    events.extend([result(1, None), result(2, Some(1))]);
    events.push(("batch.published", Value::Object(published.event)));
    let f = fault(events);
    assert!(
        f.contains("published revealing") && f.contains("its 2 result entries hash to"),
        "{f}"
    );
}

#[test]
fn a_changed_opening_is_a_fault() {
    let mut entries = log(&drawn());
    let last = entries.last_mut().unwrap();
    last.opening = last
        .opening
        .as_ref()
        .map(|o| o.replace("91310000631696382C", "91310000631696383A"));
    let f = replay(&entries).unwrap_err().to_string();
    assert!(
        f.contains("entry 9 (batch.drawn)") && f.contains("does not hash to the entry's seal"),
        "{f}"
    );
    let mut entries = log(&drawn());
    entries.last_mut().unwrap().opening = None;
    let f = replay(&entries).unwrap_err().to_string();
    assert!(f.contains("opening is missing"), "{f}");
}

#[test]
fn a_plan_toml_that_is_not_the_logged_plan_is_a_fault() {
    let mut events = drawn();
    events[5].1["plan_toml"] = json!(PLAN.replace("30%", "40%"));
    assert!(fault(events).contains("not the plan"));
}

#[test]
fn unknown_kinds_and_a_missing_start_are_faults() {
    let events = vec![("batch.renamed", json!({}))];
    assert!(fault(events).contains("unknown entry kind"));
    let entries = log(&[]);
    let not_init =
        ledger::entry::encode(0, "2026-11-30T08:00:00Z", "batch.withdrawn", &json!({})).unwrap();
    let e = StoredEntry {
        seq: 0,
        leaf_hash: vec![],
        bytes: not_init,
        opening: None,
    };
    assert!(
        replay(&[e])
            .unwrap_err()
            .to_string()
            .contains("must start with log.init")
    );
    assert!(replay(&entries).is_ok());
}

fn users() -> Rows {
    let events = vec![(
        "user.added",
        json!({ "user": 1, "name": "王芳", "role": "corps", "card_no": null,
                "token_commitment": crate::canonical::sha256_hex(&[9; 32]) }),
    )];
    replay(&log(&events))
        .unwrap()
        .table("users")
        .unwrap()
        .clone()
}

fn user_row(token: Vec<u8>) -> Vec<Cell> {
    vec![
        Cell::Int(1),
        Cell::from("王芳"),
        Cell::from("corps"),
        Cell::Null,
        Cell::Bytes(token),
        Cell::from("2026-11-30T08:00:00Z"),
        Cell::Null,
        Cell::Int(1),
    ]
}

#[test]
fn compare_names_a_changed_column_a_missing_row_and_an_extra_row() {
    let verifier = key().verifier();
    let expected = users();
    assert_eq!(
        compare(&expected, vec![user_row(vec![9; 32])], &verifier),
        Ok(1)
    );
    let changed = compare(&expected, vec![user_row(vec![8; 32])], &verifier).unwrap_err();
    assert_eq!(changed.table, "users");
    assert!(
        changed
            .to_string()
            .contains("row [id=1]: column token_sha256"),
        "{changed}"
    );
    let missing = compare(&expected, vec![], &verifier).unwrap_err();
    assert!(
        missing.to_string().contains("missing: log entry 1"),
        "{missing}"
    );
    let mut other = user_row(vec![9; 32]);
    other[0] = Cell::Int(2);
    let extra = compare(&expected, vec![user_row(vec![9; 32]), other], &verifier).unwrap_err();
    assert!(
        extra
            .to_string()
            .contains("row [id=2]: no log entry makes this row"),
        "{extra}"
    );
}

#[test]
fn columns_must_be_the_covered_ones() {
    let spec = users().spec;
    let mut names: Vec<String> = spec.columns.iter().map(|c| c.to_string()).collect();
    assert!(compare::columns(spec.name, spec.columns, &names).is_ok());
    names.push("note".into());
    assert!(
        compare::columns(spec.name, spec.columns, &names)
            .unwrap_err()
            .to_string()
            .contains("column note is covered by no log entry")
    );
    names.truncate(3);
    assert!(
        compare::columns(spec.name, spec.columns, &names)
            .unwrap_err()
            .to_string()
            .contains("is missing")
    );
}

#[test]
fn a_checkpoint_note_must_be_signed_for_its_size() {
    let k = key();
    let p = replay(&log(&[])).unwrap();
    let expected = p.table("log_checkpoints").unwrap();
    let note = |size| {
        ledger::Checkpoint {
            origin: "test.example/log".into(),
            size,
            root: [0; 32],
        }
        .sign(&k)
    };
    let verifier = k.verifier();
    assert!(
        compare(
            expected,
            vec![vec![Cell::Int(1), Cell::Text(note(1))]],
            &verifier
        )
        .is_ok()
    );
    let wrong = compare(
        expected,
        vec![vec![Cell::Int(1), Cell::Text(note(2))]],
        &verifier,
    );
    assert!(wrong.unwrap_err().to_string().contains("column note"));
}

#[test]
fn a_batch_is_not_withdrawn_after_its_draw_started() {
    let mut events = drawn();
    events.truncate(8);
    events.push(("draw.failed", json!({ "batch": BATCH, "reason": "x" })));
    events.push((
        "batch.withdrawn",
        json!({ "batch": BATCH, "reason": "设备故障" }),
    ));
    let f = fault(events);
    assert!(f.contains("withdrawn after its draw started"), "{f}");
}

#[test]
fn snapshot_tables_have_the_folder_columns_after_their_ids() {
    assert_eq!(
        snapshot_columns(Kind::Recusals),
        ["snapshot_id", "card_no", "uscc", "reason"]
    );
    let history = snapshot_columns(Kind::History);
    assert_eq!(history[..3], ["snapshot_id", "position", "uscc"]);
    assert_eq!(history.len(), 2 + Kind::History.columns().len());
}

const ANNUAL: &str = include_str!("../../registries/shanghai/annual/2026.toml");

/// The `annual_plan.published` event of the shipped 2026 plan, edited by `edit`, at `version`.
fn annual(version: i64, edit: impl Fn(&mut Value)) -> (&'static str, Value) {
    let mut event = crate::annual::parse("2026.toml", ANNUAL)
        .unwrap()
        .to_event(version);
    edit(&mut event);
    ("annual_plan.published", event)
}

fn add_batch(e: &mut Value) {
    e["batches"]
        .as_array_mut()
        .unwrap()
        .push(json!("SH-MZ-2026-SZ-02"));
}

#[test]
fn annual_plans_replay_into_their_versions() {
    let p = replay(&log(&[annual(1, |_| {}), annual(2, add_batch)])).unwrap();
    let rows = p.table("annual_plans").unwrap();
    assert_eq!(rows.rows.len(), 2);
    let (_, second) = &rows.rows[&vec![Cell::Int(2)]];
    assert_eq!(second[1], Expect::from("SH-MZ-2026"));
    assert_eq!(second[2], Expect::from(2i64));
    assert_eq!(second[4], Expect::from(2026i64));
    let text = |e: &Expect| match e {
        Expect::Is(Cell::Text(t)) => t.clone(),
        other => panic!("{other}"),
    };
    assert!(text(&second[7]).ends_with(",\"SH-MZ-2026-SZ-02\"]"));
    assert!(
        text(&second[8]).contains("\"level\":\"县级\",\"sector\":\"社会组织\",\"share\":\"3/100\"")
    );
}

#[test]
fn annual_plans_replay_only_as_the_application_writes_them() {
    let cases: Vec<(Vec<(&'static str, Value)>, &str)> = vec![
        // Versions out of order, or a second version 1.
        (vec![annual(2, |_| {})], "out of order"),
        (
            vec![annual(1, |_| {}), annual(1, add_batch)],
            "out of order",
        ),
        // A new version that changes nothing, drops a batch or moves the year.
        (vec![annual(1, |_| {}), annual(2, |_| {})], "相同"),
        (vec![annual(1, add_batch), annual(2, |_| {})], "删去了批次"),
        (
            vec![annual(1, |_| {}), annual(2, |e| e["year"] = json!(2027))],
            "部门和年度不能更改",
        ),
        // Fields the checker refuses, fields missing, fields added, a share not as written.
        (vec![annual(1, |e| e["year"] = json!(1900))], "year"),
        (
            vec![annual(1, |e| {
                e.as_object_mut().unwrap().remove("floors");
            })],
            "floors",
        ),
        (vec![annual(1, |e| e["extra"] = json!(1))], "event"),
        (
            vec![annual(1, |e| e["floors"][0]["share"] = json!("10%"))],
            "not as the application writes them",
        ),
    ];
    for (events, expected) in cases {
        let f = fault(events);
        assert!(f.contains(expected), "{expected}: {f}");
    }
}

#[test]
fn a_results_checklist_replays_into_its_row_and_its_findings_by_hash() {
    let checklist = json!({"filled": [{"matter": "MZ-BZ-01", "sha256": "cc",
        "items": [{"item": "01", "answer": "不符合", "measure": "约谈"}]}],
        "findings_sha256": "ff"});
    let mut with = result(1, None);
    with.1["checklist"] = checklist.clone();
    let mut events = drawn();
    events.push(with);
    let entries = log(&events);
    assert!(
        entries
            .iter()
            .all(|e| memchr::memmem::find(&e.bytes, "约谈".as_bytes()).is_none()),
        "the checklist is sealed with the result"
    );
    let p = replay(&entries).unwrap();
    let (_, row) = p.table("results").unwrap().rows.values().next().unwrap();
    assert_eq!(
        row[11],
        Expect::from(String::from_utf8(crate::canonical::to_vec(&checklist)).unwrap())
    );
    assert_eq!(row[12], Expect::Sha256Of("ff".into()));
    // Without findings, and without a checklist: NULL.
    let mut plain = result(1, None);
    plain.1["checklist"] = json!({"filled": [], "findings_sha256": null});
    let mut events = drawn();
    events.push(plain);
    let p = replay(&log(&events)).unwrap();
    let (_, row) = p.table("results").unwrap().rows.values().next().unwrap();
    assert_eq!(row[12], Expect::Is(Cell::Null));
    // A checklist not in its form is a fault.
    for bad in [
        json!([]),
        json!({"filled": []}),
        json!({"filled": {}, "findings_sha256": null}),
        json!({"filled": [], "findings_sha256": 1}),
    ] {
        let mut r = result(1, None);
        r.1["checklist"] = bad;
        let mut events = drawn();
        events.push(r);
        assert!(fault(events).contains("a checklist that is not"));
    }
}

/// Result `id` for the target with codes `codes`, inspected on 2026-11-20.
fn found(id: i64, corrects: Option<i64>, codes: &[&str]) -> (&'static str, Value) {
    let (kind, mut event) = result(id, corrects);
    event["codes"] = json!(codes);
    event["inspected_on"] = json!("2026-11-20");
    (kind, event)
}

fn measure(result: i64, due: &str, by: i64) -> (&'static str, Value) {
    (
        "followup.measure",
        json!({ "batch": BATCH, "uscc": "91310000631696382C", "result": result,
                "measure": "责令限期整改", "due": due, "note": "限期三十日", "by": by }),
    )
}

/// `entry` with a `request` field.
fn with_request(entry: (&'static str, Value), request: Value) -> (&'static str, Value) {
    let (kind, mut event) = entry;
    event["request"] = request;
    (kind, event)
}

fn closed(result: i64, on: &str, by: i64) -> (&'static str, Value) {
    (
        "followup.closed",
        json!({ "batch": BATCH, "uscc": "91310000631696382C", "result": result,
                "closed_on": on, "outcome": "已整改", "text": "已按期整改完毕", "by": by }),
    )
}

#[test]
fn follow_ups_replay_into_rows_sealed_until_publication() {
    let mut events = drawn();
    events.extend([
        user(1, "审核一", "reviewer"),
        user(2, "总队", "corps"),
        found(1, None, &["2", "YL01"]),
        approved(1, 1),
        with_request(measure(1, "2026-12-30", 2), json!("key-91310000631696382C")),
        published(),
        closed(1, "2026-11-30", 2),
    ]);
    let entries = log(&events);
    for sealed in ["整改", "key-9131"] {
        assert!(
            entries
                .iter()
                .all(|e| memchr::memmem::find(&e.bytes, sealed.as_bytes()).is_none()),
            "the measure's note and request and the outcome are sealed in the entries: {sealed}"
        );
    }
    let p = replay(&entries).unwrap();
    let m = p.table("followup_measures").unwrap();
    let (_, row) = &m.rows[&vec![Cell::Int(14)]];
    assert_eq!(
        (&row[3], &row[4], &row[5], &row[7], &row[9]),
        (
            &Expect::from(1),
            &Expect::from("责令限期整改"),
            &Expect::from("2026-12-30"),
            &Expect::from(2),
            &Expect::from("key-91310000631696382C")
        )
    );
    let c = p.table("followup_closures").unwrap();
    let (_, row) = &c.rows[&vec![Cell::Int(16)]];
    assert_eq!(
        (&row[4], &row[5], &row[6]),
        (
            &Expect::from("2026-11-30"),
            &Expect::from("已整改"),
            &Expect::from("已按期整改完毕")
        )
    );
}

#[test]
fn follow_ups_replay_only_as_the_application_writes_them() {
    let people = || [user(1, "审核一", "reviewer"), user(2, "总队", "corps")];
    let with = |tail: Vec<(&'static str, Value)>| {
        let mut events = drawn();
        events.extend(people());
        events.extend(tail);
        events
    };
    let cases: Vec<(Vec<(&'static str, Value)>, &str)> = vec![
        // A measure on a result not approved yet, or without a finding.
        (
            vec![found(1, None, &["2", "YL01"]), measure(1, "2026-12-30", 2)],
            "not approved",
        ),
        (
            vec![
                found(1, None, &["1"]),
                approved(1, 1),
                measure(1, "2026-12-30", 2),
            ],
            "no finding",
        ),
        // A due date before the entry's day.
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                measure(1, "2026-11-29", 2),
            ],
            "before today",
        ),
        // By a reviewer, not the corps.
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                measure(1, "2026-12-30", 1),
            ],
            "who is reviewer",
        ),
        // A request that is null, or not one the application takes.
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                with_request(measure(1, "2026-12-30", 2), Value::Null),
            ],
            "request is null",
        ),
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                with_request(measure(1, "2026-12-30", 2), json!("two words")),
            ],
            "a measure's request",
        ),
        // A closure before the inspection, in the future, or twice; a measure after it.
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                closed(1, "2026-11-19", 2),
            ],
            "before the inspection",
        ),
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                closed(1, "2026-12-01", 2),
            ],
            "in the future",
        ),
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                closed(1, "2026-11-30", 2),
                closed(1, "2026-11-30", 2),
            ],
            "second closure",
        ),
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                closed(1, "2026-11-30", 2),
                measure(1, "2026-12-30", 2),
            ],
            "no more measures",
        ),
        // A measure on a superseded result; a correction without finding lapses it.
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                found(2, Some(1), &["2", "YL01"]),
                approved(2, 1),
                measure(1, "2026-12-30", 2),
            ],
            "not the standing result",
        ),
        (
            vec![
                found(1, None, &["2", "YL01"]),
                approved(1, 1),
                measure(1, "2026-12-30", 2),
                found(2, Some(1), &["1"]),
                approved(2, 1),
                measure(2, "2026-12-30", 2),
            ],
            "no finding",
        ),
    ];
    for (tail, expected) in cases {
        let f = fault(with(tail));
        assert!(f.contains(expected), "{expected}: {f}");
    }
}

#[test]
fn sign_ins_and_outs_replay_only_as_the_application_writes_them() {
    let password = |user: i64| {
        (
            "user.password_set",
            json!({ "user": user, "by": null, "phc_commitment": "ee" }),
        )
    };
    let signed = |kind: &'static str, user: i64, session: &str| {
        (kind, json!({ "user": user, "session": session }))
    };
    let mut ok = vec![user(1, "王芳", "corps"), password(1)];
    ok.push(signed("user.signed_in", 1, "s1"));
    ok.push(signed("user.signed_out", 1, "s1"));
    assert!(replay(&log(&ok)).is_ok());
    // A sign-in without a password; a sign-out of a session never opened, signed out
    // already, or ended by a new password.
    let no_password = vec![user(1, "王芳", "corps"), signed("user.signed_in", 1, "s1")];
    assert!(fault(no_password).contains("without a password"));
    let never = vec![
        user(1, "王芳", "corps"),
        password(1),
        signed("user.signed_out", 1, "s1"),
    ];
    assert!(fault(never).contains("not open"));
    let mut twice = ok.clone();
    twice.push(signed("user.signed_out", 1, "s1"));
    assert!(fault(twice).contains("not open"));
    let mut ended = vec![user(1, "王芳", "corps"), password(1)];
    ended.extend([signed("user.signed_in", 1, "s2"), password(1)]);
    ended.push(signed("user.signed_out", 1, "s2"));
    assert!(fault(ended).contains("not open"));
}

#[test]
fn second_factors_replay_only_as_the_application_writes_them() {
    let set = |user: i64, by: i64| {
        (
            "user.totp_set",
            json!({ "user": user, "by": by, "secret_commitment": "ee" }),
        )
    };
    let removed = |user: i64, by: Value| ("user.totp_removed", json!({ "user": user, "by": by }));
    let people = || {
        vec![
            user(1, "王芳", "corps"),
            user(2, "李娜", "corps"),
            user(3, "审计一", "auditor"),
        ]
    };
    // On by the user, off by another corps user (a lost phone), on again, off by the
    // operator: all as the application writes them.
    let mut ok = people();
    ok.extend([
        set(1, 1),
        removed(1, json!(2)),
        set(1, 1),
        removed(1, Value::Null),
    ]);
    assert!(replay(&log(&ok)).is_ok());
    let cases: Vec<(Vec<(&str, Value)>, &str)> = vec![
        (vec![set(3, 3)], "only corps users"),
        (vec![set(1, 2)], "by someone else"),
        (vec![set(1, 1), set(1, 1)], "turned on twice"),
        (vec![removed(1, json!(1))], "was not on"),
        (
            vec![set(1, 1), removed(1, json!(3))],
            "only the user or the corps",
        ),
    ];
    for (tail, expected) in cases {
        let mut entries = people();
        entries.extend(tail);
        let f = fault(entries);
        assert!(f.contains(expected), "{expected}: {f}");
    }
    // Turning it on ends the user's sessions: a sign-out after it is of no open session.
    let mut ended = people();
    ended.extend([
        (
            "user.password_set",
            json!({ "user": 1, "by": null, "phc_commitment": "ee" }),
        ),
        ("user.signed_in", json!({ "user": 1, "session": "s1" })),
        set(1, 1),
        ("user.signed_out", json!({ "user": 1, "session": "s1" })),
    ]);
    assert!(fault(ended).contains("not open"));
}

#[test]
fn a_changed_secret_is_named_by_its_hash_never_shown() {
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let events = vec![
        user(1, "王芳", "corps"),
        (
            "user.totp_set",
            json!({ "user": 1, "by": 1,
                    "secret_commitment": crate::canonical::sha256_hex(secret.as_bytes()) }),
        ),
    ];
    let projection = replay(&log(&events)).unwrap();
    let expected = projection.table("totp_secrets").unwrap();
    let (seq, (_, want)) = expected.rows.iter().next().map(|(_, r)| (r.0, r)).unwrap();
    let time = match &want[4] {
        Expect::Is(c) => c.clone(),
        other => panic!("{other}"),
    };
    let row = |s: &str| {
        vec![
            Cell::Int(seq as i64),
            Cell::Int(1),
            Cell::from(s),
            Cell::Int(1),
            time.clone(),
        ]
    };
    let verifier = key().verifier();
    assert_eq!(compare(expected, vec![row(secret)], &verifier), Ok(1));
    let planted = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
    let e = compare(expected, vec![row(planted)], &verifier)
        .unwrap_err()
        .to_string();
    assert!(e.contains("column secret"), "{e}");
    assert!(!e.contains(planted), "the planted secret shown: {e}");
    assert!(
        e.contains(&crate::canonical::sha256_hex(planted.as_bytes())),
        "{e}"
    );
}
