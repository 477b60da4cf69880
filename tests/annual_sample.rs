//! The shipped 2026 annual plan (registries/shanghai/annual/2026.toml) over the shipped
//! sample draws (registries/shanghai/bundles/): it groups every shipped batch, and the
//! targets they drew meet every floor it sets, per level and per registering authority
//! (each district's bureau for 县级), once their results are in.

use std::path::PathBuf;

use shuangsui::annual::coverage::{Drawn, Member, coverage};
use shuangsui::bundle::Bundle;
use shuangsui::domain::EntityStatus;

fn shanghai(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("registries/shanghai")
        .join(file)
}

fn bundle(stem: &str) -> Bundle {
    let path = shanghai(&format!("bundles/{stem}.bundle.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_shipped_plans_meet_every_floor_of_the_2026_annual_plan() {
    let text = std::fs::read_to_string(shanghai("annual/2026.toml")).unwrap();
    let plan = shuangsui::annual::parse("2026.toml", &text).unwrap();
    let bundles: Vec<Bundle> = ["social-orgs", "elderly-care", "funeral", "joint"]
        .into_iter()
        .map(bundle)
        .collect();
    // The plan groups exactly the shipped batches.
    let mut ids: Vec<&str> = bundles
        .iter()
        .map(|b| b.commitment.header.plan.id.as_str())
        .collect();
    let mut planned: Vec<&str> = plan.batches.iter().map(|b| b.as_str()).collect();
    ids.sort_unstable();
    planned.sort_unstable();
    assert_eq!(ids, planned);
    // The population: the active entities of the directory the draws were committed over.
    let population: Vec<Member> = bundles[0]
        .commitment
        .snapshots
        .entities
        .iter()
        .filter(|e| e.status == EntityStatus::Active)
        .map(|e| Member {
            uscc: e.uscc.to_string(),
            name: e.name.to_string(),
            sector: e.sector.to_string(),
            district: e.district.to_string(),
        })
        .collect();
    let drawn: Vec<Drawn> = bundles
        .iter()
        .flat_map(|b| {
            let id = b.commitment.header.plan.id.to_string();
            b.draw.targets().map(move |t| Drawn {
                batch: id.clone(),
                uscc: t.uscc.to_string(),
                inspected: true,
            })
        })
        .collect();
    let c = coverage(&plan, &population, &drawn);
    let floored: Vec<_> = c.rows.iter().filter(|r| r.floor.is_some()).collect();
    // 省级 (the municipal bureau) and 县级 with its 16 district bureaus.
    assert_eq!(floored.len(), 1 + 1 + 16, "{floored:#?}");
    for r in &floored {
        assert_eq!(
            r.met_as_drawn,
            Some(true),
            "{} {} {}: {} of {}",
            r.level,
            r.authority,
            r.district,
            r.drawn,
            r.population
        );
    }
    assert!(c.all_met_as_drawn && c.all_met);
}
