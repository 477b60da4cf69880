//! The draw, as a pure function of a commitment and a seed (DRAW-SPEC §4–6): no I/O, no
//! clock, no database. `select` picks the targets of each stratum, `assign` gives each
//! target a team. Same inputs, same result, on any machine.

pub mod assign;
pub mod seed;
pub mod select;
pub mod stream;

use serde::{Deserialize, Serialize};

use crate::commitment::Commitment;
pub use assign::Unstaffed;
pub use seed::Key;

/// A drawn target and its team (card numbers in pick order), or why it has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub team: Vec<String>,
    pub unstaffed: Option<Unstaffed>,
    pub uscc: String,
}

/// One part's outcome (a stratum, a stratum's part by the values it splits by, or the
/// floor: DRAW-SPEC §5). `size` is the rule's sample size; `shortfall` is how many of them
/// could not be drawn because fewer entities were eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StratumResult {
    pub eligible: u64,
    pub excluded: u64,
    pub name: String,
    pub population: u64,
    pub shortfall: u64,
    pub size: u64,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawResult {
    pub strata: Vec<StratumResult>,
}

impl DrawResult {
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        self.strata.iter().flat_map(|s| s.targets.iter())
    }

    pub fn unstaffed(&self) -> impl Iterator<Item = &Target> {
        self.targets().filter(|t| t.unstaffed.is_some())
    }
}

/// Runs the draw. The commitment must have passed `Commitment::check`.
pub fn run(commitment: &Commitment, seed: &Key) -> DrawResult {
    let selections = select::select(commitment, seed);
    let order: Vec<u32> = selections
        .iter()
        .flat_map(|s| s.drawn.iter().copied())
        .collect();
    let mut staffing = assign::assign(commitment, seed, &order).into_iter();
    let entities = &commitment.snapshots.entities;
    let officers = &commitment.snapshots.officers;
    let strata = selections
        .into_iter()
        .map(|sel| StratumResult {
            eligible: sel.eligible,
            excluded: sel.excluded,
            name: sel.name,
            population: sel.population,
            shortfall: sel.size - sel.drawn.len() as u64,
            size: sel.size,
            targets: sel
                .drawn
                .iter()
                .map(|&e| {
                    let uscc = entities[e as usize].uscc.to_string();
                    match staffing.next().expect("one staffing per target") {
                        Ok(team) => Target {
                            team: team
                                .iter()
                                .map(|&o| officers[o as usize].card_no.clone())
                                .collect(),
                            unstaffed: None,
                            uscc,
                        },
                        Err(why) => Target {
                            team: Vec::new(),
                            unstaffed: Some(why),
                            uscc,
                        },
                    }
                })
                .collect(),
        })
        .collect();
    DrawResult { strata }
}
