//! Rules that tie a plan to the directory it draws from (DRAW-SPEC §3.2): its matters exist,
//! its population's sectors are covered by its matters, every filter value (of the
//! population and of each stratum, its lists included) names something in the directory (a
//! typo would otherwise empty the population without a word), its departments have
//! officers, and each department of a joint batch inspects matters of one sector.

use std::collections::{HashMap, HashSet};

use crate::domain::Level;
use crate::plan::Plan;

use super::records::{EntityRecord, ListRecord, MatterRecord, OfficerRecord};

/// A population or stratum filter: its field name, what it names, its values, and the
/// entity's value.
type Filter = (String, &'static str, Vec<String>, fn(&EntityRecord) -> &str);

/// Every problem found, as text naming the plan field.
pub fn problems(
    plan: &Plan,
    matters: &[MatterRecord],
    entities: &[EntityRecord],
    officers: &[OfficerRecord],
    lists: &[ListRecord],
) -> Vec<String> {
    let mut problems = Vec::new();
    let codes: Vec<&str> = matters.iter().map(|m| m.code.as_str()).collect();
    if codes != plan.matters.iter().map(String::as_str).collect::<Vec<_>>() {
        for code in &plan.matters {
            if !codes.contains(&code.as_str()) {
                problems.push(format!("matters: '{code}' is not in the matter list"));
            }
        }
        if problems.is_empty() {
            problems.push("matters: the committed matters do not follow the plan's list".into());
        }
    }
    let sectors: HashSet<&str> = matters.iter().map(|m| m.sector.as_str()).collect();
    for s in &plan.population.sectors {
        if !sectors.contains(s.as_str()) {
            problems.push(format!(
                "population.sectors: no matter of this batch covers the sector '{s}'"
            ));
        }
    }
    let p = &plan.population;
    let mut filters: Vec<Filter> = vec![
        (
            "population.sectors".into(),
            "sector",
            p.sectors.clone(),
            |e| &e.sector,
        ),
        (
            "population.entity_types".into(),
            "type",
            p.entity_types.clone(),
            |e| &e.entity_type,
        ),
        (
            "population.districts".into(),
            "district",
            p.districts.clone(),
            |e| &e.district,
        ),
    ];
    for (i, s) in plan.strata.iter().enumerate() {
        let texts = |list: &Option<Vec<String>>| list.clone().unwrap_or_default();
        filters.push((
            format!("strata[{i}].districts"),
            "district",
            texts(&s.districts),
            |e| &e.district,
        ));
        filters.push((
            format!("strata[{i}].entity_types"),
            "type",
            texts(&s.entity_types),
            |e| &e.entity_type,
        ));
        let levels = s
            .levels
            .iter()
            .flatten()
            .map(|l| l.as_str().to_string())
            .collect();
        filters.push((
            format!("strata[{i}].levels"),
            "registration level",
            levels,
            |e| Level::of_uscc(&e.uscc).as_str(),
        ));
    }
    let mut present: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (field, what, values, of) in &filters {
        if values.is_empty() {
            continue;
        }
        let present = present
            .entry(what)
            .or_insert_with(|| entities.iter().map(of).collect());
        for v in values {
            if !present.contains(v.as_str()) {
                let mut known: Vec<&str> = present.iter().copied().collect();
                known.sort_unstable();
                let hint = if known.len() <= 30 {
                    format!(" (in the directory: {})", known.join(", "))
                } else {
                    String::new()
                };
                problems.push(format!("{field}: '{v}' is the {what} of no entity{hint}"));
            }
        }
    }
    // Version 5: every list record is of an entity of the snapshot, and a list a stratum
    // names is the list of some record (a typo would select none).
    let usccs: HashSet<&str> = if lists.is_empty() {
        HashSet::new()
    } else {
        entities.iter().map(|e| e.uscc.as_str()).collect()
    };
    if let Some(l) = lists.iter().find(|l| !usccs.contains(l.uscc.as_str())) {
        problems.push(format!(
            "lists: {} is on the list '{}' but is no entity of the directory",
            l.uscc, l.list
        ));
    }
    let names: HashSet<&str> = lists.iter().map(|l| l.list.as_str()).collect();
    for (i, s) in plan.strata.iter().enumerate() {
        for list in s.lists.iter().flatten() {
            if !names.contains(list.as_str()) {
                let mut known: Vec<&str> = names.iter().copied().collect();
                known.sort_unstable();
                problems.push(format!(
                    "strata[{i}].lists: no entity is on the list '{list}' (lists in the \
                     directory: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
    }
    let departments: HashSet<&str> = officers.iter().map(|o| o.department.as_str()).collect();
    for d in &plan.team.departments {
        if !departments.contains(d.as_str()) {
            problems.push(format!("team.departments: no officer belongs to '{d}'"));
        }
    }
    for d in &plan.team.pool {
        if !departments.contains(d.as_str()) {
            problems.push(format!("team.pool: no officer belongs to '{d}'"));
        }
    }
    for (i, d) in plan.team.department_matters().iter().enumerate() {
        let sectors: Vec<&str> = d
            .matters
            .iter()
            .filter_map(|code| matters.iter().find(|m| &m.code == code))
            .map(|m| m.sector.as_str())
            .fold(Vec::new(), |mut seen, s| {
                if !seen.contains(&s) {
                    seen.push(s);
                }
                seen
            });
        if let [sector] = sectors.as_slice()
            && !officers
                .iter()
                .any(|o| o.department == d.department && o.sectors.iter().any(|s| s == sector))
        {
            problems.push(format!(
                "team.department_matters[{i}]: no officer of '{}' holds the sector '{sector}' of \
                 its matters, so its slot could never be staffed (该部门没有具备“{sector}”领域资格的执法人员)",
                d.department
            ));
        }
        if sectors.len() > 1 {
            problems.push(format!(
                "team.department_matters[{i}]: the matters of '{}' are of several sectors ({}): a \
                 department's matters in a joint batch are of one sector, which its officers hold \
                 (联合抽查中一个部门的检查事项须属同一领域)",
                d.department,
                sectors.join(", ")
            ));
        }
    }
    if let crate::plan::EntropyDeclaration::Drand { chain_hash, .. } = &plan.entropy
        && let Err(e) = crate::entropy::drand::require_known_chain(chain_hash)
    {
        problems.push(format!("entropy.chain_hash: {e}"));
    }
    problems
}
