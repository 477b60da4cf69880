//! Follow-up and closure (后续处置 / 查处结果): the corps records measures (`followup.measure`)
//! and the closure (`followup.closed`) of a target whose standing result has a finding, each
//! a log entry and a row, in one transaction; and where each follow-up stands. The rules are
//! `domain::followup`'s; this module gathers their facts (the standing result, its review,
//! the batch's publication, the measures and the closure, each row but the batch's checked
//! against its signed entry before it decides) and writes.
//!
//! Measures and closures are the corps' (执法总队), not the inspecting officers': an order
//! to correct, a case, a referral or a listing is an act of the administrative organ, and
//! its outcome (查处结果) is the organ's decision; officers record what they found.

pub mod desk;

use crate::domain::Message;
use crate::msg;
use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{App, AppError, Result, batch, journal};
use crate::domain::codes::{Measure, Outcome};
use crate::domain::followup::{self, Counts, Facts, State};
use crate::domain::result_code::CodeBook;
use crate::store::{
    self,
    batches::Assignment,
    followups::{ClosureRow, MeasureRow},
    results::ResultRow,
    reviews::ReviewRow,
};

/// A measure to record.
#[derive(Debug, Clone)]
pub struct NewMeasure<'a> {
    pub batch: &'a str,
    pub uscc: &'a str,
    pub measure: &'a str,
    pub due: NaiveDate,
    pub note: &'a str,
    /// The recording user's id (role corps).
    pub by: i64,
    /// The client's request id (the console's form carries one, the API's
    /// `Idempotency-Key`): a second post of it returns the measure recorded first.
    pub request: Option<&'a str>,
}

/// A closure to record.
#[derive(Debug, Clone)]
pub struct NewClosure<'a> {
    pub batch: &'a str,
    pub uscc: &'a str,
    pub closed_on: NaiveDate,
    pub outcome: &'a str,
    /// The outcome in words (查处结果), required.
    pub text: &'a str,
    pub by: i64,
}

/// The event of a measure's entry (docs/LOG.md).
pub fn measure_event(m: &MeasureRow) -> serde_json::Value {
    let mut event = json!({
        "batch": m.batch_id,
        "uscc": m.uscc,
        "result": m.result_id,
        "measure": m.measure,
        "due": m.due_on,
        "note": m.note,
        "by": m.recorded_by,
    });
    // Only a measure recorded with a request id names it (as entries before it did not).
    if let (Some(request), Some(fields)) = (&m.request_id, event.as_object_mut()) {
        fields.insert("request".into(), json!(request));
    }
    event
}

/// The event of a closure's entry (docs/LOG.md).
pub fn closure_event(c: &ClosureRow) -> serde_json::Value {
    json!({
        "batch": c.batch_id,
        "uscc": c.uscc,
        "result": c.result_id,
        "closed_on": c.closed_on,
        "outcome": c.outcome,
        "text": c.outcome_text,
        "by": c.closed_by,
    })
}

fn date(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

/// The facts of one target's follow-up, from its standing result (if any), the batch's
/// reviews and publication, and the target's measures and closure.
pub fn facts(
    book: &CodeBook,
    sector: &str,
    standing: Option<&ResultRow>,
    reviews: &[ReviewRow],
    published: bool,
    measures: &[&MeasureRow],
    closure: Option<&ClosureRow>,
) -> Facts {
    Facts {
        finding: standing.is_some_and(|r| book.has_finding(sector, &r.codes)),
        settled: standing.is_some_and(|r| {
            published
                || reviews
                    .iter()
                    .any(|v| v.result_id == r.id && v.verdict == "approved")
        }),
        inspected_on: standing.and_then(|r| date(&r.inspected_on)),
        dues: measures.iter().filter_map(|m| date(&m.due_on)).collect(),
        closed: closure.and_then(|c| Some((date(&c.closed_on)?, Outcome::parse(&c.outcome).ok()?))),
    }
}

/// One target's follow-up as shown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub batch: String,
    pub uscc: String,
    pub entity_name: String,
    /// `pending`, `open`, `overdue`, `closed` or `lapsed`.
    pub state: &'static str,
    /// Chinese for `state`.
    pub state_zh: &'static str,
    /// The standing result followed up, if any.
    pub result: Option<i64>,
    /// The earliest due date among the measures, if any.
    pub next_due: Option<String>,
    pub measures: Vec<MeasureRow>,
    pub closure: Option<ClosureRow>,
    #[serde(skip)]
    #[schema(ignore)]
    pub at: StateAt,
}

/// The state itself (dates and outcome), for the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateAt(pub State);

impl Default for StateAt {
    fn default() -> Self {
        StateAt(State::None)
    }
}

/// A batch's follow-ups (every target whose state is not `none`, in draw order) and their
/// counts.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct BatchFollowUps {
    pub counts: Counts,
    pub followups: Vec<FollowUp>,
}

/// Where the follow-ups of a batch stand on `today`, from the rows as stored.
pub async fn of_batch(app: &App, id: &str, today: NaiveDate) -> Result<BatchFollowUps> {
    let rows = Rows::load(app, id).await?;
    Ok(gather(&app.codes, &rows.stored(), today))
}

/// A batch's rows, as stored, that its follow-ups are made from.
pub(crate) struct Rows {
    pub batch: store::batches::BatchRow,
    pub targets: Vec<Assignment>,
    pub results: Vec<ResultRow>,
    pub reviews: Vec<ReviewRow>,
    pub measures: Vec<MeasureRow>,
    pub closures: Vec<ClosureRow>,
}

impl Rows {
    pub(crate) async fn load(app: &App, id: &str) -> Result<Rows> {
        let batch = batch::get(app, id).await?;
        let targets = store::batches::assignments(&app.store, id).await?;
        let results = store::results::of_batch(&app.store, id).await?;
        let reviews = store::reviews::of_batch(&app.store, id).await?;
        let (measures, closures) = store::followups::of_batch(&app.store, id).await?;
        Ok(Rows {
            batch,
            targets,
            results,
            reviews,
            measures,
            closures,
        })
    }

    pub(crate) fn stored(&self) -> Stored<'_> {
        Stored {
            batch: &self.batch.id,
            published: self.batch.state == "published",
            targets: &self.targets,
            results: &self.results,
            reviews: &self.reviews,
            measures: &self.measures,
            closures: &self.closures,
        }
    }
}

/// What a batch's follow-ups are made from.
pub struct Stored<'a> {
    pub batch: &'a str,
    pub published: bool,
    pub targets: &'a [Assignment],
    pub results: &'a [ResultRow],
    pub reviews: &'a [ReviewRow],
    pub measures: &'a [MeasureRow],
    pub closures: &'a [ClosureRow],
}

/// The follow-ups of a batch from its rows: one rule for the CLI, the API and the pages.
pub fn gather(book: &CodeBook, s: &Stored<'_>, today: NaiveDate) -> BatchFollowUps {
    let standing = super::results::standing(s.results);
    let mut by_target: HashMap<&str, Vec<&MeasureRow>> = HashMap::new();
    for m in s.measures {
        by_target.entry(m.uscc.as_str()).or_default().push(m);
    }
    let mut out = BatchFollowUps::default();
    for t in s.targets {
        let r = standing.get(&t.uscc);
        let measures = by_target.remove(t.uscc.as_str()).unwrap_or_default();
        let closure = s.closures.iter().find(|c| c.uscc == t.uscc);
        let f = facts(
            book,
            &t.sector,
            r,
            s.reviews,
            s.published,
            &measures,
            closure,
        );
        let st = followup::state(&f, today);
        if st == State::None {
            continue;
        }
        out.counts.add(st);
        out.followups.push(FollowUp {
            batch: s.batch.to_string(),
            uscc: t.uscc.clone(),
            entity_name: t.entity_name.clone(),
            state: st.word(),
            state_zh: st.zh(),
            result: r.map(|r| r.id),
            next_due: f.dues.iter().min().map(|d| d.to_string()),
            measures: measures.into_iter().cloned().collect(),
            closure: closure.cloned(),
            at: StateAt(st),
        });
    }
    out
}

/// Which follow-ups a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    /// Open or overdue.
    Open,
    Overdue,
}

impl Filter {
    pub fn keeps(self, f: &FollowUp) -> bool {
        match self {
            Filter::All => true,
            Filter::Open => f.at.0.is_open(),
            Filter::Overdue => matches!(f.at.0, State::Overdue { .. }),
        }
    }
}

/// The follow-ups of every drawn batch (`published_only`: of published batches only, for
/// the public), filtered, batch by batch.
pub async fn list(
    app: &App,
    filter: Filter,
    published_only: bool,
    today: NaiveDate,
) -> Result<Vec<FollowUp>> {
    let mut out = Vec::new();
    for b in store::batches::all(&app.store).await? {
        let keep = if published_only {
            b.state == "published"
        } else {
            matches!(b.state.as_str(), "drawn" | "results" | "published")
        };
        if !keep {
            continue;
        }
        out.extend(
            of_batch(app, &b.id, today)
                .await?
                .followups
                .into_iter()
                .filter(|f| filter.keeps(f)),
        );
    }
    Ok(out)
}

/// Checks a stored row against its signed log entry (`kind`, `event`), inside the write
/// transaction.
async fn signed(tx: &mut store::Tx, seq: i64, kind: &str, event: serde_json::Value) -> Result<()> {
    let corrupt = |why: String| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "follow-up row of log entry {seq}: {why}; run `shuangsui log verify`"
        )))
    };
    let entry = match u64::try_from(seq) {
        Ok(s) => store::log::entry_in(tx, s).await?,
        Err(_) => None,
    }
    .ok_or_else(|| corrupt("its log entry does not exist".into()))?;
    let envelope = entry.open().map_err(|e| corrupt(e.to_string()))?;
    if envelope.kind != kind || serde_json::Value::Object(envelope.event) != event {
        return Err(corrupt("it differs from its log entry".into()));
    }
    Ok(())
}

/// A follow-up as the write transaction sees it: the facts, and the standing result.
struct Current {
    facts: Facts,
    result: ResultRow,
}

/// Reads, inside the write transaction, what decides a target's follow-up, every row
/// checked against its signed entry; and checks that `by` is a corps user, not revoked.
async fn current(
    app: &App,
    tx: &mut store::Tx,
    id: &str,
    uscc: &str,
    by: i64,
    sector: Option<String>,
) -> Result<Current> {
    match store::users::get_in(tx, by).await? {
        Some(u) if u.role == "corps" && u.revoked_at.is_none() => {}
        Some(u) => {
            let (name, role) = (&u.name, &u.role);
            let (revoked_zh, revoked_en) = if u.revoked_at.is_some() {
                ("（已撤销）", ", revoked")
            } else {
                ("", "")
            };
            return Err(AppError::Forbidden(msg!(
                "用户 {name} 的角色为 {role}{revoked_zh}，只有执法总队可记录后续处置",
                "user {name} is {role}{revoked_en}: only the corps records measures and closures"
            )));
        }
        None => {
            return Err(AppError::NotFound(msg!("没有用户 #{by}", "no user {by}")));
        }
    }
    let b = store::batches::get_in(tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("没有批次 {id}", "no batch {id}")))?;
    if !matches!(b.state.as_str(), "drawn" | "results" | "published") {
        let (zh, en) = super::batch::states(&b.state);
        return Err(AppError::Refused(msg!(
            "批次 {id} {zh}，尚无检查结果",
            "batch {id} is {en}: follow-ups come after results"
        )));
    }
    let sector = sector.ok_or_else(|| {
        AppError::Invalid(msg!(
            "{uscc} 不是批次 {id} 的检查对象",
            "{uscc} is not a target of batch {id}"
        ))
    })?;
    let results = store::results::of_target_in(tx, id, uscc).await?;
    for r in &results {
        super::results::signed(tx, r).await?;
    }
    let standing = super::results::standing(&results);
    let result = standing.get(uscc).cloned().ok_or_else(|| {
        AppError::Refused(msg!(
            "{uscc} 在批次 {id} 中尚无检查结果",
            "{uscc} has no result in batch {id}: nothing to follow up"
        ))
    })?;
    let reviews: Vec<ReviewRow> = store::reviews::of_batch_in(tx, id)
        .await?
        .into_iter()
        .filter(|v| v.result_id == result.id)
        .collect();
    for v in &reviews {
        super::reviews::signed(tx, v).await?;
    }
    let (measures, closures) = store::followups::of_target_in(tx, id, uscc).await?;
    for m in &measures {
        signed(tx, m.log_seq, "followup.measure", measure_event(m)).await?;
    }
    for c in &closures {
        signed(tx, c.log_seq, "followup.closed", closure_event(c)).await?;
    }
    // The batch's row, as every step but the draw reads it (`log verify` finds a row that
    // disagrees with the log, and the replay applies the same rule to the log itself).
    let published = b.state == "published";
    let measures: Vec<&MeasureRow> = measures.iter().collect();
    Ok(Current {
        facts: facts(
            &app.codes,
            &sector,
            Some(&result),
            &reviews,
            published,
            &measures,
            closures.first(),
        ),
        result,
    })
}

/// A target's USCC as given, or why it is none.
fn parse_uscc(uscc: &str) -> Result<crate::domain::Uscc> {
    crate::domain::Uscc::parse(uscc).map_err(|e| {
        AppError::Invalid(Message::same(format!("统一社会信用代码 uscc '{uscc}': {e}")).on("uscc"))
    })
}

/// A follow-up not open is refused by the rules (409); a date out of bounds is bad input.
fn refusal(p: followup::Problem) -> AppError {
    match p {
        followup::Problem::NotOpen(m) => AppError::Refused(m),
        followup::Problem::Date(m) => AppError::Invalid(m),
    }
}

/// Records a measure of a target's follow-up, as the corps user `m.by`, on the day (China
/// time) of its entry: the time is taken once inside the write transaction and is the
/// entry's, so a measure due "today" is decided as the replay decides it, even across
/// midnight or after waiting for the lock.
pub async fn record_measure(app: &App, m: &NewMeasure<'_>) -> Result<MeasureRow> {
    let measure = Measure::parse(m.measure).map_err(|e| {
        AppError::Invalid(Message::same(format!("处置措施 measure: {e}")).on("measure"))
    })?;
    let note = followup::text(m.note, false, ("备注", "the note"))
        .map_err(|e| AppError::Invalid(e.on("note")))?;
    let uscc = parse_uscc(m.uscc)?;
    let request = m.request.map(super::results::request_id).transpose()?;
    // The target's sector (which result list says what a finding is), from the batch's
    // committed snapshot, read before the write transaction.
    let sector = super::codes::sector_of(app, m.batch, uscc.as_str()).await?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let (time, today) = entry_time()?;
    let now = current(app, &mut tx, m.batch, uscc.as_str(), m.by, sector).await?;
    if let Some(request) = request
        && let Some(earlier) =
            store::followups::measure_by_request_in(&mut tx, m.batch, uscc.as_str(), m.by, request)
                .await?
    {
        // A second post of the same form (a double tap, a retry): the first measure.
        let same = (
            earlier.measure.as_str(),
            earlier.due_on.as_str(),
            earlier.note.as_str(),
        ) == (measure.as_str(), m.due.to_string().as_str(), note.as_str());
        if !same {
            let seq = earlier.log_seq;
            return Err(AppError::Invalid(msg!(
                "请求编号 {request} 已用于内容不同的处置措施（日志 #{seq}）：重试须与原请求完全相同，新措施须用新的请求编号",
                "request id '{request}' was used for another measure (entry {seq}): a retry repeats its request exactly; a new measure needs a new request id"
            )));
        }
        return Ok(earlier);
    }
    followup::check_measure(&now.facts, m.due, today).map_err(refusal)?;
    let mut row = MeasureRow {
        log_seq: -1,
        batch_id: m.batch.to_string(),
        uscc: uscc.as_str().to_string(),
        result_id: now.result.id,
        measure: measure.as_str().to_string(),
        due_on: m.due.to_string(),
        note,
        recorded_by: m.by,
        recorded_at: String::new(),
        request_id: request.map(str::to_string),
    };
    let logged = journal::append_at(
        &mut tx,
        key,
        &app.origin,
        "followup.measure",
        &measure_event(&row),
        time,
    )
    .await?;
    row.log_seq = logged.seq as i64;
    row.recorded_at = logged.time;
    store::followups::insert_measure(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Closes a target's follow-up with its outcome, as the corps user `c.by`, on the day of its
/// entry (as [`record_measure`]).
pub async fn close(app: &App, c: &NewClosure<'_>) -> Result<ClosureRow> {
    let outcome = Outcome::parse(c.outcome).map_err(|e| {
        AppError::Invalid(Message::same(format!("查处结果类别 outcome: {e}")).on("outcome"))
    })?;
    let text = followup::text(c.text, true, ("查处结果", "the outcome text"))
        .map_err(|e| AppError::Invalid(e.on("text")))?;
    let uscc = parse_uscc(c.uscc)?;
    // The target's sector (which result list says what a finding is), from the batch's
    // committed snapshot, read before the write transaction.
    let sector = super::codes::sector_of(app, c.batch, uscc.as_str()).await?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let (time, today) = entry_time()?;
    let now = current(app, &mut tx, c.batch, uscc.as_str(), c.by, sector).await?;
    followup::check_closure(&now.facts, c.closed_on, today).map_err(refusal)?;
    let mut row = ClosureRow {
        log_seq: -1,
        batch_id: c.batch.to_string(),
        uscc: uscc.as_str().to_string(),
        result_id: now.result.id,
        closed_on: c.closed_on.to_string(),
        outcome: outcome.as_str().to_string(),
        outcome_text: text,
        closed_by: c.by,
        recorded_at: String::new(),
    };
    let logged = journal::append_at(
        &mut tx,
        key,
        &app.origin,
        "followup.closed",
        &closure_event(&row),
        time,
    )
    .await?;
    row.log_seq = logged.seq as i64;
    row.recorded_at = logged.time;
    store::followups::insert_closure(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// The time of an entry about to be written (inside the write transaction), and its day in
/// China time: the day the replay takes as "today" for it.
fn entry_time() -> Result<(String, NaiveDate)> {
    let time = store::now();
    let today = batch::china_date(&time)
        .ok_or_else(|| AppError::Setup(format!("the clock's time {time} is not RFC 3339")))?;
    Ok((time, today))
}

/// A follow-up as the pages show it.
pub fn view(f: &FollowUp) -> crate::pages::followups::FollowUpView {
    use crate::pages::followups::{FollowUpView, MeasureView};
    FollowUpView {
        state: f.state.to_string(),
        overdue_since: match f.at.0 {
            State::Overdue { since } => Some(since.to_string()),
            _ => None,
        },
        closed_on: f.closure.as_ref().map(|c| c.closed_on.clone()),
        outcome: f.closure.as_ref().map(|c| c.outcome.clone()),
        outcome_text: f.closure.as_ref().map(|c| c.outcome_text.clone()),
        measures: f
            .measures
            .iter()
            .map(|m| MeasureView {
                measure: m.measure.clone(),
                due: m.due_on.clone(),
                note: m.note.clone(),
            })
            .collect(),
    }
}

/// `/followups`: the open and overdue follow-ups of every batch the public log shows
/// published, overdue first, and the counts (closed ones included) over those batches.
pub async fn public_page(
    app: &App,
    public_log: &super::public_log::PublicLog,
    today: NaiveDate,
) -> Result<crate::pages::followups::FollowUpsPage> {
    use crate::pages::followups::{FollowUpRow, FollowUpsPage};
    let logs = public_log.batches(app).await?;
    let mut page = FollowUpsPage {
        today: today.to_string(),
        ..Default::default()
    };
    let mut rows = Vec::new();
    for b in store::batches::all(&app.store).await? {
        if logs.get(&b.id).map(|l| l.state()) != Some("published") {
            continue;
        }
        let of = of_batch(app, &b.id, today).await?;
        page.open += of.counts.open;
        page.overdue += of.counts.overdue;
        page.closed += of.counts.closed;
        for f in of.followups.iter().filter(|f| f.at.0.is_open()) {
            rows.push(FollowUpRow {
                batch_id: b.id.clone(),
                batch_title: b.title.clone(),
                uscc: f.uscc.clone(),
                name: f.entity_name.clone(),
                followup: view(f),
            });
        }
    }
    // Overdue first (stable: batches and targets keep their order).
    rows.sort_by_key(|r| r.followup.state != "overdue");
    page.rows = rows;
    Ok(page)
}
