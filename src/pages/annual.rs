//! An annual plan's coverage report as a table: the columns of its CSV and `.xlsx`
//! downloads (`csv::table`, `xlsx::workbook`, the same cells), one row per sector and
//! level and per registering authority below province level; and its public page.

use askama::Template;

use super::model::Lang;
use super::render::{Ctx, encode, finish};
use crate::annual::coverage::CoverageRow;
use crate::annual::report::AnnualReport;

/// The header row: Chinese, with the English in brackets.
pub const HEADER: [&str; 13] = [
    "行业领域 (sector)",
    "登记层级 (registration level)",
    "登记机关代码 (authority)",
    "区 (district)",
    "对象数 (population)",
    "已抽取 (drawn)",
    "已检查 (inspected)",
    "检查比例% (inspected %)",
    "抽取比例% (drawn %)",
    "最低比例% (floor %)",
    "至少应检查 (required)",
    "是否达标 (met)",
    "按抽取是否达标 (met as drawn)",
];

fn yes_no(v: Option<bool>) -> String {
    match v {
        Some(true) => "是 (yes)".into(),
        Some(false) => "否 (no)".into(),
        None => String::new(),
    }
}

/// The cells of one coverage row, under `HEADER`.
pub fn row(r: &CoverageRow) -> [String; 13] {
    [
        r.sector.clone(),
        r.level.clone(),
        r.authority.clone(),
        r.district.clone(),
        r.population.to_string(),
        r.drawn.to_string(),
        r.inspected.to_string(),
        r.inspected_percent.clone(),
        r.drawn_percent.clone(),
        r.floor_percent.clone().unwrap_or_default(),
        r.required.map(|n| n.to_string()).unwrap_or_default(),
        yes_no(r.met),
        yes_no(r.met_as_drawn),
    ]
}

/// The coverage report as CSV (UTF-8 with BOM, for Excel).
pub fn csv(report: &AnnualReport) -> Vec<u8> {
    super::csv::table(&HEADER, report.coverage.rows.iter().map(row))
}

/// The coverage report as an `.xlsx` workbook, every cell text.
pub fn xlsx(report: &AnnualReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    super::xlsx::workbook(
        "抽查覆盖情况",
        &HEADER,
        report.coverage.rows.iter().map(row),
    )
}

/// The download's file name: `{id}-coverage.{extension}`.
pub fn file_name(report: &AnnualReport, extension: &str) -> String {
    format!("{}-coverage.{extension}", report.id)
}

/// The public page of an annual plan: the plan, its floors, its batches, the coverage of
/// its published batches and the entities drawn twice or more.
pub fn page(report: &AnnualReport, lang: Lang) -> String {
    let path = format!("/annual/{}", encode(&report.id));
    let tpl = AnnualTemplate {
        ctx: Ctx::new(lang, &path, &[]),
        r: report,
        path,
    };
    finish(tpl.render(), lang)
}

#[derive(Template)]
#[template(path = "annual.html")]
struct AnnualTemplate<'a> {
    ctx: Ctx,
    r: &'a AnnualReport,
    /// This page's path (the downloads are under it).
    path: String,
}

impl AnnualTemplate<'_> {
    /// The page's words in its language.
    fn w<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.ctx.is_en() { en } else { zh }
    }

    fn met(&self, v: &Option<bool>) -> &'static str {
        match v {
            Some(true) => self.w("达标", "met"),
            Some(false) => self.w("未达标", "not met"),
            None => "",
        }
    }

    fn state(&self, state: &str) -> String {
        match state {
            "planned" => self
                .w("计划中（尚未公告）", "planned (not announced yet)")
                .to_string(),
            s => self.ctx.state_label(s).to_string(),
        }
    }
}
