//! A plan's shape under each version of DRAW-SPEC. Version 3 added the window's end
//! (`inspection_end`); version 4 the stratum selectors, splits and exclusions choice, the
//! floor and the calendar-year exclusion; version 5 the strata's `lists` selector and the
//! matters of each department of a joint batch (`team.department_matters`). A plan as read
//! from a file has the fields it wrote; a commitment holds the plan in the shape of its version (`in_shape_of`), and a new
//! commitment is made under the newest, once `check_new` has passed.

use super::Plan;

/// The newest version: the one new commitments are made under.
pub const NEWEST: &str = "5";

/// Whether a plan of `spec_version` has the fields version 4 added (versions 4 and later).
pub fn has_version_4_shape(spec_version: &str) -> bool {
    !matches!(spec_version, "1" | "2" | "3")
}

/// Whether a plan of `spec_version` has the fields version 5 added, the strata's `lists`
/// and `team.department_matters` (and its commitment the `lists` snapshot and source).
pub fn has_version_5_shape(spec_version: &str) -> bool {
    has_version_4_shape(spec_version) && spec_version != "4"
}

impl Plan {
    /// Whether any field version 4 added is present.
    pub fn has_version_4_fields(&self) -> bool {
        self.floor.is_some()
            || self.constraints.exclude_inspected_in_year.is_some()
            || self.strata.iter().any(|s| s.has_version_4_fields())
    }

    /// Whether every field version 4 added is present (as in a version 4 commitment).
    fn has_all_version_4_fields(&self) -> bool {
        self.floor.is_some()
            && self.constraints.exclude_inspected_in_year.is_some()
            && self.strata.iter().all(|s| s.has_all_version_4_fields())
    }

    /// Whether the version 4 fields say nothing a plan of versions 1 to 3 could not.
    fn version_4_fields_are_defaults(&self) -> bool {
        self.floor().is_none()
            && self.constraints.exclude_inspected_in_year != Some(true)
            && self
                .strata
                .iter()
                .all(|s| s.version_4_fields_are_defaults())
    }

    /// Whether any field version 5 added says something (a department names its matters).
    fn has_version_5_content(&self) -> bool {
        !self.team.department_matters().is_empty()
    }

    /// What a plan must satisfy before a new commitment is made of it: it names its
    /// inspection window, and where an exclusion rule is set, every 100% stratum says whether
    /// full coverage or the exclusion wins (never fewer silently). Stored plans of batches
    /// committed before are not held to this (they are rebuilt as they were).
    pub fn check_new(&self) -> Result<(), String> {
        self.window()?;
        let unstated: Vec<String> = self
            .strata
            .iter()
            .enumerate()
            .filter(|(_, s)| s.full_coverage() && s.exclusions.is_none() && self.excludes())
            .map(|(i, s)| format!("strata[{i}]「{}」", s.name))
            .collect();
        if unstated.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} 抽取比例为 100%（全覆盖），但排除规则（constraints.exclude_inspected_within_days 或 \
             exclude_inspected_in_year）会把近期已检查的对象排除在外：请在{}写明 \
             exclusions = \"ignore\"（全覆盖优先，全部检查）或 exclusions = \"apply\"（排除规则优先，\
             少抽的家数会公示）。 / {} {} a ratio of 100% (full coverage) but an exclusion rule \
             would leave recently inspected entities out: state exclusions = \"ignore\" (full \
             coverage wins) or exclusions = \"apply\" (the exclusion wins; how many it left out \
             is shown).",
            unstated.join("、"),
            if unstated.len() == 1 {
                "该分层"
            } else {
                "每个这样的分层"
            },
            unstated.join(", "),
            if unstated.len() == 1 { "has" } else { "have" },
        ))
    }

    /// The plan in the shape of `spec_version`, if it can be written there: versions 4 and 5 with
    /// every version 4 field present (absent ones at their defaults), versions 1 to 3 without
    /// them (only if they say nothing those versions could not); likewise version 5 with every
    /// stratum's `lists` and `team.department_matters` and versions 1 to 4 without (only if
    /// they are empty); versions 3 on name the window's end, 1 and 2 do not.
    pub fn in_shape_of(mut self, spec_version: &str) -> Option<Plan> {
        let names_end = !matches!(spec_version, "1" | "2");
        if self.inspection_end.is_some() != names_end {
            return None;
        }
        let lists = has_version_5_shape(spec_version);
        if !lists
            && (self.has_version_5_content()
                || !self
                    .strata
                    .iter()
                    .all(|s| s.version_5_fields_are_defaults()))
        {
            return None;
        }
        self.strata = self
            .strata
            .into_iter()
            .map(|s| s.with_version_5_fields(lists))
            .collect();
        if lists {
            self.team.department_matters.get_or_insert_with(Vec::new);
        } else {
            self.team.department_matters = None;
        }
        if has_version_4_shape(spec_version) {
            self.floor.get_or_insert(None);
            self.constraints
                .exclude_inspected_in_year
                .get_or_insert(false);
            self.strata = self
                .strata
                .into_iter()
                .map(|s| s.with_version_4_fields())
                .collect();
            return Some(self);
        }
        if !self.version_4_fields_are_defaults() {
            return None;
        }
        self.floor = None;
        self.constraints.exclude_inspected_in_year = None;
        self.strata = self
            .strata
            .into_iter()
            .map(|s| s.without_version_4_fields())
            .collect();
        Some(self)
    }

    /// Why a committed plan does not have the shape of its commitment's `spec_version`, if
    /// it does not.
    pub fn shape_problem(&self, spec_version: &str) -> Option<(&'static str, &'static str)> {
        let names_end = !matches!(spec_version, "1" | "2");
        if self.inspection_end.is_some() != names_end {
            return Some((
                "inspection_end",
                if names_end {
                    "is missing: a plan of version 3 on names its inspection window's last day"
                } else {
                    "is not a field of a version 1 or 2 plan"
                },
            ));
        }
        let lists = has_version_5_shape(spec_version);
        if self.team.department_matters.is_some() != lists {
            return Some((
                "team.department_matters",
                if lists {
                    "is missing: a plan of version 5 on lists it ([] when no department names its matters)"
                } else {
                    "is not a field of a plan before version 5"
                },
            ));
        }
        if lists && !self.strata.iter().all(|s| s.has_version_5_fields()) {
            return Some(("", "lacks a field of a version 5 plan (a stratum's lists)"));
        }
        if !lists && self.strata.iter().any(|s| s.has_version_5_fields()) {
            return Some((
                "",
                "has a field of version 5 (a stratum's lists), which a plan of versions 1 to 4 \
                 does not have",
            ));
        }
        if has_version_4_shape(spec_version) {
            (!self.has_all_version_4_fields()).then_some((
                "",
                "lacks a field of a version 4 plan (floor, constraints.exclude_inspected_in_year, \
                 or a stratum's districts, entity_types, levels, split_by or exclusions)",
            ))
        } else {
            self.has_version_4_fields().then_some((
                "",
                "has a field of version 4 (floor, constraints.exclude_inspected_in_year, or a \
                 stratum's districts, entity_types, levels, split_by or exclusions), which a plan \
                 of versions 1 to 3 does not have",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Exclusions, Plan};

    const PLAN: &str = include_str!("../../tests/fixtures/mini/plan.toml");

    #[test]
    fn a_plan_takes_the_shape_of_each_version_it_can_be_written_in() {
        let plan = Plan::from_toml("p", PLAN).unwrap();
        assert!(!plan.has_version_4_fields());
        let v5 = plan.clone().in_shape_of("5").unwrap();
        assert_eq!(v5.shape_problem("5"), None);
        assert!(v5.shape_problem("4").is_some());
        let v4 = v5.clone().in_shape_of("4").unwrap();
        assert_eq!(v4.shape_problem("4"), None);
        assert!(v4.shape_problem("5").is_some());
        assert!(v4.shape_problem("3").is_some());
        let v3 = v4.clone().in_shape_of("3").unwrap();
        assert_eq!(v3, plan);
        assert_eq!(v3.shape_problem("3"), None);
        assert!(v3.shape_problem("4").is_some());
        assert!(
            plan.clone().in_shape_of("2").is_none(),
            "it names its window's end"
        );

        let mut ignoring = v4.clone();
        ignoring.strata[0].exclusions = Some(Exclusions::Ignore);
        assert!(
            ignoring.in_shape_of("3").is_none(),
            "version 3 cannot say it"
        );
    }

    #[test]
    fn lists_are_version_5s_and_a_stratum_inside_an_earlier_ones_lists_is_shadowed() {
        let text = PLAN.replacen(
            "grades = [\"C\", \"D\"]",
            "grades = [\"C\", \"D\"]\nlists = [\"投诉举报\"]",
            1,
        );
        let plan = Plan::from_toml("p", &text).unwrap();
        let v5 = plan.clone().in_shape_of("5").unwrap();
        assert_eq!(v5.shape_problem("5"), None);
        assert_eq!(
            v5.strata[1].lists,
            Some(Vec::new()),
            "written always, [] when unused"
        );
        assert!(
            plan.clone().in_shape_of("4").is_none(),
            "version 4 cannot say it"
        );
        assert!(v5.shape_problem("4").unwrap().1.contains("version 5"));
        let mut without = v5.clone();
        without.strata[1].lists = None;
        assert!(without.shape_problem("5").unwrap().1.contains("lacks"));
        // Without lists in use, a version 5 plan goes back to version 4 unchanged otherwise.
        let v4 = Plan::from_toml("p", PLAN)
            .unwrap()
            .in_shape_of("5")
            .unwrap();
        assert!(
            v4.in_shape_of("4")
                .unwrap()
                .strata
                .iter()
                .all(|s| s.lists.is_none())
        );

        // Shadowing (§3.1): a later stratum whose lists are inside an earlier one's, the other
        // selectors covered too, can never draw; one naming another list can.
        let mut earlier = v5.strata[0].clone();
        earlier.grades.clear();
        earlier.lists = Some(vec!["活动异常名录".into(), "投诉举报".into()]);
        let mut later = earlier.clone();
        later.lists = Some(vec!["投诉举报".into()]);
        assert!(earlier.shadows(&later));
        later.lists = Some(vec!["严重违法失信名单".into()]);
        assert!(!earlier.shadows(&later));
        later.lists = Some(Vec::new());
        assert!(!earlier.shadows(&later), "any entity, on a list or not");
    }

    #[test]
    fn a_stratum_with_lists_selects_an_entity_on_one_of_them() {
        use crate::domain::{Grade, Level};
        use crate::plan::Attributes;
        let mut s = crate::plan::Stratum::of_grades("s", vec![Grade::C]);
        s.lists = Some(vec!["活动异常名录".into(), "投诉举报".into()]);
        let entity = |grade, lists: &'static [&'static str]| Attributes {
            grade,
            district: "徐汇",
            entity_type: "社会团体",
            authority: "310104",
            level: Level::County,
            lists,
        };
        assert!(s.selects(&entity(Grade::C, &["投诉举报"])));
        assert!(s.selects(&entity(Grade::C, &["严重违法失信名单", "活动异常名录"])));
        assert!(!s.selects(&entity(Grade::C, &["严重违法失信名单"])));
        assert!(!s.selects(&entity(Grade::C, &[])), "on no list");
        assert!(
            !s.selects(&entity(Grade::D, &["投诉举报"])),
            "and of its grade"
        );
        s.lists = Some(Vec::new());
        assert!(s.selects(&entity(Grade::C, &[])), "[]: any entity");
    }

    #[test]
    fn a_full_coverage_stratum_says_which_rule_wins_when_an_exclusion_is_set() {
        let text = PLAN.replace("ratio = \"50%\"", "ratio = \"100%\"");
        let plan = Plan::from_toml("p", &text).unwrap();
        let e = plan.check_new().unwrap_err();
        assert!(
            e.contains("strata[0]「高风险」") && e.contains("exclusions"),
            "{e}"
        );
        for choice in ["ignore", "apply"] {
            let stated = text.replace(
                "ratio = \"100%\"",
                &format!("ratio = \"100%\"\nexclusions = \"{choice}\""),
            );
            Plan::from_toml("p", &stated).unwrap().check_new().unwrap();
        }
        let no_rule = text.replace("exclude_inspected_within_days = 365\n", "");
        Plan::from_toml("p", &no_rule).unwrap().check_new().unwrap();
    }
}
