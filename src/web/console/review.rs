//! The reviewer's pages (审核): the drawn batches with their review progress
//! (`/console/review`), and a batch's results awaiting review, each approved or returned
//! with a reason (`/console/review/{batch}`). Reviewers only; `app::reviews` decides.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::reviews::{self, Verdict};
use crate::app::users::{Principal, Role};
use crate::app::{AppError, Result, checklists, public};
use crate::pages::console::{self as pages, Console, FieldError, ReviewBatch, ReviewItem};
use crate::pages::model::Lang;
use crate::web::state::AppState;

/// The reviewer of the session, or the page to answer instead.
fn reviewer(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    lang: Lang,
    path: &str,
) -> std::result::Result<(Principal, Console), Box<Response>> {
    require_role(person, headers, state, path, lang, &[Role::Reviewer])
        .map(|(s, c)| (s.principal, c))
}

async fn batches(state: &AppState) -> Result<Vec<ReviewBatch>> {
    let mut out = Vec::new();
    for b in crate::store::batches::all(&state.app.store).await? {
        if !matches!(b.state.as_str(), "drawn" | "results" | "published") {
            continue;
        }
        let p = reviews::reviewing(&state.app, &b.id).await?.progress;
        out.push(ReviewBatch {
            href: pages::review_href(&b.id),
            id: b.id,
            title: b.title,
            staffed: p.staffed,
            awaiting: p.awaiting_review,
            returned: p.returned,
            approved: p.approved,
        });
    }
    // Batches with results waiting first.
    out.sort_by_key(|b| b.awaiting == 0);
    Ok(out)
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (_, c) = match reviewer(&state, &headers, person, lang.0, "/console/review") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    match batches(&state).await {
        Ok(b) => page(&state, StatusCode::OK, lang, pages::review_list(&c, &b)),
        Err(e) => internal_error(&e),
    }
}

/// The results of batch `id` awaiting review, as the page lists them.
async fn items(state: &AppState, id: &str, lang: Lang) -> Result<(String, Vec<ReviewItem>)> {
    let b = crate::app::batch::get(&state.app, id).await?;
    let waiting = reviews::awaiting(&state.app, id).await?;
    let targets = crate::store::batches::assignments(&state.app.store, id).await?;
    let items = waiting
        .iter()
        .map(|r| {
            let target = targets.iter().find(|t| t.uscc == r.uscc);
            let sector = target.map_or("", |t| t.sector.as_str());
            let view = public::result_view(&state.app.codes, sector, r);
            let label = |zh: &str, en: &str| {
                if lang == Lang::En {
                    en.to_string()
                } else {
                    zh.to_string()
                }
            };
            ReviewItem {
                id: r.id,
                target: target.map_or_else(
                    || r.uscc.clone(),
                    |t| format!("{}（{}）", t.entity_name, t.uscc),
                ),
                corrects: r.corrects,
                inspected_on: r.inspected_on.clone(),
                recorded_by: r.recorded_by.clone(),
                codes: view
                    .codes
                    .iter()
                    .map(|c| label(&c.zh, &c.en))
                    .collect::<Vec<_>>()
                    .join("、"),
                measures: checklists::measures(r)
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                note: r.note.clone(),
                approve: format!("{}/{}/approve", pages::review_href(id), r.id),
                return_to: format!("{}/{}/return", pages::review_href(id), r.id),
            }
        })
        .collect();
    Ok((b.title, items))
}

async fn batch_page(
    state: &AppState,
    status: StatusCode,
    lang: (Lang, bool),
    c: &Console,
    id: &str,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Response {
    match items(state, id, lang.0).await {
        Ok((title, items)) => page(
            state,
            status,
            lang,
            pages::review_batch(c, &title, &items, errors, notice),
        ),
        Err(AppError::NotFound(m)) => page(
            state,
            StatusCode::NOT_FOUND,
            lang,
            pages::message(
                c,
                c.t("没有这个批次", "No such batch"),
                m.in_lang(c.is_en()),
                "/console/review",
            ),
        ),
        Err(e) => internal_error(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    lang: Option<String>,
    /// `approved` or `returned` after a review.
    done: Option<String>,
}

pub async fn batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ReviewQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(
        &PageQuery {
            lang: q.lang.clone(),
            ..PageQuery::default()
        },
        &headers,
    );
    let (_, c) = match reviewer(&state, &headers, person, lang.0, &pages::review_href(&id)) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let notice = match q.done.as_deref() {
        Some("approved") => Some(c.t("已审核通过。", "Approved.")),
        Some("returned") => Some(c.t(
            "已退回，执法人员更正后再审核。",
            "Returned; it is reviewed again once the officer corrects it.",
        )),
        _ => None,
    };
    batch_page(&state, StatusCode::OK, lang, &c, &id, &[], notice).await
}

#[derive(Debug, Default, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Approves a result, or returns it (`returning`) with the form's reason.
async fn decide(
    state: AppState,
    headers: HeaderMap,
    (id, result): (String, i64),
    person: Person,
    body: Bytes,
    returning: bool,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: ReviewForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let href = pages::review_href(&id);
    let (who, c) = match reviewer(&state, &headers, person, lang.0, &href) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let verdict = if returning {
        Verdict::Return(&form.reason)
    } else {
        Verdict::Approve
    };
    match reviews::review(&state.app, &id, result, who.user_id, verdict).await {
        Ok(_) => {
            state.refresh().await;
            let done = if returning { "returned" } else { "approved" };
            Redirect::to(&format!("{href}?done={done}")).into_response()
        }
        Err(AppError::Invalid(m) | AppError::Refused(m) | AppError::NotFound(m)) => {
            let errors = [FieldError {
                field: "review",
                message: format!("#{result}: {}", m.in_lang(c.is_en())),
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

pub async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<(String, i64)>,
    person: Person,
    body: Bytes,
) -> Response {
    decide(state, headers, key, person, body, false).await
}

pub async fn return_result(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<(String, i64)>,
    person: Person,
    body: Bytes,
) -> Response {
    decide(state, headers, key, person, body, true).await
}
