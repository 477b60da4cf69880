//! The officer's pages for the phone: my tasks by batch and due date (`/console/tasks`), and
//! a target's page (`/console/tasks/{batch}/{uscc}`: where it is, who answers for it, its
//! result, the checklist of each matter). Officers only; `app::tasks` decides what is
//! theirs (anything else is the one "not yours" answer, 404).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::session::Person;
use super::{PageQuery, forbidden_page, internal_error, lang_of, page, require};
use crate::app::AppError;
use crate::app::users::Role;
use crate::pages::console::{self as pages, Console};
use crate::web::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (s, _) = match require(person, &headers, &state, "/console/tasks") {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if s.principal.role != Role::Officer {
        return forbidden_page(&state, lang.0, &s);
    }
    let card = s.principal.card_no.as_deref().unwrap_or_default();
    let tasks = match crate::app::tasks::of_officer(&state.app, card).await {
        Ok(t) => t,
        Err(e) => return internal_error(&e),
    };
    let c = Console::new(
        lang.0,
        Some(s.principal.name.clone()),
        s.csrf.clone(),
        "/console/tasks",
    );
    let groups = pages::task_groups(&tasks, lang.0);
    page(&state, StatusCode::OK, lang, pages::tasks(&c, &groups))
}

pub async fn target(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((batch, uscc)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let path = format!(
        "/console/tasks/{}/{}",
        crate::pages::render::encode(&batch),
        crate::pages::render::encode(&uscc)
    );
    let (s, _) = match require(person, &headers, &state, &path) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if s.principal.role != Role::Officer {
        return forbidden_page(&state, lang.0, &s);
    }
    let c = Console::new(
        lang.0,
        Some(s.principal.name.clone()),
        s.csrf.clone(),
        &path,
    );
    let card = s.principal.card_no.as_deref().unwrap_or_default();
    match crate::app::tasks::detail(&state.app, card, &batch, &uscc).await {
        Ok(d) => page(&state, StatusCode::OK, lang, pages::task(&c, &d)),
        Err(AppError::NotFound(_)) => page(
            &state,
            StatusCode::NOT_FOUND,
            lang,
            pages::message(
                &c,
                c.t("不是您的检查任务", "Not one of your tasks"),
                c.t(
                    "您不在这个批次中这个检查对象的检查组里（或者没有这个批次、这个对象）。",
                    "You are in no team for this target in this batch (or there is no such batch or target).",
                ),
                "/console/tasks",
            ),
        ),
        Err(e) => internal_error(&e),
    }
}
