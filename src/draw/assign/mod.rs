//! Team assignment (DRAW-SPEC §6): for each target in draw order, fill the team's slots one
//! by one with a uniformly chosen officer among those who may inspect it. A slot with no
//! candidate leaves the target unstaffed, with the counts that explain why.

pub mod reference;
mod rules;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::commitment::Commitment;

use super::seed::{Key, stream_key};
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

/// A team (officer indices in pick order) or why there is none.
pub type Staffing = Result<Vec<u32>, Unstaffed>;

/// Assigns teams to `targets` (entity indices in global draw order).
pub fn assign(c: &Commitment, seed: &Key, targets: &[u32]) -> Vec<Staffing> {
    assign_with(c, &mut Stream::new(&stream_key(seed, "teams")), targets)
}

/// `assign`, reading the given stream (tests compare the words it used).
pub(crate) fn assign_with(c: &Commitment, stream: &mut Stream, targets: &[u32]) -> Vec<Staffing> {
    reference::assign_with(c, stream, targets)
}
