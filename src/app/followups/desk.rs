//! The corps' desk of follow-ups (the console's `/console/followups`): each follow-up with
//! its batch's title and the finding it follows up (the standing result's date, categories
//! and note), made by the same `gather` from the same rows as `of_batch`, so the console, the
//! CLI and the API agree on every state. Reads only; the writes are `record_measure` and
//! `close`.

use chrono::NaiveDate;

use super::{Filter, FollowUp, Rows, gather};
use crate::app::{App, AppError, Result};
use crate::msg;
use crate::pages::model::CodeView;
use crate::store;

/// The result a follow-up follows up, as shown.
#[derive(Debug, Clone)]
pub struct Finding {
    pub inspected_on: String,
    pub codes: Vec<CodeView>,
    pub note: String,
}

/// One follow-up on the corps' desk.
#[derive(Debug, Clone)]
pub struct Item {
    pub followup: FollowUp,
    pub batch_title: String,
    pub finding: Option<Finding>,
}

/// The items of one batch's rows that `filter` keeps, in draw order.
fn items(app: &App, rows: &Rows, filter: Filter, today: NaiveDate) -> Vec<Item> {
    gather(&app.codes, &rows.stored(), today)
        .followups
        .into_iter()
        .filter(|f| filter.keeps(f))
        .map(|f| {
            let sector = rows.targets.iter().find(|t| t.uscc == f.uscc);
            let result = rows.results.iter().find(|r| Some(r.id) == f.result);
            let finding = result.map(|r| Finding {
                inspected_on: r.inspected_on.clone(),
                codes: crate::app::public::code_views(
                    &app.codes,
                    sector.map_or("", |t| t.sector.as_str()),
                    &r.codes,
                ),
                note: r.note.clone(),
            });
            Item {
                followup: f,
                batch_title: rows.batch.title.clone(),
                finding,
            }
        })
        .collect()
}

/// The follow-ups of every drawn batch that `filter` keeps: overdue first, then open, then
/// the rest; batches and targets keep their order among equals.
pub async fn list(app: &App, filter: Filter, today: NaiveDate) -> Result<Vec<Item>> {
    let mut out = Vec::new();
    for b in store::batches::all(&app.store).await? {
        if !matches!(b.state.as_str(), "drawn" | "results" | "published") {
            continue;
        }
        let rows = Rows::load(app, &b.id).await?;
        out.extend(items(app, &rows, filter, today));
    }
    out.sort_by_key(|i| match i.followup.state {
        "overdue" => 0,
        "open" => 1,
        _ => 2,
    });
    Ok(out)
}

/// The follow-up of target `uscc` in batch `batch`, in any state; `NotFound` if the batch
/// has no such target or the target nothing to follow up.
pub async fn one(app: &App, batch: &str, uscc: &str, today: NaiveDate) -> Result<Item> {
    let rows = Rows::load(app, batch).await?;
    items(app, &rows, Filter::All, today)
        .into_iter()
        .find(|i| i.followup.uscc == uscc)
        .ok_or_else(|| {
            AppError::NotFound(msg!(
                "批次 {batch} 中 {uscc} 没有后续处置",
                "{uscc} has no follow-up in batch {batch}"
            ))
        })
}
