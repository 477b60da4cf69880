//! `/log/`: the public log as C2SP `tlog-tiles` (`app::public_log`). Anyone may fetch it,
//! mirror it and check that it only ever grows. Tiles (full or partial) and revealed
//! content never change, so they are served as immutable; the checkpoint is not cached.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::state::AppState;
use crate::app::{AppError, public_log};
use crate::ledger::tiles::TileRef;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn body(
    bytes: impl Into<axum::body::Body>,
    content_type: &'static str,
    cache: &'static str,
) -> Response {
    let mut r = bytes.into().into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

fn not_found(what: String) -> Response {
    let mut r = (StatusCode::NOT_FOUND, what).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn failed(e: AppError) -> Response {
    super::error::ApiError::from(e).into_response()
}

/// `/log/checkpoint`: the newest signed checkpoint cosigned by the quorum of witnesses
/// (with their cosignature lines), or the newest one while none is.
pub async fn checkpoint(State(state): State<AppState>) -> Response {
    match public_log::cosigned_checkpoint(&state.app, state.witness_quorum).await {
        Ok(c) => body(c.note, "text/plain; charset=utf-8", "no-cache"),
        Err(e) => failed(e),
    }
}

/// `/log/witnesses`: the witnesses this server sends checkpoints to, the quorum, and how far
/// each has cosigned (JSON).
pub async fn witnesses(State(state): State<AppState>) -> Response {
    let progress = match &state.witnessing {
        Some(w) => match w.progress(&state.app).await {
            Ok(p) => p,
            Err(e) => return failed(e),
        },
        None => Vec::new(),
    };
    let size = match public_log::checkpoint(&state.app).await {
        Ok(c) => c.size,
        Err(e) => return failed(e),
    };
    let json = serde_json::json!({
        "log_size": size,
        "quorum": state.witness_quorum,
        "witnesses": progress,
    });
    body(json.to_string(), "application/json", "no-cache")
}

/// `/log/tile/{path}`: a hash tile or an entry bundle of the newest checkpoint's tree.
pub async fn tile(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let Some(tile) = TileRef::parse(&path) else {
        return not_found(format!("no tile tile/{path} (C2SP tlog-tiles paths)"));
    };
    match state.public_log.tile(&state.app, &tile).await {
        Ok(Some(bytes)) => body(bytes, "application/octet-stream", IMMUTABLE),
        Ok(None) => not_found(format!("tile/{path} is not in the log yet")),
        Err(e) => failed(e),
    }
}

/// `/log/opening/{seq}`: the opening of a sealed entry whose batch is published.
pub async fn opening(State(state): State<AppState>, Path(seq): Path<String>) -> Response {
    let Ok(seq) = seq.parse::<u64>() else {
        return not_found(format!("no entry {seq}"));
    };
    match state.public_log.opening(&state.app, seq).await {
        Ok(Some(text)) => body(text, "application/json", IMMUTABLE),
        Ok(None) => not_found(format!(
            "entry {seq} has no public opening (none, not yet published, or never public)"
        )),
        Err(e) => failed(e),
    }
}

/// `/log/content/{sha256}`: a reveals file a `batch.published` entry names.
pub async fn content(State(state): State<AppState>, Path(sha256): Path<String>) -> Response {
    match state.public_log.content(&state.app, &sha256).await {
        Ok(Some(bytes)) => body(bytes, "application/json", IMMUTABLE),
        Ok(None) => not_found(format!("no content {sha256} in the log")),
        Err(e) => failed(e),
    }
}
