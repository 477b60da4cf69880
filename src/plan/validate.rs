//! The rules a plan must meet on its own (DRAW-SPEC §3). Rules that need the directory
//! (matters exist, departments exist) are checked when the commitment is made.

use std::collections::HashSet;

use crate::domain::text;
use crate::registry::parse::identifier;

use super::{BatchId, EntropyDeclaration, Plan};

/// Most officers a team may have.
pub const MAX_TEAM_SIZE: u32 = 10;
/// The longest inspection window, in days after its first day: a batch is inspected within
/// a year of its start.
pub const MAX_INSPECTION_WINDOW_DAYS: i64 = 366;
/// Largest integer a committed plan may hold: RFC 8785 writes integers exactly only up to
/// 2^53 − 1 (DRAW-SPEC conventions).
pub const MAX_INTEGER: u64 = (1 << 53) - 1;
/// Longest look-back window, in days.
pub const MAX_WINDOW_DAYS: u32 = 3660;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {}", problems.join("; "))]
    Invalid { file: String, problems: Vec<String> },
}

struct Problems(Vec<String>);

impl Problems {
    fn text(&mut self, field: &str, value: &mut String) {
        match text::required(value) {
            Ok(v) => *value = v,
            Err(e) => {
                let zh = if value.trim().is_empty() {
                    "不能为空"
                } else {
                    "过长或含有控制字符"
                };
                self.0.push(format!("{field} {zh} / {field} {e}"));
            }
        }
    }

    fn texts(&mut self, field: &str, values: &mut [String]) {
        let mut seen = HashSet::new();
        for (i, v) in values.iter_mut().enumerate() {
            self.text(&format!("{field}[{i}]"), v);
            if !seen.insert(v.clone()) {
                self.0
                    .push(format!("{field}「{v}」重复 / {field} lists '{v}' twice"));
            }
        }
    }

    fn distinct<T: std::fmt::Display + Eq + std::hash::Hash>(&mut self, field: &str, values: &[T]) {
        let mut seen = HashSet::new();
        for v in values {
            if !seen.insert(v) {
                self.0.push(format!("{field} lists '{v}' twice"));
            }
        }
    }

    fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        if !ok {
            self.0.push(message());
        }
    }
}

impl Plan {
    /// Trims and NFC-normalises every text and checks every self-contained rule, those of
    /// version 4 (a plan file's, or one made for a new commitment). Returns every problem
    /// found, each naming its field.
    pub fn normalized(self) -> Result<Plan, Vec<String>> {
        self.normalized_as(true)
    }

    /// As `normalized`, under the rules of version 4 or, when `version_4` is false, of
    /// versions 1 to 3 (every stratum names its grades, each grade in one stratum only).
    pub fn normalized_as(mut self, version_4: bool) -> Result<Plan, Vec<String>> {
        let mut p = Problems(Vec::new());
        match text::required(&self.id).and_then(|id| BatchId::parse(&id)) {
            Ok(id) => self.id = id.to_string(),
            Err(e) => p.0.push(format!(
                "id 批次编号须为 1 至 64 个字符（字母、数字、. _ -，以字母或数字开头） / id {e}"
            )),
        }
        p.text("title", &mut self.title);
        if let Some(end) = self.inspection_end {
            let days = (end - self.inspection_date).num_days();
            p.check((0..=MAX_INSPECTION_WINDOW_DAYS).contains(&days), || {
                format!(
                    "inspection_end 检查时限末日 {end} 须不早于首日 {0}，且至多在其后 {MAX_INSPECTION_WINDOW_DAYS} 天 / \
                     inspection_end {end} must be on or after inspection_date {0} and at most {MAX_INSPECTION_WINDOW_DAYS} days after it",
                    self.inspection_date
                )
            });
        }
        p.check(!self.matters.is_empty(), || {
            "matters 至少写明一个抽查事项编码 / matters is empty: name at least one matter code"
                .into()
        });
        for (i, m) in self.matters.iter_mut().enumerate() {
            match identifier(m) {
                Ok(code) => *m = code,
                Err(e) => p.0.push(format!("matters[{i}] {e}")),
            }
        }
        let mut codes = HashSet::new();
        for m in &self.matters {
            p.check(codes.insert(m.clone()), || {
                format!("matters 事项「{m}」重复 / matters lists '{m}' twice")
            });
        }
        p.texts("population.sectors", &mut self.population.sectors);
        p.texts("population.entity_types", &mut self.population.entity_types);
        p.texts("population.districts", &mut self.population.districts);
        p.check(!self.population.statuses.is_empty(), || {
            "population.statuses is empty: name at least one status (usually 正常)".into()
        });
        let statuses: HashSet<_> = self.population.statuses.iter().collect();
        p.check(statuses.len() == self.population.statuses.len(), || {
            "population.statuses lists a status twice".into()
        });

        p.check(!self.strata.is_empty(), || {
            "strata 至少定义一个分层 / strata is empty: define at least one [[strata]]".into()
        });
        let mut names = HashSet::new();
        let mut graded = HashSet::new();
        for (i, s) in self.strata.iter_mut().enumerate() {
            let at = format!("strata[{i}]");
            p.text(&format!("{at}.name"), &mut s.name);
            p.check(names.insert(s.name.clone()), || {
                format!(
                    "{at}.name 分层名称「{0}」重复 / {at}.name '{0}' is used twice",
                    s.name
                )
            });
            if version_4 {
                p.distinct(&format!("{at}.grades"), &s.grades);
                for (field, list) in [
                    ("districts", &mut s.districts),
                    ("entity_types", &mut s.entity_types),
                    ("lists", &mut s.lists),
                ] {
                    if let Some(list) = list {
                        p.texts(&format!("{at}.{field}"), list);
                    }
                }
                p.distinct(&format!("{at}.levels"), s.levels.as_deref().unwrap_or(&[]));
                p.distinct(
                    &format!("{at}.split_by"),
                    &s.split_by
                        .iter()
                        .flatten()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>(),
                );
            } else {
                p.check(!s.grades.is_empty(), || format!("{at}.grades is empty"));
                for g in &s.grades {
                    p.check(graded.insert(*g), || {
                        format!(
                            "{at}.grades: grade {g} is already in another stratum or listed twice"
                        )
                    });
                }
            }
            p.check(s.ratio.is_some() || s.count.is_some(), || {
                format!(
                    "{at} 须写明抽取比例或抽取家数（或两者） / {at} needs a ratio, a count, or both"
                )
            });
            p.check(s.count != Some(0), || {
                format!("{at}.count 抽取家数至少为 1 / {at}.count must be at least 1")
            });
            for (field, value) in [("count", s.count), ("minimum", s.minimum)] {
                p.check(value.is_none_or(|v| v <= MAX_INTEGER), || {
                    format!("{at}.{field} must be at most {MAX_INTEGER}")
                });
            }
        }
        if version_4 {
            for (j, later) in self.strata.iter().enumerate() {
                if let Some(i) = self.strata[..j].iter().position(|s| s.shadows(later)) {
                    p.0.push(format!(
                        "strata[{j}]「{0}」永远抽不到：排在前面的 strata[{i}]「{1}」已选中它的全部对象\
                         （对象属于第一个选中它的分层）；请把范围较窄的分层放在前面，或合并两者 / \
                         strata[{j}] '{0}' can never draw: strata[{i}] '{1}' comes first and selects \
                         every entity it selects (an entity belongs to the first stratum that \
                         selects it); put the narrower stratum first, or merge the two if \
                         they select the same entities",
                        later.name, self.strata[i].name
                    ));
                }
            }
        }
        if let Some(Some(floor)) = &mut self.floor {
            p.text("floor.name", &mut floor.name);
            p.check(!names.contains(&floor.name), || {
                format!("floor.name '{}' is also the name of a stratum", floor.name)
            });
        }

        let t = &mut self.team;
        p.check((2..=MAX_TEAM_SIZE).contains(&t.size), || {
            format!(
                "team.size 每组人数为 {0}：执法人员不得少于两人，至多 {MAX_TEAM_SIZE} 人 / \
                 team.size is {0}: a team has at least 2 officers (执法人员不得少于两人) and at most {MAX_TEAM_SIZE}",
                t.size
            )
        });
        p.texts("team.departments", &mut t.departments);
        p.texts("team.pool", &mut t.pool);
        for d in &t.departments {
            p.check(t.pool.is_empty() || t.pool.contains(d), || {
                format!(
                    "team.departments 部门「{d}」不在 team.pool 中 / team.departments: '{d}' is not in team.pool"
                )
            });
        }
        p.check(t.departments.len() as u64 <= u64::from(t.size), || {
            format!(
                "team.departments names {} departments but team.size is {}",
                t.departments.len(),
                t.size
            )
        });
        // One form for one plan: entries in the order of team.departments, each entry's
        // matters in the order of the plan's matters (so the commitment hash does not depend
        // on how the file ordered them).
        let position = |list: &[String], v: &String| list.iter().position(|x| x == v);
        let entries = t.department_matters.as_deref().unwrap_or_default();
        let departments_in_order = entries.windows(2).all(|w| {
            position(&t.departments, &w[0].department) < position(&t.departments, &w[1].department)
        });
        p.check(departments_in_order, || {
            "team.department_matters: list the departments in the order of team.departments".into()
        });
        for (i, d) in entries.iter().enumerate() {
            let in_order = d
                .matters
                .windows(2)
                .all(|w| position(&self.matters, &w[0]) < position(&self.matters, &w[1]));
            p.check(in_order, || {
                format!("team.department_matters[{i}].matters: list the matters in the order of the plan's matters")
            });
        }
        // The population's sectors are named, not taken from every matter: a department's
        // own matters are of its officers' sector (消防安全), not of the entities inspected.
        p.check(entries.is_empty() || !self.population.sectors.is_empty(), || {
            "population.sectors is empty: a joint batch whose departments name their own matters \
             names the sectors of the entities it draws (联合抽查须写明 population.sectors)"
                .into()
        });
        let mut named = HashSet::new();
        let mut claimed: HashSet<String> = HashSet::new();
        for (i, d) in t.department_matters.iter_mut().flatten().enumerate() {
            let field = format!("team.department_matters[{i}]");
            p.text(&format!("{field}.department"), &mut d.department);
            p.check(t.departments.contains(&d.department), || {
                format!(
                    "{field}.department: '{}' is not in team.departments (联合抽查的每个部门须在 team.departments 中占一个组员位置)",
                    d.department
                )
            });
            p.check(named.insert(d.department.clone()), || {
                format!("{field}.department: '{}' is named twice", d.department)
            });
            p.check(!d.matters.is_empty(), || {
                format!("{field}.matters: a department names at least one matter")
            });
            for (j, code) in d.matters.iter_mut().enumerate() {
                match identifier(code) {
                    Ok(normal) => *code = normal,
                    Err(e) => p.0.push(format!("{field}.matters[{j}] {e}")),
                }
                p.check(self.matters.contains(code), || {
                    format!("{field}.matters[{j}]: '{code}' is not one of the batch's matters")
                });
                p.check(claimed.insert(code.clone()), || {
                    format!("{field}.matters[{j}]: '{code}' is named by two departments or twice")
                });
            }
        }

        let c = &self.constraints;
        for (name, days) in [
            (
                "exclude_inspected_within_days",
                c.exclude_inspected_within_days,
            ),
            (
                "no_repeat_pairing_within_days",
                c.no_repeat_pairing_within_days,
            ),
        ] {
            p.check(
                days.is_none_or(|d| (1..=MAX_WINDOW_DAYS).contains(&d)),
                || {
                    format!(
                        "constraints.{name} 天数须在 1 至 {MAX_WINDOW_DAYS} 之间 / \
                         constraints.{name} must be between 1 and {MAX_WINDOW_DAYS}"
                    )
                },
            );
        }
        p.check(c.max_targets_per_officer != Some(0), || {
            "constraints.max_targets_per_officer 每人最多家数至少为 1 / \
             constraints.max_targets_per_officer must be at least 1"
                .into()
        });

        match &mut self.entropy {
            EntropyDeclaration::Ceremony { witnesses, digits } => {
                p.check(witnesses.len() >= 2, || {
                    "entropy.witnesses 摇号仪式至少需要 2 名见证人 / \
                     entropy.witnesses: a ceremony needs at least 2 witnesses"
                        .into()
                });
                p.texts("entropy.witnesses", witnesses);
                for w in witnesses.iter() {
                    p.check(!w.contains([',', '=', '，']), || {
                        format!(
                            "entropy.witnesses 见证人「{w}」不能含有 ',' '，' 或 '=' / \
                             entropy.witnesses: '{w}' may not contain ',', '，' or '='"
                        )
                    });
                }
                p.check((1..=100).contains(digits), || {
                    "entropy.digits 每人数字位数须在 1 至 100 之间 / \
                     entropy.digits must be between 1 and 100"
                        .into()
                });
            }
            EntropyDeclaration::Drand { chain_hash, round } => {
                *chain_hash = chain_hash.trim().to_ascii_lowercase();
                p.check(
                    chain_hash.len() == 64 && chain_hash.bytes().all(|b| b.is_ascii_hexdigit()),
                    || {
                        "entropy.chain_hash 须为 64 位十六进制数 / \
                         entropy.chain_hash must be 64 hexadecimal digits"
                            .into()
                    },
                );
                p.check((1..=MAX_INTEGER).contains(round), || {
                    format!(
                        "entropy.round 轮次须在 1 至 {MAX_INTEGER} 之间 / \
                         entropy.round must be between 1 and {MAX_INTEGER}"
                    )
                });
            }
        }
        if p.0.is_empty() { Ok(self) } else { Err(p.0) }
    }
}

#[cfg(test)]
mod tests;
