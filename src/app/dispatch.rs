//! Dispatch (派发) of a drawn batch: each team with its officers and targets (where each is
//! and who answers for it, as an officer's target page shows), and one target's sheet for
//! the printed 检查通知书 and 检查记录表 (the batch's matters, its inspection window, the
//! team with their 执法证号, each matter's checklist). The corps sees any target of a drawn
//! batch; an officer only the targets of their own teams, anything else the one
//! `results::NOT_YOURS` (through `tasks::detail`, the officer's target page's rule).

use crate::msg;
use chrono::NaiveDate;

use super::{App, AppError, Result, batch, ceremony, results, tasks};
use crate::domain::checklist::{Book, Checklist};
use crate::domain::directory::Matter;
use crate::store::{self, batches::BatchRow};

/// An officer of a team.
#[derive(Debug, Clone)]
pub struct Officer {
    pub card_no: String,
    pub name: String,
    pub department: String,
}

/// A target as its inspectors need it.
#[derive(Debug, Clone)]
pub struct Target {
    pub uscc: String,
    pub name: String,
    pub district: String,
    pub stratum: String,
    pub address: String,
    pub legal_representative: String,
    pub contact: String,
}

/// A team and its targets, in draw order.
#[derive(Debug, Clone)]
pub struct Team {
    pub officers: Vec<Officer>,
    pub targets: Vec<Target>,
}

/// A drawn batch's dispatch.
#[derive(Debug, Clone)]
pub struct Dispatch {
    pub batch_id: String,
    pub title: String,
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// Teams in the order of their first target.
    pub teams: Vec<Team>,
    /// Targets no team could be formed for.
    pub unstaffed: Vec<Target>,
}

/// One target's sheet: the notice and the record form.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub batch_id: String,
    pub title: String,
    pub window: Option<(NaiveDate, NaiveDate)>,
    pub target: Target,
    pub team: Vec<Officer>,
    /// The batch's matters as the committed matter list names them, in the plan's order.
    pub matters: Vec<Matter>,
    pub checklists: Vec<&'static Checklist>,
}

/// Who asks for a sheet.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    Corps,
    /// An officer, by card number.
    Officer(&'a str),
}

/// A drawn batch, or `NotFound`.
async fn drawn(app: &App, id: &str) -> Result<BatchRow> {
    let row = batch::get(app, id).await?;
    if row.seed.is_none() {
        return Err(AppError::NotFound(msg!(
            "批次 {id} 尚未摇号",
            "batch {id} is not drawn"
        )));
    }
    Ok(row)
}

/// Where target `a` is and who answers for it, from the batch's entity snapshot.
async fn target(app: &App, row: &BatchRow, a: store::batches::Assignment) -> Result<Target> {
    let found = match row.snapshots[0] {
        Some(snapshot) => store::rows::entity_contact(&app.store, snapshot, &a.uscc).await?,
        None => None,
    };
    let (address, legal_representative, contact) = found.unwrap_or_default();
    Ok(Target {
        uscc: a.uscc,
        name: a.entity_name,
        district: a.district,
        stratum: a.stratum,
        address,
        legal_representative,
        contact,
    })
}

fn officers(names: &ceremony::Officers, team: &[String]) -> Vec<Officer> {
    team.iter()
        .map(|card| {
            let o = names.get(card);
            Officer {
                card_no: card.clone(),
                name: o.map(|o| o.name.clone()).unwrap_or_default(),
                department: o.map(|o| o.department.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The teams of drawn batch `id` with their targets (corps).
pub async fn dispatch(app: &App, id: &str) -> Result<Dispatch> {
    let row = drawn(app, id).await?;
    let names = ceremony::officer_names(app, &row).await?;
    let mut teams: Vec<(Vec<String>, Team)> = Vec::new();
    let mut unstaffed = Vec::new();
    for a in store::batches::assignments(&app.store, id).await? {
        let cards = a.team.clone();
        let t = target(app, &row, a).await?;
        if cards.is_empty() {
            unstaffed.push(t);
        } else if let Some((_, team)) = teams.iter_mut().find(|(c, _)| *c == cards) {
            team.targets.push(t);
        } else {
            let officers = officers(&names, &cards);
            teams.push((
                cards,
                Team {
                    officers,
                    targets: vec![t],
                },
            ));
        }
    }
    Ok(Dispatch {
        window: batch::plan(&row)?.window().ok(),
        batch_id: row.id,
        title: row.title,
        teams: teams.into_iter().map(|(_, t)| t).collect(),
        unstaffed,
    })
}

/// The sheet of target `uscc` in drawn batch `id`, for the corps or an officer of its team.
pub async fn sheet(app: &App, viewer: Viewer<'_>, id: &str, uscc: &str) -> Result<Sheet> {
    if let Viewer::Officer(card) = viewer {
        // The officer's target page's rule: anything not theirs is one answer.
        tasks::detail(app, card, id, uscc).await?;
    }
    let not_found = || match viewer {
        Viewer::Corps => AppError::NotFound(msg!(
            "批次 {id} 没有检查对象 {uscc}",
            "batch {id} has no target {uscc}"
        )),
        Viewer::Officer(_) => results::not_yours(),
    };
    let row = drawn(app, id).await.map_err(|e| match e {
        AppError::NotFound(_) => not_found(),
        other => other,
    })?;
    let a = store::batches::assignments(&app.store, id)
        .await?
        .into_iter()
        .find(|a| a.uscc == uscc)
        .ok_or_else(not_found)?;
    let names = ceremony::officer_names(app, &row).await?;
    let team = officers(&names, &a.team);
    let plan = batch::plan(&row)?;
    let listed = match row.snapshots[2] {
        Some(snapshot) => store::rows::matters(&app.store, snapshot).await?,
        None => Vec::new(),
    };
    let matters = plan
        .matters
        .iter()
        .filter_map(|m| listed.iter().find(|l| l.code == *m).cloned())
        .collect();
    let book = Book::shipped();
    Ok(Sheet {
        batch_id: row.id.clone(),
        title: row.title.clone(),
        window: plan.window().ok(),
        target: target(app, &row, a).await?,
        team,
        matters,
        checklists: plan.matters.iter().filter_map(|m| book.get(m)).collect(),
    })
}
