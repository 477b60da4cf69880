//! The batch lifecycle: draft → committed → drawn → results → published, or withdrawn
//! before the draw. Each move is a guarded state change plus its log entry, in one
//! transaction.

use chrono::NaiveDate;
use serde_json::json;

use super::{App, AppError, Result, directory, journal};
use crate::canonical;
use crate::commitment::Commitment;
use crate::domain::Message;
use crate::draw::select::Sizes;
use crate::ledger;
use crate::msg;
use crate::plan::Plan;
use crate::store::{self, batches::BatchRow};

/// A plan for a new batch from a plan file's text: read, validated, and held to what a new
/// commitment needs (`Plan::check_new`).
fn new_plan(file_name: &str, plan_toml: &str) -> Result<Plan> {
    let plan =
        Plan::from_toml(file_name, plan_toml).map_err(|e| AppError::Invalid(Message::same(e)))?;
    plan.check_new()
        .map_err(|e| AppError::Invalid(Message::same(format!("{file_name}: {e}"))))?;
    Ok(plan)
}

/// Creates a draft batch from a plan file's text; the batch id is the plan's `id`.
pub async fn create(app: &App, file_name: &str, plan_toml: &str) -> Result<BatchRow> {
    let plan = new_plan(file_name, plan_toml)?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if store::batches::get_in(&mut tx, &plan.id).await?.is_some() {
        let id = &plan.id;
        return Err(AppError::Invalid(
            msg!(
                "{file_name}：批次编号 {id} 已被使用（编号只用一次）",
                "{file_name}: batch {id} exists already (a plan id is used once)"
            )
            .on("id"),
        ));
    }
    let event = json!({
        "batch": plan.id,
        "title": plan.title,
        "plan": serde_json::to_value(&plan).map_err(|e| AppError::Setup(e.to_string()))?,
        "plan_toml": plan_toml,
    });
    let logged = journal::append(&mut tx, key, &app.origin, "batch.created", &event).await?;
    store::batches::insert(&mut tx, &plan.id, &plan.title, plan_toml, &logged.time).await?;
    tx.commit().await?;
    get(app, &plan.id).await
}

/// A batch's state in words, Chinese (as a predicate: 为草稿) and English.
pub(crate) fn states(state: &str) -> (String, &str) {
    use crate::pages::{model::Lang, text::state_label};
    (format!("为{}", state_label(Lang::Zh, state)), state)
}

/// A batch by id.
pub async fn get(app: &App, id: &str) -> Result<BatchRow> {
    store::batches::get(&app.store, id)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("没有批次 {id}", "no batch '{id}'")))
}

/// The plan of a stored batch.
pub fn plan(batch: &BatchRow) -> Result<Plan> {
    Plan::from_toml(&format!("batch {}", batch.id), &batch.plan_toml)
        .map_err(|e| AppError::Store(store::StoreError::Corrupt(e.to_string())))
}

/// The snapshot ids a committed batch drew from (`Kind::ALL` order; lists only when a
/// lists table had been imported).
pub fn snapshot_ids(batch: &BatchRow) -> Result<[Option<i64>; 6]> {
    if batch.snapshots[..5].iter().any(Option::is_none) {
        let id = &batch.id;
        return Err(AppError::Invalid(msg!(
            "批次 {id} 尚未承诺",
            "batch {id} is not committed"
        )));
    }
    Ok(batch.snapshots)
}

/// Rebuilds the commitment of a committed batch from its snapshots and checks that its
/// hash is the one committed (and logged).
pub async fn commitment(app: &App, batch: &BatchRow) -> Result<Commitment> {
    let loaded = directory::load(app, snapshot_ids(batch)?).await?;
    let mut commitment = Commitment::build_from(loaded, plan(batch)?)
        .map_err(|e| AppError::Invalid(Message::same(e)))?;
    let rebuilt = commitment.hash.clone();
    // A batch committed before an upgrade is drawn under the version it was committed under
    // (through the database, a source's hash has always been its table's content hash, so
    // the versions differ only in the header's `format` and `spec_version` and the plan's
    // shape).
    for version in &crate::commitment::VERSIONS[1..] {
        if batch.commitment_hash.as_deref() == Some(commitment.hash.as_str()) {
            break;
        }
        commitment.put_under_version(*version);
    }
    match &batch.commitment_hash {
        Some(h) if *h == commitment.hash => Ok(commitment),
        other => Err(AppError::Store(store::StoreError::Corrupt(format!(
            "batch {}: commitment rebuilt from its snapshots hashes to {}, not the committed {}",
            batch.id,
            rebuilt,
            other.as_deref().unwrap_or("(none)")
        )))),
    }
}

/// Commits a draft batch over the current snapshots: the commitment hash is what is
/// published before the entropy exists.
pub async fn commit(app: &App, id: &str) -> Result<BatchRow> {
    let batch = get(app, id).await?;
    if batch.state != "draft" {
        let (zh, en) = states(&batch.state);
        return Err(AppError::Refused(msg!(
            "批次 {id} {zh}，不是草稿：一个批次只承诺一次",
            "batch {id} is {en}, not a draft: a batch is committed once"
        )));
    }
    let plan = plan(&batch)?;
    plan.check_new()
        .map_err(|e| AppError::Invalid(Message::same(e)))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::entropy::drand::check_future_round(&plan.entropy, now)
        .map_err(|e| AppError::Invalid(Message::same(e)))?;
    let (current, ids, loaded) = current_directory(app).await?;
    let commitment = Commitment::build_from(loaded, plan)
        .map_err(|e| AppError::Invalid(Message::same(format!("{id}: {e}"))))?;
    let header = canonical::to_vec(&commitment.header);
    let snapshots: serde_json::Map<String, serde_json::Value> = current
        .iter()
        .flatten()
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
    let logged = journal::append(&mut tx, key, &app.origin, "batch.committed", &event).await?;
    if !store::batches::commit(&mut tx, id, &commitment.hash, &header, ids, &logged.time).await? {
        return Err(AppError::Refused(msg!(
            "批次 {id} 已由另一进程承诺",
            "batch {id} was committed by another process"
        )));
    }
    tx.commit().await?;
    get(app, id).await
}

/// The current snapshots, their ids, and the directory they hold: what a commitment made
/// now is made over.
async fn current_directory(
    app: &App,
) -> Result<(
    [Option<store::snapshots::Snapshot>; 6],
    [Option<i64>; 6],
    crate::registry::Loaded<crate::commitment::EntityRecord>,
)> {
    let current = directory::current(app).await?;
    let ids = current.each_ref().map(|s| s.as_ref().map(|s| s.id));
    let loaded = directory::load(app, ids).await?;
    Ok((current, ids, loaded))
}

/// Each stratum's (or part's) population and the sample size it will give, for a plan's
/// text over the current snapshots, as the draw will find them if the batch is committed
/// now: counts only (`draw::select::sizes`), with no seed, no target, nothing logged.
pub async fn counts(app: &App, file_name: &str, plan_toml: &str) -> Result<Sizes> {
    let plan = new_plan(file_name, plan_toml)?;
    let (_, _, loaded) = current_directory(app).await?;
    let unhashed = Commitment::unhashed(loaded, plan)
        .map_err(|e| AppError::Invalid(Message::same(format!("{file_name}: {e}"))))?;
    Ok(crate::draw::select::sizes(unhashed.unfinished()))
}

/// Withdraws a batch before its draw, with the reason (logged).
pub async fn withdraw(app: &App, id: &str, reason: &str) -> Result<BatchRow> {
    if reason.trim().is_empty() {
        return Err(AppError::Invalid(
            msg!("撤回须写明原因", "a withdrawal needs its reason").on("reason"),
        ));
    }
    let reason = crate::domain::text::required(reason).map_err(|e| {
        AppError::Invalid(Message::same(format!("撤回原因 the withdrawal reason {e}")).on("reason"))
    })?;
    let reason = reason.as_str();
    let batch = get(app, id).await?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    // Once its draw started, the outcome under that entropy is set: withdrawing the batch
    // (and drawing the same plan again under another id) would be a re-roll.
    if let Some((seq, _)) = super::draw::logged(app, &mut tx, id).await?.started {
        return Err(AppError::Refused(msg!(
            "批次 {id} 已开始摇号（日志第 {seq} 条）：批次只能在摇号开始前撤回，摇号后不能撤回",
            "batch {id}: its draw started (log entry {seq}); a batch is withdrawn only before its draw starts, never after the draw"
        )));
    }
    let logged = journal::append(
        &mut tx,
        key,
        &app.origin,
        "batch.withdrawn",
        &json!({ "batch": id, "reason": reason }),
    )
    .await?;
    if !store::batches::withdraw(&mut tx, id, reason, &logged.time).await? {
        let (zh, en) = states(&batch.state);
        return Err(AppError::Refused(msg!(
            "批次 {id} {zh}：只有草稿或已承诺的批次可以撤回（摇号后不能撤回）",
            "batch {id} is {en}: only a draft or committed batch can be withdrawn (never after the draw)"
        )));
    }
    tx.commit().await?;
    get(app, id).await
}

/// Publishes a drawn batch's sampling and results. Every staffed target must have a
/// standing result, approved by a reviewer (`app::reviews`).
pub async fn publish(app: &App, id: &str) -> Result<BatchRow> {
    let batch = get(app, id).await?;
    if !matches!(batch.state.as_str(), "drawn" | "results") {
        let (zh, en) = states(&batch.state);
        return Err(AppError::Refused(msg!(
            "批次 {id} {zh}：只有已抽取的批次可以公示",
            "batch {id} is {en}: only a drawn batch is published"
        )));
    }
    let super::reviews::Reviewing {
        targets,
        results,
        progress,
        ..
    } = super::reviews::reviewing(app, id).await?;
    if !progress.complete() {
        return Err(super::reviews::not_ready(id, &progress, &targets, &results));
    }
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    // Decided again as this transaction sees the database: a correction recorded meanwhile
    // is unreviewed.
    super::reviews::ready_to_publish(&mut tx, id, &targets).await?;
    let entries = journal::signed_entries(&mut tx, &app.verifier).await?;
    let reveals = ledger::seal::reveals(ledger::seal::openings_of(&entries, id));
    let event = json!({
        "batch": id,
        "bundle_sha256": batch.bundle_sha256,
        "reveals_sha256": canonical::sha256_hex(&reveals),
    });
    let logged = journal::append(&mut tx, key, &app.origin, "batch.published", &event).await?;
    if !store::batches::publish(&mut tx, id, &logged.time).await? {
        return Err(AppError::Refused(msg!(
            "批次 {id} 已由另一进程公示",
            "batch {id} was published by another process"
        )));
    }
    tx.commit().await?;
    get(app, id).await
}

/// The date in China (UTC+8, no daylight saving) of a stored RFC 3339 time: deadlines count
/// the days of the regulator, not of the server's time zone.
pub fn china_date(time: &str) -> Option<NaiveDate> {
    let offset = chrono::FixedOffset::east_opt(8 * 3600)?;
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&offset).date_naive())
}

/// A stored RFC 3339 time as the regulator reads it: `2026-12-04 18:05:09 (UTC+8)`.
pub fn china_time(time: &str) -> Option<String> {
    let offset = chrono::FixedOffset::east_opt(8 * 3600)?;
    chrono::DateTime::parse_from_rfc3339(time).ok().map(|t| {
        t.with_timezone(&offset)
            .format("%Y-%m-%d %H:%M:%S (UTC+8)")
            .to_string()
    })
}

/// Today's date in China.
pub fn china_today() -> NaiveDate {
    let now = chrono::Utc::now();
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(offset) => now.with_timezone(&offset).date_naive(),
        None => now.date_naive(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_are_counted_in_china() {
        // 2026-11-25 23:30 UTC is 2026-11-26 in Beijing.
        assert_eq!(china_date("2026-11-25T23:30:00Z"), Some(d("2026-11-26")));
        assert_eq!(china_date("2026-11-25T10:00:00Z"), Some(d("2026-11-25")));
    }
}
