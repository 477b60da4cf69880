//! An officer's inspection tasks (我的检查任务): the targets of the teams they are on, in
//! every drawn batch, newest draw first, each with its standing result and the last day of
//! its batch's inspection window. One function for the API (`/api/v1/me/assignments`) and
//! the console's task list.

use chrono::NaiveDate;

use super::{App, Result, batch, public, results};
use crate::pages::model::TargetView;
use crate::store;

/// One target of the officer's.
#[derive(Debug, Clone)]
pub struct Task {
    pub batch_id: String,
    pub batch_title: String,
    pub batch_state: String,
    /// The last day of the batch's inspection window, if its plan names it.
    pub inspection_end: Option<NaiveDate>,
    /// The target's sector (行业领域).
    pub sector: String,
    /// The id of the result list for the target's sector.
    pub result_codes: String,
    pub target: TargetView,
}

/// The tasks of the officer with card `card`, in the store's order (newest draw first,
/// then draw order).
pub async fn of_officer(app: &App, card: &str) -> Result<Vec<Task>> {
    let found = store::batches::assignments_of_officer(&app.store, card).await?;
    let mut out = Vec::with_capacity(found.len());
    // Per batch in turn: its results and its window's end.
    let mut current: Option<(String, Vec<store::results::ResultRow>, Option<NaiveDate>)> = None;
    for hit in found {
        if current.as_ref().is_none_or(|(b, _, _)| *b != hit.batch_id) {
            let rows = store::results::of_batch(&app.store, &hit.batch_id).await?;
            let end = match store::batches::get(&app.store, &hit.batch_id).await? {
                Some(b) => batch::plan(&b)?.window().ok().map(|w| w.1),
                None => None,
            };
            current = Some((hit.batch_id.clone(), rows, end));
        }
        let (rows, end) = current
            .as_ref()
            .map_or((&[][..], None), |(_, r, e)| (r.as_slice(), *e));
        let standing = results::standing(rows);
        out.push(Task {
            batch_id: hit.batch_id,
            batch_title: hit.batch_title,
            batch_state: hit.batch_state,
            inspection_end: end,
            sector: hit.target.sector.clone(),
            result_codes: app.codes.for_sector(&hit.target.sector).id.clone(),
            target: public::target_view(hit.target, &standing, &app.codes),
        });
    }
    Ok(out)
}

/// One task as the officer's target page shows it: where the target is and who answers
/// for it (which the public pages never show), and the checklist of each matter.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub task: Task,
    pub address: String,
    pub legal_representative: String,
    pub contact: String,
    /// The batch's matters that have a checklist, in its plan's order.
    pub checklists: Vec<&'static crate::domain::checklist::Checklist>,
}

/// The task of the officer with card `card` at `uscc` in `batch`; anything not theirs is
/// `results::not_yours`, whatever the reason.
pub async fn detail(app: &App, card: &str, batch_id: &str, uscc: &str) -> Result<TaskDetail> {
    let not_yours = results::not_yours;
    let task = of_officer(app, card)
        .await?
        .into_iter()
        .find(|t| t.batch_id == batch_id && t.target.uscc == uscc)
        .ok_or_else(not_yours)?;
    let row = store::batches::get(&app.store, batch_id)
        .await?
        .ok_or_else(not_yours)?;
    let plan = batch::plan(&row)?;
    let contact = match row.snapshots[0] {
        Some(snapshot) => store::rows::entity_contact(&app.store, snapshot, uscc).await?,
        None => None,
    };
    let (address, legal_representative, contact) = contact.unwrap_or_default();
    let book = crate::domain::checklist::Book::shipped();
    Ok(TaskDetail {
        task,
        address,
        legal_representative,
        contact,
        checklists: plan.matters.iter().filter_map(|m| book.get(m)).collect(),
    })
}
