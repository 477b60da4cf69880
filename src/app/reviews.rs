//! Review before publication (审核): a reviewer approves or returns (with a reason) the
//! standing result of each target. Every review is a log entry (`result.approved`,
//! `result.returned`) and a row of `reviews`, in one transaction.
//!
//! The rules, the same here and in `projection::replay`:
//! - only a user with the role `reviewer`, not revoked, reviews; reviewers do nothing else,
//!   and no other role reviews (the corps publishes, officers record: whoever records a
//!   result never reviews it);
//! - a review is of the result that stands for its target (`results::standing`); a result
//!   that was corrected is never reviewed;
//! - a result is reviewed once: approved, or returned with a reason (1 to 500 characters,
//!   trimmed). A returned result is corrected (`result.corrected`) and the correction is
//!   reviewed in turn; a correction of an approved result is unreviewed again;
//! - a batch is published only when every staffed target's standing result is approved
//!   (`app::batch::publish`, from [`Progress`]).

use crate::msg;
use std::collections::HashMap;

use serde_json::json;

use super::{App, AppError, Result, batch, journal};
use crate::store::{self, batches::Assignment, results::ResultRow, reviews::ReviewRow};

/// The longest return reason, in characters.
pub const REASON_MAX: usize = 500;

/// What a reviewer decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    Approve,
    /// Return, with the reason (a working note for the officer, sealed until publication).
    Return(&'a str),
}

impl Verdict<'_> {
    /// The log entry's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Approve => "result.approved",
            Verdict::Return(_) => "result.returned",
        }
    }
}

/// The word stored in `reviews.verdict` for an entry kind.
pub fn verdict_of(kind: &str) -> Option<&'static str> {
    match kind {
        "result.approved" => Some("approved"),
        "result.returned" => Some("returned"),
        _ => None,
    }
}

/// A return reason as stored: trimmed, NFC, no control characters, 1 to 500 characters.
pub fn reason(text: &str) -> Result<String> {
    let r = crate::domain::text::required(text)
        .map_err(|e| AppError::Invalid(msg!("退回理由{e}", "the return reason {e}")))?;
    if r.chars().count() > REASON_MAX {
        return Err(AppError::Invalid(msg!(
            "退回理由超过 {REASON_MAX} 字",
            "the return reason is longer than {REASON_MAX} characters"
        )));
    }
    Ok(r)
}

/// The event of a review's log entry (docs/LOG.md).
pub fn event_of(r: &ReviewRow) -> serde_json::Value {
    let mut e = json!({
        "batch": r.batch_id,
        "result": r.result_id,
        "reviewer": r.reviewer,
    });
    if let Some(reason) = &r.reason {
        e["reason"] = json!(reason);
    }
    e
}

/// Where a batch's review stands, counted over its staffed targets: each is unrecorded,
/// or its standing result awaits review, was returned, or was approved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// Staffed targets (an unstaffed target has no result to record).
    pub staffed: usize,
    /// Staffed targets with a standing result.
    pub recorded: usize,
    pub unrecorded: usize,
    /// Standing results not reviewed yet (a correction of an approved result included).
    pub awaiting_review: usize,
    /// Standing results returned: the officer corrects them.
    pub returned: usize,
    pub approved: usize,
}

impl Progress {
    /// Counts a batch's targets by the review of their standing results.
    pub fn of(targets: &[Assignment], results: &[ResultRow], reviews: &[ReviewRow]) -> Progress {
        let standing = super::results::standing(results);
        let by_result: HashMap<i64, &ReviewRow> =
            reviews.iter().map(|r| (r.result_id, r)).collect();
        let mut p = Progress::default();
        for t in targets.iter().filter(|t| !t.team.is_empty()) {
            p.staffed += 1;
            let Some(r) = standing.get(&t.uscc) else {
                p.unrecorded += 1;
                continue;
            };
            p.recorded += 1;
            match by_result.get(&r.id).map(|v| v.verdict.as_str()) {
                Some("approved") => p.approved += 1,
                Some(_) => p.returned += 1,
                None => p.awaiting_review += 1,
            }
        }
        p
    }

    /// Every staffed target's standing result is approved.
    pub fn complete(&self) -> bool {
        self.approved == self.staffed
    }
}

/// A drawn batch's targets, results and reviews as stored, and the review progress they make.
pub struct Reviewing {
    pub targets: Vec<Assignment>,
    pub results: Vec<ResultRow>,
    pub reviews: Vec<ReviewRow>,
    pub progress: Progress,
}

/// Reads what the review of batch `id` stands on.
pub async fn reviewing(app: &App, id: &str) -> Result<Reviewing> {
    let targets = store::batches::assignments(&app.store, id).await?;
    let results = store::results::of_batch(&app.store, id).await?;
    let reviews = store::reviews::of_batch(&app.store, id).await?;
    let progress = Progress::of(&targets, &results, &reviews);
    Ok(Reviewing {
        targets,
        results,
        reviews,
        progress,
    })
}

/// The standing results of a batch that await review, in the order recorded.
pub async fn awaiting(app: &App, id: &str) -> Result<Vec<ResultRow>> {
    batch::get(app, id).await?;
    let results = store::results::of_batch(&app.store, id).await?;
    let reviews = store::reviews::of_batch(&app.store, id).await?;
    let standing = super::results::standing(&results);
    Ok(results
        .iter()
        .filter(|r| standing.get(&r.uscc).map(|s| s.id) == Some(r.id))
        .filter(|r| !reviews.iter().any(|v| v.result_id == r.id))
        .cloned()
        .collect())
}

/// Checks a stored review against its signed log entry, inside the write transaction.
pub(super) async fn signed(tx: &mut store::Tx, r: &ReviewRow) -> Result<()> {
    let corrupt = |why: String| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "review of result #{} in batch {}: {why}; run `shuangsui log verify`",
            r.result_id, r.batch_id
        )))
    };
    let entry = match u64::try_from(r.log_seq) {
        Ok(seq) => store::log::entry_in(tx, seq).await?,
        Err(_) => None,
    }
    .ok_or_else(|| corrupt(format!("log entry {} does not exist", r.log_seq)))?;
    let envelope = entry
        .open()
        .map_err(|e| corrupt(format!("log entry {}: {e}", r.log_seq)))?;
    if verdict_of(&envelope.kind) != Some(r.verdict.as_str())
        || serde_json::Value::Object(envelope.event) != event_of(r)
    {
        return Err(corrupt(format!("differs from log entry {}", r.log_seq)));
    }
    Ok(())
}

/// Approves or returns result `result` of batch `id`, as the user `reviewer` (an id).
pub async fn review(
    app: &App,
    id: &str,
    result: i64,
    reviewer: i64,
    verdict: Verdict<'_>,
) -> Result<ReviewRow> {
    let reason = match verdict {
        Verdict::Approve => None,
        Verdict::Return(text) => Some(reason(text)?),
    };
    let b = batch::get(app, id).await?;
    if !matches!(b.state.as_str(), "drawn" | "results" | "published") {
        let (zh, en) = batch::states(&b.state);
        return Err(AppError::Refused(msg!(
            "批次 {id} {zh}，无结果可审核",
            "batch {id} is {en}: results are reviewed after the draw"
        )));
    }
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let user = store::users::get_in(&mut tx, reviewer).await?;
    match &user {
        Some(u) if u.role == "reviewer" && u.revoked_at.is_none() => {}
        Some(u) if u.revoked_at.is_some() => {
            let name = &u.name;
            return Err(AppError::Forbidden(msg!(
                "用户 {name} 已被停用",
                "user {name} is revoked"
            )));
        }
        Some(u) => {
            let (name, role) = (&u.name, &u.role);
            return Err(AppError::Forbidden(msg!(
                "用户 {name} 的角色为 {role}，只有审核人员可审核",
                "user {name} is {role}: only a reviewer approves or returns results"
            )));
        }
        None => {
            return Err(AppError::NotFound(msg!(
                "没有用户 #{reviewer}",
                "no user {reviewer}"
            )));
        }
    }
    let row = store::results::get_in(&mut tx, result)
        .await?
        .filter(|r| r.batch_id == id)
        .ok_or_else(|| {
            AppError::NotFound(msg!(
                "批次 {id} 中没有结果 #{result}",
                "no result #{result} in batch {id}"
            ))
        })?;
    // Which result stands, and what was said of it, is decided by the signed log.
    let of_target = store::results::of_target_in(&mut tx, id, &row.uscc).await?;
    for r in &of_target {
        super::results::signed(&mut tx, r).await?;
    }
    let stands = super::results::standing(&of_target)
        .get(&row.uscc)
        .map(|r| r.id);
    if stands != Some(result) {
        let s = stands.unwrap_or_default();
        let uscc = &row.uscc;
        return Err(AppError::Refused(msg!(
            "结果 #{result} 已被更正，现行结果为 #{s}，请审核 #{s}",
            "result #{result} was corrected: result #{s} stands for {uscc} in batch {id}; review #{s}"
        )));
    }
    let reviews = store::reviews::of_batch_in(&mut tx, id).await?;
    if let Some(earlier) = reviews.iter().find(|r| r.result_id == result) {
        signed(&mut tx, earlier).await?;
        let seq = earlier.log_seq;
        return Err(AppError::Refused(if earlier.verdict == "approved" {
            msg!(
                "结果 #{result} 已审核通过（日志条目 {seq}），不能再次审核",
                "result #{result} was approved already, log entry {seq}: a result is reviewed once"
            )
        } else {
            msg!(
                "结果 #{result} 已退回（日志条目 {seq}），须先更正再审核",
                "result #{result} was returned, log entry {seq}: the officer records a correction of it (corrects {result}), and the correction is reviewed"
            )
        }));
    }
    let mut new = ReviewRow {
        log_seq: -1,
        batch_id: id.to_string(),
        result_id: result,
        reviewer,
        verdict: verdict_of(verdict.kind()).unwrap_or_default().to_string(),
        reason,
        reviewed_at: String::new(),
    };
    let logged =
        journal::append(&mut tx, key, &app.origin, verdict.kind(), &event_of(&new)).await?;
    new.log_seq = logged.seq as i64;
    new.reviewed_at = logged.time.clone();
    store::reviews::insert(&mut tx, &new).await?;
    tx.commit().await?;
    Ok(new)
}

/// Why a batch cannot be published yet: how many of its staffed targets are unrecorded
/// (named), await review, or were returned.
pub fn not_ready(
    id: &str,
    p: &Progress,
    targets: &[Assignment],
    results: &[ResultRow],
) -> AppError {
    let standing = super::results::standing(results);
    let missing: Vec<&str> = targets
        .iter()
        .filter(|t| !t.team.is_empty() && standing.get(&t.uscc).is_none())
        .map(|t| t.uscc.as_str())
        .collect();
    let (unrecorded, awaiting, returned) = (p.unrecorded, p.awaiting_review, p.returned);
    let missing = if missing.is_empty() {
        String::new()
    } else {
        format!(": {}", missing.join(", "))
    };
    AppError::Invalid(msg!(
        "批次 {id} 不能公示：{unrecorded} 个对象未录入结果，{awaiting} 个结果待审核，{returned} 个结果被退回待更正",
        "batch {id}: {unrecorded} target(s) have no result yet{missing}; {awaiting} result(s) awaiting review; {returned} returned, to be corrected; every staffed target's standing result must be approved before publication"
    ))
}

/// Checks, inside the publication's transaction, that every staffed target's standing
/// result is approved, each result and approval read against its signed entry.
pub(super) async fn ready_to_publish(
    tx: &mut store::Tx,
    id: &str,
    targets: &[Assignment],
) -> Result<()> {
    let results = store::results::of_batch_in(tx, id).await?;
    let reviews = store::reviews::of_batch_in(tx, id).await?;
    let p = Progress::of(targets, &results, &reviews);
    if !p.complete() {
        return Err(not_ready(id, &p, targets, &results));
    }
    let standing = super::results::standing(&results);
    for t in targets.iter().filter(|t| !t.team.is_empty()) {
        if let Some(r) = standing.get(&t.uscc) {
            super::results::signed(tx, r).await?;
            if let Some(v) = reviews.iter().find(|v| v.result_id == r.id) {
                signed(tx, v).await?;
            }
        }
    }
    Ok(())
}
