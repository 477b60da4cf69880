//! The directories: the current snapshots and every version (corps, auditors), and uploads
//! of one table as an import file (corps): all rows valid or nothing imported. An upload's
//! body is read only once the caller is known to be corps staff, and then into a temporary
//! file (`web::upload`), which the import reads as the CLI reads a file (`mapped`).

use crate::msg;
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

/// An import file's bytes as the body: CSV, JSON Lines or an `.xlsx` workbook.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // The body is read by `web::upload`; this only describes it.
pub struct ImportFile(Vec<u8>);

/// A `multipart/form-data` upload: one file part (other parts are skipped).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // The form is read by `web::upload`; this only describes it.
pub struct UploadForm {
    /// The import file; its filename names it unless the query gives `name`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads report no progress (the response comes when the import is done).
static NO_PROGRESS: fn(u64) = |_| {};

fn kind(word: &str) -> ApiResult<Kind> {
    Kind::parse(word).ok_or_else(|| {
        ApiError::not_found(msg!(
            "没有名录 {word}（entities、officers、matters、recusals、history、lists）",
            "no directory '{word}' (entities, officers, matters, recusals, history, lists)"
        ))
    })
}

/// The current snapshot of each table.
///
/// One entry per directory table that has been imported (entities, officers, matters,
/// recusals, history, lists): its newest version, row count and content hash. For the
/// corps and auditors.
#[utoipa::path(get, path = "/api/v1/directories", tag = "directories",
    security(("token" = [])),
    responses(
        (status = 200, body = Vec<SnapshotView>, description = "the current snapshots", example = json!([super::examples::snapshot()])),
        (status = 403, body = crate::web::error::ErrorBody)))]
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
///
/// Each import that changed the table's content made a new version; old versions stay
/// readable (a committed batch names the versions it drew from). For the corps and
/// auditors.
#[utoipa::path(get, path = "/api/v1/directories/{kind}", tag = "directories",
    security(("token" = [])),
    params(("kind" = String, Path, description = "the table: entities, officers, matters, recusals, history or lists")),
    responses(
        (status = 200, body = Vec<SnapshotView>, description = "the table's versions, oldest first", example = json!([super::examples::snapshot()])),
        (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody)))]
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

/// An upload's query: all optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// `auto`, `csv` or `jsonl`; by default from the file name's extension, else CSV (a
    /// workbook is known by its content).
    pub format: Option<String>,
    /// `auto`, `utf-8` or `gbk`; by default detected.
    pub encoding: Option<String>,
    /// The file's name, kept with the snapshot and used in error messages; by default a
    /// form's file part's filename, else `KIND.csv`.
    pub name: Option<String>,
}

/// Imports one table: a new version of the directory, or none if the content is the same.
///
/// The file is the body itself (`Content-Type` e.g. `text/csv`; CSV in UTF-8 or GBK, an
/// `.xlsx` workbook or JSON Lines), or the one file part of a `multipart/form-data` form
/// (a browser's file input, `curl -F file=@entities.csv`), whose filename then names the
/// file (and so its format) unless the query gives `name`. Other parts of a form are
/// skipped; a form without a file part, or with two, is 400. Any bad row: every one is
/// listed (file, line, column; for a workbook its sheet and row) and nothing is imported
/// (422, `import_rejected`). An old `.xls` or another binary is refused. The body is
/// spooled to a temporary file and may be at most the server's upload limit (413). For the
/// corps.
#[utoipa::path(post, path = "/api/v1/directories/{kind}", tag = "directories",
    security(("token" = [])),
    params(("kind" = String, Path, description = "the table: entities, officers, matters, recusals, history or lists"), UploadParams),
    request_body(
        description = "the import file, as the body or as the file part of a form",
        content(
            (ImportFile = "text/csv", example = super::examples::entities_csv),
            (UploadForm = "multipart/form-data", example = super::examples::entities_form),
        )),
    responses(
        (status = 201, body = ImportView, description = "a new version", example = super::examples::import),
        (status = 200, body = ImportView, description = "same content as the current version: nothing new"),
        (status = 400, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody),
        (status = 413, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody, example = json!({"error": {"status": 422, "code": "import_rejected", "message": "entities.csv:2: column 'credit_grade': 「E」不是 A, B, C, D 之一 / 'E' is not one of A, B, C, D\nnothing imported"}}))))]
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
        Some(word) => Format::parse(word).ok_or_else(|| {
            ApiError::invalid(
                msg!(
                    "格式 {word} 无效：应为 auto、csv 或 jsonl",
                    "format '{word}': auto, csv or jsonl"
                )
                .on("format"),
            )
        })?,
    };
    let encoding = match params.encoding.as_deref() {
        None => Encoding::Auto,
        Some(word) => Encoding::parse(word).ok_or_else(|| {
            ApiError::invalid(
                msg!(
                    "编码 {word} 无效：应为 auto、utf-8 或 gbk",
                    "encoding '{word}': auto, utf-8 or gbk"
                )
                .on("encoding"),
            )
        })?,
    };
    let upload = spool.receive(&headers, body).await?;
    let name = params
        .name
        .or(upload.file_name)
        .unwrap_or_else(|| format!("{}.csv", kind.word()));
    let app = state.app.clone();
    let (outcome, _) = crate::web::upload::on_bytes(upload.file, move |bytes| {
        Box::pin(async move {
            directory::import(&app, kind, &name, bytes, format, encoding, &NO_PROGRESS).await
        })
    })
    .await?;
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
