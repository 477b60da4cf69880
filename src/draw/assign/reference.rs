//! Team assignment (DRAW-SPEC §6): for each target in draw order, fill the team's slots one
//! by one with a uniformly chosen officer among those who may inspect it. A slot with no
//! candidate leaves the target unstaffed, with the counts that explain why.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::commitment::{Commitment, EntityRecord};
use crate::domain::OfficerStatus;

use super::seed::{Key, stream_key};
use super::select::days_before;
use super::stream::Stream;

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

/// The fixed facts team assignment looks up for every target. Districts and departments
/// are interned as numbers so the per-officer test is a few integer comparisons.
pub struct Rules<'a> {
    /// Qualified officers (active, card valid on the inspection day) per sector, in
    /// canonical order.
    by_sector: HashMap<&'a str, Vec<u32>>,
    /// Officers an entity may not get: recusals and pairings within the no-repeat window.
    conflicts: HashMap<&'a str, Vec<u32>>,
    district_ids: HashMap<&'a str, u32>,
    officer_district: Vec<u32>,
    officer_department: Vec<u32>,
    /// The department id each joint slot needs (u32::MAX: a department with no officer).
    slot_departments: Vec<u32>,
    cross_district: bool,
    cap: Option<u32>,
    pub departments: &'a [String],
    pub size: usize,
}

fn intern<'a>(ids: &mut HashMap<&'a str, u32>, key: &'a str) -> u32 {
    let next = ids.len() as u32;
    *ids.entry(key).or_insert(next)
}

impl<'a> Rules<'a> {
    pub fn new(c: &'a Commitment) -> Rules<'a> {
        let plan = &c.header.plan;
        let day = plan.inspection_date.format("%Y-%m-%d").to_string();
        let officers = &c.snapshots.officers;
        let mut by_sector: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut district_ids = HashMap::new();
        let mut department_ids = HashMap::new();
        let mut officer_district = Vec::with_capacity(officers.len());
        let mut officer_department = Vec::with_capacity(officers.len());
        let mut card_index = HashMap::with_capacity(officers.len());
        for (i, o) in officers.iter().enumerate() {
            officer_district.push(intern(&mut district_ids, &o.district));
            officer_department.push(intern(&mut department_ids, &o.department));
            card_index.insert(o.card_no.as_str(), i as u32);
            if o.status == OfficerStatus::Active && o.valid_until >= day {
                for s in &o.sectors {
                    by_sector.entry(s.as_str()).or_default().push(i as u32);
                }
            }
        }
        let mut conflicts: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut add = |uscc: &'a str, card: &str| {
            if let Some(&i) = card_index.get(card) {
                conflicts.entry(uscc).or_default().push(i);
            }
        };
        for r in &c.snapshots.recusals {
            add(&r.uscc, &r.card_no);
        }
        if let Some(days) = plan.constraints.no_repeat_pairing_within_days {
            let cutoff = days_before(plan.inspection_date, days);
            for h in c.snapshots.history.iter().filter(|h| h.date > cutoff) {
                for card in &h.officers {
                    add(&h.uscc, card);
                }
            }
        }
        let slot_departments = plan
            .team
            .departments
            .iter()
            .map(|d| department_ids.get(d.as_str()).copied().unwrap_or(u32::MAX))
            .collect();
        Rules {
            by_sector,
            conflicts,
            district_ids,
            officer_district,
            officer_department,
            slot_departments,
            cross_district: plan.constraints.cross_district,
            cap: plan.constraints.max_targets_per_officer,
            departments: &plan.team.departments,
            size: plan.team.size as usize,
        }
    }

    /// Qualified officers for the entity's sector, canonical order.
    pub fn qualified(&self, e: &EntityRecord) -> &[u32] {
        self.by_sector
            .get(e.sector.as_str())
            .map_or(&[], Vec::as_slice)
    }

    /// The per-target facts the conflict test needs.
    fn target(&self, e: &'a EntityRecord) -> Target<'_> {
        Target {
            district: self
                .district_ids
                .get(e.district.as_str())
                .copied()
                .unwrap_or(u32::MAX),
            conflicts: self
                .conflicts
                .get(e.uscc.as_str())
                .map_or(&[], Vec::as_slice),
        }
    }

    /// Recusal, cross-district and no-repeat rules.
    fn free_of_conflict(&self, i: u32, t: &Target) -> bool {
        let same_district = self.cross_district && self.officer_district[i as usize] == t.district;
        !same_district && !t.conflicts.contains(&i)
    }

    fn under_cap(&self, load: u32) -> bool {
        self.cap.is_none_or(|cap| load < cap)
    }
}

struct Target<'r> {
    district: u32,
    conflicts: &'r [u32],
}

/// A team (officer indices in pick order) or why there is none.
pub type Staffing = Result<Vec<u32>, Unstaffed>;

/// Assigns teams to `targets` (entity indices in global draw order).
pub fn assign(c: &Commitment, seed: &Key, targets: &[u32]) -> Vec<Staffing> {
    let rules = Rules::new(c);
    let mut stream = Stream::new(&stream_key(seed, "teams"));
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
            candidates.extend(rules.qualified(e).iter().copied().filter(|i| {
                rules.under_cap(load[*i as usize])
                    && in_slot(i)
                    && rules.free_of_conflict(*i, &target)
            }));
            if candidates.is_empty() {
                let qualified: Vec<u32> =
                    rules.qualified(e).iter().copied().filter(in_slot).collect();
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
