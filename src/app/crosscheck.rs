//! `log verify`'s second half: the tables agree with the log. Snapshot rows hash to the
//! logged content hash, results equal their logged entries, batches carry the logged
//! commitment hash, seed, bundle hash and targets; users carry their logged name, role and
//! card, and are revoked exactly when the log says so. A row changed behind the
//! application's back (triggers dropped) is named with the entry it contradicts.

use serde_json::{Value, json};

use super::{App, AppError, Result};
use crate::import::{self, Rows};
use crate::ledger;
use crate::ledger::StoredEntry;
use crate::store::{self, rows};

fn event(entries: &[StoredEntry], seq: i64, what: &str) -> Result<(String, Value)> {
    let e = usize::try_from(seq)
        .ok()
        .and_then(|i| entries.get(i))
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "FAIL {what}: names log entry {seq}, which does not exist"
            ))
        })?;
    let envelope = ledger::entry::decode(&e.bytes)
        .map_err(|err| AppError::Invalid(format!("FAIL log entry {seq}: {err}")))?;
    Ok((envelope.kind, Value::Object(envelope.event)))
}

fn differs(what: &str, seq: i64, field: &str) -> AppError {
    AppError::Invalid(format!(
        "FAIL {what}: its {field} differs from log entry {seq}"
    ))
}

/// Checks every table row that has a log entry; returns how many rows were checked.
pub async fn tables(app: &App, entries: &[StoredEntry]) -> Result<usize> {
    let mut checked = 0;
    for s in store::snapshots::all(&app.store).await? {
        let what = format!("snapshot {} v{} (id {})", s.kind, s.version, s.id);
        let (kind, ev) = event(entries, s.log_seq, &what)?;
        if kind != "directory.snapshot"
            || ev["table"] != json!(s.kind)
            || ev["version"] != json!(s.version)
            || ev["rows"] != json!(s.row_count)
        {
            return Err(differs(&what, s.log_seq, "table, version or row count"));
        }
        let rows = match s.kind.as_str() {
            "entities" => Rows::Entities(rows::entities(&app.store, s.id).await?),
            "officers" => Rows::Officers(rows::officers(&app.store, s.id).await?),
            "matters" => Rows::Matters(rows::matters(&app.store, s.id).await?),
            "recusals" => Rows::Recusals(rows::recusals(&app.store, s.id).await?),
            _ => Rows::History(rows::history(&app.store, s.id).await?),
        };
        let hash = import::content_hash(&rows);
        if ev["content_sha256"] != json!(hash) || s.content_sha256 != hash {
            return Err(differs(
                &format!("{what}: its rows"),
                s.log_seq,
                "content hash",
            ));
        }
        checked += 1;
    }
    for r in store::results::all(&app.store).await? {
        let what = format!("result {} of batch {}", r.id, r.batch_id);
        let (kind, ev) = event(entries, r.log_seq, &what)?;
        if !super::results::agrees(&r, &kind, &ev) {
            return Err(differs(&what, r.log_seq, "content"));
        }
        checked += 1;
    }
    let mut by_batch: std::collections::HashMap<String, Vec<(u64, String, Value)>> =
        Default::default();
    let mut logged_users = LoggedUsers::default();
    for e in entries {
        let Ok(env) = ledger::entry::decode(&e.bytes) else {
            continue;
        };
        match env.kind.as_str() {
            "user.added" => logged_users.added += 1,
            "user.revoked" => {
                if let Some(id) = env.event.get("user").and_then(|u| u.as_i64()) {
                    logged_users.revoked.insert(id);
                }
            }
            _ => {}
        }
        if let Some(b) = env.event.get("batch").and_then(|b| b.as_str()) {
            by_batch.entry(b.to_string()).or_default().push((
                e.seq,
                env.kind,
                Value::Object(env.event),
            ));
        }
    }
    for b in store::batches::all(&app.store).await? {
        let logged = by_batch.get(&b.id).map(Vec::as_slice).unwrap_or_default();
        let find = |k: &str| logged.iter().find(|(_, kind, _)| kind == k);
        let what = format!("batch {}", b.id);
        if let Some(hash) = &b.commitment_hash {
            // The stored header is the one committed: its SHA-256 is the commitment hash.
            let header = store::batches::commitment_header(&app.store, &b.id).await?;
            if header.map(|h| crate::canonical::sha256_hex(&h)).as_ref() != Some(hash) {
                return Err(AppError::Invalid(format!(
                    "FAIL {what}: its stored commitment header does not hash to its commitment hash {hash}"
                )));
            }
            match find("batch.committed") {
                Some((seq, _, ev)) if ev["commitment_hash"] == json!(hash) => {}
                Some((seq, _, _)) => return Err(differs(&what, *seq as i64, "commitment hash")),
                None => {
                    return Err(AppError::Invalid(format!(
                        "FAIL {what}: committed, but no batch.committed entry"
                    )));
                }
            }
        }
        if let Some(seed) = &b.seed {
            let Some((seq, _, ev)) = find("batch.drawn") else {
                return Err(AppError::Invalid(format!(
                    "FAIL {what}: drawn, but no batch.drawn entry"
                )));
            };
            if ev["seed"] != json!(seed) || ev["bundle_sha256"] != json!(b.bundle_sha256) {
                return Err(differs(&what, *seq as i64, "seed or bundle hash"));
            }
            let targets: Vec<Value> = store::batches::assignments(&app.store, &b.id)
                .await?
                .iter()
                .map(|t| json!({ "uscc": t.uscc, "team": t.team }))
                .collect();
            if ev["targets"] != Value::Array(targets) {
                return Err(differs(
                    &format!("{what}: its targets or teams"),
                    *seq as i64,
                    "targets",
                ));
            }
        }
        checked += 1;
    }
    checked += users(app, entries, &logged_users).await?;
    Ok(checked)
}

/// What the log says of users: how many were added, and which were revoked.
#[derive(Default)]
struct LoggedUsers {
    added: usize,
    revoked: std::collections::HashSet<i64>,
}

/// Each user row equals its `user.added` entry, and is revoked exactly when a
/// `user.revoked` entry names it.
async fn users(app: &App, entries: &[StoredEntry], logged: &LoggedUsers) -> Result<usize> {
    let (added, revoked) = (logged.added, &logged.revoked);
    let rows = store::users::all(&app.store).await?;
    if rows.len() != added {
        return Err(AppError::Invalid(format!(
            "FAIL users: {} rows, but the log added {added}",
            rows.len()
        )));
    }
    for u in &rows {
        let what = format!("user {} ({})", u.id, u.name);
        let (kind, ev) = event(entries, u.log_seq, &what)?;
        let expected =
            json!({ "user": u.id, "name": u.name, "role": u.role, "card_no": u.card_no });
        if kind != "user.added" || ev != expected {
            return Err(differs(&what, u.log_seq, "name, role or card"));
        }
        if u.revoked_at.is_some() != revoked.contains(&u.id) {
            return Err(AppError::Invalid(format!(
                "FAIL {what}: revoked in the table {}, but the log says {}",
                u.revoked_at.is_some(),
                revoked.contains(&u.id)
            )));
        }
    }
    Ok(rows.len())
}
