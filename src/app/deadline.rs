//! A batch against its time limits. Two can be missed:
//! - **publication**: each result is due for publication a number of working days after
//!   its inspection date (the day the result was formed, not the day it was typed in), the
//!   number its target's sector's rule sets (`domain::publication`); a batch's publication
//!   deadline is the earliest of its standing results';
//! - **inspection**: a staffed target still without a result once the plan's inspection
//!   window has ended is "inspection overdue" (plans of DRAW-SPEC version 3 name the end).
//!
//! The CLI's `batch status`, the pages and the API show both from here.

use crate::domain::Message;
use chrono::NaiveDate;

use super::{App, AppError, Result, batch, results};
use crate::calendar::{Calendar, CalendarError};
use crate::domain::publication::Limit;
use crate::store::{self, batches::BatchRow};

/// A publication deadline and where things stand against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub due: NaiveDate,
    pub overdue: bool,
    /// Working days left (negative when overdue), counted from `today` (or the
    /// publication).
    pub working_days_left: i64,
    /// The inspection date the deadline counts from.
    pub inspected_on: NaiveDate,
    /// The limit that applies and the rule it follows.
    pub limit: Limit,
}

/// The inspection window's end and the staffed targets still without a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionDue {
    pub end: NaiveDate,
    /// Staffed targets without a standing result.
    pub missing: usize,
    /// Some are missing and the window has ended (as of `today`).
    pub overdue: bool,
}

/// Both limits of a batch. `publication` is `None` before any result and `Some(Err(why))`
/// when a deadline falls in a year without a working-day calendar (shown as not known
/// yet, never guessed); `inspection` is `None` for a plan without a window end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deadlines {
    pub publication: Option<Result<Deadline, String>>,
    pub inspection: Option<InspectionDue>,
}

/// The publication deadline of a result inspected on `inspected_on` under `limit`: the
/// `limit.working_days`-th working day after it (that day not counted). Overdue when
/// publication (or, before it, `today`) comes after that day; `working_days_left` counts
/// working days in (reference, due], negative when past.
pub fn publication_deadline(
    calendar: &Calendar,
    inspected_on: NaiveDate,
    limit: &Limit,
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Deadline, CalendarError> {
    let due = calendar.add_working_days(inspected_on, limit.working_days)?;
    let reference = published_on.unwrap_or(today);
    Ok(Deadline {
        due,
        overdue: reference > due,
        working_days_left: calendar.working_days_after(reference, due)?,
        inspected_on,
        limit: limit.clone(),
    })
}

/// The earliest of the deadlines of results inspected on the given days, each under its
/// limit. A deadline that cannot be counted (its year has no calendar) falls after every
/// one that can (the shipped years run without a gap), so the earliest known one stands;
/// with none known, the first error.
pub fn earliest(
    calendar: &Calendar,
    results: &[(NaiveDate, &Limit)],
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Result<Deadline, CalendarError>> {
    let mut first_error = None;
    let mut best: Option<Deadline> = None;
    for (day, limit) in results {
        match publication_deadline(calendar, *day, limit, published_on, today) {
            Ok(d) if best.as_ref().is_none_or(|b| d.due < b.due) => best = Some(d),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (best, first_error) {
        (Some(d), _) => Some(Ok(d)),
        (None, Some(e)) => Some(Err(e)),
        (None, None) => None,
    }
}

/// Where a batch stands against both limits as of `today`.
pub async fn of_batch(app: &App, row: &BatchRow, today: NaiveDate) -> Result<Deadlines> {
    if !matches!(row.state.as_str(), "drawn" | "results" | "published") {
        return Ok(Deadlines::default());
    }
    let all = store::results::of_batch(&app.store, &row.id).await?;
    let standing = results::standing(&all);
    // Each target carries its sector (from the snapshot it was drawn from): a standing
    // result is due by that sector's limit.
    let targets = store::batches::assignments(&app.store, &row.id).await?;
    let mut dated = Vec::with_capacity(standing.len());
    for (t, r) in targets
        .iter()
        .filter_map(|t| standing.get(&t.uscc).map(|r| (t, r)))
    {
        let day = NaiveDate::parse_from_str(&r.inspected_on, "%Y-%m-%d").map_err(|e| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "result {}: inspected_on '{}': {e}",
                r.id, r.inspected_on
            )))
        })?;
        dated.push((day, app.publication.for_sector(&t.sector)));
    }
    let published_on = row.published_at.as_deref().and_then(batch::china_date);
    let publication = earliest(&app.calendar, &dated, published_on, today)
        .map(|d| d.map_err(|e| format!("batch {}: {e}", row.id)));
    let plan = batch::plan(row)?;
    let inspection = match plan.inspection_end {
        None => None,
        Some(end) => {
            let missing = targets
                .iter()
                .filter(|t| !t.team.is_empty() && standing.get(&t.uscc).is_none())
                .count();
            let reference = published_on.unwrap_or(today);
            Some(InspectionDue {
                end,
                missing,
                overdue: missing > 0 && reference > end,
            })
        }
    };
    Ok(Deadlines {
        publication,
        inspection,
    })
}

/// The publication deadline of a batch as of `today` (`None` before its first result); an
/// error if the calendar lacks a year it needs.
pub async fn publication(app: &App, row: &BatchRow, today: NaiveDate) -> Result<Option<Deadline>> {
    of_batch(app, row, today)
        .await?
        .publication
        .transpose()
        .map_err(|e| AppError::Invalid(Message::same(e)))
}

#[cfg(test)]
mod tests;
