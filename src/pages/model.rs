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

/// A result category as shown: its code, both labels, and where it sits in its list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeView {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// `none`, `finding`, `status` or `follow-up` (`registries/README.md`, "Result
    /// categories"); empty for a code no list knows.
    pub kind: String,
    /// The code this one sits under; empty at the top.
    pub parent: String,
    /// The labels from the top of the list down to this code, joined with ` › `.
    pub path_zh: String,
    pub path_en: String,
    /// True when no code below this one is selected: the leaves, shown with their paths,
    /// say the whole result.
    pub leaf: bool,
}

/// The standing result of one target (the latest of its chain of corrections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    pub id: i64,
    pub codes: Vec<CodeView>,
    /// The measures taken (处置措施, `domain::codes::Measure`) that the result's checklist
    /// records, each once: published with the categories. The checklist's findings are
    /// working notes and are never shown.
    pub measures: Vec<String>,
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
    /// Its follow-up (后续处置), if its result has or had a finding; published batches only.
    pub followup: Option<super::followups::FollowUpView>,
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

/// The publication deadline: the earliest of the results', each the limit of its target's
/// sector (working days) after its inspection date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeadlineView {
    /// `YYYY-MM-DD`; empty when it cannot be counted yet (see `unknown`).
    pub due: String,
    pub overdue: bool,
    /// Why the deadline cannot be counted yet (it falls in a year whose working-day
    /// calendar is not shipped); empty when it is known.
    pub unknown: String,
    /// The inspection date the deadline counts from (`YYYY-MM-DD`); empty when unknown.
    pub inspected_on: String,
    /// The limit in working days, and the rule it follows; 0 and empty when unknown.
    pub working_days: u32,
    pub basis_zh: String,
    pub basis_en: String,
}

/// The inspection window's end, and the staffed targets still without a result: overdue
/// once the window has ended with some missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    /// The window's last day, `YYYY-MM-DD`.
    pub end: String,
    /// Staffed targets without a result.
    pub uninspected: u64,
    pub overdue: bool,
}

/// A drand round declared as a batch's entropy: its chain and when it will be published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DrandView {
    /// The chain's short name, e.g. `quicknet`.
    pub chain: String,
    pub chain_hash: String,
    pub round: u64,
    /// RFC 3339 (UTC): when the round is published, by the chain's genesis and period.
    pub expected_at: String,
}

/// One public log entry of a batch (its results are counted, not listed, until they are
/// published).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LogEntryView {
    pub seq: u64,
    /// `batch.created`, `batch.committed`, `draw.started`, `draw.refused`, `draw.failed`,
    /// `batch.drawn`, `batch.withdrawn` or `batch.published`.
    pub kind: String,
    /// RFC 3339.
    pub time: String,
    /// The reason of a refusal, a failure or a withdrawal.
    pub reason: Option<String>,
}

/// How far one witness has cosigned the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WitnessView {
    /// The name in its verifier key (e.g. `notary.example/w1`).
    pub name: String,
    /// Its cosignature verifier key (`name+hash+key`).
    pub key: String,
    /// The largest log size it cosigned.
    pub cosigned_size: u64,
}

/// The public log as a page shows it: its size and its witnesses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct LogView {
    /// Entries in the newest signed checkpoint.
    pub size: u64,
    pub witnesses: Vec<WitnessView>,
}

/// Everything the public page of a batch shows, from its commitment on. Before the draw:
/// the plan, its entropy source and the commitment (the announcement, 抽查任务公告); after
/// the draw, also the seed, the entropy and the strata; after publication, the targets,
/// teams and results. Where the batch stands, and when, is what its log entries say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchPage {
    pub id: String,
    pub title: String,
    /// `committed`, `drawn`, `results` (drawn, results being recorded), `published` or
    /// `withdrawn`.
    pub state: String,
    /// The plan's inspection day, `YYYY-MM-DD`.
    pub inspection_date: String,
    /// The inspection window's last day; empty for a plan of DRAW-SPEC version 1 or 2.
    pub inspection_end: String,
    /// The plan as committed (the commitment header's `plan`, DRAW-SPEC §3).
    #[schema(value_type = Object)]
    pub plan: crate::plan::Plan,
    /// For a plan drawing from a drand round: when that round comes.
    pub drand: Option<DrandView>,
    pub matters: Vec<MatterView>,
    /// Population and sample per stratum; empty before the draw.
    pub strata: Vec<StratumView>,
    /// Empty until publication.
    pub targets: Vec<TargetView>,
    pub chart: ChartData,
    pub commitment_hash: String,
    /// RFC 3339 times; empty when not (yet) so.
    pub committed_at: String,
    pub drawn_at: String,
    pub published_at: String,
    pub withdrawn_at: String,
    /// Why the batch was withdrawn (before its draw).
    pub withdraw_reason: String,
    /// The batch's log entries (results excepted), in order.
    pub log_entries: Vec<LogEntryView>,
    /// Result entries logged for the batch (each sealed until publication).
    pub results_logged: u64,
    /// Approvals of results logged for the batch (审核通过; public at once).
    pub approvals_logged: u64,
    /// Returns of results logged for the batch (审核退回; the reasons sealed until
    /// publication).
    pub returns_logged: u64,
    /// The public entropy as logged (canonical JSON: ceremony digits or a drand round);
    /// empty before the draw.
    pub entropy: String,
    /// The seed, hex; empty before the draw.
    pub seed: String,
    /// SHA-256 of the bundle, hex; empty until publication (sealed before).
    pub bundle_sha256: String,
    /// The log's latest signed checkpoint (C2SP signed note text).
    pub checkpoint: String,
    /// The log's verifier key (`name+hash+key`).
    pub log_key: String,
    pub log: LogView,
    pub deadline: Option<DeadlineView>,
    /// After the draw, for a plan with an inspection window's end.
    pub inspection: Option<InspectionView>,
    /// The site's public address (`https://…`, no trailing slash) for the "how to verify"
    /// command; empty when the server was not told it (the command then shows a path).
    pub site_url: String,
}

impl BatchPage {
    /// True once the batch's publication is logged: its targets and results are public.
    pub fn is_published(&self) -> bool {
        self.state == "published"
    }

    /// The seq of the batch's first log entry of `kind`.
    pub fn entry_seq(&self, kind: &str) -> Option<u64> {
        self.log_entries
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.seq)
    }

    /// The witnesses that cosigned a checkpoint holding entry `seq` (one larger than it).
    pub fn witnessed_by(&self, seq: u64) -> Vec<&str> {
        self.log
            .witnesses
            .iter()
            .filter(|w| w.cosigned_size > seq)
            .map(|w| w.name.as_str())
            .collect()
    }
}

/// A batch in one of the home page's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchSummary {
    pub id: String,
    pub title: String,
    /// As on `BatchPage`.
    pub state: String,
    pub inspection_date: String,
    /// The inspection window's last day; empty for a plan of DRAW-SPEC version 1 or 2.
    pub inspection_end: String,
    pub commitment_hash: String,
    /// RFC 3339, as on `BatchPage` (empty when not so).
    pub committed_at: String,
    pub drawn_at: String,
    pub published_at: String,
    pub withdrawn_at: String,
    pub withdraw_reason: String,
    /// Targets drawn (0 before the draw).
    pub targets: u64,
    pub deadline: Option<DeadlineView>,
    /// As on `BatchPage`.
    pub inspection: Option<InspectionView>,
}

/// The home page: every batch from its commitment on, by where it stands. Withdrawn ones
/// stay, with their reason; overdue publications are marked, never hidden.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct HomePage {
    /// Committed, awaiting their draw (oldest commitment first).
    pub announced: Vec<BatchSummary>,
    /// Drawn, results being recorded, not yet published (oldest draw first).
    pub drawn: Vec<BatchSummary>,
    /// Published, newest publication first.
    pub published: Vec<BatchSummary>,
    /// Withdrawn before their draw, newest first.
    pub withdrawn: Vec<BatchSummary>,
    /// The annual plans in force (年度抽查计划), newest year first.
    pub annual: Vec<AnnualLink>,
    pub log: LogView,
}

/// An annual plan in force, as the home page links it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AnnualLink {
    pub id: String,
    pub department: String,
    pub year: i64,
    pub title: String,
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
