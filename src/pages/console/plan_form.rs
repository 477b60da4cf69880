//! The new-batch form (`/console/batches/new`) as plain data, pure: what the clerk typed
//! (`PlanForm`, kept to show again beside its errors), turned into plan TOML text
//! (`PlanForm::to_toml`) so that a batch made from the form is made as one from a file,
//! by `app::batch::create` under `Plan`'s own validation; and that validation's problems
//! (`problems`) each put on the field it is about. Nothing here decides a plan rule: the
//! values are only read into the types a plan holds (`Ratio::parse`, `Grade::parse`…).

use super::FieldError;
use crate::domain::{EntityStatus, Grade};
use crate::pages::model::Lang;
use crate::plan::{
    Constraints, EntropyDeclaration, Exclusions, Plan, PlanError, Population, Ratio, Stratum, Team,
};

/// Stratum rows on the form (blank rows are left out of the plan).
pub const ROWS: usize = 5;

/// The columns of a stratum row, in the order of [`STRATUM_IDS`].
pub const COLUMNS: [&str; 9] = [
    "name",
    "grades",
    "districts",
    "entity_types",
    "lists",
    "ratio",
    "count",
    "minimum",
    "exclusions",
];

macro_rules! row_ids {
    ($i:literal) => {
        [
            concat!("s", $i, "-name"),
            concat!("s", $i, "-grades"),
            concat!("s", $i, "-districts"),
            concat!("s", $i, "-entity_types"),
            concat!("s", $i, "-lists"),
            concat!("s", $i, "-ratio"),
            concat!("s", $i, "-count"),
            concat!("s", $i, "-minimum"),
            concat!("s", $i, "-exclusions"),
        ]
    };
}

/// The form field of each row and column: `s{row}-{column}`.
pub const STRATUM_IDS: [[&str; 9]; ROWS] = [
    row_ids!(0),
    row_ids!(1),
    row_ids!(2),
    row_ids!(3),
    row_ids!(4),
];

/// One stratum row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StratumRow {
    /// The columns' values, in the order of [`COLUMNS`].
    pub values: [String; 9],
}

impl StratumRow {
    fn get(&self, column: &str) -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .map_or("", |i| self.values[i].as_str())
    }

    fn is_blank(&self) -> bool {
        self.values.iter().all(|v| v.trim().is_empty())
    }
}

/// The fields of the form, as typed. List fields take items separated by commas, 、, ；
/// or new lines (matter codes also by spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanForm {
    pub id: String,
    pub title: String,
    pub inspection_date: String,
    pub inspection_end: String,
    pub matters: String,
    pub sectors: String,
    pub entity_types: String,
    pub districts: String,
    pub statuses: String,
    pub strata: Vec<StratumRow>,
    pub team_size: String,
    pub pool: String,
    pub departments: String,
    pub cross_district: bool,
    pub exclude_days: String,
    pub exclude_year: bool,
    pub no_repeat_days: String,
    pub max_targets: String,
    /// `ceremony` or `drand`.
    pub entropy: String,
    pub witnesses: String,
    pub digits: String,
    pub chain_hash: String,
    pub round: String,
}

impl Default for PlanForm {
    fn default() -> Self {
        PlanForm {
            id: String::new(),
            title: String::new(),
            inspection_date: String::new(),
            inspection_end: String::new(),
            matters: String::new(),
            sectors: String::new(),
            entity_types: String::new(),
            districts: String::new(),
            statuses: EntityStatus::Active.as_str().into(),
            strata: vec![StratumRow::default(); ROWS],
            team_size: "2".into(),
            pool: String::new(),
            departments: String::new(),
            cross_district: false,
            exclude_days: String::new(),
            exclude_year: false,
            no_repeat_days: String::new(),
            max_targets: String::new(),
            entropy: "ceremony".into(),
            witnesses: String::new(),
            digits: "6".into(),
            chain_hash: String::new(),
            round: String::new(),
        }
    }
}

fn items(text: &str, spaces: bool) -> Vec<String> {
    text.split(|c: char| {
        matches!(c, ',' | '，' | '、' | ';' | '；' | '\n' | '\r') || (spaces && c.is_whitespace())
    })
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .map(str::to_string)
    .collect()
}

/// A form's problems, in the page's language.
struct Problems {
    lang: Lang,
    list: Vec<FieldError>,
}

impl Problems {
    fn push(&mut self, field: &'static str, zh: &str, en: &str) {
        let message = if self.lang == Lang::En { en } else { zh };
        self.list.push(FieldError {
            field,
            message: message.to_string(),
        });
    }

    /// A whole number, or `None` when blank.
    fn number<T: std::str::FromStr>(&mut self, field: &'static str, text: &str) -> Option<T> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let n = t.parse().ok();
        if n.is_none() {
            self.push(
                field,
                &format!("「{t}」不是整数"),
                &format!("'{t}' is not a whole number"),
            );
        }
        n
    }

    fn date(&mut self, field: &'static str, text: &str) -> chrono::NaiveDate {
        match crate::domain::text::date(text) {
            Ok(d) => d,
            Err(e) => {
                self.push(field, &format!("请填写日期（年-月-日）：{e}"), &e);
                chrono::NaiveDate::MIN
            }
        }
    }
}

impl PlanForm {
    /// The form from its posted fields (`name`, `value`); unknown fields are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> PlanForm {
        // Unchecked boxes are not posted: they start off.
        let mut f = PlanForm::default();
        for (name, value) in pairs {
            let v = value.clone();
            match name.as_str() {
                "id" => f.id = v,
                "title" => f.title = v,
                "inspection_date" => f.inspection_date = v,
                "inspection_end" => f.inspection_end = v,
                "matters" => f.matters = v,
                "sectors" => f.sectors = v,
                "entity_types" => f.entity_types = v,
                "districts" => f.districts = v,
                "statuses" => f.statuses = v,
                "team_size" => f.team_size = v,
                "pool" => f.pool = v,
                "departments" => f.departments = v,
                "cross_district" => f.cross_district = true,
                "exclude_days" => f.exclude_days = v,
                "exclude_year" => f.exclude_year = true,
                "no_repeat_days" => f.no_repeat_days = v,
                "max_targets" => f.max_targets = v,
                "entropy" => f.entropy = v,
                "witnesses" => f.witnesses = v,
                "digits" => f.digits = v,
                "chain_hash" => f.chain_hash = v,
                "round" => f.round = v,
                other => {
                    for (row, ids) in STRATUM_IDS.iter().enumerate() {
                        if let Some(col) = ids.iter().position(|id| *id == other) {
                            f.strata[row].values[col] = v.clone();
                        }
                    }
                }
            }
        }
        f
    }

    /// The rows that are not blank, by their row number on the form: plan stratum `i` is
    /// form row `rows()[i]`.
    pub fn rows(&self) -> Vec<usize> {
        (0..self.strata.len())
            .filter(|&r| !self.strata[r].is_blank())
            .collect()
    }

    /// The plan TOML text of the form, or what keeps its values from being a plan's (not a
    /// number, not a date, not a grade or a ratio): the plan's own rules are checked after,
    /// by `problems` and by `app::batch::create`.
    pub fn to_toml(&self, lang: Lang) -> Result<String, Vec<FieldError>> {
        let mut p = Problems {
            lang,
            list: Vec::new(),
        };
        let mut statuses = Vec::new();
        for s in items(&self.statuses, false) {
            match EntityStatus::parse(&s) {
                Ok(s) => statuses.push(s),
                Err(e) => p.push("statuses", &format!("状态：{e}"), &e),
            }
        }
        let mut strata = Vec::new();
        for row in self.rows() {
            strata.push(self.stratum(row, &mut p));
        }
        let entropy = if self.entropy == "drand" {
            EntropyDeclaration::Drand {
                chain_hash: self.chain_hash.trim().to_string(),
                round: p.number("round", &self.round).unwrap_or(0),
            }
        } else {
            EntropyDeclaration::Ceremony {
                witnesses: items(&self.witnesses, false),
                digits: p.number("digits", &self.digits).unwrap_or(0),
            }
        };
        let plan = Plan {
            id: self.id.trim().to_string(),
            title: self.title.clone(),
            inspection_date: p.date("inspection_date", &self.inspection_date),
            inspection_end: Some(p.date("inspection_end", &self.inspection_end)),
            matters: items(&self.matters, true),
            population: Population {
                sectors: items(&self.sectors, false),
                entity_types: items(&self.entity_types, false),
                districts: items(&self.districts, false),
                statuses,
            },
            strata,
            floor: None,
            team: Team {
                size: p.number("team_size", &self.team_size).unwrap_or(0),
                departments: items(&self.departments, false),
                pool: items(&self.pool, false),
                department_matters: None,
            },
            constraints: Constraints {
                cross_district: self.cross_district,
                exclude_inspected_within_days: p.number("exclude_days", &self.exclude_days),
                exclude_inspected_in_year: self.exclude_year.then_some(true),
                no_repeat_pairing_within_days: p.number("no_repeat_days", &self.no_repeat_days),
                max_targets_per_officer: p.number("max_targets", &self.max_targets),
            },
            entropy,
        };
        if !p.list.is_empty() {
            return Err(p.list);
        }
        toml::to_string(&plan).map_err(|e| {
            vec![FieldError {
                field: "id",
                message: e.to_string(),
            }]
        })
    }

    fn stratum(&self, row: usize, p: &mut Problems) -> Stratum {
        let r = &self.strata[row];
        let ids = &STRATUM_IDS[row];
        let mut grades = Vec::new();
        for g in items(r.get("grades"), true) {
            match Grade::parse(&g) {
                Ok(g) => grades.push(g),
                Err(e) => p.push(ids[1], &format!("信用等级须为 A、B、C 或 D：{e}"), &e),
            }
        }
        let listed = |text: &str| Some(items(text, false)).filter(|l| !l.is_empty());
        let ratio = match r.get("ratio").trim() {
            "" => None,
            t => match Ratio::parse(t) {
                Ok(r) => Some(r),
                Err(e) => {
                    p.push(ids[5], &format!("抽取比例写作 30%、5‰ 或 3/100：{e}"), &e);
                    None
                }
            },
        };
        Stratum {
            grades,
            districts: listed(r.get("districts")),
            entity_types: listed(r.get("entity_types")),
            lists: listed(r.get("lists")),
            ratio,
            count: p.number(ids[6], r.get("count")),
            minimum: p.number(ids[7], r.get("minimum")),
            exclusions: match r.get("exclusions") {
                "apply" => Some(Exclusions::Apply),
                "ignore" => Some(Exclusions::Ignore),
                _ => None,
            },
            ..Stratum::of_grades(r.get("name"), Vec::new())
        }
    }
}

/// The problems `Plan` finds in the form's TOML (its validation, then what a new batch
/// needs), each on its field; `rows` maps plan strata to form rows (`PlanForm::rows`).
pub fn problems(toml: &str, rows: &[usize], lang: Lang) -> Vec<FieldError> {
    let found: Vec<String> = match Plan::from_toml("form", toml) {
        Ok(plan) => plan.check_new().err().into_iter().collect(),
        Err(PlanError::Invalid { problems, .. }) => problems,
        Err(PlanError::Syntax { message, .. }) => vec![message],
    };
    found
        .iter()
        .map(|problem| FieldError {
            field: field_of(problem, rows),
            message: in_language(problem, lang),
        })
        .collect()
}

/// A problem in the page's language: problems are written `中文 / English`.
fn in_language(problem: &str, lang: Lang) -> String {
    match (problem.split_once(" / "), lang) {
        (Some((zh, _)), Lang::Zh) => zh.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => problem.to_string(),
    }
}

/// The form field a plan problem is about, from the plan field it names first.
fn field_of(problem: &str, rows: &[usize]) -> &'static str {
    if let Some(rest) = problem.strip_prefix("strata[") {
        let (index, after) = rest.split_once(']').unwrap_or(("0", ""));
        let row = index
            .parse::<usize>()
            .ok()
            .and_then(|i| rows.get(i).copied())
            .unwrap_or(0)
            .min(ROWS - 1);
        let column = after
            .strip_prefix('.')
            .and_then(|a| COLUMNS.iter().position(|c| a.starts_with(c)))
            .unwrap_or(0);
        return STRATUM_IDS[row][column];
    }
    const FIELDS: [(&str, &str); 20] = [
        ("strata", "s0-name"),
        ("inspection_end", "inspection_end"),
        ("inspection_date", "inspection_date"),
        ("plan ", "inspection_end"),
        ("title", "title"),
        ("matters", "matters"),
        ("population.sectors", "sectors"),
        ("population.entity_types", "entity_types"),
        ("population.districts", "districts"),
        ("population.statuses", "statuses"),
        ("team.size", "team_size"),
        ("team.pool", "pool"),
        ("team.", "departments"),
        ("constraints.exclude_inspected_within_days", "exclude_days"),
        (
            "constraints.no_repeat_pairing_within_days",
            "no_repeat_days",
        ),
        ("constraints.max_targets_per_officer", "max_targets"),
        ("entropy.witnesses", "witnesses"),
        ("entropy.digits", "digits"),
        ("entropy.chain_hash", "chain_hash"),
        ("entropy.round", "round"),
    ];
    FIELDS
        .iter()
        .find(|(prefix, _)| problem.starts_with(prefix))
        .map_or("id", |(_, field)| field)
}

#[cfg(test)]
mod tests;
