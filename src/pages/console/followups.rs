//! The corps' follow-ups in the console (后续处置): the list of follow-ups needing action
//! (`/console/followups`, open, overdue or all) and a target's page with its history (the
//! finding, the measures, the closure) and the forms to record a measure and to close it.
//! Pure: plain data in (`app::followups::desk`), HTML out. Measures and outcomes are shown
//! in the vocabulary's Chinese terms, as on the public pages.

use askama::Template;

use super::{Console, FieldError, error_of, finish};
use crate::app::followups::desk::Item;
use crate::domain::codes::{Measure, Outcome};
use crate::pages::followups::label;
use crate::pages::model::Lang;

/// The console page of a target's follow-up.
pub fn href(batch: &str, uscc: &str) -> String {
    format!(
        "/console/followups/{}/{}",
        crate::pages::render::encode(batch),
        crate::pages::render::encode(uscc)
    )
}

/// A measure as listed: its kind, due date and note.
pub struct MeasureLine {
    pub measure: String,
    pub due: String,
    pub note: String,
    pub recorded_at: String,
}

/// A follow-up as a card.
pub struct Card {
    pub href: String,
    pub batch_id: String,
    pub batch_title: String,
    pub name: String,
    pub uscc: String,
    /// The state's word (`open`, `overdue`…), for the card's class.
    pub state: String,
    /// The state in the page's language, with the day it became overdue.
    pub state_label: String,
    /// The finding's date and categories, in the page's language.
    pub inspected_on: String,
    pub finding: String,
    pub result_note: String,
    pub measures: Vec<MeasureLine>,
    /// Closed: (date, outcome, text).
    pub closure: Option<(String, String, String)>,
    /// Takes measures and its closure.
    pub open: bool,
}

/// A desk item as a card in `lang`.
pub fn card(i: &Item, lang: Lang) -> Card {
    let f = &i.followup;
    let mut state_label = label(lang, f.state).to_string();
    if let crate::domain::followup::State::Overdue { since } = f.at.0 {
        state_label += &format!("（{} {since}）", label(lang, "since"));
    }
    let (inspected_on, finding, result_note) = match &i.finding {
        Some(r) => (
            r.inspected_on.clone(),
            r.codes
                .iter()
                .filter(|c| c.leaf)
                .map(|c| {
                    if lang == Lang::En {
                        &c.path_en
                    } else {
                        &c.path_zh
                    }
                    .as_str()
                })
                .collect::<Vec<_>>()
                .join("；"),
            r.note.clone(),
        ),
        None => Default::default(),
    };
    Card {
        href: href(&f.batch, &f.uscc),
        batch_id: f.batch.clone(),
        batch_title: i.batch_title.clone(),
        name: f.entity_name.clone(),
        uscc: f.uscc.clone(),
        state: f.state.to_string(),
        state_label,
        inspected_on,
        finding,
        result_note,
        measures: f
            .measures
            .iter()
            .map(|m| MeasureLine {
                measure: m.measure.clone(),
                due: m.due_on.clone(),
                note: m.note.clone(),
                recorded_at: m.recorded_at.clone(),
            })
            .collect(),
        closure: f.closure.as_ref().map(|c| {
            (
                c.closed_on.clone(),
                c.outcome.clone(),
                c.outcome_text.clone(),
            )
        }),
        open: f.at.0.is_open(),
    }
}

#[derive(Template)]
#[template(path = "console/followups.html")]
struct ListTemplate<'a> {
    c: &'a Console,
    /// (query word, label, chosen) of each filter.
    filters: Vec<(&'static str, &'static str, bool)>,
    cards: &'a [Card],
}

/// The corps' follow-ups: `filter` is `open` (overdue included), `overdue` or `all`.
pub fn list(c: &Console, filter: &str, cards: &[Card]) -> String {
    let filters = [
        ("open", c.t("未完结（含逾期）", "Open (overdue included)")),
        ("overdue", c.t("已逾期", "Overdue")),
        ("all", c.t("全部", "All")),
    ]
    .into_iter()
    .map(|(w, l)| (w, l, w == filter))
    .collect();
    finish(ListTemplate { c, filters, cards }.render())
}

/// What the two forms were filled with (shown again beside their errors).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Filled {
    #[serde(default)]
    pub csrf: String,
    /// The measure form's request id, made afresh for each page: a second post of the same
    /// form (a double tap) records nothing more (`app::followups::NewMeasure::request`).
    #[serde(default)]
    pub request: String,
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub closed_on: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Template)]
#[template(path = "console/followup.html")]
struct TargetTemplate<'a> {
    c: &'a Console,
    card: &'a Card,
    filled: &'a Filled,
    measures: Vec<&'static str>,
    outcomes: Vec<&'static str>,
    /// Today (China time): the first due date allowed, the last closing date.
    today: &'a str,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

impl TargetTemplate<'_> {
    fn error_of(&self, field: &str) -> Option<&str> {
        error_of(self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.error_of(field).is_some()
    }
}

/// A target's follow-up: its history, and while open the forms to record a measure and to
/// close it, filled from `filled`, with `errors` or a `notice`.
pub fn target(
    c: &Console,
    card: &Card,
    filled: &Filled,
    today: &str,
    errors: &[FieldError],
    notice: Option<&str>,
) -> String {
    finish(
        TargetTemplate {
            c,
            card,
            filled,
            measures: Measure::ALL.iter().map(|m| m.as_str()).collect(),
            outcomes: Outcome::ALL.iter().map(|o| o.as_str()).collect(),
            today,
            errors,
            notice,
        }
        .render(),
    )
}
