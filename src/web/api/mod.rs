//! The JSON API under `/api/v1`: routes, the OpenAPI document (`utoipa`) and its readable
//! page. Each handler checks the caller's role, calls one application function and maps
//! its error to the one error shape (`web::error`).

pub mod annual;
pub mod batches;
pub mod directories;
pub mod docs;
pub mod docs_page;
mod examples;
pub mod followups;
pub mod log;
pub mod officers;
pub mod public;
pub mod reviews;
pub mod stats;
pub mod views;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, FromRequest};
use axum::response::Response;
use axum::routing::{get, post};

use super::error::ApiError;
use super::state::AppState;

/// A JSON body whose rejection is reported in the API's error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A value as JSON bytes (for the public response cache).
pub fn json<T: serde::Serialize>(value: &T) -> Result<Bytes, crate::app::AppError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| crate::app::AppError::Setup(e.to_string()))
}

/// Public JSON bytes as a response (cacheable for a minute, as the pages), optionally as a
/// download named `file_name`.
pub fn json_bytes(bytes: Bytes, file_name: Option<&str>) -> Response {
    match file_name {
        Some(name) => super::site::download(bytes, "application/json", name),
        None => super::site::typed(bytes, "application/json"),
    }
}

/// Every API route. `upload` bounds a directory upload's body and says where it is spooled.
pub fn routes(upload: super::upload::Spool) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs_page::page))
        .route("/public/batches", get(public::batches))
        .route("/public/batches/{id}", get(public::batch_page))
        .route("/public/batches/{id}/bundle", get(public::bundle))
        .route("/public/search", get(public::search))
        .route("/public/annual", get(annual::list))
        .route("/public/annual/{id}", get(annual::get))
        .route("/public/stats/{year}", get(stats::public))
        .route("/stats/{year}", get(stats::all))
        .route("/result-codes", get(public::result_codes))
        .route("/log/checkpoint", get(log::checkpoint))
        .route("/log/key", get(log::key))
        .route("/log/entries/{seq}/proof", get(log::proof))
        .route("/me", get(officers::me))
        .route("/me/assignments", get(officers::assignments))
        .route(
            "/directories/{kind}",
            get(directories::versions)
                .post(directories::upload)
                .layer(Extension(upload)),
        )
        .route("/directories", get(directories::current))
        .route("/batches", get(batches::list).post(batches::create))
        .route("/batches/{id}", get(batches::get))
        .route("/batches/{id}/commit", post(batches::commit))
        .route("/batches/{id}/draw", post(batches::draw))
        .route("/batches/{id}/withdraw", post(batches::withdraw))
        .route("/batches/{id}/publish", post(batches::publish))
        .route("/batches/{id}/bundle", get(batches::auditor_bundle))
        .route("/batches/{id}/dispatch.xlsx", get(batches::dispatch_xlsx))
        .route("/batches/{id}/results", post(officers::record))
        .route("/batches/{id}/form", get(officers::form))
        .route(
            "/batches/{id}/results/awaiting-review",
            get(reviews::awaiting),
        )
        .route(
            "/batches/{id}/results/{result}/approve",
            post(reviews::approve),
        )
        .route(
            "/batches/{id}/results/{result}/return",
            post(reviews::return_result),
        )
        .route("/batches/{id}/followups", get(followups::of_batch))
        .route(
            "/batches/{id}/followups/{uscc}/measures",
            post(followups::measure),
        )
        .route(
            "/batches/{id}/followups/{uscc}/close",
            post(followups::close),
        )
        .route("/followups", get(followups::list))
}
