//! What the public sees, as `pages::model` values: published batches only (a batch that is
//! not published does not exist here, so its existence is not told), the overdue
//! publications (never hidden), and search over published targets. The same values are
//! rendered as pages and served as the public JSON API.

use chrono::NaiveDate;

use super::results::{self, Standing};
use super::{App, AppError, Result, batch, export};
use crate::domain::result_code::ResultCodes;
use crate::pages::model::{
    BatchPage, BatchSummary, CodeView, DeadlineView, HomePage, MatterView, ResultView, SearchHit,
    SearchPage, StratumView, TargetView,
};
use crate::store::{
    self,
    batches::{Assignment, BatchRow},
    results::ResultRow,
};

/// Search hits shown at most.
pub const SEARCH_LIMIT: usize = 50;

/// A stored result as shown, with its category labels.
pub fn result_view(codes: &ResultCodes, r: &ResultRow) -> ResultView {
    ResultView {
        id: r.id,
        codes: r
            .codes
            .iter()
            .map(|c| match codes.get(c) {
                Some(cat) => CodeView {
                    code: cat.code.clone(),
                    zh: cat.zh.clone(),
                    en: cat.en.clone(),
                    finding: cat.finding.as_str().to_string(),
                },
                None => CodeView {
                    code: c.clone(),
                    zh: c.clone(),
                    en: c.clone(),
                    finding: String::new(),
                },
            })
            .collect(),
        note: r.note.clone(),
        inspected_on: r.inspected_on.clone(),
        recorded_at: r.recorded_at.clone(),
        corrects: r.corrects,
    }
}

/// A drawn target as shown, with its standing result (`results::standing`). Positions are
/// shown from 1 (stored from 0, in draw order).
pub fn target_view(a: Assignment, standing: &Standing<'_>, codes: &ResultCodes) -> TargetView {
    TargetView {
        result: standing.get(&a.uscc).map(|r| result_view(codes, r)),
        position: a.position + 1,
        stratum: a.stratum,
        uscc: a.uscc,
        name: a.entity_name,
        district: a.district,
        grade: a.grade,
        team: a.team,
    }
}

fn deadline_view(d: Option<batch::Deadline>) -> Option<DeadlineView> {
    d.map(|d| DeadlineView {
        due: d.due.to_string(),
        overdue: d.overdue,
    })
}

/// A published batch by id; `NotFound` for any other batch.
pub async fn published(app: &App, id: &str) -> Result<BatchRow> {
    match store::batches::get(&app.store, id).await? {
        Some(row) if row.state == "published" => Ok(row),
        _ => Err(AppError::NotFound(format!("no published batch '{id}'"))),
    }
}

/// Everything the public page of a published batch shows.
pub async fn batch_page(app: &App, id: &str, today: NaiveDate) -> Result<BatchPage> {
    let row = published(app, id).await?;
    let (bundle, _) = export::bundle(app, &row).await?;
    let plan = &bundle.commitment.header.plan;
    let matters = bundle
        .commitment
        .header
        .matters
        .iter()
        .map(|m| MatterView {
            code: m.code.clone(),
            name: m.name.clone(),
            legal_basis: m.legal_basis.clone(),
            inspecting_body: m.inspecting_body.clone(),
            content: m.content.clone(),
        })
        .collect();
    let strata = bundle
        .draw
        .strata
        .iter()
        .map(|s| StratumView {
            name: s.name.clone(),
            population: s.population,
            excluded: s.excluded,
            eligible: s.eligible,
            size: s.size,
            shortfall: s.shortfall,
        })
        .collect();
    let stored = store::results::of_batch(&app.store, id).await?;
    let standing = results::standing(&stored);
    let targets = store::batches::assignments(&app.store, id)
        .await?
        .into_iter()
        .map(|a| target_view(a, &standing, &app.codes))
        .collect();
    let checkpoint = super::log::latest_checkpoint(app).await?;
    Ok(BatchPage {
        id: row.id.clone(),
        title: row.title.clone(),
        state: row.state.clone(),
        inspection_date: plan.inspection_date.to_string(),
        matters,
        strata,
        targets,
        chart: crate::pages::chart::chart_data(&bundle),
        commitment_hash: row.commitment_hash.clone().unwrap_or_default(),
        committed_at: row.committed_at.clone().unwrap_or_default(),
        drawn_at: row.drawn_at.clone().unwrap_or_default(),
        published_at: row.published_at.clone().unwrap_or_default(),
        entropy: row.entropy_json.clone().unwrap_or_default(),
        seed: row.seed.clone().unwrap_or_default(),
        bundle_sha256: row.bundle_sha256.clone().unwrap_or_default(),
        checkpoint: checkpoint.note,
        log_key: app.verifier.to_string(),
        deadline: deadline_view(batch::deadline(app, &row, today).await?),
        site_url: String::new(),
    })
}

/// Published batches, newest publication first, and drawn batches whose publication is
/// overdue.
pub async fn home(app: &App, today: NaiveDate) -> Result<HomePage> {
    let mut page = HomePage::default();
    for row in store::batches::all(&app.store).await? {
        let is_published = row.state == "published";
        if !is_published && !matches!(row.state.as_str(), "drawn" | "results") {
            continue;
        }
        let deadline = batch::deadline(app, &row, today).await?;
        let overdue = deadline.as_ref().is_some_and(|d| d.overdue);
        if !is_published && !overdue {
            continue;
        }
        let targets = store::batches::assignments(&app.store, &row.id)
            .await?
            .len() as u64;
        let summary = BatchSummary {
            id: row.id,
            title: row.title,
            published_at: row.published_at,
            targets,
            deadline: deadline_view(deadline),
        };
        if is_published {
            page.published.push(summary);
        } else {
            page.overdue.push(summary);
        }
    }
    newest_first(&mut page.published);
    Ok(page)
}

/// Orders published batches by publication time, newest first (stored times are RFC 3339
/// UTC of one width, so their text order is their time order), then by id.
fn newest_first(published: &mut [BatchSummary]) {
    published.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(a.id.cmp(&b.id)));
}

/// Targets of published batches by USCC or a fragment of the organisation's name.
pub async fn search(app: &App, query: &str) -> Result<SearchPage> {
    let query = query.trim();
    let mut page = SearchPage {
        query: query.to_string(),
        ..SearchPage::default()
    };
    if query.is_empty() {
        return Ok(page);
    }
    if query.chars().count() > 100 {
        return Err(AppError::Invalid(
            "a search is at most 100 characters".into(),
        ));
    }
    let mut found =
        store::batches::search_published(&app.store, query, SEARCH_LIMIT as i64 + 1).await?;
    page.truncated = found.len() > SEARCH_LIMIT;
    found.truncate(SEARCH_LIMIT);
    let mut by_batch: std::collections::HashMap<String, Vec<ResultRow>> = Default::default();
    for hit in found {
        if !by_batch.contains_key(&hit.batch_id) {
            let rows = store::results::of_batch(&app.store, &hit.batch_id).await?;
            by_batch.insert(hit.batch_id.clone(), rows);
        }
        let rows = by_batch.get(&hit.batch_id).map_or(&[][..], Vec::as_slice);
        let standing = results::standing(rows);
        page.hits.push(SearchHit {
            result: standing
                .get(&hit.target.uscc)
                .map(|r| result_view(&app.codes, r)),
            batch_id: hit.batch_id,
            batch_title: hit.batch_title,
            uscc: hit.target.uscc,
            name: hit.target.entity_name,
            district: hit.target.district,
        });
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, published_at: &str) -> BatchSummary {
        BatchSummary {
            id: id.into(),
            title: id.into(),
            published_at: Some(published_at.into()),
            targets: 1,
            deadline: None,
        }
    }

    #[test]
    fn published_batches_come_newest_first() {
        let mut list = vec![
            summary("A", "2026-03-01T02:00:00Z"),
            summary("C", "2026-05-01T02:00:00Z"),
            summary("B", "2026-05-01T02:00:00Z"),
            summary("D", "2026-04-01T02:00:00Z"),
        ];
        newest_first(&mut list);
        let ids: Vec<&str> = list.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["B", "C", "D", "A"]);
    }
}
