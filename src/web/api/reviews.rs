//! What a reviewer (审核人员) does: list the standing results of a batch awaiting review,
//! approve one, or return it to its officer with a reason. The rules are `app::reviews`'.

use axum::Json;
use axum::extract::{Path, State};

use super::ApiJson;
use super::views::{ReturnRequest, ReviewView};
use crate::app::public;
use crate::app::reviews::{self, Verdict};
use crate::app::users::Role;
use crate::pages::model::TargetView;
use crate::store;
use crate::web::auth::Caller;
use crate::web::error::ApiResult;
use crate::web::state::AppState;

const REVIEWER: &[Role] = &[Role::Reviewer];

/// The results of a batch awaiting review.
///
/// The targets whose standing result awaits review, in bundle order, each with its team
/// and that result (as in `GET /api/v1/batches/{id}`'s `targets`). For reviewers.
#[utoipa::path(get, path = "/api/v1/batches/{id}/results/awaiting-review", tag = "reviews",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, body = Vec<TargetView>, description = "the targets awaiting review"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn awaiting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<TargetView>>> {
    caller.require(REVIEWER)?;
    let waiting: std::collections::HashSet<i64> = reviews::awaiting(&state.app, &id)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let stored = store::results::of_batch(&state.app.store, &id)
        .await
        .map_err(crate::app::AppError::from)?;
    let standing = crate::app::results::standing(&stored);
    let targets = store::batches::assignments(&state.app.store, &id)
        .await
        .map_err(crate::app::AppError::from)?;
    Ok(Json(
        targets
            .into_iter()
            .filter(|t| {
                standing
                    .get(&t.uscc)
                    .is_some_and(|r| waiting.contains(&r.id))
            })
            .map(|t| public::target_view(t, &standing, &state.app.codes))
            .collect(),
    ))
}

/// Approves a standing result.
///
/// Takes no body. Logged as `result.approved`. A result is reviewed once: approving it
/// again, approving a returned result (correct it first) or a result since corrected is
/// refused (409). For reviewers.
#[utoipa::path(post, path = "/api/v1/batches/{id}/results/{result}/approve", tag = "reviews",
    security(("token" = [])),
    params(("id" = String, Path, description = "batch id"), ("result" = i64, Path, description = "result id")),
    responses((status = 200, body = ReviewView, description = "the review"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, result)): Path<(String, i64)>,
) -> ApiResult<Json<ReviewView>> {
    let p = caller.require(REVIEWER)?;
    let row = reviews::review(&state.app, &id, result, p.user_id, Verdict::Approve).await?;
    state.refresh().await;
    Ok(Json(row.into()))
}

/// Returns a standing result to its officer, with the reason.
///
/// Logged as `result.returned`; the reason is sealed until publication. The officer
/// records a correction, which is reviewed in turn. For reviewers.
#[utoipa::path(post, path = "/api/v1/batches/{id}/results/{result}/return", tag = "reviews",
    security(("token" = [])),
    params(("id" = String, Path, description = "batch id"), ("result" = i64, Path, description = "result id")),
    request_body(content = ReturnRequest, description = "why", example = super::examples::return_result),
    responses((status = 200, body = ReviewView, description = "the review", example = super::examples::review), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn return_result(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, result)): Path<(String, i64)>,
    ApiJson(request): ApiJson<ReturnRequest>,
) -> ApiResult<Json<ReviewView>> {
    let p = caller.require(REVIEWER)?;
    let row = reviews::review(
        &state.app,
        &id,
        result,
        p.user_id,
        Verdict::Return(&request.reason),
    )
    .await?;
    state.refresh().await;
    Ok(Json(row.into()))
}
