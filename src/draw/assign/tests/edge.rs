//! Hand-made edge cases, each checked against the reference and against the counts
//! DRAW-SPEC §6.3 gives by hand.

use crate::domain::{Directory, OfficerStatus};
use crate::draw::assign::Unstaffed;

use super::random::{Gen, Shape, commit, entity, matters, officer, plan};
use super::same_as_reference;

const CORPS: &str = "市民政执法总队";
const FIRE: &str = "市消防救援总队";
const CARE: &str = "养老服务";

fn shape(size: u32, joint: usize, cross_district: bool, cap: Option<u32>) -> Shape {
    Shape {
        sectors: 1,
        districts: 1,
        departments: 2,
        officers: 0,
        entities: 0,
        targets: 0,
        size,
        joint,
        cross_district,
        cap,
        no_repeat_days: None,
        conflicts: 0,
        inactive: 0,
        seed: 1,
    }
}

fn unstaffed(slot: u64, department: Option<&str>, qualified: u64, after: u64) -> Unstaffed {
    Unstaffed {
        after_conflicts: after,
        department: department.map(Into::into),
        qualified,
        slot,
    }
}

/// Cap 1, four officers, teams of two: two targets are staffed, then nobody is left.
#[test]
fn cap_one_exhausts_everyone() {
    let officers = (0..4).map(|i| officer(i, CORPS, "黄浦", &[CARE])).collect();
    let entities = (0..5).map(|i| entity(i, CARE, "徐汇")).collect();
    let d = Directory {
        entities,
        officers,
        matters: matters(1),
        ..Directory::default()
    };
    let s = shape(2, 0, false, Some(1));
    let c = commit(d, plan(&s, &mut Gen::new(1), 1));
    let (result, words) = same_as_reference(&c, &[4, 0, 3, 1, 2], 9);
    let teams: Vec<&Vec<u32>> = result.iter().flatten().collect();
    assert_eq!(teams.len(), 2);
    let mut all: Vec<u32> = teams.iter().flat_map(|t| t.iter().copied()).collect();
    all.sort();
    assert_eq!(all, [0, 1, 2, 3], "each officer once");
    for r in &result[2..] {
        assert_eq!(
            r,
            &Err(unstaffed(0, None, 4, 4)),
            "the cap removed all four"
        );
    }
    assert_eq!(words, 4);
}

/// A joint batch whose second department has officers but none qualified: every target
/// stops at slot 1, after slot 0 used its word.
#[test]
fn a_department_with_no_qualified_officer() {
    let mut officers: Vec<_> = (0..3).map(|i| officer(i, CORPS, "黄浦", &[CARE])).collect();
    officers.push(officer(3, FIRE, "黄浦", &[CARE]));
    officers[3].status = OfficerStatus::Left;
    officers.push(officer(4, FIRE, "黄浦", &["殡葬服务"]));
    let entities = (0..3).map(|i| entity(i, CARE, "徐汇")).collect();
    let d = Directory {
        entities,
        officers,
        matters: matters(1),
        ..Directory::default()
    };
    let mut s = shape(3, 2, false, None);
    s.departments = 2;
    let mut p = plan(&s, &mut Gen::new(1), 1);
    p.team.departments = vec![CORPS.into(), FIRE.into()];
    let c = commit(d, p);
    let (result, words) = same_as_reference(&c, &[0, 1, 2], 3);
    for r in &result {
        assert_eq!(r, &Err(unstaffed(1, Some(FIRE), 0, 0)));
    }
    assert_eq!(words, 3);
}

/// Cross-district with every officer in the target's district: no candidate, no word used;
/// a target elsewhere is staffed.
#[test]
fn every_officer_in_the_targets_district() {
    let officers = (0..6).map(|i| officer(i, CORPS, "黄浦", &[CARE])).collect();
    let entities = vec![entity(0, CARE, "黄浦"), entity(1, CARE, "静安")];
    let d = Directory {
        entities,
        officers,
        matters: matters(1),
        ..Directory::default()
    };
    let c = commit(d, plan(&shape(2, 0, true, None), &mut Gen::new(1), 1));
    let in_huangpu = c
        .snapshots
        .entities
        .iter()
        .position(|e| e.district == "黄浦")
        .unwrap();
    let (result, words) = same_as_reference(&c, &[in_huangpu as u32], 5);
    assert_eq!(result, [Err(unstaffed(0, None, 6, 0))]);
    assert_eq!(words, 0);
    let (result, _) = same_as_reference(&c, &[1 - in_huangpu as u32], 5);
    assert!(result[0].is_ok());
}

/// Conflicts and team members at the very edges of the pool (first and last officers),
/// listed twice (recusal and past inspection), some at the cap: the descent must skip
/// exactly the right positions. Every seed of the stream key is tried.
#[test]
fn conflicts_at_the_pool_edges_are_skipped() {
    use crate::domain::{Inspection, Recusal};
    let officers: Vec<_> = (0..8)
        .map(|i| officer(i, CORPS, ["黄浦", "静安"][i % 2], &[CARE]))
        .collect();
    let entities: Vec<_> = (0..12).map(|i| entity(i, CARE, "徐汇")).collect();
    let mut recusals = Vec::new();
    let mut history = Vec::new();
    for e in &entities {
        for card in ["C0000", "C0007", "C0003"] {
            let (card_no, uscc, reason) = (card.into(), e.uscc.clone(), "测试".into());
            recusals.push(Recusal {
                card_no,
                uscc,
                reason,
            });
        }
        history.push(Inspection {
            uscc: e.uscc.clone(),
            matter_code: "M0".into(),
            date: super::random::date("2026-12-01"),
            officers: vec!["C0000".into(), "C0006".into()],
        });
    }
    let d = Directory {
        entities,
        officers,
        matters: matters(1),
        recusals,
        history,
        lists: Vec::new(),
    };
    for cross in [false, true] {
        let mut s = shape(3, 0, cross, Some(2));
        s.no_repeat_days = Some(365);
        let c = commit(d.clone(), plan(&s, &mut Gen::new(1), 1));
        let targets: Vec<u32> = (0..12).collect();
        for key in 0..=255 {
            same_as_reference(&c, &targets, key);
        }
    }
}
