//! Batches for the corps (create, commit, draw, withdraw, publish) and for auditors (read,
//! the auditor's bundle).

use crate::domain::Message;
use crate::msg;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::views::{BatchDetail, BatchView, DrawRequest, WithdrawRequest};
use super::{ApiJson, json_bytes};
use crate::app::users::Role;
use crate::app::{batch, draw, export, public, results};
use crate::pages;
use crate::store;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::site;
use crate::web::state::AppState;

const READERS: &[Role] = &[Role::Corps, Role::Auditor];
/// Who reads batches and their results: the readers, and reviewers (who review them).
const RESULT_READERS: &[Role] = &[Role::Corps, Role::Auditor, Role::Reviewer];
const CORPS: &[Role] = &[Role::Corps];

pub(super) async fn view(state: &AppState, row: store::batches::BatchRow) -> ApiResult<BatchView> {
    let limits = public::deadline_views(&state.app, &row, batch::china_today()).await?;
    let review = if row.drawn_at.is_some() {
        Some(
            crate::app::reviews::reviewing(&state.app, &row.id)
                .await?
                .progress,
        )
    } else {
        None
    };
    let followups = if row.drawn_at.is_some() {
        Some(
            crate::app::followups::of_batch(&state.app, &row.id, batch::china_today())
                .await?
                .counts,
        )
    } else {
        None
    };
    let mut v = BatchView::new(row, limits);
    v.review = review;
    v.followups = followups;
    Ok(v)
}

/// Every batch, newest first.
///
/// Each batch in any state (draft to published or withdrawn) with its publication
/// deadline, inspection progress and, once drawn, its review progress and follow-up
/// counts. For the corps, auditors and reviewers.
#[utoipa::path(get, path = "/api/v1/batches", tag = "batches",
    security(("token" = [])),
    responses((status = 200, body = Vec<BatchView>, description = "every batch, newest first"), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<BatchView>>> {
    caller.require(RESULT_READERS)?;
    let mut out = Vec::new();
    for row in store::batches::all(&state.app.store)
        .await
        .map_err(crate::app::AppError::from)?
    {
        out.push(view(&state, row).await?);
    }
    Ok(Json(out))
}

/// One batch with its plan, targets and every result.
///
/// The batch as `GET /api/v1/batches` shows it, with the plan as committed (TOML), each
/// target with its team and standing result, and every result in the order recorded
/// (corrections included). For the corps, auditors and reviewers.
#[utoipa::path(get, path = "/api/v1/batches/{id}", tag = "batches",
    security(("token" = [])), params(("id" = String, Path, description = "batch id, e.g. SH-MZ-2026-YL-01")),
    responses((status = 200, body = BatchDetail, description = "the batch"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BatchDetail>> {
    caller.require(RESULT_READERS)?;
    let row = batch::get(&state.app, &id).await?;
    let plan_toml = row.plan_toml.clone();
    let stored = store::results::of_batch(&state.app.store, &id)
        .await
        .map_err(crate::app::AppError::from)?;
    let standing = results::standing(&stored);
    let assigned = store::batches::assignments(&state.app.store, &id)
        .await
        .map_err(crate::app::AppError::from)?;
    let sectors: std::collections::HashMap<String, String> = assigned
        .iter()
        .map(|a| (a.uscc.clone(), a.sector.clone()))
        .collect();
    let targets = assigned
        .into_iter()
        .map(|a| public::target_view(a, &standing, &state.app.codes))
        .collect();
    let results = stored
        .iter()
        .map(|r| {
            let sector = sectors.get(&r.uscc).map_or("", String::as_str);
            public::result_view(&state.app.codes, sector, r)
        })
        .collect();
    Ok(Json(BatchDetail {
        batch: view(&state, row).await?,
        plan_toml,
        targets,
        results,
    }))
}

/// The dispatch list of a drawn batch as an `.xlsx` workbook.
///
/// Each target with its team (the targets of `GET /api/v1/batches/{id}`), every cell
/// text, never cached. For the corps and auditors; a batch not yet drawn is 409.
#[utoipa::path(get, path = "/api/v1/batches/{id}/dispatch.xlsx", tag = "batches",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the workbook, as a download named ID-dispatch.xlsx"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn dispatch_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    caller.require(READERS)?;
    batch::get(&state.app, &id).await?;
    let assignments = store::batches::assignments(&state.app.store, &id)
        .await
        .map_err(crate::app::AppError::from)?;
    if assignments.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "refused",
            msg!(
                "批次 {id} 没有检查对象：尚未摇号",
                "batch '{id}' has no targets: it is not drawn"
            ),
        ));
    }
    let no_results = results::standing(&[]);
    let targets: Vec<_> = assignments
        .into_iter()
        .map(|a| public::target_view(a, &no_results, &state.app.codes))
        .collect();
    let bytes = pages::xlsx::dispatch(&targets).map_err(|e| ApiError::internal(&e))?;
    let mut r = site::download(
        Bytes::from(bytes),
        pages::xlsx::CONTENT_TYPE,
        &format!("{id}-dispatch.xlsx"),
    );
    // Not the public pages' minute in shared caches: this is for the caller only.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// Creates a draft batch from a plan.
///
/// The body is the plan file's TOML text (the format of `registries/README.md`); the
/// batch's id is the plan's `id`. A plan that breaks a rule is 422, naming the field. For
/// the corps.
#[utoipa::path(post, path = "/api/v1/batches", tag = "batches",
    security(("token" = [])),
    request_body(content = String, content_type = "application/toml", description = "the batch plan (TOML)", example = super::examples::plan_toml),
    responses((status = 201, body = BatchView, description = "the draft"), (status = 403, body = crate::web::error::ErrorBody), (status = 413, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<impl IntoResponse> {
    caller.require(CORPS)?;
    let body = body?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::invalid(Message::new(
            "计划须为 UTF-8 编码的 TOML 文本",
            "the plan must be UTF-8 TOML text",
        ))
    })?;
    let row = batch::create(&state.app, "plan.toml", text).await?;
    state.refresh().await;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(view(&state, row).await?),
    ))
}

/// Commits a draft over the current directory snapshots.
///
/// Takes no body. The commitment's hash (in the answer and the log) is what to publish
/// before the ceremony: it fixes the plan and every snapshot the draw will read. A batch
/// is committed once (409 after). For the corps.
#[utoipa::path(post, path = "/api/v1/batches/{id}/commit", tag = "batches",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, body = BatchView, description = "the committed batch with its commitment hash"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn commit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BatchView>> {
    caller.require(CORPS)?;
    let row = batch::commit(&state.app, &id).await?;
    state.refresh().await;
    Ok(Json(view(&state, row).await?))
}

/// Runs the draw once with the ceremony's entropy.
///
/// The entropy is the one the plan declared: the witnesses' digits (`WITNESS=DIGITS,…`)
/// or a drand round's JSON. The first attempt binds the batch to its entropy; a second
/// draw, or other entropy, is refused (409) and logged. For the corps.
#[utoipa::path(post, path = "/api/v1/batches/{id}/draw", tag = "batches",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    request_body(content = DrawRequest, description = "the ceremony's public entropy", example = super::examples::draw),
    responses((status = 200, body = BatchView, description = "the drawn batch with its seed and bundle hash"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn draw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DrawRequest>,
) -> ApiResult<Json<BatchView>> {
    caller.require(CORPS)?;
    let outcome = draw::draw(&state.app, &id, &request.entropy).await;
    state.refresh().await;
    outcome?;
    Ok(Json(
        view(&state, batch::get(&state.app, &id).await?).await?,
    ))
}

/// Withdraws a batch before its draw, with the reason.
///
/// The reason is public on the batch's page. A drawn batch cannot be withdrawn (409). For
/// the corps.
#[utoipa::path(post, path = "/api/v1/batches/{id}/withdraw", tag = "batches",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    request_body(content = WithdrawRequest, description = "why", example = super::examples::withdraw),
    responses((status = 200, body = BatchView, description = "the withdrawn batch"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<WithdrawRequest>,
) -> ApiResult<Json<BatchView>> {
    caller.require(CORPS)?;
    let row = batch::withdraw(&state.app, &id, &request.reason).await?;
    state.refresh().await;
    Ok(Json(view(&state, row).await?))
}

/// Publishes a drawn batch's results.
///
/// Takes no body. Every staffed target needs a standing result approved by a reviewer;
/// otherwise 422, naming how many are unrecorded, awaiting review and returned. Once
/// published, the targets, results and export are public. For the corps.
#[utoipa::path(post, path = "/api/v1/batches/{id}/publish", tag = "batches",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, body = BatchView, description = "the published batch"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BatchView>> {
    caller.require(CORPS)?;
    let row = batch::publish(&state.app, &id).await?;
    state.refresh().await;
    Ok(Json(view(&state, row).await?))
}

/// The auditor's export of a drawn batch.
///
/// The bundle, every log entry about the batch (draw attempts and refusals included) with
/// inclusion proofs, and a signed checkpoint (`shuangsui-export/1`), before publication
/// too; `shuangsui verify` checks it offline. Never cached. For the corps and auditors.
#[utoipa::path(get, path = "/api/v1/batches/{id}/bundle", tag = "bundles",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, description = "shuangsui-export/1 JSON, as a download named ID.auditor.export.json", content_type = "application/json"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn auditor_bundle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    caller.require(READERS)?;
    let bytes = export::export(&state.app, &id, export::Audience::Auditor).await?;
    let mut r = json_bytes(
        Bytes::from(bytes),
        Some(&format!("{id}.auditor.export.json")),
    );
    // Not public: never kept by a browser or a proxy.
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}
