//! Strata (DRAW-SPEC §3, §5): which entities a stratum selects, how it splits into parts, how
//! many each part draws, and whether the exclusion rules apply to it; and the plan's floor
//! on its whole population. The fields versions 4 and 5 added are `Option`s: `None` in a plan
//! of an earlier version (and where a plan file leaves them out), read as their defaults.

use serde::{Deserialize, Serialize};

use crate::domain::{Grade, Level};

use super::Ratio;

/// A stratum: its selector (an empty list selects any value), its split, its sample size
/// rule and its exclusions choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stratum {
    pub name: String,
    /// Credit grades selected; versions 1 to 3: at least one, each in one stratum only.
    #[serde(default)]
    pub grades: Vec<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub districts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<Level>>,
    /// Version 5: named lists (名录); an entity on at least one of them is selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists: Option<Vec<String>>,
    /// One part per value of these attributes (§5.3); empty or absent: one part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_by: Option<Vec<Attribute>>,
    #[serde(default)]
    pub ratio: Option<Ratio>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub minimum: Option<u64>,
    /// Whether the exclusion rules leave entities out of this stratum (absent: they do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusions: Option<Exclusions>,
}

/// An attribute of an entity a stratum can split by (§5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Grade,
    District,
    EntityType,
    Level,
    /// The registering authority's area code (USCC characters 3 to 8).
    Authority,
}

impl Attribute {
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::Grade => "grade",
            Attribute::District => "district",
            Attribute::EntityType => "entity_type",
            Attribute::Level => "level",
            Attribute::Authority => "authority",
        }
    }
}

/// Whether the exclusion rules (inspected within N days, inspected this calendar year) leave
/// entities out of a stratum's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exclusions {
    /// They do (the default): a 100% stratum then draws every entity not excluded.
    Apply,
    /// They do not: full coverage wins, every entity the stratum selects can be drawn.
    Ignore,
}

/// The plan's floor: at least `ratio` of the whole population is drawn (§5.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    pub name: String,
    pub ratio: Ratio,
}

/// The selector-relevant facts of one entity (§5.2).
pub struct Attributes<'a> {
    pub grade: Grade,
    pub district: &'a str,
    pub entity_type: &'a str,
    pub authority: &'a str,
    pub level: Level,
    /// The lists the entity is on (version 5; not a `split_by` attribute).
    pub lists: &'a [&'a str],
}

impl<'a> Attributes<'a> {
    /// The attribute's value as text (the part key of §5.3).
    pub fn value(&self, attribute: Attribute) -> &'a str {
        match attribute {
            Attribute::Grade => self.grade.as_str(),
            Attribute::District => self.district,
            Attribute::EntityType => self.entity_type,
            Attribute::Level => self.level.as_str(),
            Attribute::Authority => self.authority,
        }
    }
}

fn any_text(list: Option<&[String]>, value: &str) -> bool {
    list.is_none_or(|l| l.is_empty() || l.iter().any(|v| v == value))
}

impl Stratum {
    /// A stratum of these grades and no other selector or rule yet (set `ratio` or `count`):
    /// the form strata had before version 4.
    pub fn of_grades(name: &str, grades: Vec<Grade>) -> Stratum {
        Stratum {
            name: name.to_string(),
            grades,
            districts: None,
            entity_types: None,
            levels: None,
            lists: None,
            split_by: None,
            ratio: None,
            count: None,
            minimum: None,
            exclusions: None,
        }
    }

    /// Whether the stratum selects an entity with these attributes (§5.2).
    pub fn selects(&self, e: &Attributes<'_>) -> bool {
        (self.grades.is_empty() || self.grades.contains(&e.grade))
            && any_text(self.districts.as_deref(), e.district)
            && any_text(self.entity_types.as_deref(), e.entity_type)
            && self
                .levels
                .as_ref()
                .is_none_or(|l| l.is_empty() || l.contains(&e.level))
            && self
                .lists
                .as_ref()
                .is_none_or(|l| l.is_empty() || e.lists.iter().any(|on| l.iter().any(|n| n == on)))
    }

    /// The attributes the stratum splits by (none: one part).
    pub fn split(&self) -> &[Attribute] {
        self.split_by.as_deref().unwrap_or(&[])
    }

    /// Whether the exclusion rules apply to this stratum.
    pub fn applies_exclusions(&self) -> bool {
        self.exclusions != Some(Exclusions::Ignore)
    }

    /// Whether the stratum asks for every entity (a ratio of 100%).
    pub fn full_coverage(&self) -> bool {
        self.ratio.is_some_and(|r| r.numerator == r.denominator)
    }

    /// Whether `self` (an earlier stratum) selects every entity `later` selects, so that
    /// `later` could never draw (DRAW-SPEC §3.1, version 4).
    pub fn shadows(&self, later: &Stratum) -> bool {
        fn covers<T: PartialEq>(earlier: &[T], later: &[T]) -> bool {
            earlier.is_empty() || (!later.is_empty() && later.iter().all(|v| earlier.contains(v)))
        }
        covers(&self.grades, &later.grades)
            && covers(
                self.districts.as_deref().unwrap_or(&[]),
                later.districts.as_deref().unwrap_or(&[]),
            )
            && covers(
                self.entity_types.as_deref().unwrap_or(&[]),
                later.entity_types.as_deref().unwrap_or(&[]),
            )
            && covers(
                self.levels.as_deref().unwrap_or(&[]),
                later.levels.as_deref().unwrap_or(&[]),
            )
            && covers(
                self.lists.as_deref().unwrap_or(&[]),
                later.lists.as_deref().unwrap_or(&[]),
            )
    }

    /// Whether the version 5 field is present.
    pub fn has_version_5_fields(&self) -> bool {
        self.lists.is_some()
    }

    /// Whether the version 5 field says nothing an earlier stratum could not (absent or empty).
    pub fn version_5_fields_are_defaults(&self) -> bool {
        self.lists.as_ref().is_none_or(Vec::is_empty)
    }

    /// Whether any field version 4 added is present.
    pub fn has_version_4_fields(&self) -> bool {
        self.districts.is_some()
            || self.entity_types.is_some()
            || self.levels.is_some()
            || self.split_by.is_some()
            || self.exclusions.is_some()
    }

    /// Whether every field version 4 added is present.
    pub fn has_all_version_4_fields(&self) -> bool {
        self.districts.is_some()
            && self.entity_types.is_some()
            && self.levels.is_some()
            && self.split_by.is_some()
            && self.exclusions.is_some()
    }

    /// Whether the version 4 fields say nothing a version 1 to 3 stratum could not (absent,
    /// empty, or `exclusions = "apply"`).
    pub fn version_4_fields_are_defaults(&self) -> bool {
        self.districts.as_ref().is_none_or(Vec::is_empty)
            && self.entity_types.as_ref().is_none_or(Vec::is_empty)
            && self.levels.as_ref().is_none_or(Vec::is_empty)
            && self.split_by.as_ref().is_none_or(Vec::is_empty)
            && self.exclusions != Some(Exclusions::Ignore)
    }

    /// The stratum with every version 4 field present (absent ones at their defaults).
    pub fn with_version_4_fields(mut self) -> Stratum {
        self.districts.get_or_insert_with(Vec::new);
        self.entity_types.get_or_insert_with(Vec::new);
        self.levels.get_or_insert_with(Vec::new);
        self.split_by.get_or_insert_with(Vec::new);
        self.exclusions.get_or_insert(Exclusions::Apply);
        self
    }

    /// The stratum with (`true`) or without its version 5 field, `lists` (`[]` when absent).
    pub fn with_version_5_fields(mut self, present: bool) -> Stratum {
        if present {
            self.lists.get_or_insert_with(Vec::new);
        } else {
            self.lists = None;
        }
        self
    }

    /// The stratum without the version 4 fields.
    pub fn without_version_4_fields(mut self) -> Stratum {
        self.districts = None;
        self.entity_types = None;
        self.levels = None;
        self.split_by = None;
        self.exclusions = None;
        self
    }
}

/// A value that is absent (`None`), null (`Some(None)`) or set: version 4's `floor` is
/// always written, as null when unset, and a plan of versions 1 to 3 has no such field.
pub(super) mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(v)) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
