//! The batch plan (抽查计划): which matters, which population, how many per stratum, how teams
//! are formed, which constraints hold, and where the randomness will come from. Read from
//! TOML (format in `registries/README.md`), validated, and committed as canonical JSON.

pub mod id;
pub mod ratio;
mod validate;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{EntityStatus, Grade};
pub use id::BatchId;
pub use ratio::Ratio;
pub use validate::PlanError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Batch identifier, e.g. `SH-MZ-2026-YL-01`; the rule is `id::BatchId`'s.
    pub id: String,
    pub title: String,
    /// The day the inspections take place: officer cards must be valid then, and the
    /// look-back windows of the constraints end then.
    #[serde(with = "date")]
    pub inspection_date: NaiveDate,
    /// Codes of the matters inspected (from the matter list).
    pub matters: Vec<String>,
    #[serde(default)]
    pub population: Population,
    pub strata: Vec<Stratum>,
    pub team: Team,
    #[serde(default)]
    pub constraints: Constraints,
    pub entropy: EntropyDeclaration,
}

/// The filter applied before drawing (定向 draws); an empty list means "any".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub entity_types: Vec<String>,
    #[serde(default)]
    pub districts: Vec<String>,
    #[serde(default = "active_only")]
    pub statuses: Vec<EntityStatus>,
}

fn active_only() -> Vec<EntityStatus> {
    vec![EntityStatus::Active]
}

impl Default for Population {
    fn default() -> Self {
        Population {
            sectors: Vec::new(),
            entity_types: Vec::new(),
            districts: Vec::new(),
            statuses: active_only(),
        }
    }
}

/// A stratum by credit/risk grade, with its sample size rule (DRAW-SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stratum {
    pub name: String,
    pub grades: Vec<Grade>,
    #[serde(default)]
    pub ratio: Option<Ratio>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub minimum: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Officers per inspection; never below 2 (执法人员不得少于两人).
    pub size: u32,
    /// Joint batch: each team has one officer of each of these departments, in this order.
    #[serde(default)]
    pub departments: Vec<String>,
    /// The departments whose officers may be drawn at all (their 执法检查人员名录库);
    /// empty: every department.
    #[serde(default)]
    pub pool: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// 异地: an officer never inspects an entity of their own district.
    #[serde(default)]
    pub cross_district: bool,
    /// Skip entities inspected for one of the batch's matters within this many days.
    #[serde(default)]
    pub exclude_inspected_within_days: Option<u32>,
    /// Never pair an officer with an entity they inspected within this many days.
    #[serde(default)]
    pub no_repeat_pairing_within_days: Option<u32>,
    /// At most this many targets per officer in this batch.
    #[serde(default)]
    pub max_targets_per_officer: Option<u32>,
}

/// Where the randomness will come from, declared before it exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase", deny_unknown_fields)]
pub enum EntropyDeclaration {
    /// Digits rolled in public by named witnesses, each giving `digits` decimal digits.
    Ceremony { witnesses: Vec<String>, digits: u32 },
    /// A future round of a drand chain, identified by its chain hash (hex).
    Drand { chain_hash: String, round: u64 },
}

thread_local! {
    static LENIENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while a plan file (TOML) is being read: ratios and dates may then be written in any
/// accepted spelling. Everywhere else (a commitment's JSON) only the canonical form parses.
fn lenient() -> bool {
    LENIENT.with(std::cell::Cell::get)
}

fn with_lenient<T>(f: impl FnOnce() -> T) -> T {
    LENIENT.with(|l| l.set(true));
    let result = f();
    LENIENT.with(|l| l.set(false));
    result
}

mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Input {
        Text(String),
        Toml(toml::value::Datetime),
    }

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format("%Y-%m-%d").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = match Input::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected a date YYYY-MM-DD"))?
        {
            Input::Text(t) => t,
            Input::Toml(t) => t.to_string(),
        };
        let date = crate::domain::text::date(&text).map_err(serde::de::Error::custom)?;
        if !super::lenient() && date.format("%Y-%m-%d").to_string() != text {
            return Err(serde::de::Error::custom(format!(
                "date '{text}' is not in the canonical form YYYY-MM-DD"
            )));
        }
        Ok(date)
    }
}

impl Plan {
    /// Parses and validates a plan from TOML text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Plan, PlanError> {
        let plan: Result<Plan, _> = with_lenient(|| toml::from_str(text));
        let plan = plan.map_err(|e| PlanError::Syntax {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let plan = plan.normalized().map_err(|problems| PlanError::Invalid {
            file: file.to_string(),
            problems,
        })?;
        Ok(plan)
    }

    /// True when some stratum names the grade.
    pub fn stratum_of(&self, grade: Grade) -> Option<usize> {
        self.strata.iter().position(|s| s.grades.contains(&grade))
    }
}
