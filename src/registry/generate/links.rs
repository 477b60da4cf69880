//! The rows that link officers and entities: recusal declarations (回避) and last year's
//! inspections (history). Every reference is to a generated row; an officer is only linked to
//! an entity of a sector they cover, and never inspected an entity they are recused from.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::domain::{Entity, Inspection, Officer, Recusal};

use super::matters::codes_for;
use super::random::Random;
use super::shanghai::{DISTRICTS, SECTORS};
use super::{entities, officers};

const REASONS: [&str; 5] = [
    "近亲属在该单位任职",
    "曾在该单位任职",
    "近亲属担任该单位法定代表人",
    "与该单位存在经济往来",
    "其他利害关系",
];

/// Recusals: about 3 per 100 officers (rounded up), each pairing an officer with an entity
/// of a sector they cover, in their own district when they have one and it has such an entity.
/// Returns the rows and the (officer, entity) index pairs.
pub fn recusals(
    entities: &[Entity],
    entity_meta: &[entities::Meta],
    officers: &[Officer],
    officer_meta: &[officers::Meta],
    seed: u64,
) -> (Vec<Recusal>, HashSet<(u32, u32)>) {
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    if entities.is_empty() || officers.is_empty() {
        return (Vec::new(), seen);
    }
    let mut rng = Random::new(seed, "recusals");
    // buckets[sector * 16 + district]: the entities of that sector and district.
    let mut buckets = vec![Vec::new(); SECTORS.len() * DISTRICTS.len()];
    for (i, m) in entity_meta.iter().enumerate() {
        buckets[usize::from(m.sector) * DISTRICTS.len() + usize::from(m.district)].push(i as u32);
    }
    let wanted = (officers.len() * 3).div_ceil(100);
    for _ in 0..wanted * 10 {
        if pairs.len() == wanted {
            break;
        }
        let o = rng.index(officers.len());
        let m = officer_meta[o];
        let in_district = |d: usize| m.district.is_none_or(|own| usize::from(own) == d);
        let candidates_in = |local_only: bool| -> Vec<&Vec<u32>> {
            (0..SECTORS.len())
                .filter(|s| m.sectors & (1 << s) != 0)
                .flat_map(|s| (0..DISTRICTS.len()).map(move |d| (s, d)))
                .filter(|&(_, d)| !local_only || in_district(d))
                .map(|(s, d)| &buckets[s * DISTRICTS.len() + d])
                .filter(|b| !b.is_empty())
                .collect()
        };
        let mut candidates = candidates_in(true);
        if candidates.is_empty() {
            candidates = candidates_in(false);
        }
        let total: usize = candidates.iter().map(|b| b.len()).sum();
        if total == 0 {
            continue;
        }
        let mut k = rng.index(total);
        let bucket = candidates
            .iter()
            .find(|b| {
                let here = k < b.len();
                if !here {
                    k -= b.len();
                }
                here
            })
            .expect("k < total");
        let e = bucket[k];
        if seen.insert((o as u32, e)) {
            pairs.push((o, e as usize, *rng.pick(&REASONS)));
        }
    }
    pairs.sort_by_key(|&(o, e, _)| (o, e));
    let rows = pairs
        .into_iter()
        .map(|(o, e, reason)| Recusal {
            card_no: officers[o].card_no.clone(),
            uscc: entities[e].uscc.clone(),
            reason: reason.to_string(),
        })
        .collect();
    (rows, seen)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Last year's inspections: about 8% of the entities, each for one matter that applies to its
/// sector and type, on a working day from 2025-12-01 to 2026-10-31, by two civil-affairs
/// officers who cover the sector (from the entity's district bureau or the corps), held a valid
/// card that day and are not recused from the entity. Sorted by date.
pub fn history(
    entities: &[Entity],
    entity_meta: &[entities::Meta],
    officers: &[Officer],
    officer_meta: &[officers::Meta],
    recused: &HashSet<(u32, u32)>,
    seed: u64,
) -> Vec<Inspection> {
    let mut rng = Random::new(seed, "history");
    // pools[sector * 16 + district]: officers who may inspect such an entity.
    let mut pools = vec![Vec::new(); SECTORS.len() * DISTRICTS.len()];
    for (s, d) in (0..SECTORS.len()).flat_map(|s| (0..DISTRICTS.len()).map(move |d| (s, d))) {
        pools[s * DISTRICTS.len() + d] = officer_meta
            .iter()
            .enumerate()
            .filter(|(_, m)| m.civil && m.sectors & (1 << s) != 0)
            .filter(|(_, m)| m.district.is_none_or(|own| usize::from(own) == d))
            .map(|(o, _)| o as u32)
            .collect();
    }
    // matters[sector][kind]: the matters that apply to that entity type.
    let matters: Vec<Vec<Vec<&str>>> = SECTORS
        .iter()
        .map(|s| s.types.iter().map(|t| codes_for(s.name, t.name)).collect())
        .collect();
    let (from, to) = (day(2025, 12, 1), day(2026, 10, 31));
    let mut rows = Vec::new();
    for (e, m) in entity_meta.iter().enumerate() {
        if !rng.per_mille(80) {
            continue;
        }
        let s = usize::from(m.sector);
        let pool = &pools[s * DISTRICTS.len() + usize::from(m.district)];
        let applicable = &matters[s][usize::from(m.kind)];
        if applicable.is_empty() || pool.len() < 2 {
            continue;
        }
        let matter = *rng.pick(applicable);
        let date = rng.weekday(from, to);
        for _ in 0..8 {
            let a = rng.index(pool.len());
            let mut b = rng.index(pool.len() - 1);
            if b >= a {
                b += 1;
            }
            let (a, b) = (pool[a], pool[b]);
            let unfit = |o: u32| {
                recused.contains(&(o, e as u32)) || officers[o as usize].card_valid_until < date
            };
            if unfit(a) || unfit(b) {
                continue;
            }
            rows.push(Inspection {
                uscc: entities[e].uscc.clone(),
                matter_code: matter.to_string(),
                date,
                officers: vec![
                    officers[a as usize].card_no.clone(),
                    officers[b as usize].card_no.clone(),
                ],
            });
            break;
        }
    }
    rows.sort_by_key(|r| r.date);
    rows
}
