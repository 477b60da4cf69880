//! Rules that tie a plan to the directory it draws from (DRAW-SPEC §3.2): its matters exist,
//! its population's sectors are covered by its matters, its departments have officers.

use std::collections::HashSet;

use crate::plan::Plan;

use super::records::{MatterRecord, OfficerRecord};

/// Every problem found, as text naming the plan field.
pub fn problems(plan: &Plan, matters: &[MatterRecord], officers: &[OfficerRecord]) -> Vec<String> {
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
