//! An independent check of a draw result against the plan's rules, written plainly (string
//! comparisons, linear scans) rather than by re-using the draw's code, so that a bug in one
//! is unlikely to hide in the other.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;

use crate::commitment::{Commitment, EntityRecord, InspectionRecord, OfficerRecord};
use crate::discrepancy::Discrepancy;
use crate::domain::OfficerStatus;
use crate::draw::DrawResult;
use crate::draw::select::{days_before, in_population, sectors, target_size};
use crate::plan::{Attribute, Stratum};

fn fail<T>(path: String, message: String) -> Result<T, Discrepancy> {
    Err(Discrepancy::new(path, message))
}

// DRAW-SPEC §5.2 written out again here, not taken from the draw: an entity's registration
// level from the form of its authority's area code, its attributes, and which strata select it.

fn authority(e: &EntityRecord) -> &str {
    e.uscc.get(2..8).unwrap_or("")
}

fn level(e: &EntityRecord) -> &'static str {
    match authority(e) {
        "100000" => "部级",
        code if code.ends_with("0000") => "省级",
        code if code.ends_with("00") => "地市级",
        _ => "县级",
    }
}

fn value(e: &EntityRecord, attribute: Attribute) -> &str {
    match attribute {
        Attribute::Grade => e.grade.as_str(),
        Attribute::District => &e.district,
        Attribute::EntityType => &e.entity_type,
        Attribute::Level => level(e),
        Attribute::Authority => authority(e),
    }
}

/// Whether the stratum selects `e`; `on_list(name)` says whether `e` is on the list `name`.
fn selects(s: &Stratum, e: &EntityRecord, on_list: impl Fn(&str) -> bool) -> bool {
    let texts = |list: &Option<Vec<String>>, v: &str| {
        list.as_ref()
            .is_none_or(|l| l.is_empty() || l.iter().any(|x| x == v))
    };
    (s.grades.is_empty() || s.grades.contains(&e.grade))
        && texts(&s.districts, &e.district)
        && texts(&s.entity_types, &e.entity_type)
        && s.levels
            .as_ref()
            .is_none_or(|l| l.is_empty() || l.iter().any(|x| x.as_str() == level(e)))
        && s.lists
            .as_ref()
            .is_none_or(|l| l.is_empty() || l.iter().any(|name| on_list(name)))
}

/// Checks every rule the plan states for `draw`.
pub fn check(c: &Commitment, draw: &DrawResult) -> Result<(), Discrepancy> {
    let plan = &c.header.plan;
    let entities: HashMap<&str, &EntityRecord> = c
        .snapshots
        .entities
        .iter()
        .map(|e| (e.uscc.as_str(), e))
        .collect();
    let officers: HashMap<&str, &OfficerRecord> = c
        .snapshots
        .officers
        .iter()
        .map(|o| (o.card_no.as_str(), o))
        .collect();
    let sectors = sectors(c);
    let day = plan.cards_valid_through().format("%Y-%m-%d").to_string();
    let mut history: HashMap<&str, Vec<&InspectionRecord>> = HashMap::new();
    for h in &c.snapshots.history {
        history.entry(h.uscc.as_str()).or_default().push(h);
    }
    let recused: HashSet<(&str, &str)> = c
        .snapshots
        .recusals
        .iter()
        .map(|r| (r.card_no.as_str(), r.uscc.as_str()))
        .collect();
    let inspected_after = |cutoff: &Option<String>,
                           uscc: &str,
                           matter_ok: &dyn Fn(&str) -> bool,
                           card: Option<&str>| {
        cutoff.as_ref().is_some_and(|cutoff| {
            history.get(uscc).into_iter().flatten().any(|h| {
                h.date > *cutoff
                    && matter_ok(&h.matter)
                    && card.is_none_or(|k| h.officers.iter().any(|o| o == k))
            })
        })
    };
    let batch_matter = |m: &str| plan.matters.iter().any(|x| x == m);
    let cutoff = |days: Option<u32>| days.map(|d| days_before(plan.inspection_date, d));
    let exclusion = cutoff(plan.constraints.exclude_inspected_within_days);
    let pairing = cutoff(plan.constraints.no_repeat_pairing_within_days);

    let year = format!("{:04}", plan.inspection_date.year());
    let excluded = |uscc: &str| {
        inspected_after(&exclusion, uscc, &batch_matter, None)
            || (plan.constraints.exclude_inspected_in_year == Some(true)
                && history
                    .get(uscc)
                    .into_iter()
                    .flatten()
                    .any(|h| batch_matter(&h.matter) && h.date.starts_with(&year)))
    };

    // Every entity of the population in its part: the first stratum that selects it (an
    // entity is on a list when a record of the lists snapshot pairs them), and its values of
    // the attributes that stratum splits by.
    let listed: HashSet<(&str, &str)> = c
        .snapshots
        .lists
        .iter()
        .flatten()
        .map(|l| (l.uscc.as_str(), l.list.as_str()))
        .collect();
    let population: Vec<&EntityRecord> = c
        .snapshots
        .entities
        .iter()
        .filter(|e| in_population(plan, &sectors, e))
        .collect();
    let mut parts: BTreeMap<(usize, Vec<&str>), Vec<&EntityRecord>> = BTreeMap::new();
    for e in &population {
        let on_list = |name: &str| listed.contains(&(e.uscc.as_str(), name));
        if let Some(s) = plan.strata.iter().position(|s| selects(s, e, on_list)) {
            let split = plan.strata[s].split_by.iter().flatten();
            let key = split.map(|&x| value(e, x)).collect();
            parts.entry((s, key)).or_default().push(e);
        }
    }
    for (s, stratum) in plan.strata.iter().enumerate() {
        if stratum.split().is_empty() {
            parts.entry((s, Vec::new())).or_default();
        }
    }
    let expected = parts.len() + usize::from(plan.floor().is_some());
    if draw.strata.len() != expected {
        return fail(
            "/draw/strata".into(),
            format!(
                "has {} parts, the plan and the directory give {expected}",
                draw.strata.len()
            ),
        );
    }

    let mut seen = HashSet::new();
    let mut load: HashMap<&str, u32> = HashMap::new();
    let floor = plan
        .floor()
        .map(|f| (None, f.name.clone(), population.clone()));
    let parts = parts.into_iter().map(|((s, key), members)| {
        let name = if key.is_empty() {
            plan.strata[s].name.clone()
        } else {
            format!("{}（{}）", plan.strata[s].name, key.join("、"))
        };
        (Some(&plan.strata[s]), name, members)
    });
    for (p, ((stratum, name, members), result)) in parts.chain(floor).zip(&draw.strata).enumerate()
    {
        let at = format!("/draw/strata/{p}");
        let applies = stratum.is_none_or(|s| s.applies_exclusions());
        let candidates = members
            .iter()
            .filter(|e| stratum.is_some() || !seen.contains(e.uscc.as_str()));
        let eligible = candidates
            .filter(|e| !(applies && excluded(&e.uscc)))
            .count() as u64;
        let population = members.len() as u64;
        let size = match (stratum, plan.floor()) {
            (Some(stratum), _) => target_size(stratum, population),
            (None, Some(floor)) => floor
                .ratio
                .ceil_of(population)
                .saturating_sub(seen.len() as u64),
            (None, None) => unreachable!("the floor's part is there only with a floor"),
        };
        let drawn = result.targets.len() as u64;
        let members: HashSet<&str> = members.iter().map(|e| e.uscc.as_str()).collect();
        if result.name != name {
            return fail(
                at,
                format!("is named {:?}, the part is {name:?}", result.name),
            );
        }
        if result.population != population || result.eligible != eligible || result.size != size {
            return fail(
                at,
                format!("population/eligible/size should be {population}/{eligible}/{size}"),
            );
        }
        if drawn != size.min(eligible) || result.shortfall != size - drawn {
            return fail(
                at,
                format!(
                    "draws {drawn} with shortfall {}; the rule gives {} and {}",
                    result.shortfall,
                    size.min(eligible),
                    size - size.min(eligible)
                ),
            );
        }
        for (t, target) in result.targets.iter().enumerate() {
            let at = format!("{at}/targets/{t}");
            let Some(e) = entities.get(target.uscc.as_str()) else {
                return fail(at, format!("{} is not in the entity snapshot", target.uscc));
            };
            if !members.contains(e.uscc.as_str()) {
                return fail(at, format!("{} is not in this part's population", e.uscc));
            }
            if !seen.insert(target.uscc.as_str()) {
                return fail(at, format!("{} is drawn twice", target.uscc));
            }
            if applies && excluded(&e.uscc) {
                return fail(
                    at,
                    format!(
                        "{} was inspected for this matter within the exclusion window or year",
                        e.uscc
                    ),
                );
            }
            if target.unstaffed.is_some() {
                if !target.team.is_empty() {
                    return fail(at, "an unstaffed target has a team".into());
                }
                continue;
            }
            if target.team.len() != plan.team.size as usize || plan.team.size < 2 {
                return fail(
                    at,
                    format!(
                        "team has {} officers, the plan {}",
                        target.team.len(),
                        plan.team.size
                    ),
                );
            }
            for (k, card) in target.team.iter().enumerate() {
                let at = format!("{at}/team/{k}");
                let Some(o) = officers.get(card.as_str()) else {
                    return fail(at, format!("{card} is not in the officer snapshot"));
                };
                if target.team[..k].contains(card) {
                    return fail(at, format!("{card} is twice on the team"));
                }
                if !plan.team.pool.is_empty() && !plan.team.pool.contains(&o.department) {
                    return fail(at, format!("{card} is not of a department in team.pool"));
                }
                // The sector this slot asks for: its department's matters' (one sector, by
                // §3.2) in a joint batch that names them, else the entity's.
                let sector = plan
                    .team
                    .departments
                    .get(k)
                    .and_then(|d| plan.team.matters_of(d))
                    .and_then(|codes| codes.first())
                    .and_then(|code| c.header.matters.iter().find(|m| &m.code == code))
                    .map_or(e.sector.as_str(), |m| m.sector.as_str());
                if o.status != OfficerStatus::Active
                    || o.valid_until < day
                    || !o.sectors.iter().any(|s| s == sector)
                {
                    return fail(
                        at,
                        format!("{card} is not qualified (status, card validity or sector)"),
                    );
                }
                if recused.contains(&(card.as_str(), e.uscc.as_str())) {
                    return fail(
                        at,
                        format!("{card} declared a conflict with {} (回避)", e.uscc),
                    );
                }
                if plan.constraints.cross_district && o.district == e.district {
                    return fail(at, format!("{card} is of the entity's own district"));
                }
                if inspected_after(&pairing, &e.uscc, &|_| true, Some(card)) {
                    return fail(
                        at,
                        format!("{card} inspected {} within the no-repeat window", e.uscc),
                    );
                }
                if let Some(d) = plan.team.departments.get(k)
                    && &o.department != d
                {
                    return fail(at, format!("slot {k} needs an officer of {d}"));
                }
                let n = load.entry(card.as_str()).or_default();
                *n += 1;
                if plan
                    .constraints
                    .max_targets_per_officer
                    .is_some_and(|cap| *n > cap)
                {
                    return fail(at, format!("{card} has more targets than the workload cap"));
                }
            }
        }
    }
    Ok(())
}
