//! Inspection results: recorded only by an officer of the target's team, with the
//! inspection date, category codes, a note and the filled checklists of the matters
//! inspected (`checklists`); a correction is a new result pointing at the
//! one it corrects, never an edit.
//!
//! One result stands per target (`Standing`, the one rule the CLI, the API and the pages
//! use): a second result that is not a correction is refused, and a correction must correct
//! the result that stands, decided inside the write transaction. A request id (the API's
//! `Idempotency-Key`, the CLI's `--request-id`) makes a retry return the first result. An
//! officer asking for anything not theirs gets one answer, `not_yours()`, whatever the reason.

use crate::domain::Message;
use crate::msg;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::json;

use super::{App, AppError, Result, batch, journal};
use crate::domain::checklist::Form;
use crate::store::{
    self,
    results::{NewResult, ResultRow},
};

/// Who asks for a result to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    /// The corps (the CLI, on an officer's behalf): precise refusals.
    Corps,
    /// The officer themselves (the API): told nothing about batches and targets that are
    /// not theirs.
    Officer,
}

/// What an officer is told when a batch or a target is not theirs, whatever the reason
/// (no such batch, not drawn, withdrawn, no such target, another team's target): one
/// answer, so that nothing about other batches can be learned from it.
pub fn not_yours() -> AppError {
    AppError::NotFound(Message::new(
        "不是您的检查对象：您不在本批次这个检查对象的检查组中",
        "no target of yours: you are in no team for this USCC in this batch (see GET /api/v1/me/assignments)",
    ))
}

/// The longest request id.
pub const REQUEST_MAX: usize = 128;

/// What an officer reports for one target.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub batch: &'a str,
    pub uscc: &'a str,
    /// The recording officer's card number.
    pub officer: &'a str,
    pub codes: &'a [String],
    pub note: &'a str,
    pub inspected_on: NaiveDate,
    /// The result this one corrects, if it is a correction.
    pub corrects: Option<i64>,
    /// The client's request id: a retry with the same id returns the first result.
    pub request: Option<&'a str>,
    /// The checklists filled (检查表单), one per matter inspected; empty: none.
    pub checklist: &'a [crate::domain::checklist::Filled],
    pub asker: Asker,
}

/// A recorded result, and whether it was recorded by an earlier request with the same id
/// (a retry: nothing was added).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub row: ResultRow,
    pub replayed: bool,
}

/// Checks a request id: 1 to `REQUEST_MAX` printable ASCII characters, no spaces (an HTTP
/// header keeps exactly these; spaces at either end would not survive).
pub fn request_id(id: &str) -> Result<&str> {
    if id.is_empty() || id.len() > REQUEST_MAX || !id.bytes().all(|b| b.is_ascii_graphic()) {
        let got = id.len();
        return Err(AppError::Invalid(msg!(
            "请求编号应为 1 至 {REQUEST_MAX} 个可打印的 ASCII 字符，不含空格（收到 {got} 字节）",
            "request id: 1 to {REQUEST_MAX} printable ASCII characters without spaces (got {got} bytes)"
        )));
    }
    Ok(id)
}

/// The results that stand: for each target, the one no other result corrects. `record`
/// keeps that to one per target; should a database written before that rule hold two for
/// one target, the later (higher id) stands. The CLI, the API and the pages all ask here.
#[derive(Debug, Default)]
pub struct Standing<'a> {
    by_uscc: HashMap<&'a str, &'a ResultRow>,
}

impl<'a> Standing<'a> {
    /// The standing result of `uscc`, if it has a result.
    pub fn get(&self, uscc: &str) -> Option<&'a ResultRow> {
        self.by_uscc.get(uscc).copied()
    }

    /// How many targets have a standing result.
    pub fn len(&self) -> usize {
        self.by_uscc.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_uscc.is_empty()
    }
}

/// Which result stands for each target among a batch's results (or one target's).
pub fn standing(results: &[ResultRow]) -> Standing<'_> {
    let corrected: HashSet<i64> = results.iter().filter_map(|r| r.corrects).collect();
    let mut by_uscc: HashMap<&str, &ResultRow> = HashMap::new();
    for r in results.iter().filter(|r| !corrected.contains(&r.id)) {
        let slot = by_uscc.entry(r.uscc.as_str()).or_insert(r);
        if r.id > slot.id {
            *slot = r;
        }
    }
    Standing { by_uscc }
}

/// The kind of a result's log entry.
pub fn kind_of(r: &ResultRow) -> &'static str {
    if r.corrects.is_some() {
        "result.corrected"
    } else {
        "result.recorded"
    }
}

/// The event of a result's log entry (docs/LOG.md): every column but the time, the
/// entry's own position and the findings (of which the checklist holds a hash).
pub fn event_of(r: &ResultRow) -> serde_json::Value {
    let checklist = r
        .checklist
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null);
    json!({
        "batch": r.batch_id,
        "result": r.id,
        "uscc": r.uscc,
        "recorded_by": r.recorded_by,
        "codes": r.codes,
        "note": r.note,
        "inspected_on": r.inspected_on,
        "corrects": r.corrects,
        "request": r.request_id,
        "checklist": checklist,
    })
}

/// Checks a stored result against its signed log entry, inside the write transaction.
pub(super) async fn signed(tx: &mut store::Tx, r: &ResultRow) -> Result<()> {
    let corrupt = |why: String| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "result #{} of batch {}: {why}; run `shuangsui log verify`",
            r.id, r.batch_id
        )))
    };
    let entry = u64::try_from(r.log_seq)
        .ok()
        .map(|seq| store::log::entry_in(tx, seq));
    let entry = match entry {
        Some(f) => f.await?,
        None => None,
    }
    .ok_or_else(|| corrupt(format!("log entry {} does not exist", r.log_seq)))?;
    let envelope = entry
        .open()
        .map_err(|e| corrupt(format!("log entry {}: {e}", r.log_seq)))?;
    if !agrees(
        r,
        &envelope.kind,
        &serde_json::Value::Object(envelope.event),
    ) {
        return Err(corrupt(format!("differs from log entry {}", r.log_seq)));
    }
    Ok(())
}

/// Does a stored result say what its log entry (`kind`, `event`) says, its findings
/// included (their opening hashes to the entry's `findings_sha256`)? An entry written
/// before `request` existed has no such field: it reads as null.
pub fn agrees(r: &ResultRow, kind: &str, event: &serde_json::Value) -> bool {
    let sealed = event
        .get("checklist")
        .and_then(|c| c.get("findings_sha256"))
        .and_then(serde_json::Value::as_str);
    let opened = r
        .findings
        .as_deref()
        .map(|o| crate::canonical::sha256_hex(o.as_bytes()));
    if sealed != opened.as_deref() {
        return false;
    }
    let mut expected = event_of(r);
    if r.request_id.is_none()
        && event.get("request").is_none()
        && let Some(m) = expected.as_object_mut()
    {
        m.remove("request");
    }
    kind == kind_of(r) && *event == expected
}

/// A report's content, normalised as it is stored: what a retry must repeat exactly.
struct Content {
    uscc: String,
    codes: Vec<String>,
    note: String,
    inspected_on: String,
    corrects: Option<i64>,
    forms: Vec<Form>,
}

impl Content {
    fn matches(&self, r: &ResultRow) -> bool {
        super::checklists::forms_of(r).as_ref() == Some(&self.forms)
            && self.uscc == r.uscc
            && self.codes == r.codes
            && self.note == r.note
            && self.inspected_on == r.inspected_on
            && self.corrects == r.corrects
    }
}

/// The answer to a retry: the earlier result if the request is the same, else a refusal.
fn replay(earlier: ResultRow, content: &Content, request: &str) -> Result<Recorded> {
    if !content.matches(&earlier) {
        let earlier = earlier.id;
        return Err(AppError::Invalid(msg!(
            "请求编号 {request} 已用于内容不同的结果 #{earlier}：重试须与原请求完全相同，新结果须用新的请求编号",
            "request id '{request}' was used for result #{earlier} with other content: a retry repeats its request exactly; a new result needs a new request id"
        )));
    }
    Ok(Recorded {
        row: earlier,
        replayed: true,
    })
}

/// Is the officer in the team of this target of this batch? Assignments exist only for
/// drawn batches, so this is false for a batch that does not exist, is a draft, committed
/// or withdrawn, and for a USCC that is not a target, alike.
async fn in_team(app: &App, batch: &str, uscc: &str, officer: &str) -> Result<bool> {
    Ok(store::batches::assignments(&app.store, batch)
        .await?
        .iter()
        .any(|t| t.uscc == uscc && t.team.iter().any(|c| c == officer)))
}

/// Records a result (or a correction), or returns the earlier one for a retried request.
pub async fn record(app: &App, report: &Report<'_>, today: NaiveDate) -> Result<Recorded> {
    let id = report.batch;
    let officer_asks = report.asker == Asker::Officer;
    // What needs no batch first: the same answer whichever batch is named.
    let request = report.request.map(request_id).transpose()?;
    let uscc = crate::domain::Uscc::parse(report.uscc).map_err(|e| {
        AppError::Invalid(
            Message::same(format!("统一社会信用代码 uscc '{}': {e}", report.uscc)).on("uscc"),
        )
    })?;
    let note = crate::domain::text::optional(report.note)
        .map_err(|e| AppError::Invalid(Message::same(format!("备注 note: {e}")).on("note")))?;
    let on = report.inspected_on;
    if on > today {
        return Err(AppError::Invalid(
            msg!(
                "检查日期 {on} 晚于今天",
                "inspection date {on} is in the future"
            )
            .on("inspected_on"),
        ));
    }
    if officer_asks && !in_team(app, id, uscc.as_str(), report.officer).await? {
        return Err(not_yours());
    }
    // Checked against the list of the target's sector (an officer's target only: nothing
    // about another's is told).
    let sector = super::codes::sector_of(app, id, uscc.as_str()).await?;
    let codes = super::codes::check(app, sector.as_deref(), report.codes)?;
    // The checklists, against the batch's matters and the categories (a target's only: a
    // USCC that is no target is refused for what it is below).
    let forms = match sector.as_deref() {
        Some(sector) if !report.checklist.is_empty() => {
            let plan = batch::plan(&batch::get(app, id).await?)?;
            super::checklists::check(app, &plan.matters, sector, &codes, report.checklist)?
        }
        _ => Vec::new(),
    };
    let content = Content {
        uscc: uscc.as_str().to_string(),
        codes: codes.clone(),
        note: note.clone(),
        inspected_on: report.inspected_on.to_string(),
        corrects: report.corrects,
        forms,
    };
    // A retry is answered before the batch's state is looked at: the batch may have been
    // published since the first attempt.
    if let Some(key) = request
        && let Some(earlier) =
            store::results::by_request(&app.store, id, report.officer, key).await?
    {
        return replay(earlier, &content, key);
    }
    let row = batch::get(app, id).await?;
    let correction = report.corrects.is_some();
    let open = match row.state.as_str() {
        "drawn" | "results" => true,
        "published" => correction,
        _ => false,
    };
    if !open {
        let (zh, en) = batch::states(&row.state);
        return Err(AppError::Refused(if row.state == "published" {
            msg!(
                "批次 {id} {zh}：检查结果在摇号后、公示前录入；请改为录入更正",
                "batch {id} is {en}: results are recorded after the draw and before publication; record a correction (--corrects ID) instead"
            )
        } else {
            msg!(
                "批次 {id} {zh}：检查结果在摇号后录入",
                "batch {id} is {en}: results are recorded after the draw"
            )
        }));
    }
    let targets = store::batches::assignments(&app.store, id).await?;
    let target = targets
        .iter()
        .find(|t| t.uscc == uscc.as_str())
        .ok_or_else(|| {
            let uscc = uscc.as_str();
            AppError::Invalid(msg!(
                "{uscc} 不是批次 {id} 的检查对象",
                "{uscc} is not a target of batch {id}"
            ))
        })?;
    if !target.team.iter().any(|c| c == report.officer) {
        let (officer, uscc) = (report.officer, uscc.as_str());
        return Err(AppError::Forbidden(msg!(
            "执法人员 {officer} 不在批次 {id} 中 {uscc} 的检查组：只有实施检查的检查组录入结果",
            "officer {officer} is not in the team for {uscc} in batch {id}: only the inspecting team records its result"
        )));
    }
    let drawn_on = row.drawn_at.as_deref().and_then(batch::china_date);
    if let Some(d) = drawn_on
        && report.inspected_on < d
    {
        return Err(AppError::Invalid(
            msg!(
                "检查日期 {on} 早于摇号日期（{d}）",
                "inspection date {on} is before the draw ({d})"
            )
            .on("inspected_on"),
        ));
    }
    let plan = batch::plan(&row)?;
    if let Some(end) = plan.inspection_end
        && !(plan.inspection_date..=end).contains(&report.inspected_on)
    {
        let start = plan.inspection_date;
        return Err(AppError::Invalid(
            msg!(
                "检查日期 {on} 不在计划的检查期限 {start} 至 {end} 之内",
                "inspection date {on} is outside the plan's inspection window {start} to {end}"
            )
            .on("inspected_on"),
        ));
    }
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    // Everything below is decided as this transaction sees the database: of two processes
    // at once, the second sees the first's result.
    if let Some(request) = request
        && let Some(earlier) =
            store::results::by_request_in(&mut tx, id, report.officer, request).await?
    {
        return replay(earlier, &content, request);
    }
    // Published meanwhile by another process? Then only a correction may still be recorded.
    let state = store::batches::get_in(&mut tx, id).await?.map(|b| b.state);
    if state.as_deref() == Some("published") && !correction {
        return Err(AppError::Refused(msg!(
            "批次 {id} 刚刚已公示：请改为录入更正",
            "batch {id} was published meanwhile; record a correction (--corrects ID) instead"
        )));
    }
    let of_target = store::results::of_target_in(&mut tx, id, uscc.as_str()).await?;
    // Which result stands is decided by the signed log: each row is checked against its
    // entry before it counts.
    for r in &of_target {
        signed(&mut tx, r).await?;
    }
    let stands = standing(&of_target).get(uscc.as_str()).map(|r| r.id);
    if let Some(old) = report.corrects
        && !of_target.iter().any(|r| r.id == old)
    {
        let uscc = uscc.as_str();
        return Err(if officer_asks {
            AppError::NotFound(msg!(
                "批次 {id} 中 {uscc} 没有可更正的结果 #{old}",
                "no result #{old} of {uscc} in batch {id} to correct"
            ))
        } else {
            match store::results::get_in(&mut tx, old).await? {
                None => {
                    AppError::NotFound(msg!("没有可更正的结果 {old}", "no result {old} to correct"))
                }
                Some(earlier) => {
                    let (theirs, their_batch) = (earlier.uscc, earlier.batch_id);
                    AppError::Invalid(msg!(
                        "结果 {old} 属于批次 {their_batch} 中的 {theirs}，而不是批次 {id} 中的 {uscc}",
                        "result {old} is for {theirs} in batch {their_batch}, not {uscc} in {id}"
                    ))
                }
            }
        });
    }
    match (stands, report.corrects) {
        (Some(s), None) => {
            let uscc = uscc.as_str();
            return Err(AppError::Refused(msg!(
                "批次 {id} 中 {uscc} 已有结果 #{s}：不接受第二个结果；请录入对它的更正",
                "result #{s} stands for {uscc} in batch {id}: a second result is refused; record a correction of it (--corrects {s}, \"corrects\": {s})"
            )));
        }
        (Some(s), Some(old)) if s != old => {
            let uscc = uscc.as_str();
            return Err(AppError::Refused(msg!(
                "结果 #{old} 已被更正；批次 {id} 中 {uscc} 现行的结果是 #{s}：请更正那一个",
                "result #{old} was corrected already; result #{s} stands for {uscc} in batch {id}: correct that one (--corrects {s}, \"corrects\": {s})"
            )));
        }
        _ => {}
    }
    let result_id = store::results::next_id(&mut tx).await?;
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Setup(format!("no randomness for a salt: {e}")))?;
    let (checklist, findings) = super::checklists::logged(&content.forms, &salt);
    let checklist = super::checklists::text_of(&checklist);
    let new = ResultRow {
        id: result_id,
        batch_id: id.to_string(),
        uscc: content.uscc.clone(),
        recorded_by: report.officer.to_string(),
        codes: codes.clone(),
        note: note.clone(),
        inspected_on: content.inspected_on.clone(),
        // The entry's own time, once it is written.
        recorded_at: String::new(),
        corrects: report.corrects,
        log_seq: -1,
        request_id: request.map(str::to_string),
        checklist: checklist.clone(),
        findings: findings.clone(),
    };
    let logged = journal::append(&mut tx, key, &app.origin, kind_of(&new), &event_of(&new)).await?;
    let stored = store::results::insert(
        &mut tx,
        &NewResult {
            id: result_id,
            batch_id: id,
            uscc: uscc.as_str(),
            recorded_by: report.officer,
            codes: &codes,
            note: &note,
            inspected_on: &content.inspected_on,
            recorded_at: &logged.time,
            corrects: report.corrects,
            log_seq: logged.seq as i64,
            request_id: request,
            checklist: checklist.as_deref(),
            findings: findings.as_deref(),
        },
    )
    .await?;
    if stored != result_id {
        return Err(AppError::Store(store::StoreError::Corrupt(format!(
            "result id {stored}, expected {result_id}"
        ))));
    }
    store::batches::mark_results(&mut tx, id).await?;
    tx.commit().await?;
    let rows = store::results::of_batch(&app.store, id).await?;
    rows.into_iter()
        .find(|r| r.id == stored)
        .map(|row| Recorded {
            row,
            replayed: false,
        })
        .ok_or_else(|| AppError::NotFound(msg!("没有结果 {stored}", "result {stored}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, uscc: &str, corrects: Option<i64>) -> ResultRow {
        ResultRow {
            id,
            batch_id: "B".into(),
            uscc: uscc.into(),
            recorded_by: "C1".into(),
            codes: vec!["1".into()],
            note: String::new(),
            inspected_on: "2026-12-01".into(),
            recorded_at: "2026-12-01T00:00:00Z".into(),
            corrects,
            log_seq: id,
            request_id: None,
            checklist: None,
            findings: None,
        }
    }

    #[test]
    fn the_end_of_each_chain_stands_and_of_two_the_later() {
        let rows = vec![
            row(1, "U1", None),
            row(2, "U2", None),
            row(3, "U1", Some(1)),
            row(4, "U1", Some(3)),
            // Written before the rule: two first results for U2.
            row(5, "U2", None),
        ];
        let s = standing(&rows);
        assert_eq!(s.len(), 2);
        assert_eq!(s.get("U1").map(|r| r.id), Some(4));
        assert_eq!(s.get("U2").map(|r| r.id), Some(5));
        assert!(s.get("U3").is_none());
        // The order rows come in does not matter.
        let reversed: Vec<ResultRow> = rows.into_iter().rev().collect();
        assert_eq!(standing(&reversed).get("U2").map(|r| r.id), Some(5));
    }

    #[test]
    fn request_ids_are_bounded_printable_ascii() {
        for good in ["a", "retry-0001", &"x".repeat(REQUEST_MAX), "~!#$%"] {
            assert_eq!(request_id(good).unwrap(), good);
        }
        for bad in ["", " a", "a b", "键", "a\t", &"x".repeat(REQUEST_MAX + 1)] {
            assert!(
                matches!(request_id(bad), Err(AppError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_entry_without_request_agrees_only_with_a_row_without_one() {
        let mut r = row(7, "U1", None);
        let mut old = event_of(&r);
        old.as_object_mut().unwrap().remove("request");
        assert!(agrees(&r, "result.recorded", &old));
        assert!(agrees(&r, "result.recorded", &event_of(&r)));
        assert!(!agrees(&r, "result.corrected", &event_of(&r)));
        r.request_id = Some("k1".into());
        assert!(!agrees(&r, "result.recorded", &old));
        assert!(agrees(&r, "result.recorded", &event_of(&r)));
        let mut other = event_of(&r);
        other["request"] = json!("k2");
        assert!(!agrees(&r, "result.recorded", &other));
    }
}
