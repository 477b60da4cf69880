//! What an export must carry (docs/LOG.md, "Exported bundles"): every entry of an export can
//! be proven, but a proof says nothing about the entries left out. So, once every entry is
//! proven, this checks that none of those the export promises is missing: the batch's
//! `batch.created`, `batch.committed` and `batch.drawn` entries naming this bundle; the five
//! (six, with lists) `directory.snapshot` entries the `batch.committed` entry names; and either a
//! `batch.published` entry (a public export) whose `reveals_sha256` the openings of the
//! batch's draw and result entries before it hash to (so none of them is left out), or a
//! `draw.started` entry with the bundle's entropy (an auditor's export). Entries come in
//! increasing `seq`, and each is of this batch.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ledger::entry::Envelope;
use crate::ledger::seal;

/// The tables whose snapshots a batch commits, in the order they are checked.
pub const SNAPSHOT_TABLES: [&str; 6] = [
    "entities", "officers", "matters", "recusals", "history", "lists",
];

/// The one table a `batch.committed` entry may leave out: lists, when none had been imported
/// (the directory then had an empty one), and in every entry written before lists existed.
const OPTIONAL_TABLE: &str = "lists";

/// The kinds a batch logs at most once.
const ONCE: [&str; 5] = [
    "batch.created",
    "batch.committed",
    "batch.drawn",
    "batch.published",
    "draw.started",
];

/// What the bundle says, for comparison with the log's entries.
pub struct Expected<'a> {
    /// The batch id: the plan's `id`.
    pub batch: &'a str,
    pub commitment_hash: &'a str,
    pub seed: &'a str,
    /// SHA-256 of the bundle's bytes, hex.
    pub bundle_sha256: &'a str,
    /// The bundle's `entropy`, canonical JSON.
    pub entropy: &'a [u8],
}

fn text<'e>(event: &'e Map<String, Value>, name: &str) -> &'e str {
    event.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Checks `entries` (each with its index in `/log/entries`, already proven and opened, and
/// its opening if sealed) against `expected`; `Err` names the first missing or
/// contradicting entry.
pub fn check(
    entries: &[(usize, Envelope, Option<&str>)],
    expected: &Expected,
) -> Result<(), String> {
    let mut previous: Option<u64> = None;
    let mut one_of: BTreeMap<&str, (usize, &Map<String, Value>)> = BTreeMap::new();
    let mut snapshots = Vec::new();
    let mut openings = Vec::new();
    let mut published_seq = None;
    for (i, e, opening) in entries {
        let path = format!("/log/entries/{i}");
        if previous.is_some_and(|p| e.seq <= p) {
            return Err(format!(
                "{path}: entry {} after entry {}: entries are listed once each, in increasing seq",
                e.seq,
                previous.unwrap_or_default()
            ));
        }
        previous = Some(e.seq);
        if e.kind == "directory.snapshot" {
            snapshots.push(&e.event);
            continue;
        }
        if text(&e.event, "batch") != expected.batch {
            return Err(format!(
                "{path}: a {} entry of batch '{}' in the export of batch '{}'",
                e.kind,
                text(&e.event, "batch"),
                expected.batch
            ));
        }
        let kind = e.kind.as_str();
        if kind == "batch.published" {
            published_seq = Some(e.seq);
        }
        if let Some(opening) = opening
            && seal::REVEALED_AT_PUBLICATION.contains(&kind)
            && published_seq.is_none()
        {
            openings.push((e.seq, *opening));
        }
        if ONCE.contains(&kind) && one_of.insert(kind, (*i, &e.event)).is_some() {
            return Err(format!("{path}: a second {kind} entry of this batch"));
        }
    }
    let missing = |kind: &str| format!("/log/entries: the {kind} entry of this batch is missing");
    if !one_of.contains_key("batch.created") {
        return Err(missing("batch.created"));
    }
    let (at, committed) = one_of
        .get("batch.committed")
        .ok_or_else(|| missing("batch.committed"))?;
    if text(committed, "commitment_hash") != expected.commitment_hash {
        return Err(format!(
            "/log/entries/{at}: the log committed {}, the bundle's commitment is {}",
            text(committed, "commitment_hash"),
            expected.commitment_hash
        ));
    }
    let (at, drawn) = one_of
        .get("batch.drawn")
        .ok_or_else(|| missing("batch.drawn"))?;
    if text(drawn, "seed") != expected.seed
        || text(drawn, "bundle_sha256") != expected.bundle_sha256
        || text(drawn, "commitment_hash") != expected.commitment_hash
    {
        return Err(format!(
            "/log/entries/{at}: the log's draw (seed {}, bundle {}) is not this bundle (seed {}, bundle {})",
            text(drawn, "seed"),
            text(drawn, "bundle_sha256"),
            expected.seed,
            expected.bundle_sha256
        ));
    }
    check_snapshots(committed, &snapshots)?;
    match (one_of.get("batch.published"), one_of.get("draw.started")) {
        (None, None) => {
            return Err(
                "/log/entries: neither a batch.published entry (a public export) nor a draw.started entry (an auditor's export)"
                    .into(),
            );
        }
        (Some((at, published)), _) => check_published(*at, published, &openings, expected)?,
        (None, Some(_)) => {}
    }
    if let Some((at, started)) = one_of.get("draw.started") {
        let logged = started
            .get("entropy")
            .map(crate::canonical::to_vec)
            .unwrap_or_default();
        if logged != expected.entropy {
            return Err(format!(
                "/log/entries/{at}: the entropy logged when the draw started is not the bundle's"
            ));
        }
    }
    Ok(())
}

/// Every table the `batch.committed` entry names has its `directory.snapshot` entry, and it
/// names every table but lists.
fn check_snapshots(
    committed: &Map<String, Value>,
    found: &[&Map<String, Value>],
) -> Result<(), String> {
    let named = committed.get("snapshots").and_then(Value::as_object);
    for table in SNAPSHOT_TABLES {
        let Some(s) = named.and_then(|n| n.get(table)) else {
            if table == OPTIONAL_TABLE {
                continue;
            }
            return Err(format!(
                "/log/entries: the batch.committed entry names no {table} snapshot"
            ));
        };
        let present = found.iter().any(|f| {
            f.get("table").and_then(Value::as_str) == Some(table)
                && ["version", "content_sha256", "rows"]
                    .iter()
                    .all(|k| f.get(*k).is_some() && f.get(*k) == s.get(*k))
        });
        if !present {
            return Err(format!(
                "/log/entries: the directory.snapshot entry of {table} v{} (content sha256 {}), which the batch.committed entry names, is missing",
                s.get("version").unwrap_or(&Value::Null),
                s.get("content_sha256")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
            ));
        }
    }
    Ok(())
}

/// The `batch.published` entry names this bundle, and the openings of the batch's draw and
/// result entries before it, as carried, hash to what it reveals: none is left out.
fn check_published(
    at: usize,
    published: &Map<String, Value>,
    openings: &[(u64, &str)],
    expected: &Expected,
) -> Result<(), String> {
    if text(published, "bundle_sha256") != expected.bundle_sha256 {
        return Err(format!(
            "/log/entries/{at}: the published bundle is {}, not this bundle ({})",
            text(published, "bundle_sha256"),
            expected.bundle_sha256
        ));
    }
    let carried = crate::canonical::sha256_hex(&seal::reveals(openings.iter().copied()));
    if text(published, "reveals_sha256") != carried {
        return Err(format!(
            "/log/entries/{at}: the batch.published entry reveals {}, but the {} draw and result entries carried hash to {carried}: one is missing or changed",
            text(published, "reveals_sha256"),
            openings.len()
        ));
    }
    Ok(())
}
