//! Follow-ups (后续处置 / 查处结果) on the public pages: each target's follow-up on its
//! published batch's page, and `/followups`, the open and overdue follow-ups of every
//! published batch. Plain data in (filled by `app::followups`), HTML out; Chinese first,
//! English on `?lang=en`. Measures and outcomes are shown in the vocabulary's Chinese terms.

use askama::Template;
use serde::Serialize;

use super::model::Lang;
use super::render::Ctx;

/// A measure as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MeasureView {
    /// As in `domain::codes::Measure`, e.g. 责令限期整改.
    pub measure: String,
    /// YYYY-MM-DD.
    pub due: String,
    pub note: String,
}

/// A target's follow-up as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FollowUpView {
    /// `pending`, `open`, `overdue`, `closed` or `lapsed`.
    pub state: String,
    /// The first day it was overdue.
    pub overdue_since: Option<String>,
    pub closed_on: Option<String>,
    /// As in `domain::codes::Outcome`, e.g. 已整改.
    pub outcome: Option<String>,
    /// The outcome in words (查处结果).
    pub outcome_text: Option<String>,
    pub measures: Vec<MeasureView>,
}

/// One row of `/followups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpRow {
    pub batch_id: String,
    pub batch_title: String,
    pub uscc: String,
    pub name: String,
    pub followup: FollowUpView,
}

/// `/followups`: the open and overdue follow-ups of published batches, overdue first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FollowUpsPage {
    pub today: String,
    pub rows: Vec<FollowUpRow>,
    pub overdue: usize,
    pub open: usize,
    pub closed: usize,
}

/// A follow-up word in a language: its states and the labels around them.
pub fn label(lang: Lang, key: &str) -> &'static str {
    let (zh, en) = match key {
        "pending" => ("待审核", "awaiting review"),
        "open" => ("未完结", "open"),
        "overdue" => ("已逾期未完结", "overdue"),
        "closed" => ("已完结", "closed"),
        "lapsed" => ("结果更正后无需处置", "lapsed (result corrected)"),
        "title" => ("后续处置（未完结）", "Open follow-ups"),
        "intro" => (
            "已公示批次中发现问题的检查对象的后续处置：处置措施、整改期限及查处结果。逾期未完结的列在前面。查处结果一经完结即公示。",
            "Follow-ups of the problems found in published batches: measures, due dates and outcomes. Overdue ones come first. An outcome is public as soon as it is recorded.",
        ),
        "none" => ("目前没有未完结的后续处置。", "No follow-up is open."),
        "followup" => ("后续处置", "Follow-up"),
        "measures" => ("处置措施", "Measures"),
        "due" => ("期限", "due"),
        "since" => ("逾期自", "overdue since"),
        "closed_on" => ("完结日期", "closed on"),
        "outcome" => ("查处结果", "Outcome"),
        "counts" => ("未完结 / 已逾期 / 已完结", "open / overdue / closed"),
        "today" => ("统计日期（北京时间）", "as of (China time)"),
        _ => ("", ""),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The follow-up of a target as one line of text: its state, then the closure or the
/// measures with their due dates.
pub fn summary(lang: Lang, f: &FollowUpView) -> String {
    let mut out = label(lang, &f.state).to_string();
    if let (Some(on), Some(outcome)) = (&f.closed_on, &f.outcome) {
        out += &format!("（{} {on}）：{outcome}", label(lang, "closed_on"));
        if let Some(text) = &f.outcome_text {
            out += &format!("，{text}");
        }
        return out;
    }
    if let Some(since) = &f.overdue_since {
        out += &format!("（{} {since}）", label(lang, "since"));
    }
    for m in &f.measures {
        out += &format!("；{}（{} {}）", m.measure, label(lang, "due"), m.due);
    }
    out
}

#[derive(Template)]
#[template(path = "followups.html")]
struct FollowUpsTemplate<'a> {
    ctx: Ctx,
    page: &'a FollowUpsPage,
    lang: Lang,
}

impl FollowUpsTemplate<'_> {
    fn label(&self, key: &str) -> &'static str {
        label(self.lang, key)
    }
}

/// The `/followups` page.
pub fn render(page: &FollowUpsPage, lang: Lang) -> String {
    let tpl = FollowUpsTemplate {
        ctx: Ctx::new(lang, "/followups", &[]),
        page,
        lang,
    };
    super::render::finish(tpl.render(), lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(state: &str) -> FollowUpView {
        FollowUpView {
            state: state.into(),
            overdue_since: None,
            closed_on: None,
            outcome: None,
            outcome_text: None,
            measures: vec![MeasureView {
                measure: "责令限期整改".into(),
                due: "2026-12-20".into(),
                note: String::new(),
            }],
        }
    }

    #[test]
    fn the_page_lists_overdue_and_open_follow_ups_in_both_languages_escaped() {
        let mut overdue = view("overdue");
        overdue.overdue_since = Some("2026-12-21".into());
        let page = FollowUpsPage {
            today: "2026-12-22".into(),
            rows: vec![FollowUpRow {
                batch_id: "SH-1".into(),
                batch_title: "养老<script>".into(),
                uscc: "91310000631696382C".into(),
                name: "某养老院".into(),
                followup: overdue,
            }],
            overdue: 1,
            open: 0,
            closed: 2,
        };
        let zh = render(&page, Lang::Zh);
        assert!(
            zh.contains("已逾期未完结") && zh.contains("逾期自 2026-12-21"),
            "{zh}"
        );
        assert!(zh.contains("责令限期整改") && zh.contains("2026-12-20"));
        assert!(
            !zh.contains("养老<script>") && zh.contains("养老&#60;script&#62;")
                || zh.contains("养老&lt;script&gt;")
        );
        assert!(zh.contains("/batches/SH-1#t-91310000631696382C"), "{zh}");
        let en = render(&page, Lang::En);
        assert!(en.contains("Open follow-ups") && en.contains("overdue since 2026-12-21"));
        assert!(en.contains("lang=en"));
        let empty = render(&FollowUpsPage::default(), Lang::Zh);
        assert!(empty.contains("目前没有未完结的后续处置"));
    }

    #[test]
    fn a_closed_follow_up_shows_its_date_and_outcome() {
        let mut closed = view("closed");
        closed.closed_on = Some("2026-12-05".into());
        closed.outcome = Some("已整改".into());
        closed.outcome_text = Some("整改完毕".into());
        let s = summary(Lang::Zh, &closed);
        assert_eq!(s, "已完结（完结日期 2026-12-05）：已整改，整改完毕");
        assert!(
            summary(Lang::En, &view("open")).starts_with("open；责令限期整改（due 2026-12-20）")
        );
    }
}
