//! The version 4 rules on strata and the floor, beside the rules of versions 1 to 3.

use super::super::Plan;

const PLAN: &str = include_str!("../../../tests/fixtures/strata/plan.toml");

fn problems(text: &str) -> String {
    Plan::from_toml("p.toml", text).unwrap_err().to_string()
}

#[test]
fn the_fixture_plan_passes_and_keeps_what_it_wrote() {
    let plan = Plan::from_toml("p.toml", PLAN).unwrap();
    assert_eq!(plan.strata.len(), 4);
    assert_eq!(plan.floor().unwrap().ratio.to_string(), "20/100");
    assert_eq!(plan.constraints.exclude_inspected_in_year, Some(true));
    plan.check_new().unwrap();
}

#[test]
fn a_stratum_an_earlier_one_covers_is_refused_naming_both() {
    // Every 县级 entity of 黄浦 is already selected by an earlier stratum of every 县级 entity.
    let text = PLAN.replace(
        "[[strata]]\nname = \"区级登记\"",
        "[[strata]]\nname = \"县级全部\"\nlevels = [\"县级\"]\nratio = \"1%\"\n\n[[strata]]\nname = \"区级登记\"",
    );
    let e = problems(&text);
    assert!(
        e.contains("strata[4] '区级登记' can never draw: strata[3] '县级全部'"),
        "{e}"
    );
    // A stratum selecting everything must come last.
    let text = PLAN.replace(
        "[[strata]]\nname = \"D级全覆盖\"",
        "[[strata]]\nname = \"全部\"\nratio = \"1%\"\n\n[[strata]]\nname = \"D级全覆盖\"",
    );
    assert!(problems(&text).contains("strata[1] 'D级全覆盖' can never draw: strata[0] '全部'"));
}

#[test]
fn repeated_values_unknown_levels_and_attributes_and_a_clashing_floor_are_refused() {
    let e = problems(&PLAN.replace(
        "districts = [\"黄浦\", \"徐汇\", \"静安\"]",
        "districts = [\"黄浦\", \"黄浦\"]",
    ));
    assert!(e.contains("strata[3].districts lists '黄浦' twice"), "{e}");
    let e = problems(&PLAN.replace("levels = [\"县级\"]", "levels = [\"县级\", \"县级\"]"));
    assert!(e.contains("strata[3].levels lists '县级' twice"), "{e}");
    let e = problems(&PLAN.replace("levels = [\"县级\"]", "levels = [\"区级\"]"));
    assert!(e.contains("区级"), "{e}");
    let e = problems(&PLAN.replace("split_by = [\"district\"]", "split_by = [\"street\"]"));
    assert!(e.contains("street"), "{e}");
    let e = problems(&PLAN.replace("name = \"全体不低于20%\"", "name = \"市级登记\""));
    assert!(
        e.contains("floor.name '市级登记' is also the name of a stratum"),
        "{e}"
    );
    let e = problems(&PLAN.replace("ratio = \"20%\"", "ratio = \"0%\""));
    assert!(e.contains("more than 0"), "{e}");
}

#[test]
fn versions_1_to_3_keep_their_grade_rules() {
    let mut plan = Plan::from_toml(
        "p.toml",
        include_str!("../../../tests/fixtures/mini/plan.toml"),
    )
    .unwrap();
    plan.strata[1].grades.push(crate::domain::Grade::D);
    let e = plan.clone().normalized_as(false).unwrap_err().join("; ");
    assert!(e.contains("grade D is already in another stratum"), "{e}");
    plan.normalized_as(true)
        .expect("version 4: the first stratum that selects wins");
}
