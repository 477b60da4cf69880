//! Follow-ups of findings (后续处置 / 查处结果): the corps records measures and closes a
//! follow-up; the corps, auditors and reviewers read them. The rules are
//! `domain::followup`'s, applied by `app::followups`.

use crate::msg;
use axum::Json;
use axum::extract::{Path, Query, State};

use super::ApiJson;
use super::views::{ClosureRequest, MeasureRequest};
use crate::app::batch::china_today;
use crate::app::followups::{self, BatchFollowUps, Filter, FollowUp, NewClosure, NewMeasure};
use crate::app::users::Role;
use crate::store::followups::{ClosureRow, MeasureRow};
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::state::AppState;

const CORPS: &[Role] = &[Role::Corps];
const READERS: &[Role] = &[Role::Corps, Role::Auditor, Role::Reviewer];

/// Which follow-ups `GET /api/v1/followups` lists.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `open` (overdue included) or `overdue`; all when absent.
    pub state: Option<String>,
}

/// A batch's follow-ups.
///
/// Every target whose standing result has a finding, or had one that was followed up,
/// with its measures and closure, and the counts. For the corps, auditors and reviewers.
#[utoipa::path(get, path = "/api/v1/batches/{id}/followups", tag = "followups",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, body = BatchFollowUps, description = "the follow-ups"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn of_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BatchFollowUps>> {
    caller.require(READERS)?;
    Ok(Json(
        followups::of_batch(&state.app, &id, china_today()).await?,
    ))
}

/// The follow-ups of every drawn batch.
///
/// All of them, or with `state` only the open (overdue included) or the overdue ones. For
/// the corps, auditors and reviewers.
#[utoipa::path(get, path = "/api/v1/followups", tag = "followups",
    security(("token" = [])), params(ListQuery),
    responses((status = 200, body = Vec<FollowUp>, description = "the follow-ups"), (status = 400, description = "an unknown query parameter (plain text)"), (status = 403, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<FollowUp>>> {
    caller.require(READERS)?;
    let filter = match q.state.as_deref() {
        None | Some("all") => Filter::All,
        Some("open") => Filter::Open,
        Some("overdue") => Filter::Overdue,
        Some(other) => {
            return Err(ApiError::invalid(
                msg!(
                    "状态 {other} 无效：应为 open、overdue 或 all",
                    "state '{other}': one of open, overdue, all"
                )
                .on("state"),
            ));
        }
    };
    Ok(Json(
        followups::list(&state.app, filter, false, china_today()).await?,
    ))
}

/// Records a measure on a target's follow-up.
///
/// Logged as `followup.measure`; sealed until the batch is published, public at once
/// after. Refused (409) while the finding awaits review, after the closure, or for a
/// result without a finding. With an `Idempotency-Key` header (1 to 128 printable ASCII
/// characters, scoped to the target and the caller), a retry returns the measure recorded
/// first (the same key with other content is refused, 422, as for a result). For the
/// corps.
#[utoipa::path(post, path = "/api/v1/batches/{id}/followups/{uscc}/measures", tag = "followups",
    security(("token" = [])),
    params(("id" = String, Path, description = "batch id"), ("uscc" = String, Path, description = "the target's USCC"), ("Idempotency-Key" = Option<String>, Header, description = "makes a retry return the measure recorded first")),
    request_body(content = MeasureRequest, description = "the measure", example = super::examples::measure),
    responses((status = 200, body = MeasureRow, description = "the measure as recorded"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn measure(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Path((id, uscc)): Path<(String, String)>,
    ApiJson(request): ApiJson<MeasureRequest>,
) -> ApiResult<Json<MeasureRow>> {
    let p = caller.require(CORPS)?;
    let key = super::officers::idempotency_key(&headers)?;
    let m = NewMeasure {
        request: key,
        batch: &id,
        uscc: &uscc,
        measure: &request.measure,
        due: request.due,
        note: &request.note,
        by: p.user_id,
    };
    let row = followups::record_measure(&state.app, &m).await?;
    state.refresh().await;
    Ok(Json(row))
}

/// Closes a target's follow-up with its outcome (查处结果).
///
/// Logged as `followup.closed`, public at once for a published batch. Once: a second
/// closure, or one dated before the inspection or in the future, is refused. For the
/// corps.
#[utoipa::path(post, path = "/api/v1/batches/{id}/followups/{uscc}/close", tag = "followups",
    security(("token" = [])),
    params(("id" = String, Path, description = "batch id"), ("uscc" = String, Path, description = "the target's USCC")),
    request_body(content = ClosureRequest, description = "the outcome", example = super::examples::closure),
    responses((status = 200, body = ClosureRow, description = "the closure as recorded"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, uscc)): Path<(String, String)>,
    ApiJson(request): ApiJson<ClosureRequest>,
) -> ApiResult<Json<ClosureRow>> {
    let p = caller.require(CORPS)?;
    let c = NewClosure {
        batch: &id,
        uscc: &uscc,
        closed_on: request.closed_on,
        outcome: &request.outcome,
        text: &request.text,
        by: p.user_id,
    };
    let row = followups::close(&state.app, &c).await?;
    state.refresh().await;
    Ok(Json(row))
}
