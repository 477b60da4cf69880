//! What the public pages show, as plain data: filled by the web adapter from the store and
//! the re-made bundle, rendered by `pages::render`, and served as JSON by the public API
//! (the same values, so the page and the API cannot disagree).

use serde::Serialize;

/// Page language: Simplified Chinese first, English on `?lang=en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From a `lang` query value: `en` is English, anything else Chinese.
    pub fn from_query(value: Option<&str>) -> Lang {
        match value {
            Some(v) if v.eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

/// A result category as shown: its code and both labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeView {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// `none`, `problem` or `status` (see `registries/result-codes.toml`).
    pub finding: String,
}

/// The standing result of one target (the latest of its chain of corrections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    pub id: i64,
    pub codes: Vec<CodeView>,
    pub note: String,
    /// `YYYY-MM-DD`.
    pub inspected_on: String,
    /// RFC 3339.
    pub recorded_at: String,
    /// The result this one corrects, when it is a correction.
    pub corrects: Option<i64>,
}

/// One drawn target with its team (card numbers only) and result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TargetView {
    /// Order in the draw (1-based).
    pub position: i64,
    pub stratum: String,
    pub uscc: String,
    pub name: String,
    pub district: String,
    /// Credit grade A–D.
    pub grade: String,
    /// Law-enforcement card numbers of the team; empty when no team was possible.
    pub team: Vec<String>,
    pub result: Option<ResultView>,
}

/// An inspection matter with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MatterView {
    pub code: String,
    pub name: String,
    pub legal_basis: String,
    pub inspecting_body: String,
    pub content: String,
}

/// Population and sample of one stratum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StratumView {
    pub name: String,
    pub population: u64,
    pub excluded: u64,
    pub eligible: u64,
    pub size: u64,
    pub shortfall: u64,
}

/// One bar of the chart: a district or a credit grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChartBar {
    pub label: String,
    pub population: u64,
    pub sample: u64,
}

/// Sample against population, by district and by credit grade.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct ChartData {
    pub by_district: Vec<ChartBar>,
    pub by_grade: Vec<ChartBar>,
}

/// The publication deadline: 20 working days after the first result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeadlineView {
    /// `YYYY-MM-DD`.
    pub due: String,
    pub overdue: bool,
}

/// Everything the public batch page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchPage {
    pub id: String,
    pub title: String,
    /// `published` on public pages.
    pub state: String,
    /// The plan's inspection day, `YYYY-MM-DD`.
    pub inspection_date: String,
    pub matters: Vec<MatterView>,
    pub strata: Vec<StratumView>,
    pub targets: Vec<TargetView>,
    pub chart: ChartData,
    pub commitment_hash: String,
    /// RFC 3339 times.
    pub committed_at: String,
    pub drawn_at: String,
    pub published_at: String,
    /// The public entropy as logged (canonical JSON: ceremony digits or a drand round).
    pub entropy: String,
    /// The seed, hex.
    pub seed: String,
    /// SHA-256 of the bundle, hex.
    pub bundle_sha256: String,
    /// The log's latest signed checkpoint (C2SP signed note text).
    pub checkpoint: String,
    /// The log's verifier key (`name+hash+key`).
    pub log_key: String,
    pub deadline: Option<DeadlineView>,
    /// The site's public address (`https://…`, no trailing slash) for the "how to verify"
    /// command; empty when the server was not told it (the command then shows a path).
    pub site_url: String,
}

/// A batch in the home page's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchSummary {
    pub id: String,
    pub title: String,
    /// RFC 3339; `None` for a batch whose publication is overdue.
    pub published_at: Option<String>,
    pub targets: u64,
    pub deadline: Option<DeadlineView>,
}

/// The home page: published batches newest first, and batches whose publication is overdue
/// (never hidden).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct HomePage {
    pub published: Vec<BatchSummary>,
    pub overdue: Vec<BatchSummary>,
}

/// One search hit: an organisation drawn in a published batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub batch_id: String,
    pub batch_title: String,
    pub uscc: String,
    pub name: String,
    pub district: String,
    pub result: Option<ResultView>,
}

/// The search page: a name fragment or a USCC, and what matched.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// True when more hits matched than are shown.
    pub truncated: bool,
}
