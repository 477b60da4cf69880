//! The directories (`/console/directories`): each table's versions, newest first, for the
//! corps and auditors, read from `store::snapshots` as the API's `/api/v1/directories`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::session::Person;
use super::{PageQuery, internal_error, lang_of, page, require_role};
use crate::app::users::Role;
use crate::import::Kind;
use crate::pages::console::{self as pages, TableLine, VersionLine};
use crate::web::state::AppState;

const PATH: &str = "/console/directories";

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
        PATH,
        lang.0,
        &[Role::Corps, Role::Auditor],
    ) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let all = match crate::store::snapshots::all(&state.app.store).await {
        Ok(a) => a,
        Err(e) => return internal_error(&e),
    };
    let tables: Vec<TableLine> = Kind::ALL
        .iter()
        .map(|kind| TableLine {
            word: kind.word(),
            name: pages::table_name(*kind, lang.0),
            versions: all
                .iter()
                .rev()
                .filter(|v| v.kind == kind.word())
                .map(|v| VersionLine {
                    version: v.version,
                    rows: v.row_count,
                    imported_at: v.imported_at.clone(),
                    source: v.source_name.clone(),
                    encoding: v.encoding.clone(),
                    content_sha256: v.content_sha256.clone(),
                })
                .collect(),
        })
        .collect();
    page(
        &state,
        StatusCode::OK,
        lang,
        pages::directories(&c, &tables, s.principal.role == Role::Corps),
    )
}
