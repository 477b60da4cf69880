//! The annual plan (年度抽查计划): one department's spot checks of one calendar year, as
//! data. It names the batches it groups (by batch id, before they exist) and the floors it
//! must meet: per sector and registration level, the least share of the population to be
//! inspected in the year (by default for social organisations 民发〔2017〕45号 Art. 5:
//! 县级 3%, 地市级 4%, 省级 5%, 部级 10%). The file format is in `registries/README.md`;
//! `parse` reads a file, `from_event` the same fields as a log entry holds them, and both
//! go through the one checker (`check`), whose errors name the file and field, Chinese
//! first. `coverage` computes, from a population and the plan's drawn targets, the shares
//! against the floors. Pure: no I/O.

pub mod coverage;
pub mod report;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::domain::Level;
use crate::plan::{BatchId, Ratio};

/// Earliest and latest year a plan may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Most batches one plan may group.
pub const MAX_BATCHES: usize = 200;

/// The sector the default floors are for.
pub const SOCIAL_ORGS: &str = "社会组织";

/// The source of the default floors.
pub const DEFAULT_SOURCE: &str = "《社会组织抽查暂行办法》（民发〔2017〕45号）第五条";

/// A checked annual plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualPlan {
    /// Its id (the rule of batch ids: it is in URLs), e.g. `SH-MZ-2026`.
    pub id: BatchId,
    /// The department whose plan it is, e.g. 上海市民政局.
    pub department: String,
    pub year: i32,
    pub title: String,
    /// What it follows (documents, with their numbers).
    pub basis: String,
    /// The batches it groups, by id, in the plan's order (planned: they need not exist).
    pub batches: Vec<BatchId>,
    pub floors: Vec<Floor>,
}

/// The least share of a sector's population registered at a level to be inspected in the
/// year, per registering authority, and the rule that sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Floor {
    pub sector: String,
    pub level: Level,
    pub share: Ratio,
    pub source: String,
}

/// The plan as written (file or log entry), before it is checked.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub id: String,
    pub department: String,
    pub year: i64,
    pub title: String,
    pub basis: String,
    pub batches: Vec<String>,
    /// Absent: the default floors (`default_floors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floors: Option<Vec<RawFloor>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFloor {
    pub sector: String,
    pub level: String,
    pub share: String,
    pub source: String,
}

/// What is wrong with a plan, and where: the file (or log entry) and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {zh}（{en}）")]
pub struct AnnualError {
    pub file: String,
    pub field: String,
    pub zh: String,
    pub en: String,
}

/// 民发〔2017〕45号 Art. 5: the registering authority inspects yearly at least 10% (ministry),
/// 5% (province), 4% (prefecture) or 3% (county) of the social organisations it registered.
pub fn default_floors() -> Vec<Floor> {
    [
        (Level::County, 3),
        (Level::Prefecture, 4),
        (Level::Province, 5),
        (Level::Ministry, 10),
    ]
    .into_iter()
    .map(|(level, percent)| Floor {
        sector: SOCIAL_ORGS.to_string(),
        level,
        share: Ratio {
            numerator: percent,
            denominator: 100,
        },
        source: DEFAULT_SOURCE.to_string(),
    })
    .collect()
}

/// Reads an annual plan file (TOML) named `file`.
pub fn parse(file: &str, text: &str) -> Result<AnnualPlan, AnnualError> {
    let raw: Raw = toml::from_str(text).map_err(|e| AnnualError {
        file: file.to_string(),
        field: e
            .span()
            .map(|s| format!("byte {}", s.start))
            .unwrap_or_else(|| "TOML".into()),
        zh: "不是有效的年度抽查计划文件".into(),
        en: format!("not an annual plan file: {}", e.message()),
    })?;
    check(file, raw)
}

/// Reads the plan a log entry's event holds (`to_event`'s fields, and `version`).
pub fn from_event(
    what: &str,
    event: &serde_json::Map<String, serde_json::Value>,
) -> Result<(AnnualPlan, i64), AnnualError> {
    let fail = |field: &str, zh: &str, en: String| AnnualError {
        file: what.to_string(),
        field: field.to_string(),
        zh: zh.to_string(),
        en,
    };
    let mut event = event.clone();
    let version = event
        .remove("version")
        .and_then(|v| v.as_i64())
        .filter(|v| *v >= 1)
        .ok_or_else(|| {
            fail(
                "version",
                "版本号缺失或无效",
                "no version of 1 or more".into(),
            )
        })?;
    let raw: Raw = serde_json::from_value(serde_json::Value::Object(event))
        .map_err(|e| fail("event", "事件字段不符", e.to_string()))?;
    if raw.floors.is_none() {
        return Err(fail(
            "floors",
            "事件须写明底线",
            "an entry lists its floors".into(),
        ));
    }
    Ok((check(what, raw)?, version))
}

/// The one checker: every field present, trimmed text, a valid id and batch ids (each
/// once), a year in `YEARS`, floors with a known level, a ratio and a source, one per
/// sector and level.
pub fn check(file: &str, raw: Raw) -> Result<AnnualPlan, AnnualError> {
    let fail = |field: &str, zh: String, en: String| AnnualError {
        file: file.to_string(),
        field: field.to_string(),
        zh,
        en,
    };
    let text = |field: &str, value: &str| {
        crate::domain::text::required(value)
            .map_err(|e| fail(field, "须为非空文本".into(), e))
            .and_then(|t| {
                if t == value {
                    Ok(t)
                } else {
                    Err(fail(
                        field,
                        "首尾不得有空白".into(),
                        "no spaces around the text (and NFC)".into(),
                    ))
                }
            })
    };
    let id = BatchId::parse(&raw.id).map_err(|e| fail("id", "计划编号无效".into(), e))?;
    let department = text("department", &raw.department)?;
    let year = i32::try_from(raw.year)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            fail(
                "year",
                format!(
                    "年度 {} 不在 {}–{} 之间",
                    raw.year,
                    YEARS.start(),
                    YEARS.end()
                ),
                format!(
                    "year {} is not between {} and {}",
                    raw.year,
                    YEARS.start(),
                    YEARS.end()
                ),
            )
        })?;
    let title = text("title", &raw.title)?;
    let basis = text("basis", &raw.basis)?;
    if raw.batches.is_empty() || raw.batches.len() > MAX_BATCHES {
        return Err(fail(
            "batches",
            format!("须列出 1 至 {MAX_BATCHES} 个批次"),
            format!("list 1 to {MAX_BATCHES} batches"),
        ));
    }
    let mut batches: Vec<BatchId> = Vec::new();
    for (i, b) in raw.batches.iter().enumerate() {
        let field = format!("batches[{i}]");
        let b = BatchId::parse(b).map_err(|e| fail(&field, "批次编号无效".into(), e))?;
        if batches.contains(&b) {
            return Err(fail(
                &field,
                format!("批次 {b} 重复列出"),
                format!("batch {b} is listed twice"),
            ));
        }
        batches.push(b);
    }
    let floors = match raw.floors {
        None => default_floors(),
        Some(list) => {
            let mut floors: Vec<Floor> = Vec::new();
            for (i, f) in list.into_iter().enumerate() {
                let field = |name: &str| format!("floors[{i}].{name}");
                let sector = text(&field("sector"), &f.sector)?;
                let level = Level::parse(&f.level)
                    .map_err(|e| fail(&field("level"), "登记层级无效".into(), e))?;
                if f.level != level.as_str() {
                    return Err(fail(
                        &field("level"),
                        format!("登记层级须写作 {level}"),
                        format!("write the level as {level}"),
                    ));
                }
                let share = Ratio::parse(&f.share)
                    .map_err(|e| fail(&field("share"), "比例无效".into(), e))?;
                let source = text(&field("source"), &f.source)?;
                if floors
                    .iter()
                    .any(|g| g.sector == sector && g.level == level)
                {
                    return Err(fail(
                        &field("level"),
                        format!("{sector} {level} 的底线重复"),
                        format!("a second floor for {sector} at level {level}"),
                    ));
                }
                floors.push(Floor {
                    sector,
                    level,
                    share,
                    source,
                });
            }
            floors
        }
    };
    Ok(AnnualPlan {
        id,
        department,
        year,
        title,
        basis,
        batches,
        floors,
    })
}

impl AnnualPlan {
    /// The fields of its `annual_plan.published` entry (LOG.md): the plan with its floors
    /// written out (shares as `n/d`), and its version.
    pub fn to_event(&self, version: i64) -> serde_json::Value {
        serde_json::json!({
            "id": self.id.as_str(),
            "department": self.department,
            "year": self.year,
            "title": self.title,
            "basis": self.basis,
            "batches": self.batches.iter().map(BatchId::as_str).collect::<Vec<_>>(),
            "floors": self.floors.iter().map(|f| serde_json::json!({
                "sector": f.sector,
                "level": f.level.as_str(),
                "share": f.share.to_string(),
                "source": f.source,
            })).collect::<Vec<_>>(),
            "version": version,
        })
    }

    /// The floor of a sector at a level, if the plan sets one.
    pub fn floor(&self, sector: &str, level: Level) -> Option<&Floor> {
        self.floors
            .iter()
            .find(|f| f.sector == sector && f.level == level)
    }

    /// Why `self` cannot be the next version of `previous` (same id), if it cannot: the
    /// department and year stay, no batch is dropped (a plan grows; a batch withdrawn stays
    /// listed, withdrawn), and something changes.
    pub fn amends(&self, previous: &AnnualPlan) -> Result<(), String> {
        if self.department != previous.department || self.year != previous.year {
            return Err(format!(
                "计划 {} 的部门和年度不能更改（plan {}: department and year stay {} {}）",
                self.id, self.id, previous.department, previous.year
            ));
        }
        if let Some(gone) = previous.batches.iter().find(|b| !self.batches.contains(b)) {
            return Err(format!(
                "新版本删去了批次 {gone}：已公布的批次不能从计划中删除（the new version drops batch {gone}: a published plan's batches stay listed）"
            ));
        }
        if self == previous {
            return Err(format!(
                "计划 {} 与现行版本相同，无需重新公布（plan {} is the same as its current version）",
                self.id, self.id
            ));
        }
        Ok(())
    }
}
