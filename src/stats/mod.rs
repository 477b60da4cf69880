//! A year's statistics (年度统计), pure: the batches whose inspection window opens in the
//! year (by state), their targets (drawn, staffed, with a result, with a finding), the
//! result categories recorded (each selected code of each standing result, labelled from
//! the list of the target's sector), the follow-ups (open, overdue, closed) and their
//! closure rate, and publication timeliness (on time, late, overdue, still in time).
//! `app::stats` gathers the facts; which batches' targets count (published only, for the
//! public; every drawn batch, for the corps) is decided there and marked `counted`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::followup::Counts;
use crate::domain::result_code::CodeBook;

#[cfg(test)]
mod tests;

/// One drawn target: its sector (from the batch's snapshot), whether a team was drawn for
/// it, and the codes of its standing result, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFacts {
    pub sector: String,
    pub staffed: bool,
    pub codes: Option<Vec<String>>,
}

/// Where a batch stands against its publication deadline (`app::deadline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// No result yet, so no deadline.
    NoResult,
    /// A deadline falls in a year without a working-day calendar.
    Unknown,
    /// The deadline, and whether publication (or, before it, today) is after it.
    Counted { overdue: bool },
}

/// A batch's publication timeliness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Published by its deadline.
    OnTime,
    /// Published after its deadline.
    Late,
    /// Not published, and its deadline has passed.
    Overdue,
    /// Not published, its deadline still ahead.
    InTime,
    /// Not published and no result yet: no deadline runs.
    NoResult,
    /// The deadline cannot be counted yet (no calendar for its year).
    Unknown,
}

impl Timeliness {
    /// Publication timeliness from the batch's state and its deadline. A batch published
    /// with no result (every target unstaffed) had no deadline to miss: on time.
    pub fn of(published: bool, due: Due) -> Timeliness {
        match (published, due) {
            (_, Due::Unknown) => Timeliness::Unknown,
            (true, Due::Counted { overdue: true }) => Timeliness::Late,
            (true, _) => Timeliness::OnTime,
            (false, Due::Counted { overdue: true }) => Timeliness::Overdue,
            (false, Due::Counted { overdue: false }) => Timeliness::InTime,
            (false, Due::NoResult) => Timeliness::NoResult,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
            Timeliness::Overdue => "overdue",
            Timeliness::InTime => "in_time",
            Timeliness::NoResult => "no_result",
            Timeliness::Unknown => "unknown",
        }
    }
}

/// What the statistics are made from, for one batch of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFacts {
    pub id: String,
    pub title: String,
    /// `committed`, `drawn`, `results`, `published` or `withdrawn` (drafts are not counted).
    pub state: String,
    /// Whether its targets, results and follow-ups count (the caller's scope).
    pub counted: bool,
    /// Its targets (empty before the draw, and when not counted).
    pub targets: Vec<TargetFacts>,
    /// Its timeliness (drawn batches only; `None` before the draw and when withdrawn).
    pub timeliness: Option<Timeliness>,
    /// Staffed targets without a result after the inspection window.
    pub inspection_overdue: bool,
    pub followups: Counts,
}

/// How many batches stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchCounts {
    pub total: usize,
    /// Committed (announced), not drawn yet.
    pub announced: usize,
    /// Drawn, not published yet.
    pub in_progress: usize,
    pub published: usize,
    pub withdrawn: usize,
}

/// The targets of the batches counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TargetCounts {
    pub drawn: usize,
    pub staffed: usize,
    /// With a standing result.
    pub inspected: usize,
    /// Whose standing result says a problem was found (a finding, or a follow-up code such
    /// as `E`, corrected after an order: `CodeBook::found_problem`).
    pub with_finding: usize,
    /// `with_finding` of `inspected`, in percent (two decimals; empty when none inspected).
    pub finding_rate: String,
}

/// How many drawn batches stand where against their publication deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TimelinessCounts {
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub in_time: usize,
    pub no_result: usize,
    pub unknown: usize,
    /// Batches with staffed targets still without a result after their inspection window.
    pub inspection_overdue: usize,
}

/// A result category and how many standing results selected it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CategoryCount {
    /// The list's id (`registries/result-codes/`) and Chinese name.
    pub list: String,
    pub list_zh: String,
    pub code: String,
    /// The labels of its path from the top of its list.
    pub path_zh: String,
    pub path_en: String,
    /// `none`, `finding`, `status` or `follow-up` (empty for a code no list knows).
    pub kind: String,
    pub count: usize,
}

/// One batch's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchLine {
    pub id: String,
    pub title: String,
    pub state: String,
    pub counted: bool,
    pub targets: usize,
    pub inspected: usize,
    pub with_finding: usize,
    /// `on_time`, `late`, `overdue`, `in_time`, `no_result`, `unknown`, or empty (not drawn).
    pub timeliness: String,
    pub inspection_overdue: bool,
    pub followups: Counts,
}

/// A year's statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct YearStats {
    pub year: i32,
    /// `published` (targets, results and follow-ups of published batches only) or `all`
    /// (of every drawn batch).
    pub scope: String,
    pub batches: BatchCounts,
    pub targets: TargetCounts,
    /// Every category selected at least once, in the order of its list (lists in the code
    /// book's order).
    pub categories: Vec<CategoryCount>,
    pub followups: Counts,
    /// Closed of those opened (open, overdue, closed), in percent (two decimals; empty when
    /// none was opened).
    pub closure_rate: String,
    pub timeliness: TimelinessCounts,
    pub per_batch: Vec<BatchLine>,
}

/// The statistics of `year` from its batches' facts, labelled from `book`.
pub fn compute(year: i32, scope: &str, batches: &[BatchFacts], book: &CodeBook) -> YearStats {
    let mut counts = BatchCounts::default();
    let mut targets = TargetCounts::default();
    let mut followups = Counts::default();
    let mut timeliness = TimelinessCounts::default();
    // (list index, position in the list) → count, so categories come out in list order.
    let mut selected: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_batch = Vec::with_capacity(batches.len());
    for b in batches {
        counts.total += 1;
        match b.state.as_str() {
            "committed" => counts.announced += 1,
            "drawn" | "results" => counts.in_progress += 1,
            "published" => counts.published += 1,
            "withdrawn" => counts.withdrawn += 1,
            _ => {}
        }
        let mut line = BatchLine {
            id: b.id.clone(),
            title: b.title.clone(),
            state: b.state.clone(),
            counted: b.counted,
            targets: 0,
            inspected: 0,
            with_finding: 0,
            timeliness: b.timeliness.map(Timeliness::as_str).unwrap_or("").into(),
            inspection_overdue: b.inspection_overdue,
            followups: Counts::default(),
        };
        match b.timeliness {
            Some(Timeliness::OnTime) => timeliness.on_time += 1,
            Some(Timeliness::Late) => timeliness.late += 1,
            Some(Timeliness::Overdue) => timeliness.overdue += 1,
            Some(Timeliness::InTime) => timeliness.in_time += 1,
            Some(Timeliness::NoResult) => timeliness.no_result += 1,
            Some(Timeliness::Unknown) => timeliness.unknown += 1,
            None => {}
        }
        timeliness.inspection_overdue += usize::from(b.inspection_overdue);
        if b.counted {
            line.followups = b.followups;
            add_counts(&mut followups, &b.followups);
            for t in &b.targets {
                line.targets += 1;
                targets.staffed += usize::from(t.staffed);
                let Some(codes) = &t.codes else { continue };
                line.inspected += 1;
                line.with_finding += usize::from(book.found_problem(&t.sector, codes));
                for code in codes {
                    match position(book, &t.sector, code) {
                        Some(at) => *selected.entry(at).or_default() += 1,
                        None => *unknown.entry(code.clone()).or_default() += 1,
                    }
                }
            }
            targets.drawn += line.targets;
            targets.inspected += line.inspected;
            targets.with_finding += line.with_finding;
        }
        per_batch.push(line);
    }
    targets.finding_rate = percent(targets.with_finding, targets.inspected);
    let opened = followups.open + followups.overdue + followups.closed;
    let mut categories: Vec<CategoryCount> = selected
        .into_iter()
        .filter_map(|((l, i), count)| {
            let list = book.lists().get(l)?;
            let cat = list.iter().nth(i)?;
            let path = list.path(&cat.code);
            let join = |zh: bool| {
                path.iter()
                    .map(|p| if zh { p.zh.as_str() } else { p.en.as_str() })
                    .collect::<Vec<_>>()
                    .join(" › ")
            };
            Some(CategoryCount {
                list: list.id.clone(),
                list_zh: list.zh.clone(),
                code: cat.code.clone(),
                path_zh: join(true),
                path_en: join(false),
                kind: cat.kind.as_str().to_string(),
                count,
            })
        })
        .collect();
    // A code no list knows (recorded under a list since removed) is still counted, as itself.
    categories.extend(unknown.into_iter().map(|(code, count)| CategoryCount {
        list: String::new(),
        list_zh: String::new(),
        path_zh: code.clone(),
        path_en: code.clone(),
        code,
        kind: String::new(),
        count,
    }));
    YearStats {
        year,
        scope: scope.to_string(),
        batches: counts,
        targets,
        categories,
        followups,
        closure_rate: percent(followups.closed, opened),
        timeliness,
        per_batch,
    }
}

fn add_counts(sum: &mut Counts, c: &Counts) {
    sum.open += c.open;
    sum.overdue += c.overdue;
    sum.closed += c.closed;
    sum.pending += c.pending;
    sum.lapsed += c.lapsed;
}

/// Where `code` sits in the book: (list index, position in that list), by the list that
/// labels it for `sector`.
fn position(book: &CodeBook, sector: &str, code: &str) -> Option<(usize, usize)> {
    let (list, _) = book.label(sector, code)?;
    let l = book.lists().iter().position(|x| std::ptr::eq(x, list))?;
    let i = list.iter().position(|c| c.code == code)?;
    Some((l, i))
}

fn percent(part: usize, whole: usize) -> String {
    crate::annual::coverage::percent(part as u64, whole as u64)
}
