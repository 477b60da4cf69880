//! An annual plan's report as the pages, the JSON view and the downloads show it: the plan
//! in force, its versions, its floors, the batches it groups and where each stands, and its
//! coverage. Plain data; `app::annual::report` fills it.

use serde::Serialize;

use super::coverage;

/// One version of a plan, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    pub version: i64,
    pub published_at: String,
    /// Its `annual_plan.published` entry.
    pub log_seq: i64,
    pub batches: usize,
}

/// A floor as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FloorView {
    pub sector: String,
    pub level: String,
    /// `n/d`.
    pub share: String,
    /// In percent, two decimals.
    pub percent: String,
    pub source: String,
}

/// A batch the plan groups, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlannedBatch {
    pub id: String,
    /// Its title once announced (committed); empty before.
    pub title: String,
    /// `planned` (not announced yet), `committed`, `drawn`, `results`, `published` or
    /// `withdrawn`.
    pub state: String,
    /// Whether its targets count in the coverage.
    pub counted: bool,
    /// Whether its inspection window opens in the plan's year (true while it is not
    /// created yet); a batch of another year never counts.
    pub in_year: bool,
}

/// An annual plan in force, with its coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub id: String,
    pub department: String,
    pub year: i64,
    pub title: String,
    pub basis: String,
    /// The version in force (the newest) and when it was published.
    pub version: i64,
    pub published_at: String,
    pub versions: Vec<VersionView>,
    pub floors: Vec<FloorView>,
    pub batches: Vec<PlannedBatch>,
    /// `published` (published batches only) or `all` (every drawn batch).
    pub scope: String,
    /// The entities snapshot the population is read from (none imported yet: 0).
    pub entities_snapshot: i64,
    pub coverage: coverage::Coverage,
}
