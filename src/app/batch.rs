//! The batch lifecycle: draft → committed → drawn → results → published, or withdrawn
//! before the draw. Each move is a guarded state change plus its log entry, in one
//! transaction.

use chrono::NaiveDate;
use serde_json::json;

use super::{App, AppError, Result, directory, journal};
use crate::canonical;
use crate::commitment::Commitment;
use crate::plan::Plan;
use crate::store::{self, batches::BatchRow};

/// Creates a draft batch from a plan file's text; the batch id is the plan's `id`.
pub async fn create(app: &App, file_name: &str, plan_toml: &str) -> Result<BatchRow> {
    let plan =
        Plan::from_toml(file_name, plan_toml).map_err(|e| AppError::Invalid(e.to_string()))?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if store::batches::get_in(&mut tx, &plan.id).await?.is_some() {
        return Err(AppError::Invalid(format!(
            "{file_name}: batch {} exists already (a plan id is used once)",
            plan.id
        )));
    }
    let event = json!({
        "batch": plan.id,
        "title": plan.title,
        "plan": serde_json::to_value(&plan).map_err(|e| AppError::Invalid(e.to_string()))?,
    });
    journal::append(&mut tx, key, &app.origin, "batch.created", &event).await?;
    store::batches::insert(&mut tx, &plan.id, &plan.title, plan_toml, &store::now()).await?;
    tx.commit().await?;
    get(app, &plan.id).await
}

/// A batch by id.
pub async fn get(app: &App, id: &str) -> Result<BatchRow> {
    store::batches::get(&app.store, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no batch '{id}'")))
}

/// The plan of a stored batch.
pub fn plan(batch: &BatchRow) -> Result<Plan> {
    Plan::from_toml(&format!("batch {}", batch.id), &batch.plan_toml)
        .map_err(|e| AppError::Store(store::StoreError::Corrupt(e.to_string())))
}

/// The snapshot ids a committed batch drew from.
pub fn snapshot_ids(batch: &BatchRow) -> Result<[i64; 5]> {
    let mut ids = [0; 5];
    for (slot, id) in ids.iter_mut().zip(batch.snapshots) {
        *slot =
            id.ok_or_else(|| AppError::Invalid(format!("batch {} is not committed", batch.id)))?;
    }
    Ok(ids)
}

/// Rebuilds the commitment of a committed batch from its snapshots and checks that its
/// hash is the one committed (and logged).
pub async fn commitment(app: &App, batch: &BatchRow) -> Result<Commitment> {
    let loaded = directory::load(app, snapshot_ids(batch)?).await?;
    let commitment = Commitment::build_from(loaded, plan(batch)?)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    match &batch.commitment_hash {
        Some(h) if *h == commitment.hash => Ok(commitment),
        other => Err(AppError::Store(store::StoreError::Corrupt(format!(
            "batch {}: commitment rebuilt from its snapshots hashes to {}, not the committed {}",
            batch.id,
            commitment.hash,
            other.as_deref().unwrap_or("(none)")
        )))),
    }
}

/// Commits a draft batch over the current snapshots: the commitment hash is what is
/// published before the entropy exists.
pub async fn commit(app: &App, id: &str) -> Result<BatchRow> {
    let batch = get(app, id).await?;
    if batch.state != "draft" {
        return Err(AppError::Refused(format!(
            "batch {id} is {}, not a draft: a batch is committed once",
            batch.state
        )));
    }
    let plan = plan(&batch)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::entropy::drand::check_future_round(&plan.entropy, now).map_err(AppError::Invalid)?;
    let current = directory::current(app).await?;
    let ids = current.each_ref().map(|s| s.id);
    let loaded = directory::load(app, ids).await?;
    let commitment = Commitment::build_from(loaded, plan)
        .map_err(|e| AppError::Invalid(format!("batch {id}: {e}")))?;
    let header = canonical::to_vec(&commitment.header);
    let snapshots: serde_json::Map<String, serde_json::Value> = current
        .iter()
        .map(|s| {
            (
                s.kind.clone(),
                json!({ "version": s.version, "content_sha256": s.content_sha256, "rows": s.row_count }),
            )
        })
        .collect();
    let event = json!({
        "batch": id,
        "commitment_hash": commitment.hash,
        "snapshots": snapshots,
    });
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if !store::batches::commit(&mut tx, id, &commitment.hash, &header, ids, &store::now()).await? {
        return Err(AppError::Refused(format!(
            "batch {id} was committed by another process"
        )));
    }
    journal::append(&mut tx, key, &app.origin, "batch.committed", &event).await?;
    tx.commit().await?;
    get(app, id).await
}

/// Withdraws a batch before its draw, with the reason (logged).
pub async fn withdraw(app: &App, id: &str, reason: &str) -> Result<BatchRow> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid("a withdrawal needs its reason".into()));
    }
    let batch = get(app, id).await?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if !store::batches::withdraw(&mut tx, id, reason, &store::now()).await? {
        return Err(AppError::Refused(format!(
            "batch {id} is {}: only a draft or committed batch can be withdrawn (never after the draw)",
            batch.state
        )));
    }
    journal::append(
        &mut tx,
        key,
        &app.origin,
        "batch.withdrawn",
        &json!({ "batch": id, "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    get(app, id).await
}

/// Publishes a drawn batch's sampling and results. Every staffed target must have a result.
pub async fn publish(app: &App, id: &str) -> Result<BatchRow> {
    let batch = get(app, id).await?;
    if !matches!(batch.state.as_str(), "drawn" | "results") {
        return Err(AppError::Refused(format!(
            "batch {id} is {}: only a drawn batch is published",
            batch.state
        )));
    }
    let targets = store::batches::assignments(&app.store, id).await?;
    let results = store::results::of_batch(&app.store, id).await?;
    let missing: Vec<&str> = targets
        .iter()
        .filter(|t| !t.team.is_empty() && !results.iter().any(|r| r.uscc == t.uscc))
        .map(|t| t.uscc.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Invalid(format!(
            "batch {id}: {} target(s) have no result yet: {}",
            missing.len(),
            missing.join(", ")
        )));
    }
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if !store::batches::publish(&mut tx, id, &store::now()).await? {
        return Err(AppError::Refused(format!(
            "batch {id} was published by another process"
        )));
    }
    let event = json!({
        "batch": id,
        "results": results.iter().map(|r| r.id).collect::<Vec<_>>(),
        "bundle_sha256": batch.bundle_sha256,
    });
    journal::append(&mut tx, key, &app.origin, "batch.published", &event).await?;
    tx.commit().await?;
    get(app, id).await
}

/// A batch's publication deadline: 20 working days after its first result was recorded
/// (企业信息公示暂行条例 Art. 6), or `None` before any result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub due: NaiveDate,
    pub overdue: bool,
    /// Working days left (negative when overdue), counted from `today`.
    pub working_days_left: i64,
}

/// Working days allowed between a result and its publication.
pub const PUBLISH_WITHIN_WORKING_DAYS: u32 = 20;

/// The deadline of a batch as of `today`; an error if the calendar lacks a year it needs.
pub async fn deadline(app: &App, batch: &BatchRow, today: NaiveDate) -> Result<Option<Deadline>> {
    if !matches!(batch.state.as_str(), "drawn" | "results" | "published") {
        return Ok(None);
    }
    let results = store::results::of_batch(&app.store, &batch.id).await?;
    let Some(first) = results.iter().map(|r| r.recorded_at.as_str()).min() else {
        return Ok(None);
    };
    let start =
        NaiveDate::parse_from_str(first.get(..10).unwrap_or(first), "%Y-%m-%d").map_err(|e| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "result time {first}: {e}"
            )))
        })?;
    let due = app
        .calendar
        .add_working_days(start, PUBLISH_WITHIN_WORKING_DAYS)
        .map_err(|e| AppError::Invalid(format!("batch {}: {e}", batch.id)))?;
    let published_on = batch
        .published_at
        .as_deref()
        .and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok());
    let reference = published_on.unwrap_or(today);
    let overdue = reference > due;
    // Working days in (reference, due]: negative when the deadline has passed.
    let left = app
        .calendar
        .working_days_after(reference, due)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    Ok(Some(Deadline {
        due,
        overdue,
        working_days_left: left,
    }))
}
