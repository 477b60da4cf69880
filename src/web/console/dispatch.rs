//! Dispatch (`/console/batches/{id}/dispatch`, corps only): each team's officers and
//! targets; and per target the printable 检查通知书 (`…/notice/{uscc}`) and 检查记录表
//! (`…/record/{uscc}`), for the corps and for the officers of the target's team (anyone
//! else's target is the one "not yours" answer, 404, as on the officer's target page).
//! `app::dispatch` decides; the print stylesheet is `/console/print.css`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::session::Person;
use super::{PageQuery, internal_error, lang_of, page, require_role};
use crate::app::AppError;
use crate::app::dispatch::{self, Viewer};
use crate::app::users::Role;
use crate::pages::console::dispatch as pages;
use crate::pages::console::{Console, message, task_href};
use crate::pages::model::Lang;
use crate::web::state::AppState;

/// The print stylesheet of the console's sheets.
pub const PRINT_CSS: &str = include_str!("../../../templates/console/print.css");

pub async fn print_css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        PRINT_CSS,
    )
        .into_response()
}

/// 404 in the page's words: the corps is told what is missing, an officer only that it is
/// not theirs.
fn not_found(
    state: &AppState,
    lang: (Lang, bool),
    c: &Console,
    m: &crate::domain::Message,
    back: &str,
) -> Response {
    let html = message(c, c.t("找不到", "Not found"), m.in_lang(c.is_en()), back);
    page(state, StatusCode::NOT_FOUND, lang, html)
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let path = pages::dispatch_href(&id);
    let c = match require_role(person, &headers, &state, &path, lang.0, &[Role::Corps]) {
        Ok((_, c)) => c,
        Err(r) => return *r,
    };
    match dispatch::dispatch(&state.app, &id).await {
        Ok(d) => page(&state, StatusCode::OK, lang, pages::dispatch(&c, &d)),
        Err(AppError::NotFound(m)) => not_found(&state, lang, &c, &m, "/console/batches"),
        Err(e) => internal_error(&e),
    }
}

/// Which sheet of a target.
#[derive(Clone, Copy)]
enum Which {
    Notice,
    Record,
}

async fn sheet(
    state: AppState,
    headers: HeaderMap,
    (id, uscc): (String, String),
    q: PageQuery,
    person: Person,
    which: Which,
) -> Response {
    let lang = lang_of(&q, &headers);
    let path = match which {
        Which::Notice => pages::notice_href(&id, &uscc),
        Which::Record => pages::record_href(&id, &uscc),
    };
    let roles = [Role::Corps, Role::Officer];
    let (s, c) = match require_role(person, &headers, &state, &path, lang.0, &roles) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let card = s.principal.card_no.clone().unwrap_or_default();
    let (viewer, back) = if s.principal.role == Role::Corps {
        (Viewer::Corps, pages::dispatch_href(&id))
    } else {
        (Viewer::Officer(&card), task_href(&id, &uscc))
    };
    match dispatch::sheet(&state.app, viewer, &id, &uscc).await {
        Ok(sheet) => {
            let html = match which {
                Which::Notice => pages::notice(&c, &sheet, state.issuer(), &back),
                Which::Record => pages::record_sheet(&c, &sheet, &back),
            };
            page(&state, StatusCode::OK, lang, html)
        }
        // For an officer, anything not theirs is the one `results::not_yours`.
        Err(AppError::NotFound(m)) => not_found(&state, lang, &c, &m, "/console/"),
        Err(e) => internal_error(&e),
    }
}

pub async fn notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    sheet(state, headers, key, q, person, Which::Notice).await
}

pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    sheet(state, headers, key, q, person, Which::Record).await
}
