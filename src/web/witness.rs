//! The witness's HTTP routes (C2SP `tlog-witness`), for `shuangsui witness serve`:
//!
//! - `POST /add-checkpoint`: the request body of `witness::request`; 200 with the
//!   cosignature line, 409 with the size last cosigned (`text/x.tlog.size`), or the
//!   refusal's status (400, 403, 404, 422) with its reason as plain text; 413 past
//!   [`MAX_REQUEST_BYTES`]; 500 (nothing cosigned) if the state cannot be kept;
//! - `GET /{origin hash}/checkpoint`: for monitors, the checkpoint last cosigned for a log,
//!   with the log's signature and the cosignature; 404 for a log never cosigned.
//!
//! Each cosignature and refusal is logged (`tracing`). The decision and the state are
//! `witness::service`'s; it runs on a blocking thread (it writes and syncs a file).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::{Limits, header_layer};
use crate::witness::request::{AddCheckpoint, SIZE_CONTENT_TYPE, size_body};
use crate::witness::service::{AddError, Witness};
use crate::witness::{Refusal, Timestamp};

/// The largest request body: 63 proof lines and a checkpoint with many signatures fit well
/// within it.
pub const MAX_REQUEST_BYTES: usize = 128 * 1024;

/// The routes over `witness`, with `limits`' request timeout.
pub fn router(witness: Arc<Witness>, limits: &Limits) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{origin_hash}/checkpoint", get(checkpoint))
        .fallback(|| async { text(StatusCode::NOT_FOUND, "无此路径") })
        .method_not_allowed_fallback(|| async {
            text(StatusCode::METHOD_NOT_ALLOWED, "此路径不接受该请求方法")
        })
        .with_state(witness)
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        .layer(CatchPanicLayer::custom(|_| {
            internal("处理请求时发生内部错误")
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(TraceLayer::new_for_http())
}

async fn add_checkpoint(
    State(witness): State<Arc<Witness>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("请求体超过 {MAX_REQUEST_BYTES} 字节上限"),
            );
        }
        Err(rejection) => return text(rejection.status(), "无法读取请求体"),
    };
    let Some(time) = now() else {
        return internal("系统时钟早于 1970 年，不能给副署加时间戳");
    };
    // For the logs only: the origin as the request states it (Debug-quoted, so that
    // nothing a client sends can forge a log line).
    let origin = AddCheckpoint::parse(&body)
        .map(|r| r.origin().to_string())
        .unwrap_or_default();
    let decided = tokio::task::spawn_blocking(move || witness.add_checkpoint(&body, time)).await;
    match decided {
        Ok(Ok(cosigned)) => {
            tracing::info!(origin = ?origin, size = cosigned.checkpoint.size, "cosigned");
            // A String answers as text/plain; charset=utf-8.
            cosigned.cosignature.into_response()
        }
        Ok(Err(AddError::Refused(Refusal::Conflict { old, latest }))) => {
            tracing::warn!(origin = ?origin, old, latest, "refused: old size is not the size last cosigned");
            let content_type = [(header::CONTENT_TYPE, SIZE_CONTENT_TYPE)];
            (StatusCode::CONFLICT, content_type, size_body(latest)).into_response()
        }
        Ok(Err(AddError::Refused(refusal))) => {
            let status =
                StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            tracing::warn!(origin = ?origin, status = status.as_u16(), reason = %refusal, "refused");
            text(status, &refusal.to_string())
        }
        Ok(Err(AddError::State(e))) => {
            tracing::error!(origin = ?origin, error = %e, "state not kept: nothing cosigned");
            internal("见证人状态无法保存，未副署")
        }
        Err(e) => {
            tracing::error!(origin = ?origin, error = %e, "the decision did not finish");
            internal("处理请求时发生内部错误")
        }
    }
}

async fn checkpoint(
    State(witness): State<Arc<Witness>>,
    Path(origin_hash): Path<String>,
) -> Response {
    let is_hash = origin_hash.len() == 64
        && origin_hash
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_hash {
        return text(StatusCode::NOT_FOUND, "无此日志");
    }
    let read =
        tokio::task::spawn_blocking(move || witness.record_by_origin_hash(&origin_hash)).await;
    match read {
        Ok(Ok(Some(record))) => record.into_response(),
        Ok(Ok(None)) => text(StatusCode::NOT_FOUND, "本见证人未曾为此日志副署"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "state not readable");
            internal("见证人状态无法读取")
        }
        Err(e) => {
            tracing::error!(error = %e, "the read did not finish");
            internal("处理请求时发生内部错误")
        }
    }
}

/// Now, as a cosignature's time; `None` before 1970.
fn now() -> Option<Timestamp> {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Timestamp::new(seconds)
}

/// A plain-text answer: `message` and a newline.
fn text(status: StatusCode, message: &str) -> Response {
    (status, format!("{message}\n")).into_response()
}

/// A 500 whose cause is in the log, not the answer.
fn internal(message: &str) -> Response {
    text(StatusCode::INTERNAL_SERVER_ERROR, message)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;
    use crate::ledger::{Checkpoint, LogKey, Tree};
    use crate::witness::WitnessKey;

    async fn call(
        app: &Router,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> (StatusCode, String, String) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::from(body))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            content_type,
            String::from_utf8(bytes.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn answers_in_the_protocols_forms() {
        let dir = tempfile::tempdir().unwrap();
        let log = LogKey::generate("log.example/a").unwrap();
        let witness = Witness::open(
            WitnessKey::generate("notary.example/w").unwrap(),
            &[log.verifier()],
            dir.path(),
        )
        .unwrap();
        let app = router(
            Arc::new(witness),
            &Limits::from_settings(&crate::web::Settings::default()),
        );
        let tree = Tree::from_entries([b"a".as_slice(), b"b"]);
        let note = Checkpoint {
            origin: "log.example/a".into(),
            size: 2,
            root: tree.root(),
        }
        .try_sign(&log)
        .unwrap();

        let (status, content_type, body) = call(
            &app,
            "POST",
            "/add-checkpoint",
            format!("old 0\n\n{note}").into_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        assert!(body.starts_with("\u{2014} notary.example/w ") && body.ends_with('\n'));

        let (status, content_type, body) = call(
            &app,
            "POST",
            "/add-checkpoint",
            format!("old 1\n\n{note}").into_bytes(),
        )
        .await;
        assert_eq!(
            (status, content_type.as_str(), body.as_str()),
            (StatusCode::CONFLICT, SIZE_CONTENT_TYPE, "2\n")
        );

        let (status, _, body) = call(
            &app,
            "POST",
            "/add-checkpoint",
            vec![b'x'; MAX_REQUEST_BYTES + 1],
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(body.contains("上限"), "{body}");

        let (status, _, body) = call(&app, "POST", "/add-checkpoint", b"old 0\n".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("请求格式错误"), "{body}");

        let (status, _, _) = call(&app, "GET", "/add-checkpoint", Vec::new()).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

        let hash = crate::witness::origin_hash("log.example/a");
        let (status, _, body) = call(&app, "GET", &format!("/{hash}/checkpoint"), Vec::new()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.starts_with(&note), "{body}");
        for path in [
            format!("/{}/checkpoint", crate::witness::origin_hash("other")),
            format!("/{}/checkpoint", hash.to_uppercase()),
            "/../checkpoint".to_string(),
        ] {
            let (status, _, _) = call(&app, "GET", &path, Vec::new()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
    }
}
