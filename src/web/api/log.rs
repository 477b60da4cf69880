//! The log: its key and newest checkpoint (anyone), an entry's inclusion proof (corps and
//! auditors: entries may concern batches not yet published).

use axum::Json;
use axum::extract::{Path, State};

use super::views::{CheckpointView, LogKeyView};
use crate::app::log;
use crate::app::users::Role;
use crate::web::auth::Caller;
use crate::web::error::ApiResult;
use crate::web::state::AppState;

/// The log's newest signed checkpoint.
///
/// A C2SP signed note: the log's name, size and root hash, signed by the log's key (and
/// cosigned by witnesses where they have). No token.
#[utoipa::path(get, path = "/api/v1/log/checkpoint", tag = "log",
    responses((status = 200, body = CheckpointView, description = "the checkpoint", example = super::examples::checkpoint)))]
pub async fn checkpoint(State(state): State<AppState>) -> ApiResult<Json<CheckpointView>> {
    let head = log::latest_checkpoint(&state.app).await?;
    Ok(Json(CheckpointView {
        size: head.size,
        checkpoint: head.note,
    }))
}

/// The log's name and public key.
///
/// Pin the verifier key to check exports and checkpoints (`shuangsui verify --log-key`,
/// `log verify --verifier-key`). No token.
#[utoipa::path(get, path = "/api/v1/log/key", tag = "log",
    responses((status = 200, body = LogKeyView, description = "the log's origin and verifier key", example = super::examples::log_key)))]
pub async fn key(State(state): State<AppState>) -> Json<LogKeyView> {
    Json(LogKeyView {
        origin: state.app.origin.clone(),
        verifier_key: state.app.verifier.to_string(),
    })
}

/// An entry with its inclusion proof.
///
/// Entry `seq` and its proof against the newest checkpoint. For the corps and auditors:
/// entries may concern batches not yet published.
#[utoipa::path(get, path = "/api/v1/log/entries/{seq}/proof", tag = "log",
    security(("token" = [])), params(("seq" = u64, Path, description = "entry number, from 0")),
    responses((status = 200, body = log::Proof, description = "the entry and its proof"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn proof(
    State(state): State<AppState>,
    caller: Caller,
    Path(seq): Path<u64>,
) -> ApiResult<Json<log::Proof>> {
    caller.require(&[Role::Corps, Role::Auditor])?;
    Ok(Json(log::prove(&state.app, seq).await?))
}
