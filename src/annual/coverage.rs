//! Coverage of an annual plan (抽查覆盖情况): from a population (the directory's active
//! entities) and the targets drawn in the plan's batches, per sector and registration
//! level, and per registering authority below province level (a district's bureau for
//! 县级), the population, the targets drawn, the targets inspected (with a standing
//! result), the shares, the floor and whether it is met; and the entities drawn in two or
//! more of the plan's batches in the year. Pure: the caller says which batches count (the
//! public sees only published ones).
//!
//! A floor is the least share per registering authority (民发〔2017〕45号 Art. 5), so it is
//! met by an authority when `inspected ≥ ⌈population × share⌉`, and by a level when every
//! authority of that level meets it. "Met as drawn" asks the same of the drawn targets: the
//! plan's batches are enough once their results are all in.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::AnnualPlan;
use crate::domain::Level;
use crate::domain::registration::authority;

/// One entity of the population (an active entity of the directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub uscc: String,
    pub name: String,
    pub sector: String,
    pub district: String,
}

/// A target drawn in one of the plan's batches, and whether a result stands for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub batch: String,
    pub uscc: String,
    pub inspected: bool,
}

/// One line of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    pub sector: String,
    /// 部级, 省级, 地市级 or 县级.
    pub level: String,
    /// The registering authority's area code (USCC characters 3-8); empty on a level's row.
    pub authority: String,
    /// The district most of the authority's entities are in; empty on a level's row.
    pub district: String,
    pub population: u64,
    pub drawn: u64,
    pub inspected: u64,
    /// `inspected / population` in percent, two decimals (`"3.17"`); empty for no population.
    pub inspected_percent: String,
    pub drawn_percent: String,
    /// The floor as `n/d`, if the plan sets one.
    pub floor: Option<String>,
    /// The floor in percent, two decimals.
    pub floor_percent: Option<String>,
    /// The least number of inspections the floor asks (`⌈population × floor⌉`; on a level's
    /// row, the sum over its authorities).
    pub required: Option<u64>,
    /// Whether the inspected targets meet the floor (on a level's row: every authority).
    pub met: Option<bool>,
    /// Whether the drawn targets meet it.
    pub met_as_drawn: Option<bool>,
}

/// An entity drawn in two or more of the plan's batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Repeat {
    pub uscc: String,
    pub name: String,
    /// The batches that drew it, in the plan's order.
    pub drawn_in: Vec<String>,
    /// Those of them where a result stands for it.
    pub inspected_in: Vec<String>,
}

/// The coverage of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub rows: Vec<CoverageRow>,
    pub repeats: Vec<Repeat>,
    /// Targets not in the population (inactive or gone from the directory since their draw).
    pub outside: u64,
    /// Whether every floor is met by the inspected targets.
    pub all_met: bool,
    /// Whether every floor is met by the drawn targets.
    pub all_met_as_drawn: bool,
}

/// Counts of one registering authority.
#[derive(Default)]
struct Counts {
    population: u64,
    drawn: u64,
    inspected: u64,
    districts: BTreeMap<String, u64>,
}

/// `part / whole` in percent with two decimals, rounded half up, exact.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return String::new();
    }
    let hundredths = (u128::from(part) * 10_000 * 2 + u128::from(whole)) / (u128::from(whole) * 2);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// Computes the coverage of `plan` over `population` from `drawn` (the targets of the
/// batches that count, in any order).
pub fn coverage(plan: &AnnualPlan, population: &[Member], drawn: &[Drawn]) -> Coverage {
    let by_uscc: BTreeMap<&str, &Member> =
        population.iter().map(|m| (m.uscc.as_str(), m)).collect();
    // Per entity: the batches that drew it and those with a standing result.
    let mut per_entity: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for d in drawn {
        let e = per_entity.entry(d.uscc.as_str()).or_default();
        e.0.insert(d.batch.as_str());
        if d.inspected {
            e.1.insert(d.batch.as_str());
        }
    }
    // Sectors: the floors' in their order, then any other drawn sector by name.
    let mut sectors: Vec<&str> = Vec::new();
    for f in &plan.floors {
        if !sectors.contains(&f.sector.as_str()) {
            sectors.push(&f.sector);
        }
    }
    let mut others: BTreeSet<&str> = BTreeSet::new();
    for uscc in per_entity.keys() {
        if let Some(m) = by_uscc.get(uscc)
            && !sectors.contains(&m.sector.as_str())
        {
            others.insert(&m.sector);
        }
    }
    sectors.extend(others);
    // (sector, level, authority) → counts.
    let mut counts: BTreeMap<(&str, Level, &str), Counts> = BTreeMap::new();
    for m in population {
        if !sectors.contains(&m.sector.as_str()) {
            continue;
        }
        let code = authority(&m.uscc);
        let c = counts
            .entry((m.sector.as_str(), Level::of_authority(code), code))
            .or_default();
        c.population += 1;
        *c.districts.entry(m.district.clone()).or_default() += 1;
        if let Some((batches, inspected)) = per_entity.get(m.uscc.as_str()) {
            c.drawn += u64::from(!batches.is_empty());
            c.inspected += u64::from(!inspected.is_empty());
        }
    }
    let mut rows = Vec::new();
    for sector in &sectors {
        for level in Level::ALL.iter().copied() {
            let floor = plan.floor(sector, level);
            let mine: Vec<(&str, &Counts)> = counts
                .iter()
                .filter(|((s, l, _), _)| s == sector && *l == level)
                .map(|((_, _, a), c)| (*a, c))
                .collect();
            if mine.is_empty() {
                continue;
            }
            let row = |authority: &str, district: String, n: [u64; 3], required: Option<u64>| {
                let [population, drawn, inspected] = n;
                CoverageRow {
                    sector: sector.to_string(),
                    level: level.as_str().to_string(),
                    authority: authority.to_string(),
                    district,
                    population,
                    drawn,
                    inspected,
                    inspected_percent: percent(inspected, population),
                    drawn_percent: percent(drawn, population),
                    floor: floor.map(|f| f.share.to_string()),
                    floor_percent: floor.map(|f| percent(f.share.numerator, f.share.denominator)),
                    required,
                    met: required.map(|r| inspected >= r),
                    met_as_drawn: required.map(|r| drawn >= r),
                }
            };
            let each: Vec<CoverageRow> = mine
                .iter()
                .map(|(code, c)| {
                    let district = c
                        .districts
                        .iter()
                        .max_by_key(|(name, n)| (**n, std::cmp::Reverse(name.as_str())))
                        .map(|(name, _)| name.clone())
                        .unwrap_or_default();
                    let required = floor.map(|f| f.share.ceil_of(c.population));
                    row(
                        code,
                        district,
                        [c.population, c.drawn, c.inspected],
                        required,
                    )
                })
                .collect();
            let sum = |pick: fn(&CoverageRow) -> u64| each.iter().map(pick).sum::<u64>();
            let mut level_row = row(
                "",
                String::new(),
                [
                    sum(|r| r.population),
                    sum(|r| r.drawn),
                    sum(|r| r.inspected),
                ],
                floor.map(|_| sum(|r| r.required.unwrap_or(0))),
            );
            if floor.is_some() {
                level_row.met = Some(each.iter().all(|r| r.met == Some(true)));
                level_row.met_as_drawn = Some(each.iter().all(|r| r.met_as_drawn == Some(true)));
            }
            rows.push(level_row);
            // Each authority below province level (a district's bureau for 县级).
            if matches!(level, Level::Prefecture | Level::County) {
                rows.extend(each);
            }
        }
    }
    let order: BTreeMap<&str, usize> = plan
        .batches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.as_str(), i))
        .collect();
    let in_order = |set: &BTreeSet<&str>| {
        let mut v: Vec<&str> = set.iter().copied().collect();
        v.sort_by_key(|b| (order.get(b).copied().unwrap_or(usize::MAX), *b));
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let repeats = per_entity
        .iter()
        .filter(|(_, (batches, _))| batches.len() >= 2)
        .map(|(uscc, (batches, inspected))| Repeat {
            uscc: uscc.to_string(),
            name: by_uscc
                .get(uscc)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            drawn_in: in_order(batches),
            inspected_in: in_order(inspected),
        })
        .collect();
    let outside = per_entity
        .keys()
        .filter(|u| !by_uscc.contains_key(*u))
        .count() as u64;
    let floors = || {
        rows.iter()
            .filter(|r| r.authority.is_empty() && r.floor.is_some())
    };
    let all_met = floors().all(|r| r.met == Some(true));
    let all_met_as_drawn = floors().all(|r| r.met_as_drawn == Some(true));
    Coverage {
        rows,
        repeats,
        outside,
        all_met,
        all_met_as_drawn,
    }
}
