//! The shipped Shanghai sample (`registries/shanghai/`): its files are exactly what the
//! generator writes for `SHANGHAI_SAMPLE`, `registry::load` accepts them, they have the
//! promised composition, and every plan under `registries/shanghai/plans/` is valid, names
//! matters and departments of the sample, and gives a batch the sample can staff.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::Days;
use shuangsui::domain::{Directory, Entity, OfficerStatus};
use shuangsui::plan::Plan;
use shuangsui::registry::generate::shanghai::{
    CORPS, DISTRICTS, FIRE, FIRE_SECTOR, MARKET, MARKET_SECTOR, bureau,
};
use shuangsui::registry::generate::{SHANGHAI_SAMPLE, generate};
use shuangsui::registry::{FILES, load, write::write};

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("registries/shanghai")
}

fn sample() -> Directory {
    match load(&sample_dir()) {
        Ok(loaded) => loaded.directory,
        Err(e) => panic!("{e}: {:?}", e.0),
    }
}

#[test]
fn sample_files_are_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &generate(&SHANGHAI_SAMPLE)).unwrap();
    let f = &FILES;
    for name in f.all() {
        let generated = std::fs::read(dir.path().join(name)).unwrap();
        let shipped = std::fs::read(sample_dir().join(name)).unwrap();
        assert!(
            generated == shipped,
            "registries/shanghai/{name} is not the generator's output; regenerate the sample \
             with `cargo run --example generate -- registries/shanghai`"
        );
    }
}

#[test]
fn sample_loads_and_has_the_promised_composition() {
    let d = sample();
    // `load` gives entities in USCC order (the canonical CSV's, DRAW-SPEC §2.5).
    let mut generated = generate(&SHANGHAI_SAMPLE);
    generated
        .entities
        .sort_by(|a, b| a.uscc.as_str().cmp(b.uscc.as_str()));
    assert_eq!(d, generated);
    let in_sector = |s: &str| d.entities.iter().filter(|e| e.sector == s).count();
    assert!(in_sector("养老服务") >= 400);
    assert!(in_sector("殡葬服务") >= 80);
    assert!(in_sector("社会组织") >= 600);
    for district in &DISTRICTS {
        assert!(
            d.entities.iter().any(|e| e.district == district.name),
            "{}",
            district.name
        );
        assert!(d.officers.iter().any(|o| o.department == bureau(district)));
    }
    assert!(d.officers.len() >= 120);
    for department in [CORPS, FIRE, MARKET] {
        assert!(d.officers.iter().any(|o| o.department == department));
    }
    assert!(!d.recusals.is_empty() && !d.history.is_empty());
}

/// Issue 11 item 9: no two entities share a name; every 基金会 is registered by the municipal
/// bureau, a provincial-level authority (基金会管理条例 Art. 6: USCC positions 3–8 `310000`);
/// social associations and private non-enterprise units are registered by either the
/// municipal bureau or their district's, and their names say which.
#[test]
fn sample_names_are_unique_and_registering_authorities_are_plausible() {
    let d = sample();
    let mut names = HashSet::new();
    for e in &d.entities {
        assert!(names.insert(e.name.as_str()), "{} twice", e.name);
    }
    let area = |e: &Entity| e.uscc.as_str()[2..8].to_string();
    let of_type =
        |t: &str| -> Vec<&Entity> { d.entities.iter().filter(|e| e.entity_type == t).collect() };
    let foundations = of_type("基金会");
    assert!(foundations.len() >= 20, "{}", foundations.len());
    for e in &foundations {
        assert_eq!(area(e), "310000", "{e:?}");
    }
    for t in ["社会团体", "民办非企业单位"] {
        let all = of_type(t);
        let (mut municipal, mut local) = (0, 0);
        for e in &all {
            let district = DISTRICTS.iter().find(|x| x.name == e.district).unwrap();
            if area(e) == "310000" {
                municipal += 1;
                assert!(e.name.starts_with("上海市"), "{e:?}");
                assert!(DISTRICTS.iter().all(|x| !e.name.contains(x.full)), "{e:?}");
            } else {
                local += 1;
                assert_eq!(area(e), district.code, "{e:?}");
                assert!(e.name.contains(district.full), "{e:?}");
            }
        }
        // About 15–25% registered by the municipal bureau.
        assert!(
            municipal * 100 >= all.len() * 10,
            "{t}: {municipal} of {}",
            all.len()
        );
        assert!(
            municipal * 100 <= all.len() * 30,
            "{t}: {municipal} of {}",
            all.len()
        );
        assert!(local > 0, "{t}");
    }
}

fn plans() -> Vec<(String, Plan)> {
    let dir = sample_dir().join("plans");
    let mut plans = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            match Plan::from_toml(&name, &text) {
                Ok(plan) => plans.push((name, plan)),
                Err(e) => panic!("{e}"),
            }
        }
    }
    plans.sort_by(|a, b| a.0.cmp(&b.0));
    plans
}

/// Targets per stratum, estimated the way the plan describes them: the population filter,
/// minus entities inspected for one of the plan's matters within the exclusion window, then
/// ⌈ratio × stratum⌉ (or the count, if smaller than the stratum).
fn estimated_targets(plan: &Plan, d: &Directory) -> Vec<u64> {
    let p = &plan.population;
    let any_or = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
    let excluded: HashSet<&str> = match plan.constraints.exclude_inspected_within_days {
        Some(days) => {
            let since = plan.inspection_date - Days::new(u64::from(days));
            d.history
                .iter()
                .filter(|h| plan.matters.contains(&h.matter_code) && h.date >= since)
                .map(|h| h.uscc.as_str())
                .collect()
        }
        None => HashSet::new(),
    };
    let population: Vec<_> = d
        .entities
        .iter()
        .filter(|e| any_or(&p.sectors, &e.sector) && any_or(&p.entity_types, &e.entity_type))
        .filter(|e| any_or(&p.districts, &e.district) && p.statuses.contains(&e.status))
        .filter(|e| !excluded.contains(e.uscc.as_str()))
        .collect();
    plan.strata
        .iter()
        .map(|s| {
            let n = population
                .iter()
                .filter(|e| s.grades.contains(&e.grade))
                .count() as u64;
            let by_ratio = s.ratio.map(|r| r.ceil_of(n));
            let by_count = s.count.map(|c| c.min(n));
            by_ratio.into_iter().chain(by_count).max().unwrap_or(0)
        })
        .collect()
}

#[test]
fn every_plan_parses_and_fits_the_sample() {
    let d = sample();
    let plans = plans();
    let names: Vec<&str> = plans.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "elderly-care.toml",
            "funeral.toml",
            "joint.toml",
            "social-orgs.toml"
        ]
    );
    let departments: HashSet<&str> = d.officers.iter().map(|o| o.department.as_str()).collect();
    let types: HashSet<&str> = d.entities.iter().map(|e| e.entity_type.as_str()).collect();
    let mut summary = BTreeMap::new();
    for (name, plan) in &plans {
        // The sectors of the matters no department of a joint batch names as its own: the
        // population's. A department's own matters are of its officers' sector instead.
        let sector_of = |code: &String| {
            let matter = d.matters.iter().find(|m| &m.code == code);
            matter
                .unwrap_or_else(|| panic!("{name}: no matter {code}"))
                .sector
                .as_str()
        };
        let mut sectors = HashSet::new();
        for code in &plan.matters {
            let own = plan.team.department_matters().iter().find(|dm| {
                dm.matters.contains(code)
                    && d.matters
                        .iter()
                        .any(|m| &m.code == code && !plan.population.sectors.contains(&m.sector))
            });
            if own.is_none() {
                sectors.insert(sector_of(code));
                assert!(
                    plan.population.sectors.iter().any(|s| s == sector_of(code)),
                    "{name}"
                );
            }
        }
        for department in &plan.team.departments {
            assert!(
                departments.contains(department.as_str()),
                "{name}: {department}"
            );
        }
        for t in &plan.population.entity_types {
            assert!(types.contains(t.as_str()), "{name}: {t}");
        }
        assert_eq!(plan.inspection_date.to_string(), "2026-12-15");
        assert_eq!(plan.constraints.exclude_inspected_within_days, Some(365));
        assert_eq!(plan.constraints.no_repeat_pairing_within_days, Some(365));

        // Can the sample staff the batch? Qualified: active, card valid on the day, covers
        // the sectors of the batch's matters.
        let targets: u64 = estimated_targets(plan, &d).iter().sum();
        let cap = u64::from(
            plan.constraints
                .max_targets_per_officer
                .expect("a workload cap"),
        );
        let qualified = |department: Option<&str>| {
            // A department that names its own matters: its officers hold their sector.
            let wanted: HashSet<&str> = department
                .and_then(|dep| plan.team.matters_of(dep))
                .map_or_else(
                    || sectors.clone(),
                    |codes| codes.iter().map(sector_of).collect(),
                );
            d.officers
                .iter()
                .filter(|o| o.status == OfficerStatus::Active)
                .filter(|o| o.card_valid_until >= plan.inspection_date)
                .filter(|o| wanted.iter().all(|s| o.sectors.iter().any(|x| x == s)))
                .filter(|o| department.is_none_or(|dep| o.department == dep))
                .count() as u64
        };
        assert!(targets >= 1, "{name}");
        assert!(
            qualified(None) * cap >= targets * u64::from(plan.team.size),
            "{name}"
        );
        for department in &plan.team.departments {
            assert!(
                qualified(Some(department)) * cap >= targets,
                "{name}: too few qualified officers of {department} for {targets} targets"
            );
        }
        summary.insert(name.as_str(), targets);
    }
    assert!(plans.iter().any(|(_, p)| p.constraints.cross_district));
    assert!(
        (10..=40).contains(&summary["elderly-care.toml"]),
        "{summary:?}"
    );
    assert_eq!(
        plans
            .iter()
            .find(|(n, _)| n == "joint.toml")
            .map(|(_, p)| p.team.departments.clone()),
        Some(vec![CORPS.to_string(), FIRE.to_string()])
    );
    // No fake sectors: officers of the other departments hold their own department's sector,
    // not a civil-affairs one, and the joint plan names the fire department's own matter.
    for o in d
        .officers
        .iter()
        .filter(|o| o.department == FIRE || o.department == MARKET)
    {
        let own = if o.department == FIRE {
            FIRE_SECTOR
        } else {
            MARKET_SECTOR
        };
        assert_eq!(o.sectors, vec![own.to_string()], "{}", o.card_no);
    }
    let joint = &plans.iter().find(|(n, _)| n == "joint.toml").unwrap().1;
    assert_eq!(
        joint.team.matters_of(FIRE),
        Some(&["XF-YL-01".to_string()][..])
    );
    assert_eq!(sector_of_matter(&d, "XF-YL-01"), FIRE_SECTOR);
    assert_eq!(sector_of_matter(&d, "SC-YL-01"), MARKET_SECTOR);
}

fn sector_of_matter<'a>(d: &'a Directory, code: &str) -> &'a str {
    &d.matters.iter().find(|m| m.code == code).unwrap().sector
}

fn shipped_bundle(stem: &str) -> shuangsui::bundle::Bundle {
    let path = sample_dir().join(format!("bundles/{stem}.bundle.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// 民发〔2017〕45号 Art. 5: each registering authority inspects at least 5% (provincial), 4%
/// (prefecture) or 3% (county) of the social organisations it registered. The shipped
/// social-organisation draw meets every authority's floor on its own.
#[test]
fn the_social_organisation_draw_meets_every_registering_authoritys_floor() {
    use shuangsui::domain::Level;
    use shuangsui::domain::registration::authority;
    let bundle = shipped_bundle("social-orgs");
    let c = &bundle.commitment;
    let sectors = shuangsui::draw::select::sectors(c);
    let drawn: HashSet<&str> = bundle.draw.targets().map(|t| t.uscc.as_str()).collect();
    let mut by_authority: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for e in &c.snapshots.entities {
        if shuangsui::draw::select::in_population(&c.header.plan, &sectors, e) {
            let n = by_authority.entry(authority(&e.uscc)).or_default();
            n.0 += 1;
            n.1 += u64::from(drawn.contains(e.uscc.as_str()));
        }
    }
    assert_eq!(
        by_authority.len(),
        17,
        "the municipal bureau and 16 district bureaus"
    );
    for (code, (registered, inspected)) in by_authority {
        let floor = match Level::of_authority(code) {
            Level::Province => 5,
            Level::Prefecture => 4,
            Level::County => 3,
            Level::Ministry => 10,
        };
        assert!(
            inspected * 100 >= registered * floor,
            "{code}: {inspected} of {registered} is below {floor}%"
        );
    }
}

/// The funeral plan's 100% stratum says that full coverage wins over the look-back rule:
/// every entity it selects is drawn, the recently inspected included.
#[test]
fn the_funeral_full_coverage_stratum_draws_every_entity() {
    let bundle = shipped_bundle("funeral");
    let full = &bundle.draw.strata[0];
    assert_eq!(full.name, "C、D级（全覆盖）");
    assert_eq!(full.excluded, 0);
    assert_eq!(full.targets.len() as u64, full.population);
    assert!(full.population > 0);
}
