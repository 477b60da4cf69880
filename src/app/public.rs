//! What the public sees, as `pages::model` values: every batch from its commitment on (the
//! announcement: plan, entropy source, commitment hash; a draft is not shown), what its
//! draw made public (entropy, seed, strata), and, once it is published, its targets, teams
//! and results; overdue publications are marked, never hidden; search covers published
//! targets only. Where a batch stands is what the log says (`public_log::BatchLog`), and
//! the plan shown is the stored commitment header that hashes to the logged commitment.
//! The same values are rendered as pages and served as the public JSON API.

use crate::domain::Message;
use crate::msg;
use chrono::NaiveDate;

use super::public_log::{BatchLog, PublicLog};
use super::results::{self, Standing};
use super::{App, AppError, Result, batch, deadline, export};
use crate::commitment::Header;
use crate::domain::result_code::{CodeBook, ResultCategory};
use crate::pages::model::{
    BatchPage, BatchSummary, CodeView, DeadlineView, DrandView, HomePage, InspectionView,
    LogEntryView, LogView, MatterView, ResultView, SearchHit, SearchPage, StratumView, TargetView,
    WitnessView,
};
use crate::store::{
    self,
    batches::{Assignment, BatchRow},
    results::ResultRow,
};

/// Search hits shown at most.
pub const SEARCH_LIMIT: usize = 50;

/// A stored result as shown, with its category labels from the list of the target's
/// `sector` (`CodeBook::label`: a code recorded before the lists were per sector is labelled
/// by the fallback list; a code no list knows is shown as itself).
pub fn result_view(book: &CodeBook, sector: &str, r: &ResultRow) -> ResultView {
    ResultView {
        id: r.id,
        codes: code_views(book, sector, &r.codes),
        measures: super::checklists::measures(r)
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        note: r.note.clone(),
        inspected_on: r.inspected_on.clone(),
        recorded_at: r.recorded_at.clone(),
        corrects: r.corrects,
    }
}

/// Stored codes as shown: each with its labels, its parent, the labels of its path from the
/// top (`发现问题待后续处理 › 违反工商行政管理相关规定 › 通过登记的住所（经营场所）无法联系`) and
/// whether it is a leaf of the selection (no code below it is selected).
pub fn code_views(book: &CodeBook, sector: &str, codes: &[String]) -> Vec<CodeView> {
    const SEP: &str = " › ";
    codes
        .iter()
        .map(|c| match book.label(sector, c) {
            Some((list, cat)) => {
                let path = list.path(&cat.code);
                let join = |label: fn(&ResultCategory) -> &str| {
                    path.iter().map(|p| label(p)).collect::<Vec<_>>().join(SEP)
                };
                CodeView {
                    code: cat.code.clone(),
                    zh: cat.zh.clone(),
                    en: cat.en.clone(),
                    kind: cat.kind.as_str().to_string(),
                    parent: cat.parent.clone().unwrap_or_default(),
                    path_zh: join(|p| &p.zh),
                    path_en: join(|p| &p.en),
                    leaf: !codes.iter().any(|o| list.is_below(o, &cat.code)),
                }
            }
            None => CodeView {
                code: c.clone(),
                zh: c.clone(),
                en: c.clone(),
                kind: String::new(),
                parent: String::new(),
                path_zh: c.clone(),
                path_en: c.clone(),
                leaf: true,
            },
        })
        .collect()
}

/// A drawn target as shown, with its standing result (`results::standing`). Positions are
/// shown from 1 (stored from 0, in draw order).
pub fn target_view(a: Assignment, standing: &Standing<'_>, book: &CodeBook) -> TargetView {
    TargetView {
        result: standing
            .get(&a.uscc)
            .map(|r| result_view(book, &a.sector, r)),
        position: a.position + 1,
        stratum: a.stratum,
        uscc: a.uscc,
        name: a.entity_name,
        district: a.district,
        grade: a.grade,
        team: a.team,
        followup: None,
    }
}

/// A batch's time limits as shown: the publication deadline (one that falls in a year
/// without a working-day calendar is shown as not known yet, with the reason, rather than
/// failing the page) and the inspection window's end.
pub async fn deadline_views(
    app: &App,
    row: &BatchRow,
    today: NaiveDate,
) -> Result<(Option<DeadlineView>, Option<InspectionView>)> {
    let limits = deadline::of_batch(app, row, today).await?;
    let publication = limits.publication.map(|d| match d {
        Ok(d) => DeadlineView {
            due: d.due.to_string(),
            overdue: d.overdue,
            unknown: String::new(),
            inspected_on: d.inspected_on.to_string(),
            working_days: d.limit.working_days,
            basis_zh: d.limit.basis_zh,
            basis_en: d.limit.basis_en,
        },
        Err(why) => DeadlineView {
            due: String::new(),
            overdue: false,
            unknown: why,
            inspected_on: String::new(),
            working_days: 0,
            basis_zh: String::new(),
            basis_en: String::new(),
        },
    });
    let inspection = limits.inspection.map(|i| InspectionView {
        end: i.end.to_string(),
        uninspected: i.missing as u64,
        overdue: i.overdue,
    });
    Ok((publication, inspection))
}

/// A batch whose publication the log holds (and the table agrees), by id; `NotFound` for
/// any other batch.
pub async fn published(app: &App, public_log: &PublicLog, id: &str) -> Result<BatchRow> {
    let logged = public_log.batch(app, id).await?.state() == "published";
    match store::batches::get(&app.store, id).await? {
        Some(row) if logged && row.state == "published" => Ok(row),
        _ => Err(AppError::NotFound(msg!(
            "没有已公示的批次 {id}",
            "no published batch '{id}'"
        ))),
    }
}

fn not_announced(id: &str) -> AppError {
    AppError::NotFound(msg!("没有已承诺的批次 {id}", "no committed batch '{id}'"))
}

/// The commitment header of a batch whose commitment the log holds: the stored canonical
/// header, which must hash to the logged commitment hash (so the plan a page shows is the
/// one committed, whatever the table says).
async fn committed_header(app: &App, id: &str, logged_hash: &str) -> Result<Header> {
    let bytes = store::batches::commitment_header(&app.store, id)
        .await?
        .ok_or_else(|| corrupt(format!("batch {id}: its commitment header is not stored")))?;
    if crate::canonical::sha256_hex(&bytes) != logged_hash {
        return Err(corrupt(format!(
            "batch {id}: the stored commitment header does not hash to the logged commitment {logged_hash}: run `shuangsui log verify`"
        )));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| corrupt(format!("batch {id}: the stored commitment header: {e}")))
}

fn corrupt(why: String) -> AppError {
    AppError::Store(store::StoreError::Corrupt(why))
}

fn time_of(log: &BatchLog, kind: &str) -> String {
    log.first(kind).map(|e| e.time.clone()).unwrap_or_default()
}

/// When the drand round a plan declares is published.
fn drand_view(plan: &crate::plan::Plan) -> Option<DrandView> {
    let crate::plan::EntropyDeclaration::Drand { chain_hash, round } = &plan.entropy else {
        return None;
    };
    let chain = crate::entropy::drand::known_chain(chain_hash)?;
    let unix = crate::entropy::drand::round_time(chain, *round);
    let expected_at = chrono::DateTime::from_timestamp(i64::try_from(unix).ok()?, 0)?
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Some(DrandView {
        chain: chain.name.to_string(),
        chain_hash: chain_hash.clone(),
        round: *round,
        expected_at,
    })
}

/// The log's size and how far each witness has cosigned it (from the stored cosignatures).
pub async fn log_view(app: &App) -> Result<LogView> {
    let size = super::log::latest_checkpoint(app).await?.size;
    let witnesses = store::cosignatures::latest(&app.store)
        .await?
        .into_iter()
        .map(|(key, cosigned_size)| WitnessView {
            name: key.split('+').next().unwrap_or_default().to_string(),
            key,
            cosigned_size,
        })
        .collect();
    Ok(LogView { size, witnesses })
}

/// Everything the public page of a batch shows, from its commitment on (`NotFound` for a
/// batch the log shows no commitment of). Targets and results only once it is published.
pub async fn batch_page(
    app: &App,
    public_log: &PublicLog,
    id: &str,
    today: NaiveDate,
) -> Result<BatchPage> {
    let log = public_log.batch(app, id).await?;
    let Some(committed) = log.first("batch.committed") else {
        return Err(not_announced(id));
    };
    let commitment_hash = committed.commitment_hash.clone().unwrap_or_default();
    let header = committed_header(app, id, &commitment_hash).await?;
    let state = log.state();
    let row = store::batches::get(&app.store, id)
        .await?
        .ok_or_else(|| corrupt(format!("batch {id} is logged but not stored")))?;
    let matters = header
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
    let mut page = BatchPage {
        id: id.to_string(),
        title: header.plan.title.clone(),
        state: state.to_string(),
        inspection_date: header.plan.inspection_date.to_string(),
        inspection_end: header
            .plan
            .inspection_end
            .map(|d| d.to_string())
            .unwrap_or_default(),
        drand: drand_view(&header.plan),
        plan: header.plan,
        matters,
        strata: Vec::new(),
        targets: Vec::new(),
        chart: Default::default(),
        commitment_hash,
        committed_at: committed.time.clone(),
        drawn_at: time_of(&log, "batch.drawn"),
        published_at: time_of(&log, "batch.published"),
        withdrawn_at: time_of(&log, "batch.withdrawn"),
        withdraw_reason: log
            .first("batch.withdrawn")
            .and_then(|e| e.reason.clone())
            .unwrap_or_default(),
        log_entries: log
            .entries
            .iter()
            .map(|e| LogEntryView {
                seq: e.seq,
                kind: e.kind.to_string(),
                time: e.time.clone(),
                reason: e.reason.clone(),
            })
            .collect(),
        results_logged: log.results.len() as u64,
        approvals_logged: log.approvals.len() as u64,
        returns_logged: log.returns.len() as u64,
        entropy: String::new(),
        seed: String::new(),
        bundle_sha256: String::new(),
        checkpoint: super::log::latest_checkpoint(app).await?.note,
        log_key: app.verifier.to_string(),
        log: log_view(app).await?,
        deadline: None,
        inspection: None,
        site_url: String::new(),
    };
    if log.first("batch.drawn").is_none() {
        return Ok(page);
    }
    // Drawn: the entropy, the seed and the strata are public (LOG.md, "What is public").
    let (bundle, _) = export::bundle(app, &row).await?;
    page.strata = bundle
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
    page.entropy = row.entropy_json.clone().unwrap_or_default();
    page.seed = bundle.seed.clone();
    (page.deadline, page.inspection) = deadline_views(app, &row, today).await?;
    if !page.is_published() {
        return Ok(page);
    }
    let stored = store::results::of_batch(&app.store, id).await?;
    let standing = results::standing(&stored);
    page.targets = store::batches::assignments(&app.store, id)
        .await?
        .into_iter()
        .map(|a| target_view(a, &standing, &app.codes))
        .collect();
    // Each target's follow-up (后续处置): public with the batch, closures as they happen.
    let followups = super::followups::of_batch(app, id, today).await?.followups;
    for t in &mut page.targets {
        t.followup = followups
            .iter()
            .find(|f| f.uscc == t.uscc)
            .map(super::followups::view);
    }
    page.chart = crate::pages::chart::chart_data(&bundle);
    page.bundle_sha256 = row.bundle_sha256.clone().unwrap_or_default();
    Ok(page)
}

/// Every batch the log shows committed, by where it stands: awaiting the draw (oldest
/// commitment first), drawn and awaiting publication (oldest draw first), published
/// (newest first) and withdrawn (newest first, with the reason).
pub async fn home(app: &App, public_log: &PublicLog, today: NaiveDate) -> Result<HomePage> {
    let mut page = HomePage {
        log: log_view(app).await?,
        annual: super::annual::current(app)
            .await?
            .into_iter()
            .map(|p| crate::pages::model::AnnualLink {
                id: p.plan_id,
                department: p.department,
                year: p.year,
                title: p.title,
            })
            .collect(),
        ..HomePage::default()
    };
    let logs = public_log.batches(app).await?;
    for row in store::batches::all(&app.store).await? {
        let Some(log) = logs.get(&row.id) else {
            continue;
        };
        let Some(committed) = log.first("batch.committed") else {
            continue;
        };
        let state = log.state();
        let drawn = log.first("batch.drawn").is_some();
        let (deadline, inspection) = if drawn {
            deadline_views(app, &row, today).await?
        } else {
            (None, None)
        };
        let plan = batch::plan(&row)?;
        let summary = BatchSummary {
            state: state.to_string(),
            inspection_date: plan.inspection_date.to_string(),
            inspection_end: plan
                .inspection_end
                .map(|d| d.to_string())
                .unwrap_or_default(),
            commitment_hash: committed.commitment_hash.clone().unwrap_or_default(),
            committed_at: committed.time.clone(),
            drawn_at: time_of(log, "batch.drawn"),
            published_at: time_of(log, "batch.published"),
            withdrawn_at: time_of(log, "batch.withdrawn"),
            withdraw_reason: log
                .first("batch.withdrawn")
                .and_then(|e| e.reason.clone())
                .unwrap_or_default(),
            targets: if drawn {
                store::batches::assignments(&app.store, &row.id)
                    .await?
                    .len() as u64
            } else {
                0
            },
            deadline,
            inspection,
            id: row.id,
            title: row.title,
        };
        match state {
            "published" => page.published.push(summary),
            "withdrawn" => page.withdrawn.push(summary),
            "drawn" | "results" => page.drawn.push(summary),
            _ => page.announced.push(summary),
        }
    }
    page.announced
        .sort_by(|a, b| a.committed_at.cmp(&b.committed_at).then(a.id.cmp(&b.id)));
    page.drawn
        .sort_by(|a, b| a.drawn_at.cmp(&b.drawn_at).then(a.id.cmp(&b.id)));
    newest_first(&mut page.published, |b| &b.published_at);
    newest_first(&mut page.withdrawn, |b| &b.withdrawn_at);
    Ok(page)
}

/// Orders batches by a time, newest first (stored times are RFC 3339 UTC of one width, so
/// their text order is their time order), then by id.
fn newest_first(list: &mut [BatchSummary], time: impl Fn(&BatchSummary) -> &String) {
    list.sort_by(|a, b| time(b).cmp(time(a)).then(a.id.cmp(&b.id)));
}

/// Targets of published batches by USCC or a fragment of the organisation's name.
pub async fn search(app: &App, public_log: &PublicLog, query: &str) -> Result<SearchPage> {
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
            Message::new(
                "搜索词至多 100 个字符",
                "a search is at most 100 characters",
            )
            .on("q"),
        ));
    }
    let mut found =
        store::batches::search_published(&app.store, query, SEARCH_LIMIT as i64 + 1).await?;
    // Published is what the log says, whatever the table says.
    let logs = public_log.batches(app).await?;
    found.retain(|hit| {
        logs.get(&hit.batch_id)
            .is_some_and(|l| l.state() == "published")
    });
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
                .map(|r| result_view(&app.codes, &hit.target.sector, r)),
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
            state: "published".into(),
            inspection_date: "2026-03-01".into(),
            inspection_end: String::new(),
            commitment_hash: String::new(),
            committed_at: String::new(),
            drawn_at: String::new(),
            published_at: published_at.into(),
            withdrawn_at: String::new(),
            withdraw_reason: String::new(),
            targets: 1,
            deadline: None,
            inspection: None,
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
        newest_first(&mut list, |b| &b.published_at);
        let ids: Vec<&str> = list.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["B", "C", "D", "A"]);
    }

    #[test]
    fn codes_are_shown_nested_by_the_list_of_the_sector() {
        let book = CodeBook::shipped();
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let shown = code_views(&book, "婚姻介绍", &codes(&["A", "2", "6"]));
        let leaves: Vec<(&str, &str)> = shown
            .iter()
            .filter(|c| c.leaf)
            .map(|c| (c.code.as_str(), c.path_zh.as_str()))
            .collect();
        assert_eq!(
            leaves,
            [(
                "6",
                "发现问题待后续处理 › 违反工商行政管理相关规定 › 通过登记的住所（经营场所）无法联系"
            )]
        );
        assert_eq!(
            (shown[2].kind.as_str(), shown[2].parent.as_str()),
            ("finding", "2")
        );
        let shown = code_views(&book, "社会组织", &codes(&["2", "6", "A"]));
        assert_eq!(
            shown[1].path_en,
            "Violation of the rules on the registration and management of social organisations › Cannot be contacted at the registered domicile"
        );
        assert!(!shown[0].leaf && shown[1].leaf && shown[2].leaf);
        // Recorded before the lists were per sector: the general list labels it; unknown
        // codes are shown as themselves.
        let old = code_views(&book, "社会组织", &codes(&["3", "ZZ"]));
        assert_eq!(
            old[0].path_zh,
            "发现问题待后续处理 › 违反食品药品管理相关规定"
        );
        assert_eq!((old[1].zh.as_str(), old[1].leaf), ("ZZ", true));
    }
}
