//! A batch's console page (`/console/batches/{id}`): the plan in plain words
//! (`pages::plan_words`); for a draft, the commit (`app::batch::commit`, a CSRF-checked
//! form); once committed, the commitment hash to announce, the announcement's link and what
//! comes next (the ceremony, or the drand round). Corps only.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::batches::DoneQuery;
use super::new_batch::corps;
use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page};
use crate::app::{AppError, batch};
use crate::pages::console::new_batch::{self as pages, BatchView};
use crate::pages::console::{Console, FieldError};
use crate::pages::model::Lang;
use crate::web::state::AppState;

/// What comes after the commitment, in words.
fn next_step(plan: &crate::plan::Plan, c: &Console) -> String {
    match &plan.entropy {
        crate::plan::EntropyDeclaration::Ceremony { witnesses, digits } => {
            if c.is_en() {
                format!(
                    "The public ceremony: witnesses {} each give {digits} digits; the draw then runs once on them (on the ceremony screen, or `shuangsui batch draw`).",
                    witnesses.join(", ")
                )
            } else {
                format!(
                    "公开摇号仪式：见证人 {} 各报 {digits} 位数字，随后据此执行一次抽取（摇号页面或 shuangsui batch draw）。",
                    witnesses.join("、")
                )
            }
        }
        crate::plan::EntropyDeclaration::Drand { round, .. } => {
            if c.is_en() {
                format!("drand round {round}: once it is out, the draw runs once on it.")
            } else {
                format!("drand 第 {round} 轮产生后，据此执行一次抽取。")
            }
        }
    }
}

/// The batch page, with `errors` and `notice`.
async fn batch_page(
    state: &AppState,
    status: StatusCode,
    lang: (Lang, bool),
    c: &Console,
    id: &str,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Response {
    let row = match batch::get(&state.app, id).await {
        Ok(b) => b,
        Err(AppError::NotFound(m)) => {
            let html = crate::pages::console::message(
                c,
                c.t("没有这个批次", "No such batch"),
                m.in_lang(c.is_en()),
                "/console/batches",
            );
            return page(state, StatusCode::NOT_FOUND, lang, html);
        }
        Err(e) => return internal_error(&e),
    };
    let plan = match batch::plan(&row) {
        Ok(p) => p,
        Err(e) => return internal_error(&e),
    };
    let view = BatchView {
        state: crate::pages::console::state_label(&row.state, lang.0).to_string(),
        draft: row.state == "draft",
        lines: crate::pages::plan_words::lines_of(&plan, None, lang.0),
        commitment_hash: row.commitment_hash.clone(),
        committed_at: row.committed_at.clone(),
        next: next_step(&plan, c),
        id: row.id,
        title: row.title,
    };
    page(state, status, lang, pages::batch(c, &view, errors, notice))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
    person: Person,
) -> Response {
    let lang = q.lang_of(&headers);
    let path = format!("/console/batches/{}", crate::pages::render::encode(&id));
    let c = match corps(&state, &headers, person, lang.0, &path) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let notice = match q.done.as_deref() {
        Some("created") => Some(c.t(
            "批次已创建（草稿）。核对计划后提交承诺。",
            "The batch is created (a draft). Check the plan, then commit.",
        )),
        Some("committed") => Some(c.t(
            "已提交承诺，批次已公告。",
            "Committed: the batch is announced.",
        )),
        _ => None,
    };
    batch_page(&state, StatusCode::OK, lang, &c, &id, &[], notice).await
}

#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Commits a draft batch: its commitment hash is then what the page shows to announce.
pub async fn commit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: CsrfForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let path = format!("/console/batches/{}", crate::pages::render::encode(&id));
    let c = match corps(&state, &headers, person, lang.0, &path) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match batch::commit(&state.app, &id).await {
        Ok(_) => {
            state.refresh().await;
            Redirect::to(&format!("{path}?done=committed")).into_response()
        }
        Err(AppError::Invalid(m) | AppError::Refused(m) | AppError::NotFound(m)) => {
            let errors = [FieldError {
                field: "commit",
                message: m.in_lang(c.is_en()).into(),
            }];
            batch_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                (lang.0, false),
                &c,
                &id,
                &errors,
                None,
            )
            .await
        }
        Err(e) => internal_error(&e),
    }
}
