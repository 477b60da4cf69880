//! The API's own request and response bodies (the public ones are `pages::model`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::pages::model::{DeadlineView, InspectionView, ResultView, TargetView};
use crate::store::{batches::BatchRow, snapshots::Snapshot};

/// A batch as the corps and auditors see it, in any state.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    pub id: String,
    pub title: String,
    /// draft, committed, drawn, results, published or withdrawn.
    pub state: String,
    pub created_at: String,
    pub commitment_hash: Option<String>,
    pub committed_at: Option<String>,
    pub seed: Option<String>,
    pub bundle_sha256: Option<String>,
    pub drawn_at: Option<String>,
    pub published_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub withdraw_reason: Option<String>,
    /// The publication deadline: the earliest of the results' (none before a result).
    pub deadline: Option<DeadlineView>,
    /// The inspection window's end and the staffed targets still without a result.
    pub inspection: Option<InspectionView>,
    /// Review before publication (审核), for a drawn batch: its staffed targets counted as
    /// unrecorded, awaiting review, returned or approved.
    pub review: Option<crate::app::reviews::Progress>,
    /// Follow-ups of findings (后续处置), for a drawn batch: open, overdue, closed, awaiting
    /// review, lapsed (`GET /api/v1/batches/{id}/followups` lists them).
    pub followups: Option<crate::domain::followup::Counts>,
}

impl BatchView {
    pub fn new(
        row: BatchRow,
        (deadline, inspection): (Option<DeadlineView>, Option<InspectionView>),
    ) -> BatchView {
        BatchView {
            id: row.id,
            title: row.title,
            state: row.state,
            created_at: row.created_at,
            commitment_hash: row.commitment_hash,
            committed_at: row.committed_at,
            seed: row.seed,
            bundle_sha256: row.bundle_sha256,
            drawn_at: row.drawn_at,
            published_at: row.published_at,
            withdrawn_at: row.withdrawn_at,
            withdraw_reason: row.withdraw_reason,
            deadline,
            inspection,
            review: None,
            followups: None,
        }
    }
}

/// A return of a result to its officer (审核退回).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// Why (1 to 500 characters, trimmed): a working note for the officer, sealed in the
    /// log until the batch is published.
    pub reason: String,
}

/// A review of a result, as logged (`result.approved` or `result.returned`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub batch_id: String,
    pub result_id: i64,
    /// The reviewing user's id.
    pub reviewer: i64,
    /// approved or returned.
    pub verdict: String,
    /// A return's reason.
    pub reason: Option<String>,
    pub reviewed_at: String,
    /// The review's log entry.
    pub log_seq: i64,
}

impl From<crate::store::reviews::ReviewRow> for ReviewView {
    fn from(r: crate::store::reviews::ReviewRow) -> ReviewView {
        ReviewView {
            batch_id: r.batch_id,
            result_id: r.result_id,
            reviewer: r.reviewer,
            verdict: r.verdict,
            reason: r.reason,
            reviewed_at: r.reviewed_at,
            log_seq: r.log_seq,
        }
    }
}

/// A batch with its plan, targets (with standing results) and every result recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchDetail {
    #[serde(flatten)]
    pub batch: BatchView,
    /// The plan as committed (TOML text).
    pub plan_toml: String,
    pub targets: Vec<TargetView>,
    /// Every result in the order recorded, corrections included.
    pub results: Vec<ResultView>,
}

/// A directory snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotView {
    pub id: i64,
    /// entities, officers, matters, recusals, history or lists.
    pub kind: String,
    pub version: i64,
    pub content_sha256: String,
    pub rows: i64,
    pub source_name: String,
    pub source_sha256: String,
    pub encoding: String,
    pub imported_at: String,
    pub log_seq: i64,
}

impl From<Snapshot> for SnapshotView {
    fn from(s: Snapshot) -> SnapshotView {
        SnapshotView {
            id: s.id,
            kind: s.kind,
            version: s.version,
            content_sha256: s.content_sha256,
            rows: s.row_count,
            source_name: s.source_name,
            source_sha256: s.source_sha256,
            encoding: s.encoding,
            imported_at: s.imported_at,
            log_seq: s.log_seq,
        }
    }
}

/// What an upload did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// `created` (a new version) or `unchanged` (same content as the current version).
    pub outcome: String,
    pub snapshot: SnapshotView,
}

/// The ceremony's public entropy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// As for the CLI's `--entropy`: `WITNESS=DIGITS,…`, or a drand round's JSON.
    pub entropy: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    pub reason: String,
}

/// A result, recorded by an officer of the target's team (the caller).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultRequest {
    pub uscc: String,
    /// Category codes of the list of the target's sector (`GET /api/v1/result-codes`, the
    /// assignment's `result_codes`); a selection that breaks a rule of the list is refused,
    /// naming the rule.
    pub codes: Vec<String>,
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DD`, not before the draw nor in the future.
    pub inspected_on: String,
    /// The id of the result this corrects.
    #[serde(default)]
    pub corrects: Option<i64>,
    /// The filled checklists (检查表单) of the matters inspected: the `template` of `GET
    /// /api/v1/batches/{id}/form` with each item's `answer` (null: not checked), a
    /// `finding` for each problem answer (never published) and a `measure` where one was
    /// taken. Checked against the result's codes; omitted: none.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub checklist: Vec<crate::domain::checklist::Filled>,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub name: String,
    pub role: String,
    pub card_no: Option<String>,
}

/// One of an officer's assignments.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub batch_id: String,
    pub batch_title: String,
    pub batch_state: String,
    /// The target's sector (行业领域).
    pub sector: String,
    /// The id of the result list for the target's sector (`GET /api/v1/result-codes`).
    pub result_codes: String,
    pub target: TargetView,
}

/// The log's newest signed checkpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    pub size: u64,
    /// C2SP signed note text.
    pub checkpoint: String,
}

/// The log's name and public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogKeyView {
    pub origin: String,
    /// `name+hash+key` (C2SP signed-note verifier key).
    pub verifier_key: String,
}

/// One result list (`registries/result-codes/*.toml`): the sectors whose targets use it,
/// the source it follows, its categories in canonical order and its rules.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeListView {
    pub id: String,
    pub zh: String,
    pub en: String,
    /// The sectors (as spelled in the directory) whose targets use this list.
    pub sectors: Vec<String>,
    /// Used for a sector that no list names.
    pub fallback: bool,
    pub source: String,
    pub categories: Vec<CategoryView>,
    pub rules: Vec<RuleView>,
}

/// A result category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    /// The code it sits under; empty at the top. Selecting it requires its parent.
    pub parent: String,
    pub zh: String,
    pub en: String,
    /// `none`, `finding`, `status` or `follow-up`.
    pub kind: String,
    /// Must be the only code selected.
    pub alone: bool,
    /// Needs at least one of its children selected.
    pub needs_child: bool,
}

/// A rule of a list: `exclude` (with `with` empty, at most one of `codes`; else none of
/// `codes` with any of `with`) or `require` (any of `codes` needs one of `with`).
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    /// `exclude` or `require`.
    pub rule: String,
    pub codes: Vec<String>,
    pub with: Vec<String>,
    pub zh: String,
    pub en: String,
}

/// A measure to record on a follow-up (后续处置措施).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRequest {
    /// One of 当场整改, 责令限期整改, 约谈, 立案查处, 移送有关部门, 列入活动异常名录,
    /// 列入严重违法失信名单 (English aliases accepted, e.g. order-to-correct).
    pub measure: String,
    /// YYYY-MM-DD, China time, not before today.
    #[schema(value_type = String, format = Date)]
    pub due: chrono::NaiveDate,
    #[serde(default)]
    pub note: String,
}

/// A follow-up's closure (查处结果).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureRequest {
    /// YYYY-MM-DD: not before the inspection, not after today.
    #[schema(value_type = String, format = Date)]
    pub closed_on: chrono::NaiveDate,
    /// One of 已整改, 已处罚, 不予处罚, 已移送, 已列入名录 (or corrected, penalised,
    /// not-penalised, referred, listed).
    pub outcome: String,
    /// The outcome in words, required (1 to 500 characters).
    pub text: String,
}
