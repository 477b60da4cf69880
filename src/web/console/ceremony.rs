//! The draw ceremony (`/console/batches/{id}/ceremony`), corps only: the form with one
//! field per declared witness (digits hidden while typed, never written back), posted with
//! the CSRF token to `app::ceremony::run`, which draws once; then, and for any batch drawn
//! before, the recorded draw as the printable 摇号记录. A drand batch's page says which
//! round it draws from (no form).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::AppError;
use crate::app::ceremony::{self, Outcome, Stage};
use crate::app::users::Role;
use crate::pages::console::ceremony::{self as pages, Closed, FormNotes, WitnessField};
use crate::pages::console::{Console, message};
use crate::pages::model::Lang;
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct CeremonyQuery {
    lang: Option<String>,
    /// `1` right after this page's post drew the batch.
    done: Option<String>,
}

/// The corps user's console for batch `id`'s ceremony, or the page to answer instead.
fn corps(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    lang: Lang,
    id: &str,
) -> Result<Console, Box<Response>> {
    let path = pages::ceremony_href(id);
    require_role(person, headers, state, &path, lang, &[Role::Corps]).map(|(_, c)| c)
}

/// The empty form's fields, with each witness's problem (if any).
fn fields(
    c: &Console,
    witnesses: &[String],
    digits: u32,
    problems: &[Option<crate::entropy::ceremony::DigitsProblem>],
) -> Vec<WitnessField> {
    witnesses
        .iter()
        .enumerate()
        .map(|(i, w)| WitnessField {
            id: format!("w{i}"),
            name: w.clone(),
            error: problems
                .get(i)
                .copied()
                .flatten()
                .map(|p| pages::problem_words(c, w, digits, p)),
        })
        .collect()
}

/// The page of batch `id` as it stands: the form, the record, or why there is neither.
async fn show(
    state: &AppState,
    lang: (Lang, bool),
    c: &Console,
    id: &str,
    notice: Option<&str>,
) -> Response {
    let (row, stage) = match ceremony::stage(&state.app, id).await {
        Ok(x) => x,
        Err(AppError::NotFound(m)) => {
            let html = message(
                c,
                c.t("没有这个批次", "No such batch"),
                m.in_lang(c.is_en()),
                "/console/batches",
            );
            return page(state, StatusCode::NOT_FOUND, lang, html);
        }
        Err(e) => return internal_error(&e),
    };
    let html = match &stage {
        Stage::Open { witnesses, digits } => pages::form(
            c,
            id,
            &row.title,
            *digits,
            &fields(c, witnesses, *digits, &[]),
            FormNotes::default(),
        ),
        Stage::Drand { round } => pages::closed(c, id, &row.title, Closed::Drand(*round)),
        Stage::Closed(s) => pages::closed(c, id, &row.title, Closed::State(s)),
        Stage::Drawn(record) => pages::record(c, record, notice),
    };
    page(state, StatusCode::OK, lang, html)
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CeremonyQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(
        &PageQuery {
            lang: q.lang.clone(),
            ..PageQuery::default()
        },
        &headers,
    );
    let c = match corps(&state, &headers, person, lang.0, &id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let notice = q.done.as_deref().map(|_| {
        c.t(
            "已摇号。本批次只抽取这一次；请打印本记录，由见证人和记录人签字。",
            "Drawn. This batch is drawn this once; print this record for the witnesses and the clerk to sign.",
        )
    });
    show(&state, lang, &c, &id, notice).await
}

/// Runs the ceremony from the form: every witness's digits, then one draw.
pub async fn draw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
    if let Err(r) = check_form(&state, &headers, &person, get("csrf"), lang.0) {
        return *r;
    }
    let c = match corps(&state, &headers, person, lang.0, &id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let (row, stage) = match ceremony::stage(&state.app, &id).await {
        Ok(x) => x,
        Err(AppError::NotFound(_)) => return show(&state, lang, &c, &id, None).await,
        Err(e) => return internal_error(&e),
    };
    let Stage::Open { witnesses, digits } = stage else {
        let notice = c.t(
            "这个批次已经摇号，没有再次抽取。以下是原记录。",
            "This batch was drawn before; nothing was drawn again. This is its record.",
        );
        return show(&state, lang, &c, &id, Some(notice)).await;
    };
    let refused = |problems: &[_], notes: FormNotes<'_>| {
        let fields = fields(&c, &witnesses, digits, problems);
        let html = pages::form(&c, &id, &row.title, digits, &fields, notes);
        page(&state, StatusCode::UNPROCESSABLE_ENTITY, lang, html)
    };
    let given: Vec<String> = (0..witnesses.len())
        .map(|i| get(&format!("w{i}")).to_string())
        .collect();
    if get("confirm") != "1" {
        // Nothing is checked or shown before the confirmation: no digit is told.
        let notes = FormNotes {
            confirm_error: Some(c.t(
                "请确认所有见证人均已输入，再摇号（请重新输入数字）",
                "Confirm that every witness has entered their digits before the draw (enter the digits again)",
            )),
            refusal: None,
        };
        return refused(&[], notes);
    }
    match ceremony::run(&state.app, &id, &given).await {
        Ok(Outcome::Drawn) => {
            state.refresh().await;
            Redirect::to(&format!("{}?done=1", pages::ceremony_href(&id))).into_response()
        }
        Ok(Outcome::AlreadyDrawn) => {
            let notice = c.t(
                "这个批次已经摇号，没有再次抽取。以下是原记录。",
                "This batch was drawn before; nothing was drawn again. This is its record.",
            );
            show(&state, lang, &c, &id, Some(notice)).await
        }
        Ok(Outcome::Invalid(problems)) => refused(&problems, FormNotes::default()),
        Err(AppError::Invalid(m) | AppError::Refused(m)) => {
            let why = format!(
                "{}{}",
                c.t(
                    "抽取被拒绝（已记入日志）：",
                    "The draw was refused (logged): "
                ),
                m.in_lang(c.is_en())
            );
            refused(
                &[],
                FormNotes {
                    confirm_error: None,
                    refusal: Some(&why),
                },
            )
        }
        Err(e) => internal_error(&e),
    }
}
