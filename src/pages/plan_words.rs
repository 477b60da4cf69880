//! A committed plan in plain words, for the announcement (抽查任务公告): who may be drawn,
//! how many per stratum, how teams are formed, which rules hold, and where the randomness
//! will come from. Each line says what DRAW-SPEC §5 and §6 do with the plan's values, in
//! Chinese or English; the values themselves (sector names, grades…) are data and shown as
//! written.

use super::model::{BatchPage, DrandView, Lang};
use super::render::china_time;
use crate::plan::{Attribute, EntropyDeclaration, Plan, Ratio, Stratum};

/// One line of the plan: what it is about, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub label: &'static str,
    pub text: String,
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A list as shown: joined with 、 (or ", "), or "any" when empty.
fn list<T: ToString>(lang: Lang, items: &[T]) -> String {
    if items.is_empty() {
        return pick(lang, "不限", "any").to_string();
    }
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    items.join(pick(lang, "、", ", "))
}

/// The plan's lines, in the order a reader checks them.
pub fn plan_lines(page: &BatchPage, lang: Lang) -> Vec<PlanLine> {
    lines_of(&page.plan, page.drand.as_ref(), lang)
}

/// The lines of a plan, committed or not (the console's draft batch page shows them too),
/// with when its drand round comes if known.
pub fn lines_of(plan: &Plan, drand: Option<&DrandView>, lang: Lang) -> Vec<PlanLine> {
    let mut lines = vec![
        PlanLine {
            label: pick(lang, "抽查范围", "Population"),
            text: population(plan, lang),
        },
        match plan.inspection_end {
            Some(end) => PlanLine {
                label: pick(lang, "检查时限", "Inspection window"),
                text: match lang {
                    Lang::Zh => format!(
                        "{} 至 {end}（执法证须在整个时限内有效）",
                        plan.inspection_date
                    ),
                    Lang::En => format!(
                        "{} to {end} (enforcement cards valid throughout)",
                        plan.inspection_date
                    ),
                },
            },
            None => PlanLine {
                label: pick(lang, "检查日期", "Inspection date"),
                text: plan.inspection_date.to_string(),
            },
        },
    ];
    for i in 0..plan.strata.len() {
        lines.push(PlanLine {
            label: pick(lang, "分层抽取", "Stratum"),
            text: stratum(plan, i, lang),
        });
    }
    if let Some(f) = plan.floor() {
        let r = ratio(&f.ratio);
        lines.push(PlanLine {
            label: pick(lang, "全体最低比例", "Floor"),
            text: match lang {
                Lang::Zh => format!(
                    "{}：全部抽查对象中至少抽取 {r}（向上取整）；各分层合计不足时，从其余未抽中、未被排除的单位中随机补足",
                    f.name
                ),
                Lang::En => format!(
                    "{}: at least {r} of the whole population (rounded up); where the strata draw fewer, the rest are drawn at random from the entities not yet drawn or excluded",
                    f.name
                ),
            },
        });
    }
    lines.push(PlanLine {
        label: pick(lang, "检查组", "Teams"),
        text: team(plan, lang),
    });
    lines.push(PlanLine {
        label: pick(lang, "抽取规则", "Rules"),
        text: constraints(plan, lang),
    });
    lines.push(PlanLine {
        label: pick(lang, "随机数来源", "Entropy source"),
        text: entropy(plan, drand, lang),
    });
    lines
}

fn population(plan: &Plan, lang: Lang) -> String {
    let p = &plan.population;
    let sectors = if p.sectors.is_empty() {
        pick(lang, "抽查事项所属行业领域", "the sectors of the matters").to_string()
    } else {
        list(lang, &p.sectors)
    };
    match lang {
        Lang::Zh => format!(
            "行业领域：{sectors}；主体类型：{}；区：{}；登记状态：{}",
            list(lang, &p.entity_types),
            list(lang, &p.districts),
            list(lang, &p.statuses)
        ),
        Lang::En => format!(
            "sectors: {sectors}; entity types: {}; districts: {}; registration status: {}",
            list(lang, &p.entity_types),
            list(lang, &p.districts),
            list(lang, &p.statuses)
        ),
    }
}

fn ratio(r: &Ratio) -> String {
    if r.denominator == 100 {
        format!("{}%", r.numerator)
    } else {
        r.to_string()
    }
}

/// What a stratum selects: each selector list that is not empty, or "any"; after the first
/// stratum, less those an earlier one took (an entity is in the first that selects it).
fn selector(s: &Stratum, first: bool, lang: Lang) -> String {
    let levels: Vec<&str> = s.levels.iter().flatten().map(|l| l.as_str()).collect();
    let mut parts = Vec::new();
    let mut add = |zh: &str, en: &str, items: String, empty: bool| {
        if !empty {
            parts.push(format!("{} {items}", pick_owned(lang, zh, en)));
        }
    };
    add(
        "信用风险分类",
        "credit grades",
        list(lang, &s.grades),
        s.grades.is_empty(),
    );
    let districts = s.districts.as_deref().unwrap_or(&[]);
    add(
        "区",
        "districts",
        list(lang, districts),
        districts.is_empty(),
    );
    let types = s.entity_types.as_deref().unwrap_or(&[]);
    add(
        "主体类型",
        "entity types",
        list(lang, types),
        types.is_empty(),
    );
    add(
        "登记层级",
        "registration levels",
        list(lang, &levels),
        levels.is_empty(),
    );
    let lists = s.lists.as_deref().unwrap_or(&[]);
    add(
        "列入以下任一名录",
        "on any of the lists",
        list(lang, lists),
        lists.is_empty(),
    );
    if parts.is_empty() {
        return if first {
            pick(lang, "全部单位", "every entity")
        } else {
            pick(lang, "其余全部单位", "every other entity")
        }
        .to_string();
    }
    let except = if first {
        ""
    } else {
        pick(
            lang,
            "（已归入前面分层的除外）",
            " (except those in an earlier stratum)",
        )
    };
    parts.join(pick(lang, "，", ", ")) + except
}

fn pick_owned(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

fn stratum(plan: &Plan, index: usize, lang: Lang) -> String {
    let s = &plan.strata[index];
    let mut rules = Vec::new();
    if let Some(r) = &s.ratio {
        let r = ratio(r);
        rules.push(match lang {
            Lang::Zh => format!("按比例 {r} 抽取（向上取整）"),
            Lang::En => format!("a ratio of {r} (rounded up)"),
        });
    }
    if let Some(c) = s.count {
        rules.push(match lang {
            Lang::Zh => format!("抽取 {c} 家"),
            Lang::En => format!("{c} entities"),
        });
    }
    if let Some(m) = s.minimum {
        rules.push(match lang {
            Lang::Zh => format!("至少 {m} 家"),
            Lang::En => format!("at least {m}"),
        });
    }
    let selected = selector(s, index == 0, lang);
    let largest = if rules.len() > 1 {
        pick(lang, "，取其中最大者", ", the largest of these")
    } else {
        ""
    };
    let mut out = match lang {
        Lang::Zh => format!(
            "{}：{selected}；{}{largest}（不超过可抽取的单位数）",
            s.name,
            rules.join("，")
        ),
        Lang::En => format!(
            "{}: {selected}; {}{largest} (at most the entities eligible)",
            s.name,
            rules.join(", ")
        ),
    };
    let split: Vec<&str> = s
        .split()
        .iter()
        .map(|a| match (lang, a) {
            (Lang::Zh, Attribute::Grade) => "信用风险分类",
            (Lang::Zh, Attribute::District) => "区",
            (Lang::Zh, Attribute::EntityType) => "主体类型",
            (Lang::Zh, Attribute::Level) => "登记层级",
            (Lang::Zh, Attribute::Authority) => "登记机关",
            (Lang::En, a) => a.as_str(),
        })
        .collect();
    if !split.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!("；按{}分别抽取", split.join("、")),
            Lang::En => format!("; drawn separately for each {}", split.join(", ")),
        });
    }
    if plan.excludes() {
        out.push_str(match (s.applies_exclusions(), s.full_coverage()) {
            (false, true) => pick(
                lang,
                "；排除规则对本层不适用（全覆盖优先）",
                "; the exclusion rules do not apply to it (full coverage wins)",
            ),
            (false, false) => pick(
                lang,
                "；排除规则对本层不适用",
                "; the exclusion rules do not apply to it",
            ),
            (true, true) => pick(
                lang,
                "；排除规则优先：近期已检查的单位不抽取，少抽的家数公示",
                "; the exclusion rules win: recently inspected entities are left out, and how many is shown",
            ),
            (true, false) => "",
        });
    }
    out
}

fn team(plan: &Plan, lang: Lang) -> String {
    let t = &plan.team;
    let mut out = match lang {
        Lang::Zh => format!("每组 {} 名执法人员，随机选派", t.size),
        Lang::En => format!("{} officers per team, drawn at random", t.size),
    };
    if !t.departments.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!("；联合检查，各组依次包括：{}", list(lang, &t.departments)),
            Lang::En => format!(
                "; a joint inspection, each team with one officer of: {}",
                list(lang, &t.departments)
            ),
        });
    }
    for d in t.department_matters() {
        out.push_str(&match lang {
            Lang::Zh => format!(
                "；{}检查事项 {}，其组员须持有该事项领域的执法资格",
                d.department,
                list(lang, &d.matters)
            ),
            Lang::En => format!(
                "; {} inspects {}, by an officer qualified in that matter's sector",
                d.department,
                list(lang, &d.matters)
            ),
        });
    }
    if !t.pool.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!("；只从以下部门的执法人员中抽取：{}", list(lang, &t.pool)),
            Lang::En => format!(
                "; officers of these departments only: {}",
                list(lang, &t.pool)
            ),
        });
    }
    out
}

fn constraints(plan: &Plan, lang: Lang) -> String {
    let c = &plan.constraints;
    let mut rules = Vec::new();
    if c.cross_district {
        rules.push(
            pick(
                lang,
                "异地检查：执法人员不检查本区的单位",
                "cross-district: no officer inspects an entity of their own district",
            )
            .to_string(),
        );
    }
    if let Some(n) = c.exclude_inspected_within_days {
        rules.push(match lang {
            Lang::Zh => format!("检查日期前 {n} 天内已就本批事项检查过的单位不再抽取"),
            Lang::En => format!(
                "entities inspected for these matters within {n} days before the inspection date are not drawn"
            ),
        });
    }
    if c.exclude_inspected_in_year == Some(true) {
        rules.push(
            pick(
                lang,
                "检查日期所在自然年度内已就本批事项检查过的单位不再抽取（每年至多一次）",
                "entities inspected for these matters in the calendar year of the inspection date are not drawn (at most once a year)",
            )
            .to_string(),
        );
    }
    if let Some(n) = c.no_repeat_pairing_within_days {
        rules.push(match lang {
            Lang::Zh => format!("{n} 天内检查过该单位的执法人员不再派往该单位"),
            Lang::En => {
                format!("no officer is sent to an entity they inspected within {n} days")
            }
        });
    }
    if let Some(n) = c.max_targets_per_officer {
        rules.push(match lang {
            Lang::Zh => format!("每名执法人员本批最多 {n} 家"),
            Lang::En => format!("at most {n} targets per officer in this batch"),
        });
    }
    rules.push(
        pick(
            lang,
            "回避：声明回避的执法人员不派往相关单位",
            "recusal: no officer is sent to an entity they declared a conflict with",
        )
        .to_string(),
    );
    rules.join(pick(lang, "；", "; "))
}

fn entropy(plan: &Plan, drand: Option<&DrandView>, lang: Lang) -> String {
    match (&plan.entropy, drand) {
        (EntropyDeclaration::Ceremony { witnesses, digits }, _) => match lang {
            Lang::Zh => format!(
                "公开摇号：见证人 {} 各自现场掷出 {digits} 位数字",
                list(lang, witnesses)
            ),
            Lang::En => format!(
                "a public ceremony: witnesses {} each roll {digits} digits",
                list(lang, witnesses)
            ),
        },
        (EntropyDeclaration::Drand { round, .. }, Some(d)) => match lang {
            Lang::Zh => format!(
                "drand 公共随机信标 {} 链第 {round} 轮，预计于 {} 产生",
                d.chain,
                china_time(&d.expected_at)
            ),
            Lang::En => format!(
                "the drand public randomness beacon, chain {}, round {round}, expected at {}",
                d.chain,
                china_time(&d.expected_at)
            ),
        },
        (EntropyDeclaration::Drand { chain_hash, round }, None) => match lang {
            Lang::Zh => format!("drand 公共随机信标 链 {chain_hash} 第 {round} 轮"),
            Lang::En => format!("the drand beacon, chain {chain_hash}, round {round}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joint_team_says_which_department_inspects_which_matters() {
        let text = include_str!("../../registries/shanghai/plans/joint.toml");
        let plan = Plan::from_toml("joint.toml", text).unwrap();
        let zh = team(&plan, Lang::Zh);
        assert!(
            zh.contains("联合检查，各组依次包括：市民政执法总队、市消防救援总队"),
            "{zh}"
        );
        assert!(
            zh.contains("；市消防救援总队检查事项 XF-YL-01，其组员须持有"),
            "{zh}"
        );
        let en = team(&plan, Lang::En);
        assert!(en.contains("市消防救援总队 inspects XF-YL-01"), "{en}");
        let mut plain = plan.clone();
        plain.team.department_matters = None;
        assert!(!team(&plain, Lang::Zh).contains("检查事项"));
    }

    #[test]
    fn a_stratum_with_lists_reads_in_both_languages() {
        let mut s = Stratum::of_grades("投诉举报", vec![crate::domain::Grade::C]);
        s.lists = Some(vec!["投诉举报".into(), "活动异常名录".into()]);
        assert_eq!(
            selector(&s, true, Lang::Zh),
            "信用风险分类 C，列入以下任一名录 投诉举报、活动异常名录"
        );
        assert_eq!(
            selector(&s, false, Lang::En),
            "credit grades C, on any of the lists 投诉举报, 活动异常名录 (except those in an \
             earlier stratum)"
        );
        s.lists = Some(Vec::new());
        assert_eq!(
            selector(&s, true, Lang::Zh),
            "信用风险分类 C",
            "[]: not said"
        );
    }
}
