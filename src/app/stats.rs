//! A year's statistics (年度统计): gathers, for every batch whose inspection window opens
//! in the year, the facts `stats::compute` counts: its state, its targets with their
//! standing results, its follow-ups and where it stands against its time limits
//! (`deadline`), each as the other views read them. `Scope::Public` counts the targets,
//! results and follow-ups of published batches only (a batch's targets are sealed until
//! its publication); its batch counts and timeliness cover every announced batch, as the
//! home page's overdue list does. `Scope::All` (the corps) counts every drawn batch.

use crate::msg;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::annual::Scope;
use super::public_log::PublicLog;
use super::{App, AppError, Result, batch, deadline, followups, results};
use crate::stats::{self, BatchFacts, Due, TargetFacts, Timeliness, YearStats};
use crate::store;

// The years a statistics page may ask for: those an annual plan may be for.
use crate::annual::YEARS;

/// The year `text` names (`2026`), or a clear error.
pub fn year(text: &str) -> Result<i32> {
    text.parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y) && y.to_string() == text)
        .ok_or_else(|| {
            let (first, last) = (YEARS.start(), YEARS.end());
            AppError::Invalid(msg!(
                "'{text}' 不是 {first}–{last} 之间的年份",
                "not a year from {first} to {last}"
            ))
        })
}

/// The statistics of `year` as of `today`. `public_log` gives each batch's state as the
/// public log says it (the public's view: a batch the log does not announce is not
/// counted); without it, the state is the batches table's.
pub async fn of_year(
    app: &App,
    year: i32,
    scope: Scope,
    public_log: Option<&PublicLog>,
    today: NaiveDate,
) -> Result<YearStats> {
    let logged: Option<HashMap<String, String>> = match public_log {
        Some(log) => Some(
            log.batches(app)
                .await?
                .into_iter()
                .filter(|(_, l)| l.first("batch.committed").is_some())
                .map(|(id, l)| (id, l.state().to_string()))
                .collect(),
        ),
        None => None,
    };
    let mut facts = Vec::new();
    for mut row in store::batches::all(&app.store).await? {
        if let Some(states) = &logged {
            match states.get(&row.id) {
                Some(state) => row.state = state.clone(),
                None => continue,
            }
        }
        if row.state == "draft" {
            continue;
        }
        let plan = batch::plan(&row)?;
        if plan.inspection_date.year() != year {
            continue;
        }
        facts.push(batch_facts(app, &row, scope, today).await?);
    }
    facts.sort_by(|a, b| a.id.cmp(&b.id));
    let scope = match scope {
        Scope::Public => "published",
        Scope::All => "all",
    };
    Ok(stats::compute(year, scope, &facts, &app.codes))
}

async fn batch_facts(
    app: &App,
    row: &store::batches::BatchRow,
    scope: Scope,
    today: NaiveDate,
) -> Result<BatchFacts> {
    let drawn = matches!(row.state.as_str(), "drawn" | "results" | "published");
    let published = row.state == "published";
    let counted = drawn && (published || scope == Scope::All);
    let mut facts = BatchFacts {
        id: row.id.clone(),
        title: row.title.clone(),
        state: row.state.clone(),
        counted,
        targets: Vec::new(),
        timeliness: None,
        inspection_overdue: false,
        followups: Default::default(),
    };
    if !drawn {
        return Ok(facts);
    }
    let limits = deadline::of_batch(app, row, today).await?;
    let due = match &limits.publication {
        None => Due::NoResult,
        Some(Err(_)) => Due::Unknown,
        Some(Ok(d)) => Due::Counted { overdue: d.overdue },
    };
    facts.timeliness = Some(Timeliness::of(published, due));
    facts.inspection_overdue = limits.inspection.is_some_and(|i| i.overdue);
    if counted {
        let all = store::results::of_batch(&app.store, &row.id).await?;
        let standing = results::standing(&all);
        facts.targets = store::batches::assignments(&app.store, &row.id)
            .await?
            .into_iter()
            .map(|t| TargetFacts {
                codes: standing.get(&t.uscc).map(|r| r.codes.clone()),
                staffed: !t.team.is_empty(),
                sector: t.sector,
            })
            .collect();
        facts.followups = followups::of_batch(app, &row.id, today).await?.counts;
    }
    Ok(facts)
}
