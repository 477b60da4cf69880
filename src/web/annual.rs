//! The public views of annual plans (年度抽查计划): `/annual/{id}` (the page, `?lang=en`;
//! `{id}` may also be a year with one plan, `/annual/2026`),
//! `/annual/{id}/coverage.csv` and `.xlsx` (the coverage report), and the JSON under
//! `/api/v1/public/annual` (`api::annual`). Each counts published batches only
//! (`app::annual::Scope::Public`) and is made once per log size (`state::PublicCache`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::site::{PageParams, download, error_page, typed};
use super::state::AppState;
use crate::annual::report::AnnualReport;
use crate::app::{AppError, annual};
use crate::pages::{self, model::Lang};

/// The public report of plan `id` (a plan id, or a year with one plan), counting published
/// batches only.
pub async fn public_report(state: &AppState, id: &str) -> Result<AnnualReport, AppError> {
    let id = annual::resolve(&state.app, id).await?;
    annual::report(
        &state.app,
        &id,
        annual::Scope::Public,
        Some(&state.public_log),
    )
    .await
}

/// `/annual/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
) -> Response {
    let lang = Lang::from_query(params.lang.as_deref());
    let made = state
        .cache
        .get_or_make(&format!("annual:{id}:{lang:?}"), || async {
            let report = public_report(&state, &id).await?;
            Ok(Bytes::from(pages::annual::page(&report, lang)))
        })
        .await;
    match made {
        Ok(bytes) => typed(bytes, "text/html; charset=utf-8"),
        Err(e) => error_page(e, lang),
    }
}

/// `/annual/{id}/coverage.csv`: the coverage table for Excel (UTF-8 with BOM, formulas
/// neutralised).
pub async fn coverage_csv(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    coverage_download(&state, &id, "csv", "text/csv; charset=utf-8", |r| {
        Ok(pages::annual::csv(r))
    })
    .await
}

/// `/annual/{id}/coverage.xlsx`: the same cells as an `.xlsx` workbook, every cell text.
pub async fn coverage_xlsx(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    coverage_download(&state, &id, "xlsx", pages::xlsx::CONTENT_TYPE, |r| {
        pages::annual::xlsx(r)
            .map_err(|e| AppError::Setup(format!("the coverage workbook of {}: {e}", r.id)))
    })
    .await
}

async fn coverage_download(
    state: &AppState,
    id: &str,
    extension: &str,
    content_type: &'static str,
    make: fn(&AnnualReport) -> Result<Vec<u8>, AppError>,
) -> Response {
    let made = state
        .cache
        .get_or_make(&format!("annual-{extension}:{id}"), || async {
            let report = public_report(state, id).await?;
            make(&report).map(Bytes::from)
        })
        .await;
    match made {
        Ok(bytes) => download(bytes, content_type, &format!("{id}-coverage.{extension}")),
        Err(e) => error_page(e, Lang::Zh),
    }
}
