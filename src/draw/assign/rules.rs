//! The fixed facts of team assignment (DRAW-SPEC §6.1): qualified officers per sector in
//! canonical order, the sector each slot asks for, each entity's conflicts, and officers' districts and departments
//! interned as numbers. Both the fast assignment and the reference read them.

use std::collections::{HashMap, HashSet};

use crate::commitment::{Commitment, EntityRecord};
use crate::domain::OfficerStatus;

use crate::draw::select::days_before;

/// The fixed facts team assignment looks up for every target. Districts and departments
/// are interned as numbers so the per-officer test is a few integer comparisons.
pub(crate) struct Rules<'a> {
    /// Qualified officers (active, card valid through the inspection window) per sector, in
    /// canonical order.
    pub(super) by_sector: HashMap<&'a str, Vec<u32>>,
    /// Officers an entity may not get: recusals and pairings within the no-repeat window.
    pub(super) conflicts: HashMap<&'a str, Vec<u32>>,
    pub(super) district_ids: HashMap<&'a str, u32>,
    pub(super) officer_district: Vec<u32>,
    pub(super) officer_department: Vec<u32>,
    /// The department id each joint slot needs (u32::MAX: a department with no officer).
    pub(super) slot_departments: Vec<u32>,
    /// The sector each joint slot's officers must hold when its department names its own
    /// matters (version 5); otherwise the slot asks for the target's sector.
    slot_sectors: Vec<Option<&'a str>>,
    pub(super) cross_district: bool,
    pub(super) cap: Option<u32>,
    pub(crate) departments: &'a [String],
    pub(crate) size: usize,
}

fn intern<'a>(ids: &mut HashMap<&'a str, u32>, key: &'a str) -> u32 {
    let next = ids.len() as u32;
    *ids.entry(key).or_insert(next)
}

impl<'a> Rules<'a> {
    /// The facts, with the conflicts of every entity.
    pub(crate) fn new(c: &'a Commitment) -> Rules<'a> {
        Rules::build(c, None)
    }

    /// The facts, with the conflicts of the `targets` (entity indices) only: the others are
    /// never looked up, and most past inspections are of entities not drawn.
    pub(super) fn for_targets(c: &'a Commitment, targets: &[u32]) -> Rules<'a> {
        let entities = &c.snapshots.entities;
        let wanted = targets.iter().map(|&t| entities[t as usize].uscc.as_str());
        Rules::build(c, Some(wanted.collect()))
    }

    fn build(c: &'a Commitment, wanted: Option<HashSet<&str>>) -> Rules<'a> {
        let plan = &c.header.plan;
        let day = plan.cards_valid_through().format("%Y-%m-%d").to_string();
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
            let in_pool = plan.team.pool.is_empty() || plan.team.pool.contains(&o.department);
            if o.status == OfficerStatus::Active && o.valid_until >= day && in_pool {
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
        let wanted = |uscc: &str| wanted.as_ref().is_none_or(|w| w.contains(uscc));
        for r in c.snapshots.recusals.iter().filter(|r| wanted(&r.uscc)) {
            add(&r.uscc, &r.card_no);
        }
        if let Some(days) = plan.constraints.no_repeat_pairing_within_days {
            let cutoff = days_before(plan.inspection_date, days);
            let recent = c.snapshots.history.iter().filter(|h| h.date > cutoff);
            for h in recent.filter(|h| wanted(&h.uscc)) {
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
        let slot_sectors = plan
            .team
            .departments
            .iter()
            .map(|d| {
                let code = plan.team.matters_of(d)?.first()?;
                let matter = c.header.matters.iter().find(|m| &m.code == code)?;
                Some(matter.sector.as_str())
            })
            .collect();
        Rules {
            by_sector,
            slot_sectors,
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

    /// The sector slot `slot`'s officers must hold for entity `e`: its department's
    /// matters' sector in a joint batch that names it, else the entity's (DRAW-SPEC §6.1).
    pub(crate) fn slot_sector(&self, slot: usize, e: &'a EntityRecord) -> &'a str {
        self.slot_sectors
            .get(slot)
            .copied()
            .flatten()
            .unwrap_or(e.sector.as_str())
    }

    /// Qualified officers for slot `slot` of entity `e`, canonical order.
    pub(crate) fn qualified(&self, slot: usize, e: &'a EntityRecord) -> &[u32] {
        self.qualified_in(self.slot_sector(slot, e))
    }

    /// Qualified officers for `sector`, canonical order.
    pub(super) fn qualified_in(&self, sector: &str) -> &[u32] {
        self.by_sector.get(sector).map_or(&[], Vec::as_slice)
    }

    /// The per-target facts the conflict test needs.
    pub(super) fn target(&self, e: &'a EntityRecord) -> Target<'_> {
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
    pub(super) fn free_of_conflict(&self, i: u32, t: &Target) -> bool {
        let same_district = self.cross_district && self.officer_district[i as usize] == t.district;
        !same_district && !t.conflicts.contains(&i)
    }

    pub(super) fn under_cap(&self, load: u32) -> bool {
        self.cap.is_none_or(|cap| load < cap)
    }
}

/// One target's facts: its district id (u32::MAX: no officer is of it) and its conflicts.
pub(super) struct Target<'r> {
    pub(super) district: u32,
    pub(super) conflicts: &'r [u32],
}
