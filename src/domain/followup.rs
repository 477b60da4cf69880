//! Follow-up and closure (后续处置 / 查处结果): when a result opens a follow-up, when a
//! follow-up takes a measure or its closure, and where it stands (open, overdue, closed,
//! lapsed). The one statement of these rules: `app::followups` (CLI, API, demo), the pages
//! and `projection::replay` all ask here. Pure: dates are given, never read from a clock.
//!
//! The rules (docs/LOG.md, "Follow-up"):
//! - a target's follow-up is **open** when its standing result has a finding and that result
//!   is *settled*: approved by a reviewer, or its batch is published (a correction written
//!   after publication is public at once and does not wait for review to be followed up);
//!   before that, a finding is **pending** (it may still be returned) and takes nothing;
//! - while open, the corps records measures (`Measure`), each with a due date not before
//!   the day it is recorded (China time), and a note; any number of them;
//! - the corps closes it once, on a date not before the standing result's inspection date
//!   and not after the day it is recorded, with an outcome (`Outcome`) and its text
//!   (查处结果, required). A closed follow-up takes no more measures and no second closure,
//!   whatever later corrections say;
//! - a follow-up is **overdue** when it is open and a measure's due date has passed (the due
//!   day itself is still in time): a missed deadline stays missed until the closure;
//! - a correction that leaves no finding **lapses** a follow-up that took measures: the
//!   correction's entry is the record of it (no second entry says the same thing), and a
//!   later correction with a finding opens it again, its earlier measures kept.

use super::Message;
use crate::msg;
use chrono::NaiveDate;

use super::codes::Outcome;

/// The longest note of a measure, and the longest outcome text, in characters.
pub const TEXT_MAX: usize = 500;

/// What the rules need to know of one target's follow-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The standing result's codes include a finding (its sector's list says which).
    pub finding: bool,
    /// The standing result is approved, or the batch is published.
    pub settled: bool,
    /// The standing result's inspection date.
    pub inspected_on: Option<NaiveDate>,
    /// The due dates of the measures recorded, in order.
    pub dues: Vec<NaiveDate>,
    /// The closure, if one was recorded: its date and outcome.
    pub closed: Option<(NaiveDate, Outcome)>,
}

/// Where a target's follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No finding, and no measure ever taken: nothing to follow up.
    None,
    /// A finding whose result is not approved yet (and the batch not published).
    Pending,
    Open,
    /// Open, with a measure due before today (the earliest such day).
    Overdue {
        since: NaiveDate,
    },
    Closed {
        on: NaiveDate,
        outcome: Outcome,
    },
    /// Measures were taken, then a correction left no finding.
    Lapsed,
}

impl State {
    /// The word shown in the API and the CLI.
    pub fn word(&self) -> &'static str {
        match self {
            State::None => "none",
            State::Pending => "pending",
            State::Open => "open",
            State::Overdue { .. } => "overdue",
            State::Closed { .. } => "closed",
            State::Lapsed => "lapsed",
        }
    }

    /// The Chinese word shown on the pages.
    pub fn zh(&self) -> &'static str {
        match self {
            State::None => "无需后续处置",
            State::Pending => "待审核",
            State::Open => "未完结",
            State::Overdue { .. } => "已逾期未完结",
            State::Closed { .. } => "已完结",
            State::Lapsed => "结果更正后无需处置",
        }
    }

    /// Open or overdue: takes measures and its closure.
    pub fn is_open(&self) -> bool {
        matches!(self, State::Open | State::Overdue { .. })
    }
}

/// Where a follow-up stands on `today` (China time).
pub fn state(f: &Facts, today: NaiveDate) -> State {
    if let Some((on, outcome)) = f.closed {
        return State::Closed { on, outcome };
    }
    if !f.finding {
        return if f.dues.is_empty() {
            State::None
        } else {
            State::Lapsed
        };
    }
    if !f.settled {
        return State::Pending;
    }
    match f.dues.iter().filter(|d| **d < today).min() {
        Some(d) => State::Overdue {
            since: d.succ_opt().unwrap_or(*d),
        },
        None => State::Open,
    }
}

/// Why a measure or a closure is refused: the follow-up is not open (a refusal by the
/// rules), or a date is out of its bounds (bad input). Messages are Chinese first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NotOpen(Message),
    Date(Message),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NotOpen(m) | Problem::Date(m) => m.fmt(f),
        }
    }
}

impl Problem {
    pub fn contains(&self, s: &str) -> bool {
        self.to_string().contains(s)
    }

    pub fn starts_with(&self, s: &str) -> bool {
        self.to_string().starts_with(s)
    }
}

/// Why a follow-up that is not open takes nothing (Chinese first).
fn not_open(s: State) -> Problem {
    Problem::NotOpen(match s {
        State::Closed { on, outcome } => msg!(
            "后续处置已于 {on} 完结（{outcome}），不再接受处置措施或再次完结",
            "the follow-up was closed on {on} ({outcome}): it takes no more measures and no second closure"
        ),
        State::Pending => Message::new(
            "检查结果尚未审核通过，后续处置待审核通过后开始",
            "the result is not approved yet: its follow-up opens once a reviewer approves it, or the batch is published",
        ),
        State::None | State::Lapsed => Message::new(
            "现行检查结果未发现问题，无后续处置",
            "the standing result has no finding: there is nothing to follow up",
        ),
        State::Open | State::Overdue { .. } => Message::new("", ""),
    })
}

/// May a measure due on `due` be recorded on `today`?
pub fn check_measure(f: &Facts, due: NaiveDate, today: NaiveDate) -> Result<(), Problem> {
    let s = state(f, today);
    if !s.is_open() {
        return Err(not_open(s));
    }
    if due < today {
        return Err(Problem::Date(
            msg!(
                "整改期限 {due} 早于今天 {today}",
                "the due date {due} is before today, {today}"
            )
            .on("due"),
        ));
    }
    Ok(())
}

/// May the follow-up be closed on `closed_on`, recorded on `today`?
pub fn check_closure(f: &Facts, closed_on: NaiveDate, today: NaiveDate) -> Result<(), Problem> {
    let s = state(f, today);
    if !s.is_open() {
        return Err(not_open(s));
    }
    if closed_on > today {
        return Err(Problem::Date(
            msg!(
                "完结日期 {closed_on} 晚于今天 {today}",
                "the closing date {closed_on} is in the future; today is {today}"
            )
            .on("closed_on"),
        ));
    }
    if let Some(inspected) = f.inspected_on
        && closed_on < inspected
    {
        return Err(Problem::Date(
            msg!(
                "完结日期 {closed_on} 早于检查日期 {inspected}",
                "the closing date {closed_on} is before the inspection on {inspected}"
            )
            .on("closed_on"),
        ));
    }
    Ok(())
}

/// A measure's note or a closure's outcome text as stored: trimmed, NFC, no control
/// characters, at most `TEXT_MAX` characters; `what` names the field (Chinese, English).
pub fn text(value: &str, required: bool, what: (&str, &str)) -> Result<String, Message> {
    let t = if required {
        super::text::required(value)
    } else {
        super::text::optional(value)
    }
    .map_err(|e| Message::new(format!("{}{e}", what.0), format!("{} {e}", what.1)))?;
    if t.chars().count() > TEXT_MAX {
        let (zh, en) = what;
        return Err(msg!(
            "{zh}超过 {TEXT_MAX} 字",
            "{en} is longer than {TEXT_MAX} characters"
        ));
    }
    Ok(t)
}

/// How many follow-ups stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Open and in time.
    pub open: usize,
    /// Open with a measure past its due date.
    pub overdue: usize,
    pub closed: usize,
    /// A finding awaiting review.
    pub pending: usize,
    pub lapsed: usize,
}

impl Counts {
    pub fn add(&mut self, s: State) {
        match s {
            State::Open => self.open += 1,
            State::Overdue { .. } => self.overdue += 1,
            State::Closed { .. } => self.closed += 1,
            State::Pending => self.pending += 1,
            State::Lapsed => self.lapsed += 1,
            State::None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn open() -> Facts {
        Facts {
            finding: true,
            settled: true,
            inspected_on: Some(d("2026-12-01")),
            dues: Vec::new(),
            closed: None,
        }
    }

    #[test]
    fn a_settled_finding_opens_and_a_passed_due_date_makes_it_overdue() {
        let today = d("2026-12-10");
        assert_eq!(state(&Facts::default(), today), State::None);
        let mut f = open();
        assert_eq!(state(&f, today), State::Open);
        f.settled = false;
        assert_eq!(state(&f, today), State::Pending);
        f.settled = true;
        f.dues = vec![d("2026-12-20"), d("2026-12-10")];
        assert_eq!(state(&f, today), State::Open, "the due day is in time");
        f.dues.push(d("2026-12-08"));
        f.dues.push(d("2026-12-05"));
        assert_eq!(
            state(&f, today),
            State::Overdue {
                since: d("2026-12-06")
            }
        );
        f.closed = Some((d("2026-12-09"), Outcome::Corrected));
        assert!(matches!(state(&f, today), State::Closed { .. }));
    }

    #[test]
    fn a_correction_without_finding_lapses_a_follow_up_with_measures() {
        let today = d("2026-12-10");
        let mut f = open();
        f.finding = false;
        assert_eq!(state(&f, today), State::None);
        f.dues.push(d("2026-12-31"));
        assert_eq!(state(&f, today), State::Lapsed);
        assert!(check_measure(&f, d("2026-12-31"), today).is_err());
        // A closure stays a closure, whatever a later correction says.
        f.closed = Some((d("2026-12-09"), Outcome::NotPenalised));
        assert!(matches!(state(&f, today), State::Closed { .. }));
    }

    #[test]
    fn measures_need_an_open_follow_up_and_a_due_date_from_today() {
        let today = d("2026-12-10");
        let f = open();
        assert!(check_measure(&f, today, today).is_ok());
        let e = check_measure(&f, d("2026-12-09"), today).unwrap_err();
        assert!(e.starts_with("整改期限"), "{e}");
        let mut pending = open();
        pending.settled = false;
        assert!(
            check_measure(&pending, today, today)
                .unwrap_err()
                .contains("not approved")
        );
        let mut closed = open();
        closed.closed = Some((d("2026-12-09"), Outcome::Penalised));
        assert!(
            check_measure(&closed, today, today)
                .unwrap_err()
                .contains("no more measures")
        );
    }

    #[test]
    fn a_closure_is_dated_between_the_inspection_and_today_and_happens_once() {
        let today = d("2026-12-10");
        let mut f = open();
        assert!(check_closure(&f, d("2026-12-01"), today).is_ok());
        assert!(check_closure(&f, today, today).is_ok());
        assert!(
            check_closure(&f, d("2026-11-30"), today)
                .unwrap_err()
                .contains("before the inspection")
        );
        assert!(
            check_closure(&f, d("2026-12-11"), today)
                .unwrap_err()
                .contains("in the future")
        );
        f.closed = Some((d("2026-12-05"), Outcome::Referred));
        assert!(
            check_closure(&f, today, today)
                .unwrap_err()
                .contains("second closure")
        );
    }

    #[test]
    fn texts_are_trimmed_bounded_and_an_outcome_text_is_required() {
        assert_eq!(
            text("  整改完毕 ", true, ("查处结果", "the outcome")).unwrap(),
            "整改完毕"
        );
        assert!(text(" ", true, ("查处结果", "the outcome")).is_err());
        assert_eq!(text(" ", false, ("备注", "the note")).unwrap(), "");
        let long = "字".repeat(TEXT_MAX + 1);
        assert!(
            text(&long, false, ("备注", "the note"))
                .unwrap_err()
                .en
                .contains("longer than")
        );
    }

    #[test]
    fn counts_add_up_by_state() {
        let mut c = Counts::default();
        for s in [
            State::Open,
            State::Overdue {
                since: d("2026-12-01"),
            },
            State::Closed {
                on: d("2026-12-01"),
                outcome: Outcome::Listed,
            },
            State::Pending,
            State::Lapsed,
            State::None,
            State::Open,
        ] {
            c.add(s);
        }
        assert_eq!(
            c,
            Counts {
                open: 2,
                overdue: 1,
                closed: 1,
                pending: 1,
                lapsed: 1
            }
        );
    }
}
