//! The batch plan (抽查计划): which matters, which population, how many per stratum, how teams
//! are formed, which constraints hold, and where the randomness will come from. Read from
//! TOML (format in `registries/README.md`), validated, and committed as canonical JSON.

pub mod id;
pub mod ratio;
pub mod stratum;
mod validate;
pub mod version;
pub mod window;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::EntityStatus;
pub use id::BatchId;
pub use ratio::Ratio;
pub use stratum::{Attribute, Attributes, Exclusions, Floor, Stratum};
pub use validate::PlanError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Batch identifier, e.g. `SH-MZ-2026-YL-01`; the rule is `id::BatchId`'s.
    pub id: String,
    pub title: String,
    /// The first day of the inspection window (检查时限): the look-back windows of the
    /// constraints end then, and a result is dated no earlier.
    #[serde(with = "date")]
    pub inspection_date: NaiveDate,
    /// The last day of the inspection window: a result is dated no later, officer cards
    /// must be valid through it, and a target without a result after it is "inspection
    /// overdue". Spec version 3 on (required there); versions 1 and 2 had no such field.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "optional_date"
    )]
    pub inspection_end: Option<NaiveDate>,
    /// Codes of the matters inspected (from the matter list).
    pub matters: Vec<String>,
    #[serde(default)]
    pub population: Population,
    pub strata: Vec<Stratum>,
    /// At least this share of the whole population is drawn (§5.7). Version 4 on: `None`
    /// in a plan of versions 1 to 3 (and a plan file without it), `Some(None)` unset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "stratum::nullable"
    )]
    pub floor: Option<Option<Floor>>,
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
    /// Joint batch: the matters each department of `departments` inspects, whose one
    /// sector its slot's officers must hold (DRAW-SPEC §6.1). Version 5 on: `None` in a
    /// plan of versions 1 to 4, `Some(vec![])` when no department names its own matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_matters: Option<Vec<DepartmentMatters>>,
}

/// The matters one department of a joint batch inspects (联合抽查: each department checks
/// its own matters on the same visit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentMatters {
    pub department: String,
    /// Codes of the matters, each also in the plan's `matters`.
    pub matters: Vec<String>,
}

impl Team {
    /// The department entries (none before version 5).
    pub fn department_matters(&self) -> &[DepartmentMatters] {
        self.department_matters.as_deref().unwrap_or_default()
    }

    /// The matters `department` inspects in this batch, if it names its own.
    pub fn matters_of(&self, department: &str) -> Option<&[String]> {
        self.department_matters()
            .iter()
            .find(|d| d.department == department)
            .map(|d| d.matters.as_slice())
    }
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
    /// Skip entities inspected for one of the batch's matters in the calendar year of the
    /// inspection date (at most once a year). Version 4 on (`None` before, read as false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_inspected_in_year: Option<bool>,
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

/// An optional date in the one form of `date`.
mod optional_date {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        super::date::deserialize(d).map(Some)
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

    /// The last day officer cards must be valid: the window's end (version 3), or the one
    /// inspection day of versions 1 and 2.
    pub fn cards_valid_through(&self) -> NaiveDate {
        self.inspection_end.unwrap_or(self.inspection_date)
    }

    /// The inspection window (first and last day), if the plan names its end: a plan made
    /// for a new commitment must (DRAW-SPEC version 3).
    pub fn window(&self) -> Result<(NaiveDate, NaiveDate), String> {
        match self.inspection_end {
            Some(end) => Ok((self.inspection_date, end)),
            None => Err(format!(
                "plan {} has no inspection_end: a plan names its inspection window, \
                 inspection_date (first day) to inspection_end (last day)",
                self.id
            )),
        }
    }

    /// The stratum an entity belongs to: the first that selects it (DRAW-SPEC §5.2).
    pub fn stratum_of(&self, e: &Attributes<'_>) -> Option<usize> {
        self.strata.iter().position(|s| s.selects(e))
    }

    /// The floor on the whole population, if set.
    pub fn floor(&self) -> Option<&Floor> {
        self.floor.as_ref().and_then(Option::as_ref)
    }

    /// Whether an exclusion rule is set (within N days, or in the calendar year).
    pub fn excludes(&self) -> bool {
        self.constraints.exclude_inspected_within_days.is_some()
            || self.constraints.exclude_inspected_in_year == Some(true)
    }
}
