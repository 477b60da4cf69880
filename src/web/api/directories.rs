//! The directories: the current snapshots and every version (corps, auditors), and uploads
//! of one table as an import file (corps): all rows valid or nothing imported. An upload's
//! body is read only once the caller is known to be corps staff, and then into a temporary
//! file (`web::upload`), which the import reads as the CLI reads a file (`mapped`).

use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::views::{ImportView, SnapshotView};
use crate::app::directory::{self, Imported};
use crate::app::users::Role;
use crate::import::{Encoding, Format, Kind};
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::state::AppState;
use crate::web::upload::Spool;

/// Uploads report no progress (the response comes when the import is done).
static NO_PROGRESS: fn(u64) = |_| {};

fn kind(word: &str) -> ApiResult<Kind> {
    Kind::parse(word).ok_or_else(|| {
        ApiError::not_found(format!(
            "no directory '{word}' (entities, officers, matters, recusals, history, lists)"
        ))
    })
}

/// The current snapshot of each table.
#[utoipa::path(get, path = "/api/v1/directories", tag = "directories",
    security(("token" = [])),
    responses((status = 200, body = Vec<SnapshotView>), (status = 401, body = crate::web::error::ErrorBody)))]
pub async fn current(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<SnapshotView>>> {
    caller.require(&[Role::Corps, Role::Auditor])?;
    let current = directory::current(&state.app).await?;
    Ok(Json(
        current
            .into_iter()
            .flatten()
            .map(SnapshotView::from)
            .collect(),
    ))
}

/// Every version of one table, oldest first.
#[utoipa::path(get, path = "/api/v1/directories/{kind}", tag = "directories",
    security(("token" = [])), params(("kind" = String, Path, description = "entities, officers, matters, recusals, history or lists")),
    responses((status = 200, body = Vec<SnapshotView>), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    Path(word): Path<String>,
) -> ApiResult<Json<Vec<SnapshotView>>> {
    caller.require(&[Role::Corps, Role::Auditor])?;
    let kind = kind(&word)?;
    let all = crate::store::snapshots::all(&state.app.store)
        .await
        .map_err(crate::app::AppError::from)?;
    Ok(Json(
        all.into_iter()
            .filter(|s| s.kind == kind.word())
            .map(SnapshotView::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// `csv` or `jsonl`; by default from `name`'s extension, else CSV.
    pub format: Option<String>,
    /// `utf-8` or `gbk`; by default detected.
    pub encoding: Option<String>,
    /// The file's name, kept with the snapshot and used in error messages.
    pub name: Option<String>,
}

/// Imports one table from the request body (CSV in UTF-8 or GBK, an `.xlsx` workbook, or
/// JSON Lines). Any bad row: every one is listed (file, line, column; for a workbook its
/// sheet and row) and nothing is imported. An old `.xls` or another binary is refused.
#[utoipa::path(post, path = "/api/v1/directories/{kind}", tag = "directories",
    security(("token" = [])), params(("kind" = String, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "the import file"),
    responses((status = 201, body = ImportView, description = "a new version"), (status = 200, body = ImportView, description = "same content as the current version"), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(word): Path<String>,
    Extension(spool): Extension<Spool>,
    query: Result<Query<UploadParams>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<ImportView>)> {
    // Who and what first: nothing of the body is read for a caller who may not upload.
    caller.require(&[Role::Corps])?;
    let kind = kind(&word)?;
    let Query(params) = query?;
    let format = match params.format.as_deref() {
        None => Format::Auto,
        Some(word) => Format::parse(word)
            .ok_or_else(|| ApiError::invalid(format!("format '{word}': auto, csv or jsonl")))?,
    };
    let encoding = match params.encoding.as_deref() {
        None => Encoding::Auto,
        Some(word) => Encoding::parse(word)
            .ok_or_else(|| ApiError::invalid(format!("encoding '{word}': auto, utf-8 or gbk")))?,
    };
    let name = params
        .name
        .unwrap_or_else(|| format!("{}.csv", kind.word()));
    let file = spool.receive(&headers, body).await?;
    // The import parses and hashes the whole file: it runs on a blocking thread, off the
    // workers that answer other requests (its future is driven there by `block_on`).
    let app = state.app.clone();
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::spawn_blocking(move || {
        let bytes = crate::mapped::read(file.path())
            .map_err(|e| crate::app::AppError::Setup(format!("the spooled upload: {e}")))?;
        let outcome = handle.block_on(directory::import(
            &app,
            kind,
            &name,
            &bytes,
            format,
            encoding,
            &NO_PROGRESS,
        ));
        drop(bytes);
        drop(file);
        outcome
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    state.refresh().await;
    Ok(match outcome {
        Imported::Created(s) => (
            StatusCode::CREATED,
            Json(ImportView {
                outcome: "created".into(),
                snapshot: s.into(),
            }),
        ),
        Imported::Unchanged(s) => (
            StatusCode::OK,
            Json(ImportView {
                outcome: "unchanged".into(),
                snapshot: s.into(),
            }),
        ),
    })
}
