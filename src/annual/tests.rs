//! The annual plan's checker and its coverage, with figures computed by hand.

use super::coverage::{Drawn, Member, coverage, percent};
use super::*;

const FILE: &str = r#"
id = "SH-MZ-2026"
department = "上海市民政局"
year = 2026
title = "2026年度抽查工作计划"
basis = "民发〔2017〕45号"
batches = ["A", "B"]

[[floors]]
sector = "社会组织"
level = "省级"
share = "5%"
source = "民发〔2017〕45号 第五条"

[[floors]]
sector = "社会组织"
level = "县级"
share = "3%"
source = "民发〔2017〕45号 第五条"
"#;

fn plan() -> AnnualPlan {
    parse("2026.toml", FILE).unwrap()
}

#[test]
fn a_plan_file_reads_and_its_event_reads_back() {
    let p = plan();
    assert_eq!(p.id.as_str(), "SH-MZ-2026");
    assert_eq!(p.year, 2026);
    assert_eq!(p.floors.len(), 2);
    assert_eq!(p.floors[0].share.to_string(), "5/100");
    let event = p.to_event(3);
    let (back, version) = from_event("entry 7", event.as_object().unwrap()).unwrap();
    assert_eq!(back, p);
    assert_eq!(version, 3);
}

#[test]
fn without_floors_the_default_floors_of_min_fa_2017_45_apply() {
    let text = FILE.split("[[floors]]").next().unwrap();
    let p = parse("2026.toml", text).unwrap();
    let shares: Vec<(Level, String)> = p
        .floors
        .iter()
        .map(|f| (f.level, f.share.to_string()))
        .collect();
    assert_eq!(
        shares,
        [
            (Level::County, "3/100".to_string()),
            (Level::Prefecture, "4/100".to_string()),
            (Level::Province, "5/100".to_string()),
            (Level::Ministry, "10/100".to_string()),
        ]
    );
    assert!(p.floors.iter().all(|f| f.sector == SOCIAL_ORGS));
}

#[test]
fn errors_name_the_file_and_field_in_chinese_first() {
    let cases = [
        (
            FILE.replace("year = 2026", "year = 1900"),
            "year",
            "年度 1900",
        ),
        (
            FILE.replace(r#"["A", "B"]"#, r#"["A", "A"]"#),
            "batches[1]",
            "批次 A 重复列出",
        ),
        (
            FILE.replace(r#"["A", "B"]"#, r#"["A", "b/c"]"#),
            "batches[1]",
            "批次编号无效",
        ),
        (
            FILE.replacen(r#"level = "省级""#, r#"level = "乡级""#, 1),
            "floors[0].level",
            "登记层级无效",
        ),
        (
            FILE.replacen(r#"share = "5%""#, r#"share = "0.05""#, 1),
            "floors[0].share",
            "比例无效",
        ),
        (
            FILE.replacen(r#"level = "县级""#, r#"level = "省级""#, 1),
            "floors[1].level",
            "底线重复",
        ),
        (
            FILE.replace("department = \"上海市民政局\"", "department = \" \""),
            "department",
            "须为非空文本",
        ),
        (
            format!("{FILE}\nextra = 1\n"),
            "byte",
            "不是有效的年度抽查计划文件",
        ),
    ];
    for (text, field, zh) in cases {
        let e = parse("2026.toml", &text).unwrap_err();
        assert!(e.field.starts_with(field), "{e}");
        let shown = e.to_string();
        assert!(shown.starts_with("2026.toml: "), "{shown}");
        assert!(shown.contains(zh), "{shown}");
        assert!(shown.find(zh) < shown.find('（'), "Chinese first: {shown}");
    }
}

#[test]
fn a_new_version_keeps_department_year_and_batches_and_changes_something() {
    let p = plan();
    let mut more = p.clone();
    more.batches.push(BatchId::parse("C").unwrap());
    assert!(more.amends(&p).is_ok());
    assert!(p.amends(&more).unwrap_err().contains("删去了批次 C"));
    assert!(p.amends(&p).unwrap_err().contains("相同"));
    let mut other = more.clone();
    other.year = 2027;
    assert!(other.amends(&p).unwrap_err().contains("部门和年度不能更改"));
}

fn members(prefix: &str, sector: &str, district: &str, n: usize) -> Vec<Member> {
    (0..n)
        .map(|i| Member {
            uscc: format!("51{prefix}{i:09}X"),
            name: format!("{district}{i}"),
            sector: sector.into(),
            district: district.into(),
        })
        .collect()
}

fn drawn(batch: &str, uscc: &str, inspected: bool) -> Drawn {
    Drawn {
        batch: batch.into(),
        uscc: uscc.into(),
        inspected,
    }
}

#[test]
fn percentages_are_exact_and_rounded_half_up() {
    assert_eq!(percent(2, 40), "5.00");
    assert_eq!(percent(1, 34), "2.94");
    assert_eq!(percent(3, 44), "6.82");
    assert_eq!(percent(1, 8), "12.50");
    assert_eq!(percent(1, 0), "");
}

/// 40 organisations registered by the city (5%: 2 needed), 34 by 徐汇区 and 10 by 长宁区
/// (3%: ⌈1.02⌉ = 2 and ⌈0.3⌉ = 1 needed), 5 elderly-care homes (no floor).
#[test]
fn coverage_per_level_and_district_against_the_floors() {
    let city = members("310000", "社会组织", "黄浦区", 40);
    let xuhui = members("310104", "社会组织", "徐汇区", 34);
    let changning = members("310105", "社会组织", "长宁区", 10);
    let mut homes = members("310104", "养老服务", "徐汇区", 5);
    for h in &mut homes {
        h.uscc.replace_range(0..2, "52");
    }
    let population: Vec<Member> = [&city, &xuhui, &changning, &homes]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let targets = vec![
        drawn("A", &city[0].uscc, true),
        drawn("A", &city[1].uscc, true),
        drawn("A", &city[2].uscc, false),
        drawn("A", &xuhui[0].uscc, true),
        drawn("B", &xuhui[1].uscc, false),
        // Drawn twice in the year, inspected in B only.
        drawn("A", &changning[0].uscc, false),
        drawn("B", &changning[0].uscc, true),
        drawn("B", &homes[0].uscc, false),
        // Gone from the directory since.
        drawn("B", "51310104999999999X", true),
    ];
    let c = coverage(&plan(), &population, &targets);
    let line = |r: &coverage::CoverageRow| {
        format!(
            "{} {} {} {} {}/{}/{} {}% {}% floor {:?} need {:?} met {:?} as drawn {:?}",
            r.sector,
            r.level,
            r.authority,
            r.district,
            r.population,
            r.drawn,
            r.inspected,
            r.inspected_percent,
            r.drawn_percent,
            r.floor_percent,
            r.required,
            r.met,
            r.met_as_drawn
        )
    };
    let lines: Vec<String> = c.rows.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            "社会组织 省级   40/3/2 5.00% 7.50% floor Some(\"5.00\") need Some(2) met Some(true) as drawn Some(true)",
            "社会组织 县级   44/3/2 4.55% 6.82% floor Some(\"3.00\") need Some(3) met Some(false) as drawn Some(true)",
            "社会组织 县级 310104 徐汇区 34/2/1 2.94% 5.88% floor Some(\"3.00\") need Some(2) met Some(false) as drawn Some(true)",
            "社会组织 县级 310105 长宁区 10/1/1 10.00% 10.00% floor Some(\"3.00\") need Some(1) met Some(true) as drawn Some(true)",
            "养老服务 县级   5/1/0 0.00% 20.00% floor None need None met None as drawn None",
            "养老服务 县级 310104 徐汇区 5/1/0 0.00% 20.00% floor None need None met None as drawn None",
        ]
    );
    assert!(!c.all_met, "徐汇区 has 1 of the 2 it needs");
    assert!(c.all_met_as_drawn);
    assert_eq!(c.outside, 1);
    assert_eq!(c.repeats.len(), 1);
    assert_eq!(c.repeats[0].uscc, changning[0].uscc);
    assert_eq!(c.repeats[0].drawn_in, ["A", "B"]);
    assert_eq!(c.repeats[0].inspected_in, ["B"]);
}
