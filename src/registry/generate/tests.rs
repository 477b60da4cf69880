//! Tests of the generator: determinism, the folder round trip through `registry::load`,
//! USCC structure and uniqueness, the shares it promises, and the consistency of the links.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;

use super::random::{MAX_ENTITIES, gb11714_check, permute};
use super::shanghai::{
    CORPS, DISTRICTS, District, FIRE, MARKET, MUNICIPAL, SECTORS, bureau, categories,
};
use super::{GenerateSpec, generate};
use crate::domain::{Directory, EntityStatus, Grade};
use crate::registry;

fn spec(entities: usize, officers: usize, seed: u64) -> GenerateSpec {
    GenerateSpec {
        entities,
        officers,
        seed,
    }
}

#[test]
fn the_same_spec_gives_the_same_directory() {
    let a = generate(&spec(2_000, 120, 7));
    let b = generate(&spec(2_000, 120, 7));
    assert_eq!(a, b);
    let c = generate(&spec(2_000, 120, 8));
    assert_ne!(a.entities, c.entities);
    assert_ne!(a.officers, c.officers);
}

#[test]
fn officers_do_not_depend_on_the_number_of_entities() {
    let small = generate(&spec(10, 80, 3));
    let large = generate(&spec(5_000, 80, 3));
    assert_eq!(small.officers, large.officers);
    assert_eq!(small.entities[..], large.entities[..10]);
}

fn write_and_load(directory: &Directory) -> Directory {
    let dir = tempfile::tempdir().unwrap();
    registry::write::write(dir.path(), directory).unwrap();
    match registry::load(dir.path()) {
        Ok(loaded) => loaded.directory,
        Err(e) => panic!("{e}: {:?}", e.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn every_generated_directory_loads_back_unchanged(
        entities in 0usize..400, officers in 0usize..160, seed in any::<u64>()
    ) {
        let directory = generate(&spec(entities, officers, seed));
        prop_assert_eq!(directory.entities.len(), entities);
        prop_assert_eq!(directory.officers.len(), officers);
        // `load` gives entities in USCC order (the canonical CSV's, DRAW-SPEC §2.5).
        let mut expected = directory.clone();
        expected.entities.sort_by(|a, b| a.uscc.as_str().cmp(b.uscc.as_str()));
        prop_assert_eq!(write_and_load(&directory), expected);
    }
}

/// USCC positions 3–8 are the registering authority's area code: the district's, or
/// `MUNICIPAL` for foundations (基金会管理条例 Art. 6) and the social associations and private
/// non-enterprise units the municipal bureau registers, whose names carry no district.
#[test]
fn uscc_category_matches_the_type_and_area_code_the_registering_authority() {
    let directory = generate(&spec(5_000, 10, 11));
    let districts: HashMap<&str, &District> = DISTRICTS.iter().map(|d| (d.name, d)).collect();
    for e in &directory.entities {
        let allowed = categories(&e.entity_type).expect("a generated type");
        assert!(allowed.contains(&e.uscc.category()), "{e:?}");
        let expected_authority = match e.uscc.category() {
            "51" | "52" | "53" => '5',
            "12" => '1',
            _ => '9',
        };
        assert_eq!(e.uscc.authority(), expected_authority);
        let district = districts[e.district.as_str()];
        let area = &e.uscc.as_str()[2..8];
        match e.entity_type.as_str() {
            "基金会" => assert_eq!(area, MUNICIPAL, "{e:?}"),
            "社会团体" | "民办非企业单位" => {
                assert!(area == MUNICIPAL || area == district.code, "{e:?}")
            }
            _ => assert_eq!(area, district.code, "{e:?}"),
        }
        if e.sector == "社会组织" {
            if area == MUNICIPAL {
                assert!(e.name.starts_with("上海市"), "{e:?}");
                assert!(DISTRICTS.iter().all(|d| !e.name.contains(d.full)), "{e:?}");
            } else {
                assert!(e.name.contains(district.full), "{e:?}");
            }
        }
        let org = &e.uscc.as_str().as_bytes()[8..17];
        assert_eq!(gb11714_check(&org[..8]), org[8], "{e:?}");
    }
    for entity_type in ["社会团体", "民办非企业单位", "基金会"] {
        let e = directory
            .entities
            .iter()
            .find(|e| e.entity_type == entity_type);
        assert!(e.is_some(), "no {entity_type} among 5,000 entities");
    }
}

#[test]
fn gb11714_check_symbols_of_known_codes() {
    // Organisation codes inside the known valid USCCs 91310000631696382C, 91110108551385082Q.
    assert_eq!(gb11714_check(b"63169638"), b'2');
    assert_eq!(gb11714_check(b"55138508"), b'2');
}

#[test]
fn organisation_codes_are_distinct() {
    let mut seen = HashSet::new();
    for i in 0..300_000u64 {
        let v = permute(i, 42);
        assert!(v < MAX_ENTITIES);
        assert!(seen.insert(v), "permute({i}) repeats");
    }
    let directory = generate(&spec(50_000, 0, 9));
    let usccs: HashSet<&str> = directory.entities.iter().map(|e| e.uscc.as_str()).collect();
    assert_eq!(usccs.len(), 50_000);
}

/// `count` in `part` out of `total` is within `tolerance` per mille of `per_mille`.
fn near(count: usize, total: usize, per_mille: usize, tolerance: usize) -> bool {
    (count * 1000).abs_diff(per_mille * total) <= tolerance * total
}

#[test]
fn shares_are_as_documented() {
    let d = generate(&spec(40_000, 1_000, 5));
    let n = d.entities.len();
    let count =
        |f: &dyn Fn(&crate::domain::Entity) -> bool| d.entities.iter().filter(|e| f(e)).count();
    for (sector, share) in [("养老服务", 350), ("殡葬服务", 80), ("社会组织", 520)] {
        assert!(
            near(count(&|e| e.sector == sector), n, share, 15),
            "{sector}"
        );
    }
    for (grade, share) in [
        (Grade::A, 550),
        (Grade::B, 300),
        (Grade::C, 100),
        (Grade::D, 50),
    ] {
        assert!(near(count(&|e| e.grade == grade), n, share, 15), "{grade}");
    }
    assert!(near(count(&|e| e.status != EntityStatus::Active), n, 30, 8));
    for (entity_type, share) in [("社会团体", 250), ("民办非企业单位", 150), ("基金会", 1000)]
    {
        let of_type = count(&|e| e.entity_type == entity_type);
        let municipal =
            count(&|e| e.entity_type == entity_type && &e.uscc.as_str()[2..8] == MUNICIPAL);
        assert!(near(municipal, of_type, share, 20), "{entity_type}");
    }
    assert!(near(d.history.len(), n, 80, 10));

    let officers = &d.officers;
    let in_department = |name: &str| officers.iter().filter(|o| o.department == name).count();
    assert_eq!(in_department(CORPS), 250);
    assert_eq!(in_department(FIRE) + in_department(MARKET), 50);
    for district in &DISTRICTS {
        let local = officers.iter().filter(|o| o.district == district.name);
        assert!(local.clone().count() >= 2);
        assert!(local.clone().all(|o| o.department == bureau(district)));
    }
    let cards: HashSet<&str> = officers.iter().map(|o| o.card_no.as_str()).collect();
    assert_eq!(cards.len(), officers.len());
}

#[test]
fn small_and_medium_officer_counts_keep_their_promises() {
    for total in [50, 100, 120, 150, 999] {
        let d = generate(&spec(0, total, 1));
        let o = &d.officers;
        for district in &DISTRICTS {
            assert!(
                o.iter().any(|o| o.district == district.name),
                "{total}: {}",
                district.name
            );
        }
        assert!(o.iter().any(|o| o.department == CORPS));
        if total >= 100 {
            let joint = o
                .iter()
                .filter(|o| [FIRE, MARKET].contains(&o.department.as_str()));
            assert!(joint.count() >= 4, "{total}");
            assert!(o.iter().any(|o| o.department == FIRE));
            assert!(o.iter().any(|o| o.department == MARKET));
        }
        for officer in o.iter().filter(|o| o.department.ends_with("民政局")) {
            assert!((2..=4).contains(&officer.sectors.len()), "{officer:?}");
            let core = ["养老服务", "社会组织"];
            assert!(officer.sectors.iter().any(|s| core.contains(&s.as_str())));
        }
    }
}

#[test]
fn links_only_pair_qualified_officers_with_entities_of_their_sectors() {
    let d = generate(&spec(3_000, 300, 21));
    let entity: HashMap<&str, _> = d.entities.iter().map(|e| (e.uscc.as_str(), e)).collect();
    let officer: HashMap<&str, _> = d.officers.iter().map(|o| (o.card_no.as_str(), o)).collect();
    let matter: HashMap<&str, _> = d.matters.iter().map(|m| (m.code.as_str(), m)).collect();
    assert_eq!(d.recusals.len(), 9);
    let mut pairs = HashSet::new();
    for r in &d.recusals {
        let (o, e) = (officer[r.card_no.as_str()], entity[r.uscc.as_str()]);
        assert!(o.sectors.contains(&e.sector), "{r:?}");
        assert!(pairs.insert((o.card_no.as_str(), e.uscc.as_str())));
    }
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    );
    for h in &d.history {
        let e = entity[h.uscc.as_str()];
        assert_eq!(matter[h.matter_code.as_str()].sector, e.sector);
        assert!(h.date >= from && h.date <= to && h.date.weekday() != Weekday::Sat);
        assert_ne!(h.date.weekday(), Weekday::Sun);
        assert_eq!(h.officers.len(), 2);
        assert_ne!(h.officers[0], h.officers[1]);
        for card in &h.officers {
            let o = officer[card.as_str()];
            assert!(o.sectors.contains(&e.sector), "{h:?}");
            assert!(o.department == CORPS || o.district == e.district, "{h:?}");
            assert!(o.card_valid_until >= h.date, "{h:?}");
            assert!(!pairs.contains(&(card.as_str(), h.uscc.as_str())), "{h:?}");
        }
    }
    assert!(d.history.windows(2).all(|w| w[0].date <= w[1].date));
}

#[test]
fn every_sector_has_matters_and_history_uses_the_applicable_ones() {
    let d = generate(&spec(4_000, 200, 2));
    for sector in &SECTORS {
        assert!(
            d.matters.iter().any(|m| m.sector == sector.name),
            "{}",
            sector.name
        );
    }
    let entity: HashMap<&str, _> = d.entities.iter().map(|e| (e.uscc.as_str(), e)).collect();
    for h in &d.history {
        let e = entity[h.uscc.as_str()];
        let wrong = match h.matter_code.as_str() {
            "MZ-SZ-01" => e.entity_type != "社会团体",
            "MZ-SZ-02" => e.entity_type != "民办非企业单位",
            "MZ-SZ-03" => e.entity_type != "基金会",
            "MZ-BZ-02" => e.entity_type != "公墓",
            "MZ-BZ-01" => e.entity_type == "公墓",
            _ => false,
        };
        assert!(!wrong, "{h:?} for {e:?}");
    }
}

#[test]
fn names_are_unique_at_any_size() {
    let d = generate(&spec(200_000, 0, 13));
    let mut seen = HashSet::with_capacity(d.entities.len());
    for e in &d.entities {
        assert!(seen.insert(e.name.as_str()), "{} twice", e.name);
    }
    // Foundations share one small vocabulary: ordinals had to be used.
    assert!(d.entities.iter().any(|e| e.name.contains('第')));
}

#[test]
fn list_entries_name_entities_of_their_sector_once_each_in_canonical_order() {
    let d = generate(&spec(3_000, 300, 21));
    let entity: HashMap<&str, _> = d.entities.iter().map(|e| (e.uscc.as_str(), e)).collect();
    assert!(d.lists.len() > 20, "{}", d.lists.len());
    for l in &d.lists {
        let e = entity[l.uscc.as_str()];
        let expected = match l.list.as_str() {
            "活动异常名录" => e.sector == "社会组织" && e.status.as_str() == "正常",
            "严重违法失信名单" => {
                e.sector == "社会组织" && matches!(e.status.as_str(), "撤销" | "吊销")
            }
            "投诉举报" => {
                matches!(e.sector.as_str(), "养老服务" | "殡葬服务") && e.status.as_str() == "正常"
            }
            other => panic!("unknown list {other}"),
        };
        assert!(expected, "{l:?} of {e:?}");
        assert_eq!(l.listed_on.format("%Y").to_string(), "2026");
        assert!(!l.reason.is_empty());
    }
    let keys: Vec<(&str, &str)> = d
        .lists
        .iter()
        .map(|l| (l.uscc.as_str(), l.list.as_str()))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "sorted, no pair twice"
    );
}
