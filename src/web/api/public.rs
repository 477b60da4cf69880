//! The public API: the same values as the public pages, as JSON, without a token.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::json_bytes;
use super::views::{CategoryView, CodeListView, RuleView};
use crate::app::{AppError, batch, public};
use crate::pages::model::{BatchPage, HomePage, SearchPage};
use crate::web::error::{ApiError, ApiResult};
use crate::web::site;
use crate::web::state::AppState;

/// Every batch the public sees, and overdue publications.
///
/// Batches from their commitment on (announced, drawn, published, withdrawn; newest
/// first), the annual plans in force and the log's size and witnesses: the values of the
/// home page. No token.
#[utoipa::path(get, path = "/api/v1/public/batches", tag = "public",
    responses((status = 200, body = HomePage, description = "the home page's values")))]
pub async fn batches(State(state): State<AppState>) -> ApiResult<Response> {
    let today = batch::china_today();
    let bytes = state
        .cache
        .get_or_make(&format!("json:home:{today}"), || async {
            let page = public::home(&state.app, &state.public_log, today).await?;
            Ok(Bytes::from(
                serde_json::to_vec(&page).map_err(|e| AppError::Setup(e.to_string()))?,
            ))
        })
        .await?;
    Ok(json_bytes(bytes, None))
}

/// One batch as the public sees it.
///
/// From its commitment on: the plan in plain words, matters, strata, commitment and, once
/// drawn, the entropy and seed; once published, the targets with results and teams (card
/// numbers) and the chart's counts; and the log's entries and checkpoint. A draft, or no
/// such batch, is 404. No token.
#[utoipa::path(get, path = "/api/v1/public/batches/{id}", tag = "public",
    params(("id" = String, Path, description = "batch id, e.g. SH-MZ-2026-YL-01")),
    responses((status = 200, body = BatchPage, description = "the batch page's values"), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn batch_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let today = batch::china_today();
    let bytes = state
        .cache
        .get_or_make(&format!("json:batch:{id}:{today}"), || async {
            let page = state.batch_page(&id, today).await?;
            Ok(Bytes::from(
                serde_json::to_vec(&page).map_err(|e| AppError::Setup(e.to_string()))?,
            ))
        })
        .await?;
    Ok(json_bytes(bytes, None))
}

/// The public export of a published batch.
///
/// The bundle with the log's evidence (`shuangsui-export/1`), for `shuangsui verify` or
/// `verify_bundle.py`; a batch not published is 404. No token.
#[utoipa::path(get, path = "/api/v1/public/batches/{id}/bundle", tag = "public",
    params(("id" = String, Path, description = "batch id")),
    responses((status = 200, description = "shuangsui-export/1 JSON, as a download named ID.export.json", content_type = "application/json"), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn bundle(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let bytes = site::public_export(&state, &id).await?;
    Ok(json_bytes(bytes, Some(&format!("{id}.export.json"))))
}

/// A search's query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A USCC or a fragment of an organisation's name (at most 100 characters).
    pub q: Option<String>,
}

/// Organisations drawn in published batches.
///
/// By a fragment of the name or by USCC, at most 50 hits (`truncated` says when there
/// were more), each with its batch and standing result. An empty `q` finds nothing. No
/// token.
#[utoipa::path(get, path = "/api/v1/public/search", tag = "public", params(SearchParams),
    responses((status = 200, body = SearchPage, description = "the hits"), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<SearchPage>> {
    let Query(params) = query.map_err(ApiError::from)?;
    Ok(Json(
        public::search(
            &state.app,
            &state.public_log,
            params.q.as_deref().unwrap_or_default(),
        )
        .await?,
    ))
}

/// The result lists, one per sector and a fallback.
///
/// Each list (`registries/result-codes/*.toml`) with the sectors that use it, its source,
/// its categories in canonical order and its rules: what an officer's `codes` are checked
/// against. No token.
#[utoipa::path(get, path = "/api/v1/result-codes", tag = "public",
    responses((status = 200, body = Vec<CodeListView>, description = "every list")))]
pub async fn result_codes(State(state): State<AppState>) -> Json<Vec<CodeListView>> {
    let rule = |rule: &str, codes: &[String], with: &[String], zh: &str, en: &str| RuleView {
        rule: rule.to_string(),
        codes: codes.to_vec(),
        with: with.to_vec(),
        zh: zh.to_string(),
        en: en.to_string(),
    };
    Json(
        state
            .app
            .codes
            .lists()
            .iter()
            .map(|l| CodeListView {
                id: l.id.clone(),
                zh: l.zh.clone(),
                en: l.en.clone(),
                sectors: l.sectors.clone(),
                fallback: l.fallback,
                source: l.source.clone(),
                categories: l
                    .iter()
                    .map(|c| CategoryView {
                        code: c.code.clone(),
                        parent: c.parent.clone().unwrap_or_default(),
                        zh: c.zh.clone(),
                        en: c.en.clone(),
                        kind: c.kind.as_str().to_string(),
                        alone: c.alone,
                        needs_child: c.needs_child,
                    })
                    .collect(),
                rules: l
                    .excludes()
                    .iter()
                    .map(|r| rule("exclude", &r.codes, &r.with, &r.zh, &r.en))
                    .chain(
                        l.requires()
                            .iter()
                            .map(|r| rule("require", &r.codes, &r.any, &r.zh, &r.en)),
                    )
                    .collect(),
            })
            .collect(),
    )
}
