//! Annual plans (年度抽查计划): publishing one (an `annual_plan.published` entry, public at
//! once: a plan is announced before its inspections), a new version of it (the same id:
//! same department and year, no batch dropped), and its report: the plan in force, its
//! versions, the state of each batch it groups, and its coverage (`annual::coverage`) over
//! the current entities snapshot. The public report counts published batches only (a
//! batch's targets are sealed until its publication); `Scope::All` (the CLI, with the
//! database) counts every drawn batch.

use crate::domain::Message;
use crate::msg;
use std::collections::HashMap;

use chrono::Datelike;

use super::{App, AppError, Result, journal, public_log::PublicLog};
use crate::annual::report::{AnnualReport, FloorView, PlannedBatch, VersionView};
use crate::annual::{self, AnnualPlan, coverage};
use crate::domain::EntityStatus;
use crate::store::{self, annual_plans::AnnualPlanRow};

/// The log entry kind.
pub const KIND: &str = "annual_plan.published";

/// Which batches a coverage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Published batches only: what anyone may see.
    Public,
    /// Every drawn batch (drawn, with results, or published): the department's own view.
    All,
}

/// Publishes the plan in `text` (TOML, read from `file`): version 1, or the next version
/// of the plan with the same id.
pub async fn publish(app: &App, file: &str, text: &str) -> Result<AnnualPlanRow> {
    let plan = annual::parse(file, text).map_err(|e| AppError::Invalid(Message::same(e)))?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let versions = store::annual_plans::versions_in(&mut tx, plan.id.as_str()).await?;
    let version = match versions.last() {
        None => 1,
        Some(last) => {
            // Decided on the signed entry, not on the row.
            let previous = signed_plan(&mut tx, last).await?;
            plan.amends(&previous)
                .map_err(|e| AppError::Refused(Message::same(e)))?;
            last.version + 1
        }
    };
    let event = plan.to_event(version);
    let logged = journal::append(&mut tx, key, &app.origin, KIND, &event).await?;
    let row = row_of(&plan, version, logged.seq as i64, &logged.time, &event);
    store::annual_plans::insert(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(row)
}

fn canonical(v: &serde_json::Value) -> String {
    String::from_utf8(crate::canonical::to_vec(v)).unwrap_or_default()
}

fn row_of(
    plan: &AnnualPlan,
    version: i64,
    seq: i64,
    time: &str,
    event: &serde_json::Value,
) -> AnnualPlanRow {
    AnnualPlanRow {
        log_seq: seq,
        plan_id: plan.id.to_string(),
        version,
        department: plan.department.clone(),
        year: i64::from(plan.year),
        title: plan.title.clone(),
        basis: plan.basis.clone(),
        batches: canonical(&event["batches"]),
        floors: canonical(&event["floors"]),
        published_at: time.to_string(),
    }
}

/// The plan a stored row's log entry holds, checked to be the row.
async fn signed_plan(tx: &mut store::Tx, row: &AnnualPlanRow) -> Result<AnnualPlan> {
    let corrupt = |why: String| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "annual plan {} version {}: {why}; run `shuangsui log verify`",
            row.plan_id, row.version
        )))
    };
    let entry = match u64::try_from(row.log_seq) {
        Ok(seq) => store::log::entry_in(tx, seq).await?,
        Err(_) => None,
    }
    .ok_or_else(|| corrupt(format!("log entry {} does not exist", row.log_seq)))?;
    let envelope = entry
        .open()
        .map_err(|e| corrupt(format!("log entry {}: {e}", row.log_seq)))?;
    let (plan, version) = annual::from_event(&format!("entry {}", row.log_seq), &envelope.event)
        .map_err(|e| corrupt(e.to_string()))?;
    if envelope.kind != KIND
        || version != row.version
        || row_of(
            &plan,
            version,
            row.log_seq,
            &envelope.time,
            &plan.to_event(version),
        ) != *row
    {
        return Err(corrupt(format!("differs from log entry {}", row.log_seq)));
    }
    Ok(plan)
}

/// The plan a row holds (its lists read back from their JSON text).
fn plan_of(row: &AnnualPlanRow) -> Result<AnnualPlan> {
    let list = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap_or_default();
    let event = serde_json::json!({
        "id": row.plan_id,
        "department": row.department,
        "year": row.year,
        "title": row.title,
        "basis": row.basis,
        "batches": list(&row.batches),
        "floors": list(&row.floors),
        "version": row.version,
    });
    let object = event.as_object().cloned().unwrap_or_default();
    annual::from_event(&format!("annual plan {}", row.plan_id), &object)
        .map(|(p, _)| p)
        .map_err(|e| AppError::Store(store::StoreError::Corrupt(e.to_string())))
}

/// Every plan in force (the newest version of each), newest year first.
pub async fn current(app: &App) -> Result<Vec<AnnualPlanRow>> {
    let mut newest: Vec<AnnualPlanRow> = Vec::new();
    for row in store::annual_plans::all(&app.store).await? {
        match newest.last_mut() {
            Some(last) if last.plan_id == row.plan_id => *last = row,
            _ => newest.push(row),
        }
    }
    Ok(newest)
}

/// The report of plan `id`. `public_log` gives the batches' states as the public log says
/// them (`Scope::Public`); without it they are read from the batches table.
pub async fn report(
    app: &App,
    id: &str,
    scope: Scope,
    public_log: Option<&PublicLog>,
) -> Result<AnnualReport> {
    let versions = store::annual_plans::versions(&app.store, id).await?;
    let Some(row) = versions.last() else {
        return Err(AppError::NotFound(msg!(
            "没有年度抽查计划 '{id}'",
            "no annual plan '{id}'"
        )));
    };
    let plan = plan_of(row)?;
    let rows = store::batches::all(&app.store).await?;
    // The year each batch's inspection window opens in: a batch of another year is listed
    // but never counted towards this year's floors.
    let mut years: HashMap<String, i32> = HashMap::new();
    for b in rows
        .iter()
        .filter(|b| plan.batches.iter().any(|p| p.as_str() == b.id))
    {
        years.insert(b.id.clone(), super::batch::plan(b)?.inspection_date.year());
    }
    let states: HashMap<String, (String, String)> = match public_log {
        Some(log) => {
            let logs = log.batches(app).await?;
            let titles: HashMap<String, String> =
                rows.into_iter().map(|b| (b.id, b.title)).collect();
            logs.into_iter()
                .filter(|(_, l)| l.first("batch.committed").is_some())
                .map(|(id, l)| {
                    let title = titles.get(&id).cloned().unwrap_or_default();
                    (id, (l.state().to_string(), title))
                })
                .collect()
        }
        None => rows
            .into_iter()
            .filter(|b| b.state != "draft")
            .map(|b| (b.id, (b.state, b.title)))
            .collect(),
    };
    let mut batches = Vec::new();
    let mut drawn = Vec::new();
    for b in &plan.batches {
        let (state, title) = states
            .get(b.as_str())
            .cloned()
            .unwrap_or_else(|| ("planned".to_string(), String::new()));
        let in_year = years.get(b.as_str()).is_none_or(|y| *y == plan.year);
        let counted = in_year
            && match scope {
                Scope::Public => state == "published",
                Scope::All => matches!(state.as_str(), "drawn" | "results" | "published"),
            };
        if counted {
            let results = store::results::of_batch(&app.store, b).await?;
            let standing = super::results::standing(&results);
            for t in store::batches::assignments(&app.store, b).await? {
                drawn.push(coverage::Drawn {
                    batch: b.to_string(),
                    inspected: standing.get(&t.uscc).is_some(),
                    uscc: t.uscc,
                });
            }
        }
        batches.push(PlannedBatch {
            id: b.to_string(),
            title,
            state,
            counted,
            in_year,
        });
    }
    let snapshot =
        store::snapshots::latest(&app.store, crate::import::Kind::Entities.word()).await?;
    let population = match &snapshot {
        Some(s) => store::rows::entity_records(&app.store, s.id)
            .await?
            .into_iter()
            .filter(|e| e.status == EntityStatus::Active)
            .map(|e| coverage::Member {
                uscc: e.uscc.to_string(),
                name: e.name.to_string(),
                sector: e.sector.to_string(),
                district: e.district.to_string(),
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(AnnualReport {
        id: row.plan_id.clone(),
        department: plan.department.clone(),
        year: i64::from(plan.year),
        title: plan.title.clone(),
        basis: plan.basis.clone(),
        version: row.version,
        published_at: row.published_at.clone(),
        versions: versions
            .iter()
            .map(|v| VersionView {
                version: v.version,
                published_at: v.published_at.clone(),
                log_seq: v.log_seq,
                batches: plan_of(v).map(|p| p.batches.len()).unwrap_or_default(),
            })
            .collect(),
        floors: plan
            .floors
            .iter()
            .map(|f| FloorView {
                sector: f.sector.clone(),
                level: f.level.as_str().to_string(),
                share: f.share.to_string(),
                percent: coverage::percent(f.share.numerator, f.share.denominator),
                source: f.source.clone(),
            })
            .collect(),
        batches,
        scope: match scope {
            Scope::Public => "published",
            Scope::All => "all",
        }
        .to_string(),
        entities_snapshot: snapshot.map(|s| s.id).unwrap_or_default(),
        coverage: coverage::coverage(&plan, &population, &drawn),
    })
}

/// The id of the plan `what` names: a plan id, or a year with exactly one plan in force.
pub async fn resolve(app: &App, what: &str) -> Result<String> {
    let plans = current(app).await?;
    if plans.iter().any(|p| p.plan_id == what) {
        return Ok(what.to_string());
    }
    let Ok(year) = what.parse::<i64>() else {
        return Err(AppError::NotFound(msg!(
            "没有年度抽查计划 '{what}'",
            "no annual plan '{what}'"
        )));
    };
    let of_year: Vec<&str> = plans
        .iter()
        .filter(|p| p.year == year)
        .map(|p| p.plan_id.as_str())
        .collect();
    match of_year.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(AppError::NotFound(msg!(
            "{year} 年没有公布年度抽查计划",
            "no annual plan for {year}"
        ))),
        many => {
            let (zh, en) = (many.join("、"), many.join(", "));
            Err(AppError::Invalid(msg!(
                "{year} 年有多个年度抽查计划，请指明编号：{zh}",
                "several plans for {year}: name one of {en}"
            )))
        }
    }
}
