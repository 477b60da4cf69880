//! The corps' batches (`/console/batches`): every batch by state, with its review progress
//! once drawn; publication once every staffed target's result is approved, and withdrawal
//! (with its public reason) before the draw. Corps only; `app::batch` decides.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::users::Role;
use crate::app::{AppError, Result, batch, reviews};
use crate::pages::console::{self as pages, BatchLine, Console, FieldError};
use crate::pages::model::Lang;
use crate::web::state::AppState;

const PATH: &str = "/console/batches";

/// The corps user's console, or the page to answer instead.
fn corps(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    lang: Lang,
) -> std::result::Result<Console, Box<Response>> {
    require_role(person, headers, state, PATH, lang, &[Role::Corps]).map(|(_, c)| c)
}

async fn groups(state: &AppState, lang: Lang) -> Result<Vec<(&'static str, Vec<BatchLine>)>> {
    let t = |zh: &'static str, en: &'static str| if lang == Lang::En { en } else { zh };
    let mut groups: Vec<(&'static str, Vec<BatchLine>)> = vec![
        (t("检查中（已抽取）", "Inspecting (drawn)"), Vec::new()),
        (
            t("已公告，待摇号", "Announced, awaiting the draw"),
            Vec::new(),
        ),
        (t("草稿", "Drafts"), Vec::new()),
        (t("已公示", "Published"), Vec::new()),
        (t("已撤回", "Withdrawn"), Vec::new()),
    ];
    for b in crate::store::batches::all(&state.app.store).await? {
        let at = match b.state.as_str() {
            "drawn" | "results" => 0,
            "committed" => 1,
            "draft" => 2,
            "published" => 3,
            _ => 4,
        };
        let progress = if at == 0 || at == 3 {
            Some(reviews::reviewing(&state.app, &b.id).await?.progress)
        } else {
            None
        };
        groups[at].1.push(BatchLine {
            can_publish: at == 0 && progress.is_some_and(|p| p.complete()),
            can_withdraw: at == 1 || at == 2,
            committed: at == 1,
            drawn: at == 0 || at == 3,
            public: at != 2,
            progress: progress.map(|p| {
                if lang == Lang::En {
                    format!(
                        "{} to record · {} awaiting review · {} returned · {} of {} approved",
                        p.unrecorded, p.awaiting_review, p.returned, p.approved, p.staffed
                    )
                } else {
                    format!(
                        "待录入 {} · 待审核 {} · 已退回 {} · 已通过 {} / {}",
                        p.unrecorded, p.awaiting_review, p.returned, p.approved, p.staffed
                    )
                }
            }),
            reason: b.withdraw_reason,
            id: b.id,
            title: b.title,
        });
    }
    Ok(groups)
}

async fn batches_page(
    state: &AppState,
    status: StatusCode,
    lang: (Lang, bool),
    c: &Console,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Response {
    match groups(state, lang.0).await {
        Ok(g) => page(state, status, lang, pages::batches(c, &g, errors, notice)),
        Err(e) => internal_error(&e),
    }
}

/// A corps page's query: its language, and the action just done (`published`,
/// `withdrawn`, `created`, `committed`).
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    lang: Option<String>,
    pub(super) done: Option<String>,
}

impl DoneQuery {
    /// The page's language (`lang_of`).
    pub(super) fn lang_of(&self, headers: &HeaderMap) -> (Lang, bool) {
        lang_of(
            &PageQuery {
                lang: self.lang.clone(),
                ..PageQuery::default()
            },
            headers,
        )
    }
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DoneQuery>,
    person: Person,
) -> Response {
    let lang = q.lang_of(&headers);
    let c = match corps(&state, &headers, person, lang.0) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let notice = match q.done.as_deref() {
        Some("published") => Some(c.t("已公示。", "Published.")),
        Some("withdrawn") => Some(c.t("已撤回。", "Withdrawn.")),
        _ => None,
    };
    batches_page(&state, StatusCode::OK, lang, &c, &[], notice).await
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Publishes batch `id`, or withdraws it (`withdrawing`) with the form's reason.
async fn act(
    state: AppState,
    headers: HeaderMap,
    id: String,
    person: Person,
    body: Bytes,
    withdrawing: bool,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: ActionForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let c = match corps(&state, &headers, person, lang.0) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let done = if withdrawing {
        batch::withdraw(&state.app, &id, &form.reason).await
    } else {
        batch::publish(&state.app, &id).await
    };
    match done {
        Ok(_) => {
            state.refresh().await;
            let word = if withdrawing {
                "withdrawn"
            } else {
                "published"
            };
            Redirect::to(&format!("{PATH}?done={word}")).into_response()
        }
        Err(AppError::Invalid(m) | AppError::Refused(m) | AppError::NotFound(m)) => {
            let errors = [FieldError {
                field: "batches",
                message: format!("{id}: {}", m.in_lang(c.is_en())),
            }];
            batches_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                (lang.0, false),
                &c,
                &errors,
                None,
            )
            .await
        }
        Err(e) => internal_error(&e),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    person: Person,
    body: Bytes,
) -> Response {
    act(state, headers, id, person, body, false).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    person: Person,
    body: Bytes,
) -> Response {
    act(state, headers, id, person, body, true).await
}
