//! The corps' follow-ups (后续处置): the list of those needing action
//! (`/console/followups?state=open|overdue|all`) and a target's page
//! (`/console/followups/{batch}/{uscc}`) with its history and two forms, each posted to
//! its own address and recorded by one `app::followups` function (`record_measure`,
//! `close`), then redirected back with a notice. Corps only. The measure form carries a
//! request id made for its page, so a second tap before the answer (or a reload of the
//! post) returns the measure recorded first; a second closure is refused by the rules.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::batch::china_today;
use crate::app::followups::{self, Filter, NewClosure, NewMeasure, desk};
use crate::app::users::Role;
use crate::app::{AppError, sign_in::Session};
use crate::domain::Message;
use crate::pages::console::followups::{self as pages, Filled};
use crate::pages::console::{Console, FieldError, message};
use crate::pages::model::Lang;
use crate::web::state::AppState;

/// The list's query: its language and filter.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    lang: Option<String>,
    state: Option<String>,
}

fn lang_of_query(lang: Option<String>, headers: &HeaderMap) -> (Lang, bool) {
    lang_of(
        &PageQuery {
            lang,
            ..PageQuery::default()
        },
        headers,
    )
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
    person: Person,
) -> Response {
    let lang = lang_of_query(q.lang, &headers);
    let path = "/console/followups";
    let c = match require_role(person, &headers, &state, path, lang.0, &[Role::Corps]) {
        Ok((_, c)) => c,
        Err(r) => return *r,
    };
    let (word, filter) = match q.state.as_deref() {
        Some("overdue") => ("overdue", Filter::Overdue),
        Some("all") => ("all", Filter::All),
        _ => ("open", Filter::Open),
    };
    match desk::list(&state.app, filter, china_today()).await {
        Ok(items) => {
            let cards: Vec<_> = items.iter().map(|i| pages::card(i, lang.0)).collect();
            page(&state, StatusCode::OK, lang, pages::list(&c, word, &cards))
        }
        Err(e) => internal_error(&e),
    }
}

/// The corps user's session and console for a target's page, or the page to answer.
fn corps(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    lang: Lang,
    path: &str,
) -> Result<(Session, Console), Box<Response>> {
    require_role(person, headers, state, path, lang, &[Role::Corps])
}

/// What a target's page shows besides its follow-up: the forms as filled, and `errors` or
/// a `notice`, answered with `status`.
struct Shown<'a> {
    status: StatusCode,
    filled: &'a Filled,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

/// The target's page.
async fn target_page(
    state: &AppState,
    lang: (Lang, bool),
    c: &Console,
    (batch, uscc): (&str, &str),
    shown: Shown<'_>,
) -> Response {
    let today = china_today();
    match desk::one(&state.app, batch, uscc, today).await {
        Ok(item) => {
            let card = pages::card(&item, lang.0);
            let today = today.to_string();
            let html = pages::target(c, &card, shown.filled, &today, shown.errors, shown.notice);
            page(state, shown.status, lang, html)
        }
        Err(AppError::NotFound(m)) => page(
            state,
            StatusCode::NOT_FOUND,
            lang,
            message(
                c,
                c.t("没有这项后续处置", "No such follow-up"),
                m.in_lang(c.is_en()),
                "/console/followups",
            ),
        ),
        Err(e) => internal_error(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetQuery {
    lang: Option<String>,
    /// `measure` or `closed` after a form was recorded.
    done: Option<String>,
}

pub async fn target(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((batch, uscc)): Path<(String, String)>,
    Query(q): Query<TargetQuery>,
    person: Person,
) -> Response {
    let lang = lang_of_query(q.lang, &headers);
    let path = pages::href(&batch, &uscc);
    let (_, c) = match corps(&state, &headers, person, lang.0, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let notice = match q.done.as_deref() {
        Some("measure") => Some(c.t("处置措施已记录。", "The measure is recorded.")),
        Some("closed") => Some(c.t(
            "后续处置已完结，查处结果已公示。",
            "The follow-up is closed; its outcome is public.",
        )),
        _ => None,
    };
    let target = (batch.as_str(), uscc.as_str());
    // A fresh request id for the measure form: its second post is the first measure.
    let filled = Filled {
        request: super::session::fresh_token().unwrap_or_default(),
        ..Filled::default()
    };
    let shown = Shown {
        status: StatusCode::OK,
        filled: &filled,
        errors: &[],
        notice,
    };
    target_page(&state, lang, &c, target, shown).await
}

/// A date field as typed, or its error on `field`.
fn date_of(value: &str, field: &'static str, zh: &str, en: &str) -> Result<NaiveDate, Message> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Message::new(
            format!("{zh}须为年-月-日"),
            format!("{en} is a date, year-month-day"),
        )
        .on(field)
    })
}

/// Which form was posted.
#[derive(Clone, Copy)]
enum Act {
    Measure,
    Close,
}

/// Records a measure or the closure from the posted form, as the signed-in corps user.
async fn act(
    state: AppState,
    headers: HeaderMap,
    (batch, uscc): (String, String),
    person: Person,
    body: Bytes,
    what: Act,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let filled: Filled = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &filled.csrf, lang.0) {
        return *r;
    }
    let path = pages::href(&batch, &uscc);
    let (s, c) = match corps(&state, &headers, person, lang.0, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let by = s.principal.user_id;
    let fallback = match what {
        Act::Measure => "measure",
        Act::Close => "outcome",
    };
    let done = match what {
        Act::Measure => match date_of(&filled.due, "due", "整改期限", "The due date") {
            Ok(due) => followups::record_measure(
                &state.app,
                &NewMeasure {
                    batch: &batch,
                    uscc: &uscc,
                    measure: &filled.measure,
                    due,
                    note: &filled.note,
                    by,
                    request: Some(filled.request.as_str()).filter(|r| !r.is_empty()),
                },
            )
            .await
            .map(|_| "measure"),
            Err(m) => Err(AppError::Invalid(m)),
        },
        Act::Close => match date_of(
            &filled.closed_on,
            "closed_on",
            "完结日期",
            "The closing date",
        ) {
            Ok(closed_on) => followups::close(
                &state.app,
                &NewClosure {
                    batch: &batch,
                    uscc: &uscc,
                    closed_on,
                    outcome: &filled.outcome,
                    text: &filled.text,
                    by,
                },
            )
            .await
            .map(|_| "closed"),
            Err(m) => Err(AppError::Invalid(m)),
        },
    };
    let (status, errors) = match done {
        Ok(word) => {
            state.refresh().await;
            return Redirect::to(&format!("{path}?done={word}")).into_response();
        }
        Err(AppError::Invalid(m)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            [FieldError::of(&m, fallback, c.lang)],
        ),
        // Not open (closed, pending, lapsed): the message is about the state.
        Err(AppError::Refused(m)) => (StatusCode::CONFLICT, [FieldError::of(&m, "state", c.lang)]),
        Err(AppError::NotFound(m) | AppError::Forbidden(m)) => {
            (StatusCode::NOT_FOUND, [FieldError::of(&m, "state", c.lang)])
        }
        Err(e) => return internal_error(&e),
    };
    let target = (batch.as_str(), uscc.as_str());
    // Nothing was recorded: the page shown again gets a fresh request id for its measure
    // form (a closure's form carries none; a refused id stays refused).
    let filled = Filled {
        request: super::session::fresh_token().unwrap_or_default(),
        ..filled
    };
    let shown = Shown {
        status,
        filled: &filled,
        errors: &errors,
        notice: None,
    };
    target_page(&state, lang, &c, target, shown).await
}

pub async fn measure(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(target): Path<(String, String)>,
    person: Person,
    body: Bytes,
) -> Response {
    act(state, headers, target, person, body, Act::Measure).await
}

pub async fn close(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(target): Path<(String, String)>,
    person: Person,
    body: Bytes,
) -> Response {
    act(state, headers, target, person, body, Act::Close).await
}
