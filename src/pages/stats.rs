//! The statistics page (`/stats/{year}`, 年度统计): a year's batches by state, targets
//! inspected and with findings, the result categories recorded, follow-ups and their
//! closure rate, and publication timeliness, with two charts (findings by category,
//! timeliness) as inline SVG. Plain data in (`stats::YearStats`), HTML out; Chinese first,
//! English on `?lang=en`.

use askama::Template;

use super::chart;
use super::model::Lang;
use super::render::{Ctx, finish};
use crate::stats::YearStats;

/// A word of the page in `lang`.
pub fn label(lang: Lang, key: &str) -> &'static str {
    let (zh, en) = match key {
        "title" => ("年度统计", "Statistics of the year"),
        "intro_published" => (
            "按检查时限起始日所在年度统计的抽查批次。检查对象、检查结果和后续处置只计已公示的批次；批次数和公示及时性计所有已公告的批次。",
            "The batches whose inspection window opens in the year. Targets, results and follow-ups count published batches only; the batch counts and publication timeliness count every announced batch.",
        ),
        "intro_all" => (
            "按检查时限起始日所在年度统计的抽查批次，包括尚未公示的批次（部门内部视图）。",
            "The batches whose inspection window opens in the year, including those not published yet (the department's own view).",
        ),
        "batches" => ("抽查批次", "Batches"),
        "total" => ("合计", "total"),
        "announced" => ("已公告待抽取", "announced, not drawn"),
        "in_progress" => ("已抽取待公示", "drawn, not published"),
        "published" => ("已公示", "published"),
        "withdrawn" => ("已撤回", "withdrawn"),
        "targets" => ("检查对象", "Targets"),
        "drawn" => ("抽取对象", "drawn"),
        "staffed" => ("已配检查人员", "staffed"),
        "inspected" => ("有检查结果", "with a result"),
        "with_finding" => ("发现问题", "with a finding"),
        "finding_rate" => ("问题发现率", "finding rate"),
        "categories" => ("检查结果分类", "Result categories"),
        "categories_intro" => (
            "每个现行检查结果所选的每一类别计一次。",
            "Each category selected by a standing result counts once.",
        ),
        "category" => ("类别", "Category"),
        "list" => ("结果分类表", "List"),
        "count" => ("次数", "Count"),
        "chart_findings" => ("发现问题的类别", "Findings by category"),
        "followups" => ("后续处置", "Follow-ups"),
        "open" => ("未完结", "open"),
        "overdue" => ("已逾期未完结", "overdue"),
        "closed" => ("已完结", "closed"),
        "pending" => ("待审核", "awaiting review"),
        "lapsed" => ("结果更正后无需处置", "lapsed"),
        "closure_rate" => ("完结率", "closure rate"),
        "timeliness" => ("公示及时性", "Publication timeliness"),
        "on_time" => ("按期公示", "published on time"),
        "late" => ("逾期后公示", "published late"),
        "overdue_unpublished" => ("逾期未公示", "overdue, not published"),
        "in_time" => ("未公示，未到期限", "not published, in time"),
        "no_result" => ("尚无检查结果", "no result yet"),
        "unknown" => ("期限暂无法计算", "deadline not known yet"),
        "inspection_overdue" => ("检查时限届满仍有对象未检查", "inspection overdue"),
        "per_batch" => ("各批次", "Per batch"),
        "batch" => ("批次", "Batch"),
        "state" => ("状态", "State"),
        "counted" => ("计入", "Counted"),
        "yes" => ("是", "yes"),
        "none" => (
            "本年度没有已公告的抽查批次。",
            "No batch was announced for this year.",
        ),
        "no_category" => ("尚无计入的检查结果。", "No result counted yet."),
        "other_years" => ("其他年度", "Other years"),
        _ => ("", ""),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsTemplate<'a> {
    ctx: Ctx,
    s: &'a YearStats,
    lang: Lang,
    findings_svg: String,
    timeliness_svg: String,
}

impl StatsTemplate<'_> {
    fn label(&self, key: &str) -> &'static str {
        label(self.lang, key)
    }

    fn path<'b>(&self, c: &'b crate::stats::CategoryCount) -> &'b str {
        if self.ctx.is_en() {
            &c.path_en
        } else {
            &c.path_zh
        }
    }

    /// The page of the year `delta` years from this one.
    fn year_href(&self, delta: i32) -> String {
        self.ctx.href(&format!("/stats/{}", self.s.year + delta))
    }

    fn timeliness_label(&self, t: &str) -> &'static str {
        match t {
            "overdue" => label(self.lang, "overdue_unpublished"),
            "" => "",
            t => label(self.lang, t),
        }
    }
}

/// The statistics page of `s.year`.
pub fn page(s: &YearStats, lang: Lang) -> String {
    let findings: Vec<(String, u64)> = s
        .categories
        .iter()
        .filter(|c| c.kind == "finding")
        .map(|c| {
            let path = if lang == Lang::En {
                &c.path_en
            } else {
                &c.path_zh
            };
            let last = path.rsplit(" › ").next().unwrap_or(path);
            (format!("{} {last}", c.code), c.count as u64)
        })
        .collect();
    let t = &s.timeliness;
    let timeliness: Vec<(String, u64)> = [
        ("on_time", t.on_time),
        ("late", t.late),
        ("overdue_unpublished", t.overdue),
        ("in_time", t.in_time),
    ]
    .into_iter()
    .map(|(k, n)| (label(lang, k).to_string(), n as u64))
    .collect();
    let tpl = StatsTemplate {
        ctx: Ctx::new(lang, &format!("/stats/{}", s.year), &[]),
        s,
        lang,
        findings_svg: chart::counts(label(lang, "chart_findings"), &findings, lang),
        timeliness_svg: chart::counts(label(lang, "timeliness"), &timeliness, lang),
    };
    finish(tpl.render(), lang)
}
