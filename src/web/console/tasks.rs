//! The officer's pages for the phone: my tasks by batch and due date (`/console/tasks`), and
//! a target's page (`/console/tasks/{batch}/{uscc}`: where it is, who answers for it, its
//! result, and the form to record or correct it with the checklist of each matter, posted
//! to the same address and recorded by `app::results::record`, one request id per form so
//! that a second tap records nothing more). Officers only; `app::tasks` decides what is
//! theirs (anything else is the one "not yours" answer, 404).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::users::Role;
use crate::app::{AppError, results};
use crate::pages::console::{self as pages, Console, FieldError};
use crate::pages::result_form::{self, Submitted};
use crate::web::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (s, c) = match require_role(
        person,
        &headers,
        &state,
        "/console/tasks",
        lang.0,
        &[Role::Officer],
    ) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let card = s.principal.card_no.as_deref().unwrap_or_default();
    let tasks = match crate::app::tasks::of_officer(&state.app, card).await {
        Ok(t) => t,
        Err(e) => return internal_error(&e),
    };
    let groups = pages::task_groups(&tasks, lang.0);
    page(&state, StatusCode::OK, lang, pages::tasks(&c, &groups))
}

/// The console path of a target, and the person's session (or the page to answer).
async fn officer_task(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    lang: crate::pages::model::Lang,
    batch: &str,
    uscc: &str,
) -> Result<(Console, crate::app::tasks::TaskDetail), Box<Response>> {
    let path = pages::task_href(batch, uscc);
    let (s, c) = require_role(person, headers, state, &path, lang, &[Role::Officer])?;
    let card = s.principal.card_no.as_deref().unwrap_or_default();
    match crate::app::tasks::detail(&state.app, card, batch, uscc).await {
        Ok(d) => Ok((c, d)),
        Err(AppError::NotFound(_)) => Err(Box::new(page(
            state,
            StatusCode::NOT_FOUND,
            (lang, false),
            pages::message(
                &c,
                c.t("不是您的检查任务", "Not one of your tasks"),
                c.t(
                    "您不在这个批次中这个检查对象的检查组里（或者没有这个批次、这个对象）。",
                    "You are in no team for this target in this batch (or there is no such batch or target).",
                ),
                "/console/tasks",
            ),
        ))),
        Err(e) => Err(Box::new(internal_error(&e))),
    }
}

/// A target's page as shown to its officer.
struct Shown<'a> {
    c: &'a Console,
    d: &'a crate::app::tasks::TaskDetail,
}

/// The target's page with its result form, filled from `submitted`, with `errors` or a
/// `notice`.
fn task_page(
    state: &AppState,
    status: StatusCode,
    lang: (crate::pages::model::Lang, bool),
    Shown { c, d }: Shown<'_>,
    submitted: &Submitted,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Response {
    let codes = state.app.codes.for_sector(&d.task.sector);
    let today = crate::app::batch::china_today().to_string();
    let corrects = d.task.target.result.as_ref().map(|r| r.id);
    let request = super::session::fresh_token().unwrap_or_default();
    let form = result_form::form(
        codes,
        &d.checklists,
        submitted,
        &today,
        corrects,
        &request,
        lang.0,
    );
    page(
        state,
        status,
        lang,
        pages::task(c, d, &form, errors, notice),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct TaskQuery {
    lang: Option<String>,
    /// `1` after a result was recorded.
    done: Option<String>,
}

pub async fn target(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((batch, uscc)): Path<(String, String)>,
    Query(q): Query<TaskQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(
        &PageQuery {
            lang: q.lang.clone(),
            ..PageQuery::default()
        },
        &headers,
    );
    let (c, d) = match officer_task(&state, &headers, person, lang.0, &batch, &uscc).await {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let notice = q.done.as_deref().map(|_| {
        c.t(
            "检查结果已录入，等待审核后公示。",
            "The result is recorded; it is published after review.",
        )
    });
    task_page(
        &state,
        StatusCode::OK,
        lang,
        Shown { c: &c, d: &d },
        &Submitted::default(),
        &[],
        notice,
    )
}

/// Records (or corrects) the target's result from the form.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((batch, uscc)): Path<(String, String)>,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let submitted = Submitted::parse(&body);
    if let Err(r) = check_form(&state, &headers, &person, submitted.get("csrf"), lang.0) {
        return *r;
    }
    let card = person
        .0
        .as_ref()
        .and_then(|(s, _)| s.principal.card_no.clone())
        .unwrap_or_default();
    let (c, d) = match officer_task(&state, &headers, person, lang.0, &batch, &uscc).await {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let refused = |status, m: &crate::domain::Message| {
        let errors = [FieldError::of(m, "codes", c.lang)];
        task_page(
            &state,
            status,
            lang,
            Shown { c: &c, d: &d },
            &submitted,
            &errors,
            None,
        )
    };
    let Ok(inspected_on) =
        chrono::NaiveDate::parse_from_str(submitted.get("inspected_on"), "%Y-%m-%d")
    else {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            &crate::domain::Message::new(
                "检查日期须为年-月-日",
                "The date inspected is a date, year-month-day",
            )
            .on("inspected_on"),
        );
    };
    let codes = submitted.all("code");
    let checklist = result_form::filled(&d.checklists, &submitted);
    let request = Some(submitted.get("request")).filter(|r| !r.is_empty());
    let report = results::Report {
        batch: &d.task.batch_id,
        uscc: &d.task.target.uscc,
        officer: &card,
        codes: &codes,
        note: submitted.get("note"),
        inspected_on,
        corrects: submitted.get("corrects").parse().ok(),
        request,
        checklist: &checklist,
        asker: results::Asker::Officer,
    };
    match results::record(&state.app, &report, crate::app::batch::china_today()).await {
        Ok(_) => {
            state.refresh().await;
            let href = format!("{}?done=1", pages::task_href(&batch, &uscc));
            Redirect::to(&href).into_response()
        }
        Err(AppError::Invalid(m)) => refused(StatusCode::UNPROCESSABLE_ENTITY, &m),
        Err(AppError::Refused(m)) => refused(StatusCode::CONFLICT, &m),
        Err(AppError::NotFound(m) | AppError::Forbidden(m)) => refused(StatusCode::NOT_FOUND, &m),
        Err(e) => internal_error(&e),
    }
}
