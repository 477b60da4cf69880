//! Dispatch pages, pure: a drawn batch's teams with their officers and targets
//! (`templates/console/dispatch.html`), and per target the printable A4 sheets over
//! `print_base.html`: the 检查通知书 to the entity (`notice.html`) and the 检查记录表 with each
//! matter's checklist and blank boxes to tick (`record_sheet.html`).

use askama::Template;

use super::{Console, finish};
use crate::app::dispatch::{Dispatch, Sheet};
use crate::pages::render::encode;

/// The console path of a batch's dispatch.
pub fn dispatch_href(batch: &str) -> String {
    format!("/console/batches/{}/dispatch", encode(batch))
}

/// The console path of a target's notice.
pub fn notice_href(batch: &str, uscc: &str) -> String {
    format!("/console/batches/{}/notice/{}", encode(batch), encode(uscc))
}

/// The console path of a target's record form.
pub fn record_href(batch: &str, uscc: &str) -> String {
    format!("/console/batches/{}/record/{}", encode(batch), encode(uscc))
}

fn window_words(c: &Console, window: Option<(chrono::NaiveDate, chrono::NaiveDate)>) -> String {
    match window {
        Some((from, to)) if c.is_en() => format!("{from} to {to}"),
        Some((from, to)) => format!("{from} 至 {to}"),
        None => "—".into(),
    }
}

#[derive(Template)]
#[template(path = "console/dispatch.html")]
struct DispatchTemplate<'a> {
    c: &'a Console,
    d: &'a Dispatch,
    window: String,
}

impl DispatchTemplate<'_> {
    fn notice(&self, uscc: &str) -> String {
        notice_href(&self.d.batch_id, uscc)
    }

    fn record(&self, uscc: &str) -> String {
        record_href(&self.d.batch_id, uscc)
    }
}

/// A drawn batch's teams, each with its officers and targets and the links to print.
pub fn dispatch(c: &Console, d: &Dispatch) -> String {
    finish(
        DispatchTemplate {
            c,
            d,
            window: window_words(c, d.window),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "console/notice.html")]
struct NoticeTemplate<'a> {
    c: &'a Console,
    s: &'a Sheet,
    issuer: Option<&'a str>,
    window: String,
    back: String,
}

#[derive(Template)]
#[template(path = "console/record_sheet.html")]
struct RecordSheetTemplate<'a> {
    c: &'a Console,
    s: &'a Sheet,
    window: String,
    back: String,
}

/// The 检查通知书 to a target: its matters, the inspection window and the team; `issuer`
/// the corps' name if the settings give one (else the heading names none).
pub fn notice(c: &Console, s: &Sheet, issuer: Option<&str>, back: &str) -> String {
    finish(
        NoticeTemplate {
            c,
            s,
            issuer,
            window: window_words(c, s.window),
            back: back.into(),
        }
        .render(),
    )
}

/// The 检查记录表 of a target: each matter's checklist with boxes to tick, and the lines
/// to sign.
pub fn record_sheet(c: &Console, s: &Sheet, back: &str) -> String {
    finish(
        RecordSheetTemplate {
            c,
            s,
            window: window_words(c, s.window),
            back: back.into(),
        }
        .render(),
    )
}
