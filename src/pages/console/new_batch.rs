//! The corps' new-batch pages, pure: the plan form (`form`: labels above fields, Chinese
//! first, its values kept beside its errors, and the TOML upload), the table of each
//! stratum's population and sample size (`counts`, also sent alone to the form's script),
//! and a batch's console page (`batch`: the plan in plain words, the commit button of a
//! draft, the commitment hash to announce once committed).

use askama::Template;

use super::plan_fields::{Group, groups};
use super::plan_form::PlanForm;
use super::{Console, FieldError, finish};
use crate::draw::select::Sizes;
use crate::pages::plan_words::PlanLine;

/// A part's (or the floor's) counts as the table shows them.
pub struct CountLine {
    pub name: String,
    pub floor: bool,
    pub population: u64,
    pub excluded: u64,
    pub eligible: u64,
    pub size: u64,
    pub takes: u64,
}

/// The counts table: its lines and totals, or why there are none.
#[derive(Default)]
pub struct CountsView {
    pub lines: Vec<CountLine>,
    pub population: u64,
    pub total: u64,
    pub problem: Option<String>,
}

impl CountsView {
    pub fn of(sizes: &Sizes) -> CountsView {
        CountsView {
            lines: sizes
                .parts
                .iter()
                .map(|s| CountLine {
                    name: s.name.clone(),
                    floor: s.stratum.is_none(),
                    population: s.population,
                    excluded: s.excluded,
                    eligible: s.eligible,
                    size: s.size,
                    takes: s.takes(),
                })
                .collect(),
            population: sizes.population,
            total: sizes.total(),
            problem: None,
        }
    }

    /// No counts, because of `problem`.
    pub fn failed(problem: String) -> CountsView {
        CountsView {
            problem: Some(problem),
            ..CountsView::default()
        }
    }
}

#[derive(Template)]
#[template(path = "console/new_batch.html")]
struct NewBatchTemplate<'a> {
    c: &'a Console,
    errors: &'a [FieldError],
    groups: Vec<Group>,
    counts: Option<&'a CountsView>,
}

/// The new-batch form with `f`'s values, `errors` at the top and on their fields, and the
/// counts table if counted.
pub fn form(
    c: &Console,
    f: &PlanForm,
    errors: &[FieldError],
    counts: Option<&CountsView>,
) -> String {
    finish(
        NewBatchTemplate {
            c,
            errors,
            groups: groups(c, f, errors),
            counts,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "console/plan_counts.html")]
struct CountsTemplate<'a> {
    c: &'a Console,
    counts: Option<&'a CountsView>,
}

/// The counts table alone (what the form's script puts in place).
pub fn counts(c: &Console, counts: &CountsView) -> String {
    finish(
        CountsTemplate {
            c,
            counts: Some(counts),
        }
        .render(),
    )
}

/// A batch as its console page shows it.
pub struct BatchView {
    pub id: String,
    pub title: String,
    /// The state in words.
    pub state: String,
    /// Still a draft: the page offers the commit.
    pub draft: bool,
    pub lines: Vec<PlanLine>,
    pub commitment_hash: Option<String>,
    pub committed_at: Option<String>,
    /// What comes next, once committed: the ceremony or the drand round.
    pub next: String,
}

#[derive(Template)]
#[template(path = "console/batch.html")]
struct BatchTemplate<'a> {
    c: &'a Console,
    b: &'a BatchView,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

/// A batch's console page: its plan in plain words; a draft's commit button; a committed
/// batch's hash to announce and its public page.
pub fn batch(c: &Console, b: &BatchView, errors: &[FieldError], notice: Option<&str>) -> String {
    finish(
        BatchTemplate {
            c,
            b,
            errors,
            notice,
        }
        .render(),
    )
}
