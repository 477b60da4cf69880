//! The straightforward team assignment, kept as the executable reading of DRAW-SPEC §6.2:
//! for every slot it lists the candidates explicitly and picks one. It is slow (a scan of
//! every qualified officer per slot) and is used only to check the fast `assign` against it
//! (tests and `examples/assign_timing.rs`).

use crate::commitment::Commitment;

use super::rules::Rules;
use super::{Staffing, Unstaffed};
use crate::draw::seed::{Key, stream_key};
use crate::draw::stream::Stream;

/// Assigns teams to `targets` (entity indices in global draw order), listing every slot's
/// candidates. Same result as `super::assign`, much slower.
pub fn assign(c: &Commitment, seed: &Key, targets: &[u32]) -> Vec<Staffing> {
    assign_with(c, &mut Stream::new(&stream_key(seed, "teams")), targets)
}

/// The reference `assign`, reading the given stream.
pub(crate) fn assign_with(c: &Commitment, stream: &mut Stream, targets: &[u32]) -> Vec<Staffing> {
    let rules = Rules::new(c);
    let mut load = vec![0u32; c.snapshots.officers.len()];
    let mut candidates: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(targets.len());
    for &t in targets {
        let e = &c.snapshots.entities[t as usize];
        let target = rules.target(e);
        let mut team: Vec<u32> = Vec::with_capacity(rules.size);
        let mut failed = None;
        for slot in 0..rules.size {
            let department = rules.slot_departments.get(slot).copied();
            let in_slot = |i: &u32| {
                !team.contains(i)
                    && department.is_none_or(|d| rules.officer_department[*i as usize] == d)
            };
            candidates.clear();
            candidates.extend(rules.qualified(slot, e).iter().copied().filter(|i| {
                rules.under_cap(load[*i as usize])
                    && in_slot(i)
                    && rules.free_of_conflict(*i, &target)
            }));
            if candidates.is_empty() {
                let qualified: Vec<u32> = rules
                    .qualified(slot, e)
                    .iter()
                    .copied()
                    .filter(in_slot)
                    .collect();
                let after_conflicts = qualified
                    .iter()
                    .filter(|i| rules.free_of_conflict(**i, &target))
                    .count();
                failed = Some(Unstaffed {
                    after_conflicts: after_conflicts as u64,
                    department: rules.departments.get(slot).cloned(),
                    qualified: qualified.len() as u64,
                    slot: slot as u64,
                });
                break;
            }
            let pick = candidates[stream.below(candidates.len() as u64) as usize];
            team.push(pick);
        }
        match failed {
            Some(why) => out.push(Err(why)),
            None => {
                for &i in &team {
                    load[i as usize] += 1;
                }
                out.push(Ok(team));
            }
        }
    }
    out
}
