//! Team assignment (DRAW-SPEC §6): for each target in draw order, fill the team's slots one
//! by one with a uniformly chosen officer among those who may inspect it. A slot with no
//! candidate leaves the target unstaffed, with the counts that explain why.
//!
//! The candidates are never listed: `pools` keeps, per sector and slot department, the
//! qualified officers with order-statistics trees over who is under the cap, so a slot's
//! candidate count and its j-th candidate (canonical order) cost a few tree walks. The
//! result, including every word read from the stream, and the counts of an unstaffed
//! target, are those of `reference::assign`, which lists them.

mod fenwick;
mod pools;
pub mod reference;
mod rules;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::commitment::Commitment;

use super::seed::{Key, stream_key};
use super::stream::Stream;
use pools::Pools;
use rules::Rules;

/// Why a target has no team: the first slot that had no candidate, and how many officers
/// remained after each filter for that slot (DRAW-SPEC §6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unstaffed {
    /// Qualified officers left after recusal, cross-district and no-repeat rules.
    pub after_conflicts: u64,
    /// The department the slot was for (joint batches), or null.
    pub department: Option<String>,
    /// Officers active, card valid, covering the sector (and of the department), not
    /// already on this team.
    pub qualified: u64,
    /// 0-based slot index.
    pub slot: u64,
}

/// A team (officer indices in pick order) or why there is none.
pub type Staffing = Result<Vec<u32>, Unstaffed>;

/// Assigns teams to `targets` (entity indices in global draw order).
pub fn assign(c: &Commitment, seed: &Key, targets: &[u32]) -> Vec<Staffing> {
    assign_with(c, &mut Stream::new(&stream_key(seed, "teams")), targets)
}

/// `assign`, reading the given stream (tests compare the words it used).
pub(crate) fn assign_with(c: &Commitment, stream: &mut Stream, targets: &[u32]) -> Vec<Staffing> {
    let rules = Rules::for_targets(c, targets);
    let mut load = vec![0u32; c.snapshots.officers.len()];
    let mut pools = Pools::new(c.snapshots.officers.len());
    // Pool positions counted by the trees that are not candidates: team members, conflicts.
    let mut excluded: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(targets.len());
    for &t in targets {
        let e = &c.snapshots.entities[t as usize];
        let target = rules.target(e);
        let mut team: Vec<u32> = Vec::with_capacity(rules.size);
        let mut failed = None;
        for slot in 0..rules.size {
            let department = rules.slot_departments.get(slot).copied();
            let pool = pools.pool(&rules, rules.slot_sector(slot, e), department, &load);
            let minus = if rules.cross_district {
                pool.district(target.district)
            } else {
                None
            };
            // Only officers the trees count need subtracting: under the cap, and not of the
            // target's district when that is excluded.
            excluded.clear();
            for &o in team.iter().chain(target.conflicts) {
                let i = o as usize;
                let other_district = rules.officer_district[i] != target.district;
                if rules.under_cap(load[i]) && (!rules.cross_district || other_district) {
                    excluded.extend(pool.positions(o));
                }
            }
            excluded.sort_unstable();
            excluded.dedup();
            let count = pool.count(minus) - excluded.len() as u32;
            if count == 0 {
                let (qualified, after_conflicts) =
                    pool.unstaffed_counts(&rules, &team, &target, &mut excluded);
                failed = Some(Unstaffed {
                    after_conflicts,
                    department: rules.departments.get(slot).cloned(),
                    qualified,
                    slot: slot as u64,
                });
                break;
            }
            let j = stream.below(u64::from(count)) as u32;
            team.push(pool.member(pool.nth(minus, j, &excluded)));
        }
        match failed {
            Some(why) => out.push(Err(why)),
            None => {
                for &i in &team {
                    load[i as usize] += 1;
                    if rules.cap == Some(load[i as usize]) {
                        pools.retire(&rules, i);
                    }
                }
                out.push(Ok(team));
            }
        }
    }
    out
}
