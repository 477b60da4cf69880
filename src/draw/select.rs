//! Target selection (DRAW-SPEC §5): filter the population, split it into strata, drop the
//! recently inspected, size each stratum exactly, and draw by partial Fisher–Yates.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};

use crate::commitment::{Commitment, EntityRecord};
use crate::plan::{Plan, Stratum};

use super::seed::{Key, stream_key};
use super::stream::{Stream, choose_prefix};

/// Sample size of a stratum of `population` entities before capping at the eligible count:
/// max(⌈population × ratio⌉, count, minimum), and 0 for an empty stratum.
pub fn target_size(stratum: &Stratum, population: u64) -> u64 {
    if population == 0 {
        return 0;
    }
    let by_ratio = stratum.ratio.map_or(0, |r| r.ceil_of(population));
    by_ratio
        .max(stratum.count.unwrap_or(0))
        .max(stratum.minimum.unwrap_or(0))
}

/// The ISO date `days` before `date`, as text (dates compare correctly as ISO strings).
pub fn days_before(date: NaiveDate, days: u32) -> String {
    date.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
        .format("%Y-%m-%d")
        .to_string()
}

/// The sectors the batch covers: the plan's list, or else the sectors of its matters.
pub fn sectors(commitment: &Commitment) -> HashSet<&str> {
    let h = &commitment.header;
    if h.plan.population.sectors.is_empty() {
        h.matters.iter().map(|m| m.sector.as_str()).collect()
    } else {
        h.plan
            .population
            .sectors
            .iter()
            .map(String::as_str)
            .collect()
    }
}

/// Whether an entity passes the plan's population filter (strata aside).
pub fn in_population(plan: &Plan, sectors: &HashSet<&str>, e: &EntityRecord) -> bool {
    let p = &plan.population;
    sectors.contains(e.sector.as_str())
        && (p.entity_types.is_empty() || p.entity_types.iter().any(|t| t == e.entity_type.as_str()))
        && (p.districts.is_empty() || p.districts.iter().any(|d| d == e.district.as_str()))
        && p.statuses.contains(&e.status)
}

/// USCCs inspected for one of the batch's matters on a date after the exclusion cutoff.
pub fn recently_inspected(commitment: &Commitment) -> HashSet<&str> {
    let plan = &commitment.header.plan;
    let Some(days) = plan.constraints.exclude_inspected_within_days else {
        return HashSet::new();
    };
    let cutoff = days_before(plan.inspection_date, days);
    commitment
        .snapshots
        .history
        .iter()
        .filter(|h| plan.matters.contains(&h.matter) && h.date > cutoff)
        .map(|h| h.uscc.as_str())
        .collect()
}

/// One stratum's selection: entity indices (into the entity snapshot) in draw order.
pub struct Selection {
    pub population: u64,
    pub excluded: u64,
    pub eligible: u64,
    pub size: u64,
    pub drawn: Vec<u32>,
}

/// Selects the targets of every stratum, in plan order.
pub fn select(commitment: &Commitment, seed: &Key) -> Vec<Selection> {
    let plan = &commitment.header.plan;
    let sectors = sectors(commitment);
    let recent = recently_inspected(commitment);
    let mut population = vec![0u64; plan.strata.len()];
    let mut eligible: Vec<Vec<u32>> = vec![Vec::new(); plan.strata.len()];
    for (i, e) in commitment.snapshots.entities.iter().enumerate() {
        if !in_population(plan, &sectors, e) {
            continue;
        }
        if let Some(s) = plan.stratum_of(e.grade) {
            population[s] += 1;
            if !recent.contains(e.uscc.as_str()) {
                eligible[s].push(i as u32);
            }
        }
    }
    plan.strata
        .iter()
        .enumerate()
        .zip(eligible)
        .map(|((s, stratum), mut pool)| {
            let size = target_size(stratum, population[s]);
            let k = size.min(pool.len() as u64) as usize;
            let mut stream = Stream::new(&stream_key(seed, &format!("stratum/{s}")));
            choose_prefix(&mut stream, &mut pool, k);
            let eligible = pool.len() as u64;
            pool.truncate(k);
            Selection {
                population: population[s],
                excluded: population[s] - eligible,
                eligible,
                size,
                drawn: pool,
            }
        })
        .collect()
}
