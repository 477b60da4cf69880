//! A year's statistics (年度统计) as JSON: `GET /api/v1/public/stats/{year}` (no token:
//! the values of the `/stats/{year}` page, targets and results of published batches only)
//! and `GET /api/v1/stats/{year}` (the corps, auditors and reviewers: every drawn batch).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{json, json_bytes};
use crate::app::annual::Scope;
use crate::app::batch::china_today;
use crate::app::stats;
use crate::app::users::Role;
use crate::stats::YearStats;
use crate::web::auth::Caller;
use crate::web::error::ApiResult;
use crate::web::state::AppState;

const READERS: &[Role] = &[Role::Corps, Role::Auditor, Role::Reviewer];

/// The public statistics of `year` as of today (China time), made once per log size and day.
pub async fn public_stats(state: &AppState, year: &str) -> Result<YearStats, crate::app::AppError> {
    let year = stats::year(year)?;
    stats::of_year(
        &state.app,
        year,
        Scope::Public,
        Some(&state.public_log),
        china_today(),
    )
    .await
}

/// A year's statistics as the public sees them.
///
/// Batches whose inspection window opens in the year, by state and publication
/// timeliness; targets, result categories and follow-ups of the published ones (the
/// values of `/stats/{year}`). No token.
#[utoipa::path(get, path = "/api/v1/public/stats/{year}", tag = "public",
    params(("year" = String, Path, description = "a year, e.g. 2026")),
    responses((status = 200, body = YearStats, description = "the year's statistics"), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn public(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> ApiResult<Response> {
    let bytes = state
        .cache
        .get_or_make(&format!("json:stats:{year}:{}", china_today()), || async {
            json(&public_stats(&state, &year).await?)
        })
        .await?;
    Ok(json_bytes(bytes, None))
}

/// A year's statistics over every drawn batch.
///
/// As `GET /api/v1/public/stats/{year}`, but counting every drawn batch, published or
/// not (the department's view). For the corps, auditors and reviewers.
#[utoipa::path(get, path = "/api/v1/stats/{year}", tag = "batches",
    security(("token" = [])), params(("year" = String, Path, description = "a year, e.g. 2026")),
    responses((status = 200, body = YearStats, description = "the year's statistics"), (status = 403, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn all(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
) -> ApiResult<Json<YearStats>> {
    caller.require(READERS)?;
    let year = stats::year(&year)?;
    Ok(Json(
        stats::of_year(&state.app, year, Scope::All, None, china_today()).await?,
    ))
}
