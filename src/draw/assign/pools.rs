//! Candidate pools for the fast assignment. A pool is the qualified officers of one sector
//! (of one department, for a joint slot) in canonical order, with Fenwick trees counting
//! which of them are under the workload cap: one over the whole pool and, when
//! cross_district is on, one per district. The candidates of a slot are then the pool's
//! under-cap officers, minus those of the target's district (a tree difference), minus the
//! few team members and conflicts that would otherwise count; the j-th of them is found by
//! a tree descent instead of a scan. Pools are built on first use, from the loads then.

use std::collections::HashMap;
use std::ops::Range;

use super::fenwick::Fenwick;
use super::rules::{Rules, Target};

/// One sector's (and department's) qualified officers and their under-cap counts.
pub(super) struct Pool {
    /// Officer indices in canonical order. An officer whose record lists the sector twice
    /// appears twice, as in the qualified list the reference scans.
    members: Vec<u32>,
    /// 1 at each position whose officer is under the cap.
    under_cap: Fenwick,
    /// Indexed by district id (empty without cross_district): 1 at each position whose
    /// officer is of that district and under the cap.
    by_district: Vec<Option<Fenwick>>,
    /// Indexed by district id: the positions whose officer is of that district, cap or not.
    district_sizes: Vec<u32>,
}

impl Pool {
    fn new(rules: &Rules, members: Vec<u32>, load: &[u32]) -> Pool {
        let counted = |o: u32| u32::from(rules.under_cap(load[o as usize]));
        let under_cap = Fenwick::new(members.iter().map(|&o| counted(o)));
        let mut district_sizes = vec![0; rules.district_ids.len()];
        for &o in &members {
            district_sizes[rules.officer_district[o as usize] as usize] += 1;
        }
        let mut by_district = Vec::new();
        if rules.cross_district {
            by_district.resize(rules.district_ids.len(), None);
            for &o in &members {
                let d = rules.officer_district[o as usize];
                by_district[d as usize].get_or_insert_with(|| {
                    Fenwick::new(
                        members.iter().map(|&m| {
                            u32::from(rules.officer_district[m as usize] == d) * counted(m)
                        }),
                    )
                });
            }
        }
        Pool {
            members,
            under_cap,
            by_district,
            district_sizes,
        }
    }

    /// The officer at `pos`.
    pub(super) fn member(&self, pos: usize) -> u32 {
        self.members[pos]
    }

    /// The positions of officer `o` (empty when `o` is not in the pool).
    pub(super) fn positions(&self, o: u32) -> Range<usize> {
        self.members.partition_point(|&m| m < o)..self.members.partition_point(|&m| m <= o)
    }

    /// The tree of the district whose officers do not count, if any of them is in the pool.
    pub(super) fn district(&self, district: u32) -> Option<&Fenwick> {
        self.by_district.get(district as usize)?.as_ref()
    }

    /// Under-cap positions, minus those counted by `minus`.
    pub(super) fn count(&self, minus: Option<&Fenwick>) -> u32 {
        self.under_cap.total() - minus.map_or(0, Fenwick::total)
    }

    /// The position of the `j`-th (0-based, canonical order) counted position of the pool
    /// minus `minus`, skipping the positions `excluded` (ascending, each one counted).
    pub(super) fn nth(&self, minus: Option<&Fenwick>, j: u32, excluded: &[usize]) -> usize {
        let mut k = j;
        for &x in excluded {
            let rank = self.under_cap.prefix(x) - minus.map_or(0, |m| m.prefix(x));
            if rank > k {
                break;
            }
            k += 1;
        }
        self.under_cap.select(minus, k)
    }

    /// The counts of DRAW-SPEC §6.3 for a slot of this pool with no candidate, which
    /// ignore the cap: `qualified`, the positions not on the `team`, and `after_conflicts`,
    /// those also free of the cross-district rule and of the target's conflicts. `scratch`
    /// is working space.
    pub(super) fn unstaffed_counts(
        &self,
        rules: &Rules,
        team: &[u32],
        target: &Target,
        scratch: &mut Vec<usize>,
    ) -> (u64, u64) {
        let on_team: usize = team.iter().map(|&o| self.positions(o).len()).sum();
        let same_district =
            |o: u32| rules.cross_district && rules.officer_district[o as usize] == target.district;
        let of_district = if rules.cross_district {
            let sizes = self.district_sizes.get(target.district as usize);
            sizes.copied().unwrap_or(0) as usize
        } else {
            0
        };
        // Positions outside the target's district that are on the team or in conflict.
        scratch.clear();
        for &o in team.iter().chain(target.conflicts) {
            if !same_district(o) {
                scratch.extend(self.positions(o));
            }
        }
        scratch.sort_unstable();
        scratch.dedup();
        let n = self.members.len();
        (
            (n - on_team) as u64,
            (n - of_district - scratch.len()) as u64,
        )
    }

    /// Officer `o` reached the cap: clear their positions.
    fn retire(&mut self, o: u32, district: u32) {
        for pos in self.positions(o) {
            self.under_cap.take_one(pos);
            if let Some(Some(tree)) = self.by_district.get_mut(district as usize) {
                tree.take_one(pos);
            }
        }
    }
}

/// The pools built so far, by (sector, slot department or None for any).
pub(super) struct Pools<'a> {
    index: HashMap<(&'a str, Option<u32>), usize>,
    pools: Vec<Pool>,
    /// For each officer, the pools they are in.
    of_officer: Vec<Vec<u32>>,
}

impl<'a> Pools<'a> {
    pub(super) fn new(officers: usize) -> Pools<'a> {
        Pools {
            index: HashMap::new(),
            pools: Vec::new(),
            of_officer: vec![Vec::new(); officers],
        }
    }

    /// The pool of `sector` and `department` (a slot department id, or None), built from the
    /// current `load` on first use.
    pub(super) fn pool(
        &mut self,
        rules: &Rules,
        sector: &'a str,
        department: Option<u32>,
        load: &[u32],
    ) -> &Pool {
        let next = self.pools.len();
        let p = *self.index.entry((sector, department)).or_insert(next);
        if p == next {
            let members: Vec<u32> = rules
                .qualified_in(sector)
                .iter()
                .copied()
                .filter(|&o| department.is_none_or(|d| rules.officer_department[o as usize] == d))
                .collect();
            let mut last = None;
            for &o in &members {
                if last != Some(o) {
                    self.of_officer[o as usize].push(p as u32);
                    last = Some(o);
                }
            }
            self.pools.push(Pool::new(rules, members, load));
        }
        &self.pools[p]
    }

    /// Officer `o` reached the cap: they count in no pool any more.
    pub(super) fn retire(&mut self, rules: &Rules, o: u32) {
        let district = rules.officer_district[o as usize];
        for &p in &self.of_officer[o as usize] {
            self.pools[p as usize].retire(o, district);
        }
    }
}
