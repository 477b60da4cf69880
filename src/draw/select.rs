//! Target selection (DRAW-SPEC §5): filter the population, give each entity the first
//! stratum that selects it, split strata into parts, drop the excluded where the stratum
//! applies exclusions, size each part exactly, draw by partial Fisher–Yates, and top up to
//! the plan's floor.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};

use crate::commitment::{Commitment, EntityRecord};
use crate::domain::Level;
use crate::domain::registration::authority;
use crate::plan::{Attributes, Plan, Stratum};

use super::seed::{Key, stream_key};
use super::stream::{Stream, choose_prefix};

/// Sample size of a part of `population` entities before capping at the eligible count:
/// max(⌈population × ratio⌉, count, minimum), and 0 for an empty part.
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

/// The lists each entity is on (version 5's `lists` snapshot), by USCC.
pub type Memberships<'a> = HashMap<&'a str, Vec<&'a str>>;

/// The lists each entity of the commitment is on (none before version 5).
pub fn memberships(commitment: &Commitment) -> Memberships<'_> {
    let mut on: Memberships = HashMap::new();
    for l in commitment.snapshots.lists.iter().flatten() {
        on.entry(l.uscc.as_str()).or_default().push(l.list.as_str());
    }
    on
}

/// The attributes strata select and split by (§5.2), with the lists the entity is on.
pub fn attributes<'a>(e: &'a EntityRecord, lists: &'a Memberships<'a>) -> Attributes<'a> {
    Attributes {
        grade: e.grade,
        district: &e.district,
        entity_type: &e.entity_type,
        authority: authority(&e.uscc),
        level: Level::of_uscc(&e.uscc),
        lists: lists.get(e.uscc.as_str()).map_or(&[], Vec::as_slice),
    }
}

/// USCCs the exclusion rules leave out (§5.4): inspected for one of the batch's matters on
/// a date after the rolling cutoff, or in the calendar year of the inspection date.
pub fn recently_inspected(commitment: &Commitment) -> HashSet<&str> {
    let plan = &commitment.header.plan;
    let cutoff = plan
        .constraints
        .exclude_inspected_within_days
        .map(|days| days_before(plan.inspection_date, days));
    let year = (plan.constraints.exclude_inspected_in_year == Some(true))
        .then(|| format!("{:04}", plan.inspection_date.year()));
    if cutoff.is_none() && year.is_none() {
        return HashSet::new();
    }
    commitment
        .snapshots
        .history
        .iter()
        .filter(|h| plan.matters.contains(&h.matter))
        .filter(|h| {
            cutoff.as_ref().is_some_and(|c| h.date > *c)
                || year.as_ref().is_some_and(|y| h.date.get(..4) == Some(y))
        })
        .map(|h| h.uscc.as_str())
        .collect()
}

/// One part of a stratum (§5.3): its name, its stream label and its entities (indices into
/// the entity snapshot, in canonical order).
pub struct Part {
    pub stratum: usize,
    pub name: String,
    pub label: String,
    pub members: Vec<u32>,
}

/// The strata's parts, in draw order (§5.2, §5.3), and the size of the whole population.
pub fn parts(commitment: &Commitment) -> (Vec<Part>, u64) {
    let plan = &commitment.header.plan;
    let sectors = sectors(commitment);
    let mut whole: Vec<Vec<u32>> = vec![Vec::new(); plan.strata.len()];
    let mut split: Vec<BTreeMap<Vec<&str>, Vec<u32>>> = vec![BTreeMap::new(); plan.strata.len()];
    let mut population = 0;
    let lists = memberships(commitment);
    for (i, e) in commitment.snapshots.entities.iter().enumerate() {
        if !in_population(plan, &sectors, e) {
            continue;
        }
        population += 1;
        let a = attributes(e, &lists);
        let Some(s) = plan.stratum_of(&a) else {
            continue;
        };
        let by = plan.strata[s].split();
        if by.is_empty() {
            whole[s].push(i as u32);
        } else {
            let key: Vec<&str> = by.iter().map(|&attribute| a.value(attribute)).collect();
            split[s].entry(key).or_default().push(i as u32);
        }
    }
    let mut parts = Vec::new();
    for (s, (stratum, (members, groups))) in plan
        .strata
        .iter()
        .zip(whole.into_iter().zip(split))
        .enumerate()
    {
        if stratum.split().is_empty() {
            parts.push(Part {
                stratum: s,
                name: stratum.name.clone(),
                label: format!("stratum/{s}"),
                members,
            });
            continue;
        }
        for (j, (key, members)) in groups.into_iter().enumerate() {
            parts.push(Part {
                stratum: s,
                name: part_name(&stratum.name, &key),
                label: format!("stratum/{s}/{j}"),
                members,
            });
        }
    }
    (parts, population)
}

/// A part's name: the stratum's, then its values in full-width brackets (§5.3).
pub fn part_name(stratum: &str, values: &[&str]) -> String {
    format!("{stratum}（{}）", values.join("、"))
}

/// One part's selection: entity indices (into the entity snapshot) in draw order.
pub struct Selection {
    pub name: String,
    pub population: u64,
    pub excluded: u64,
    pub eligible: u64,
    pub size: u64,
    pub drawn: Vec<u32>,
}

/// One part's counts before any draw (§5.4, §5.5): how many it selects, how many the
/// exclusion rules leave out, how many are eligible, and its sample size. The draw takes
/// `takes()` of them, whatever the seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizing {
    pub name: String,
    /// The stratum it is (a part of), or `None` for the floor.
    pub stratum: Option<usize>,
    pub population: u64,
    pub excluded: u64,
    pub eligible: u64,
    pub size: u64,
}

impl Sizing {
    /// How many the draw takes: the size, capped at the eligible.
    pub fn takes(&self) -> u64 {
        self.size.min(self.eligible)
    }
}

/// What `sizes` finds: each part's counts (then the floor's) and the whole population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    pub parts: Vec<Sizing>,
    pub population: u64,
}

impl Sizes {
    /// How many targets the draw takes in all.
    pub fn total(&self) -> u64 {
        self.parts.iter().map(Sizing::takes).sum()
    }
}

/// A part's pool (the entities it can draw, canonical order) with its counts.
struct Pool {
    label: String,
    pool: Vec<u32>,
    sizing: Sizing,
    /// Members the exclusion rules name, whether or not the stratum applies them.
    recent: u64,
}

/// Every part's pool and counts, in draw order, and the size of the whole population.
fn pools(commitment: &Commitment, recent: &HashSet<&str>) -> (Vec<Pool>, u64) {
    let plan = &commitment.header.plan;
    let entities = &commitment.snapshots.entities;
    let (parts, population) = parts(commitment);
    let pools = parts
        .into_iter()
        .map(|part| {
            let stratum = &plan.strata[part.stratum];
            let p = part.members.len() as u64;
            let is_recent = |i: &u32| recent.contains(entities[*i as usize].uscc.as_str());
            let named = part.members.iter().filter(|i| is_recent(i)).count() as u64;
            let pool: Vec<u32> = if stratum.applies_exclusions() {
                part.members.into_iter().filter(|i| !is_recent(i)).collect()
            } else {
                part.members
            };
            let eligible = pool.len() as u64;
            Pool {
                label: part.label,
                pool,
                recent: named,
                sizing: Sizing {
                    name: part.name,
                    stratum: Some(part.stratum),
                    population: p,
                    excluded: p - eligible,
                    eligible,
                    size: target_size(stratum, p),
                },
            }
        })
        .collect();
    (pools, population)
}

/// The floor's size: what it still needs after the parts took `so_far` (§5.7).
fn floor_size(floor: &crate::plan::Floor, population: u64, so_far: u64) -> u64 {
    floor.ratio.ceil_of(population).saturating_sub(so_far)
}

/// Every part's counts, and the floor's, as `select` will find them, without a seed and
/// without drawing anything: what the clerk sees while writing a plan. The floor's
/// `eligible` is the most it can find (those in the population, not excluded, less the
/// parts' draws that cannot have been excluded); it is exact unless a part that ignores
/// the exclusions draws only some of its pool.
pub fn sizes(commitment: &Commitment) -> Sizes {
    let plan = &commitment.header.plan;
    let recent = recently_inspected(commitment);
    let (pools, population) = pools(commitment, &recent);
    // A part applying the exclusions draws only entities they do not name; one ignoring
    // them draws at least `takes - recent` of those.
    let drawn_not_excluded = pools
        .iter()
        .map(|p| {
            let takes = p.sizing.takes();
            if p.sizing.excluded == p.recent {
                takes
            } else {
                takes.saturating_sub(p.recent)
            }
        })
        .sum::<u64>();
    let mut sizings: Vec<Sizing> = pools.into_iter().map(|p| p.sizing).collect();
    if let Some(floor) = plan.floor() {
        let so_far = sizings.iter().map(Sizing::takes).sum::<u64>();
        let sectors = sectors(commitment);
        let not_excluded = commitment
            .snapshots
            .entities
            .iter()
            .filter(|e| in_population(plan, &sectors, e) && !recent.contains(e.uscc.as_str()))
            .count() as u64;
        let eligible = not_excluded.saturating_sub(drawn_not_excluded);
        sizings.push(Sizing {
            name: floor.name.clone(),
            stratum: None,
            population,
            excluded: population.saturating_sub(so_far).saturating_sub(eligible),
            eligible,
            size: floor_size(floor, population, so_far),
        });
    }
    Sizes {
        parts: sizings,
        population,
    }
}

fn choose(seed: &Key, label: &str, mut pool: Vec<u32>, k: u64) -> Vec<u32> {
    let k = k.min(pool.len() as u64) as usize;
    let mut stream = Stream::new(&stream_key(seed, label));
    choose_prefix(&mut stream, &mut pool, k);
    pool.truncate(k);
    pool
}

/// Selects the targets of every part, in draw order, then the floor's (§5.6, §5.7).
pub fn select(commitment: &Commitment, seed: &Key) -> Vec<Selection> {
    let plan = &commitment.header.plan;
    let entities = &commitment.snapshots.entities;
    let recent = recently_inspected(commitment);
    let excluded = |i: &u32| recent.contains(entities[*i as usize].uscc.as_str());
    let (pools, population) = pools(commitment, &recent);
    let mut selections: Vec<Selection> = pools
        .into_iter()
        .map(
            |Pool {
                 label,
                 pool,
                 sizing,
                 ..
             }| Selection {
                drawn: choose(seed, &label, pool, sizing.size),
                name: sizing.name,
                population: sizing.population,
                excluded: sizing.excluded,
                eligible: sizing.eligible,
                size: sizing.size,
            },
        )
        .collect();
    if let Some(floor) = plan.floor() {
        let mut drawn = vec![false; entities.len()];
        for i in selections.iter().flat_map(|s| &s.drawn) {
            drawn[*i as usize] = true;
        }
        let so_far = selections.iter().map(|s| s.drawn.len() as u64).sum::<u64>();
        let size = floor_size(floor, population, so_far);
        let sectors = sectors(commitment);
        let pool: Vec<u32> = (0..entities.len() as u32)
            .filter(|&i| {
                !drawn[i as usize]
                    && in_population(plan, &sectors, &entities[i as usize])
                    && !excluded(&i)
            })
            .collect();
        let eligible = pool.len() as u64;
        selections.push(Selection {
            name: floor.name.clone(),
            population,
            excluded: population - so_far - eligible,
            eligible,
            size,
            drawn: choose(seed, "floor", pool, size),
        });
    }
    selections
}
