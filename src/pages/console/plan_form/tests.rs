use super::*;

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn filled() -> Vec<(String, String)> {
    pairs(&[
        ("id", "SH-MZ-2026-T-01"),
        ("title", "养老机构抽查"),
        ("inspection_date", "2026-12-15"),
        ("inspection_end", "2027-01-29"),
        ("matters", "MZ-YL-01"),
        ("sectors", "养老服务"),
        ("entity_types", "养老机构"),
        ("statuses", "正常"),
        ("s0-name", "D级"),
        ("s0-grades", "D"),
        ("s0-ratio", "30%"),
        ("s2-name", "其他"),
        ("s2-ratio", "2%"),
        ("s2-minimum", "1"),
        ("team_size", "2"),
        ("pool", "市民政执法总队、黄浦区民政局"),
        ("cross_district", "on"),
        ("exclude_days", "365"),
        ("entropy", "ceremony"),
        ("witnesses", "陈思远\n林晓岚"),
        ("digits", "6"),
    ])
}

const SAME_PLAN: &str = r#"
id = "SH-MZ-2026-T-01"
title = "养老机构抽查"
inspection_date = "2026-12-15"
inspection_end = "2027-01-29"
matters = ["MZ-YL-01"]
[population]
sectors = ["养老服务"]
entity_types = ["养老机构"]
[[strata]]
name = "D级"
grades = ["D"]
ratio = "30/100"
[[strata]]
name = "其他"
ratio = "2%"
minimum = 1
[team]
size = 2
pool = ["市民政执法总队", "黄浦区民政局"]
[constraints]
cross_district = true
exclude_inspected_within_days = 365
[entropy]
source = "ceremony"
witnesses = ["陈思远", "林晓岚"]
digits = 6
"#;

#[test]
fn a_filled_form_is_the_plan_a_file_would_write() {
    let form = PlanForm::from_pairs(&filled());
    let toml = form.to_toml(Lang::Zh).unwrap();
    assert_eq!(problems(&toml, &form.rows(), Lang::Zh), vec![]);
    let from_form = Plan::from_toml("form", &toml).unwrap();
    let from_file = Plan::from_toml("plan.toml", SAME_PLAN).unwrap();
    assert_eq!(from_form, from_file);
    assert_eq!(form.rows(), vec![0, 2]);
}

#[test]
fn values_that_are_not_a_plans_are_named_on_their_fields_in_chinese() {
    let mut fields = filled();
    fields.push(("s0-count".into(), "三".into()));
    fields.push(("s2-grades".into(), "E".into()));
    fields.retain(|(n, _)| n != "inspection_end");
    let errors = PlanForm::from_pairs(&fields).to_toml(Lang::Zh).unwrap_err();
    let on = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| panic!("no error on {field}: {errors:?}"))
    };
    assert!(on("s0-count").contains("不是整数"));
    assert!(on("s2-grades").starts_with("信用等级须为"));
    assert!(on("inspection_end").starts_with("请填写日期"));
}

#[test]
fn the_plans_own_problems_land_on_their_fields_in_the_pages_language() {
    let mut fields = filled();
    for (n, v) in &mut fields {
        match n.as_str() {
            "team_size" => *v = "1".into(),
            "witnesses" => *v = "陈思远".into(),
            "s2-ratio" | "s2-minimum" => v.clear(),
            _ => {}
        }
    }
    let form = PlanForm::from_pairs(&fields);
    let toml = form.to_toml(Lang::Zh).unwrap();
    let zh = problems(&toml, &form.rows(), Lang::Zh);
    let at = |errors: &[FieldError], field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| panic!("no error on {field}: {errors:?}"))
    };
    assert!(at(&zh, "team_size").contains("执法人员不得少于两人"));
    assert!(at(&zh, "witnesses").contains("至少需要 2 名见证人"));
    // Plan stratum 1 is form row 2.
    assert!(at(&zh, "s2-name").contains("须写明抽取比例或抽取家数"));
    let en = problems(&toml, &form.rows(), Lang::En);
    assert!(at(&en, "s2-name").contains("needs a ratio, a count, or both"));
    assert!(!at(&en, "team_size").contains("每组人数"));
}
