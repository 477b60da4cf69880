//! Rules that tie a plan to the directory it draws from (DRAW-SPEC §3.2): its matters exist,
//! its population's sectors are covered by its matters, every filter value names something
//! in the directory (a typo would otherwise empty the population without a word), and its
//! departments have officers.

use std::collections::HashSet;

use crate::plan::Plan;

use super::records::{EntityRecord, MatterRecord, OfficerRecord};

/// A population filter: its field name, what it names, its values, and the entity's value.
type Filter<'a> = (&'a str, &'a str, &'a [String], fn(&EntityRecord) -> &str);

/// Every problem found, as text naming the plan field.
pub fn problems(
    plan: &Plan,
    matters: &[MatterRecord],
    entities: &[EntityRecord],
    officers: &[OfficerRecord],
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
    let filters: [Filter; 3] = [
        ("sectors", "sector", &p.sectors, |e| &e.sector),
        ("entity_types", "type", &p.entity_types, |e| &e.entity_type),
        ("districts", "district", &p.districts, |e| &e.district),
    ];
    for (field, what, values, of) in filters {
        if values.is_empty() {
            continue;
        }
        let present: HashSet<&str> = entities.iter().map(of).collect();
        for v in values {
            if !present.contains(v.as_str()) {
                let mut known: Vec<&str> = present.iter().copied().collect();
                known.sort_unstable();
                let hint = if known.len() <= 30 {
                    format!(" (in the directory: {})", known.join(", "))
                } else {
                    String::new()
                };
                problems.push(format!(
                    "population.{field}: '{v}' is the {what} of no entity{hint}"
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
    if let crate::plan::EntropyDeclaration::Drand { chain_hash, .. } = &plan.entropy
        && let Err(e) = crate::entropy::drand::require_known_chain(chain_hash)
    {
        problems.push(format!("entropy.chain_hash: {e}"));
    }
    problems
}
