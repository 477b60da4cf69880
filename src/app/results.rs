//! Inspection results: recorded only by an officer of the target's team, with the
//! inspection date, category codes and a note; a correction is a new result pointing at the
//! one it corrects, never an edit.

use chrono::NaiveDate;
use serde_json::json;

use super::{App, AppError, Result, batch, journal};
use crate::store::{
    self,
    results::{NewResult, ResultRow},
};

/// What an officer reports for one target.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub batch: &'a str,
    pub uscc: &'a str,
    /// The recording officer's card number.
    pub officer: &'a str,
    pub codes: &'a [String],
    pub note: &'a str,
    pub inspected_on: NaiveDate,
    /// The result this one corrects, if it is a correction.
    pub corrects: Option<i64>,
}

/// Records a result (or a correction); returns the stored row.
pub async fn record(app: &App, report: &Report<'_>, today: NaiveDate) -> Result<ResultRow> {
    let id = report.batch;
    let row = batch::get(app, id).await?;
    let correction = report.corrects.is_some();
    let open = match row.state.as_str() {
        "drawn" | "results" => true,
        "published" => correction,
        _ => false,
    };
    if !open {
        return Err(AppError::Refused(format!(
            "batch {id} is {}: results are recorded after the draw{}",
            row.state,
            if row.state == "published" {
                " and before publication; record a correction (--corrects ID) instead"
            } else {
                ""
            }
        )));
    }
    let uscc = crate::domain::Uscc::parse(report.uscc)
        .map_err(|e| AppError::Invalid(format!("uscc '{}': {e}", report.uscc)))?;
    let targets = store::batches::assignments(&app.store, id).await?;
    let target = targets
        .iter()
        .find(|t| t.uscc == uscc.as_str())
        .ok_or_else(|| {
            AppError::Invalid(format!("{} is not a target of batch {id}", uscc.as_str()))
        })?;
    if !target.team.iter().any(|c| c == report.officer) {
        return Err(AppError::Forbidden(format!(
            "officer {} is not in the team for {} in batch {id}: only the inspecting team records its result",
            report.officer,
            uscc.as_str()
        )));
    }
    let codes = app
        .codes
        .check_selection(report.codes)
        .map_err(AppError::Invalid)?;
    let note = crate::domain::text::optional(report.note)
        .map_err(|e| AppError::Invalid(format!("note: {e}")))?;
    let drawn_on = row.drawn_at.as_deref().and_then(batch::china_date);
    if report.inspected_on > today {
        return Err(AppError::Invalid(format!(
            "inspection date {} is in the future",
            report.inspected_on
        )));
    }
    if let Some(d) = drawn_on
        && report.inspected_on < d
    {
        return Err(AppError::Invalid(format!(
            "inspection date {} is before the draw ({d})",
            report.inspected_on
        )));
    }
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    // Published meanwhile by another process? Then only a correction may still be recorded.
    let state = store::batches::get_in(&mut tx, id).await?.map(|b| b.state);
    if state.as_deref() == Some("published") && !correction {
        return Err(AppError::Refused(format!(
            "batch {id} was published meanwhile; record a correction (--corrects ID) instead"
        )));
    }
    if let Some(old) = report.corrects {
        let earlier = store::results::get_in(&mut tx, old)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no result {old} to correct")))?;
        if earlier.batch_id != id || earlier.uscc != uscc.as_str() {
            return Err(AppError::Invalid(format!(
                "result {old} is for {} in batch {}, not {} in {id}",
                earlier.uscc,
                earlier.batch_id,
                uscc.as_str()
            )));
        }
    }
    let result_id = store::results::next_id(&mut tx).await?;
    let event = json!({
        "batch": id,
        "result": result_id,
        "uscc": uscc.as_str(),
        "recorded_by": report.officer,
        "codes": codes,
        "note": note,
        "inspected_on": report.inspected_on.to_string(),
        "corrects": report.corrects,
    });
    let kind = if correction {
        "result.corrected"
    } else {
        "result.recorded"
    };
    let logged = journal::append(&mut tx, key, &app.origin, kind, &event).await?;
    let stored = store::results::insert(
        &mut tx,
        &NewResult {
            id: result_id,
            batch_id: id,
            uscc: uscc.as_str(),
            recorded_by: report.officer,
            codes: &codes,
            note: &note,
            inspected_on: &report.inspected_on.to_string(),
            recorded_at: &logged.time,
            corrects: report.corrects,
            log_seq: logged.seq as i64,
        },
    )
    .await?;
    if stored != result_id {
        return Err(AppError::Store(store::StoreError::Corrupt(format!(
            "result id {stored}, expected {result_id}"
        ))));
    }
    store::batches::mark_results(&mut tx, id).await?;
    tx.commit().await?;
    let rows = store::results::of_batch(&app.store, id).await?;
    rows.into_iter()
        .find(|r| r.id == stored)
        .ok_or_else(|| AppError::NotFound(format!("result {stored}")))
}

/// The results of a batch that stand: for each target, the latest of its chain of
/// corrections (a result corrected by another is superseded).
pub fn standing(results: &[ResultRow]) -> Vec<&ResultRow> {
    results
        .iter()
        .filter(|r| !results.iter().any(|c| c.corrects == Some(r.id)))
        .collect()
}
