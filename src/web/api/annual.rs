//! Annual plans (年度抽查计划) as JSON, public: the plans in force, and one plan's report
//! with the coverage of its published batches (the values of its page, `web::annual`).

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;

use super::{json, json_bytes};
use crate::annual::report::AnnualReport;
use crate::app::annual;
use crate::web::error::ApiResult;
use crate::web::state::AppState;

/// An annual plan in force, as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnualPlanView {
    pub id: String,
    pub department: String,
    pub year: i64,
    pub title: String,
    pub version: i64,
    pub published_at: String,
}

/// The annual plans in force.
///
/// The newest version of each annual plan (年度抽查计划), newest year first. No token.
#[utoipa::path(get, path = "/api/v1/public/annual", tag = "public",
    responses((status = 200, body = Vec<AnnualPlanView>, description = "the plans in force")))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Response> {
    let bytes = state
        .cache
        .get_or_make("json:annual", || async {
            let plans: Vec<AnnualPlanView> = annual::current(&state.app)
                .await?
                .into_iter()
                .map(|p| AnnualPlanView {
                    id: p.plan_id,
                    department: p.department,
                    year: p.year,
                    title: p.title,
                    version: p.version,
                    published_at: p.published_at,
                })
                .collect();
            json(&plans)
        })
        .await?;
    Ok(json_bytes(bytes, None))
}

/// An annual plan with its coverage.
///
/// Its floors, its batches and where each stands, its versions, and the coverage of its
/// published batches per sector, registration level and registering authority, with the
/// entities drawn twice or more in the year (the values of `/annual/{id}`). No token.
#[utoipa::path(get, path = "/api/v1/public/annual/{id}", tag = "public",
    params(("id" = String, Path, description = "annual plan id")),
    responses((status = 200, body = AnnualReport, description = "the plan's report"), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let bytes = state
        .cache
        .get_or_make(&format!("json:annual:{id}"), || async {
            json(&crate::web::annual::public_report(&state, &id).await?)
        })
        .await?;
    Ok(json_bytes(bytes, None))
}
