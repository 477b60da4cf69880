//! The ceremony draw of a committed batch, exactly once.
//!
//! 1. The entropy is checked against the plan's declaration (witnesses, digit counts).
//! 2. `draw.started` is logged with the entropy, in its own transaction, before anything is
//!    computed. Every later attempt must bring the same entropy: a crash or an abort cannot
//!    be followed by a draw with other digits (no re-roll), and the attempt stays on record.
//! 3. The commitment is rebuilt from the committed snapshots and must hash as committed; the
//!    pure core (`Bundle::make`) runs the draw.
//! 4. One write transaction moves the batch committed → drawn (a guarded UPDATE: of several
//!    processes, one sees the row change), stores the targets and logs `batch.drawn`.
//!    Every other outcome is logged as `draw.refused` or `draw.failed` with its reason.

use serde_json::json;

use super::{App, AppError, Result, batch, journal};
use crate::bundle::Bundle;
use crate::canonical;
use crate::entropy::Entropy;
use crate::ledger;
use crate::store::{self, batches::Assignment};

/// Logs an attempt that did not draw, and returns the error to report.
async fn refuse(app: &App, id: &str, kind: &str, error: AppError) -> AppError {
    let event = json!({ "batch": id, "reason": error.to_string() });
    let logged = async {
        let key = app.key()?;
        let mut tx = app.store.write().await?;
        journal::append(&mut tx, key, &app.origin, kind, &event).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    match logged {
        Ok(()) => error,
        Err(e) => AppError::Setup(format!(
            "{error} (and the attempt could not be logged: {e})"
        )),
    }
}

/// The entropy of the first logged start of this batch's draw, if any, as seen inside the
/// write transaction (so two processes cannot both be first).
async fn first_started(tx: &mut store::Tx, id: &str) -> Result<Option<(u64, serde_json::Value)>> {
    for entry in store::log::entries_of_kind_in(tx, "draw.started").await? {
        let envelope = ledger::entry::decode(&entry.bytes).map_err(|e| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "log entry {}: {e}",
                entry.seq
            )))
        })?;
        if envelope.event.get("batch").and_then(|b| b.as_str()) == Some(id) {
            return Ok(Some((entry.seq, envelope.event["entropy"].clone())));
        }
    }
    Ok(None)
}

/// Draws batch `id` once with the public entropy `entropy_text` (the offline draw's
/// `--entropy` syntax; for drand, the round's JSON).
pub async fn draw(app: &App, id: &str, entropy_text: &str) -> Result<Bundle> {
    let row = batch::get(app, id).await?;
    if row.state != "committed" {
        let why = match row.state.as_str() {
            "draft" => {
                format!("batch {id} is a draft: commit it (and publish the hash) before the draw")
            }
            "withdrawn" => format!("batch {id} was withdrawn"),
            _ => format!(
                "batch {id} was drawn already, at {}: a committed batch is drawn exactly once",
                row.drawn_at.as_deref().unwrap_or("?")
            ),
        };
        return Err(refuse(app, id, "draw.refused", AppError::Refused(why)).await);
    }
    let plan = batch::plan(&row)?;
    let entropy: Entropy = match crate::entropy::parse_text(entropy_text, &plan.entropy) {
        Ok(e) => e,
        Err(e) => {
            return Err(refuse(
                app,
                id,
                "draw.refused",
                AppError::Invalid(format!("batch {id}: {e}")),
            )
            .await);
        }
    };
    let entropy_value: serde_json::Value = serde_json::from_slice(&canonical::to_vec(&entropy))
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    // Bind the draw to this entropy, or refuse other entropy than the first attempt's: the
    // check and the entry are one write transaction.
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    match first_started(&mut tx, id).await? {
        Some((seq, earlier)) if earlier != entropy_value => {
            drop(tx);
            let why = format!(
                "batch {id}: this entropy differs from the one logged when its draw started (log entry {seq}); a draw is never re-rolled"
            );
            return Err(refuse(app, id, "draw.refused", AppError::Refused(why)).await);
        }
        Some(_) => drop(tx),
        None => {
            journal::append(
                &mut tx,
                key,
                &app.origin,
                "draw.started",
                &json!({ "batch": id, "entropy": entropy_value }),
            )
            .await?;
            tx.commit().await?;
        }
    }
    let made = async {
        let commitment = batch::commitment(app, &row).await?;
        Bundle::make(commitment, entropy).map_err(|e| AppError::Invalid(format!("batch {id}: {e}")))
    }
    .await;
    let bundle = match made {
        Ok(b) => b,
        Err(e) => return Err(refuse(app, id, "draw.failed", e).await),
    };
    // Hashed as it is written: at 10⁶ entities the bundle is ~200 MB, not worth holding.
    let mut hasher = canonical::Sha256Writer::default();
    bundle
        .write_to(&mut hasher)
        .map_err(|e| AppError::Setup(format!("hashing the bundle: {e}")))?;
    let bundle_sha256 = hasher.hex();
    let targets = assignments(&bundle);
    let strata: Vec<serde_json::Value> = bundle
        .draw
        .strata
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "population": s.population, "excluded": s.excluded, "size": s.size,
                "drawn": s.targets.len(), "shortfall": s.shortfall,
                "unstaffed": s.targets.iter().filter(|t| t.unstaffed.is_some()).count(),
            })
        })
        .collect();
    let event = json!({
        "batch": id,
        "commitment_hash": bundle.commitment.hash,
        "seed": bundle.seed,
        "bundle_sha256": bundle_sha256,
        "strata": strata,
        "targets": targets.iter().map(|t| json!({ "uscc": t.uscc, "team": t.team })).collect::<Vec<_>>(),
    });
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let entropy_json = String::from_utf8(canonical::to_vec(&bundle.entropy)).unwrap_or_default();
    if !store::batches::claim_draw(
        &mut tx,
        id,
        &bundle.seed,
        &entropy_json,
        &bundle_sha256,
        &store::now(),
    )
    .await?
    {
        drop(tx);
        let now = batch::get(app, id).await?;
        let why = format!(
            "batch {id} was drawn already, at {} (by another process): a committed batch is drawn exactly once",
            now.drawn_at.as_deref().unwrap_or("?")
        );
        return Err(refuse(app, id, "draw.refused", AppError::Refused(why)).await);
    }
    store::batches::insert_assignments(&mut tx, id, &targets).await?;
    journal::append(&mut tx, key, &app.origin, "batch.drawn", &event).await?;
    tx.commit().await?;
    Ok(bundle)
}

/// The targets of a bundle in bundle order, with what the public pages show of them.
fn assignments(bundle: &Bundle) -> Vec<Assignment> {
    let entities = &bundle.commitment.snapshots.entities;
    let mut out = Vec::new();
    for s in &bundle.draw.strata {
        for t in &s.targets {
            let record = entities
                .binary_search_by(|e| e.uscc.as_str().cmp(&t.uscc))
                .ok()
                .map(|i| &entities[i]);
            out.push(Assignment {
                position: out.len() as i64,
                stratum: s.name.clone(),
                uscc: t.uscc.clone(),
                entity_name: record.map(|r| r.name.to_string()).unwrap_or_default(),
                district: record.map(|r| r.district.to_string()).unwrap_or_default(),
                grade: record
                    .map(|r| r.grade.as_str().to_string())
                    .unwrap_or_default(),
                team: t.team.clone(),
            });
        }
    }
    out
}
