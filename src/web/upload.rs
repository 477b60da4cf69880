//! A large request body (a directory upload) written to a temporary file as it arrives,
//! never held whole in memory, and cut off at its limit. The handler calls this only after
//! the caller's role is checked, so an anonymous upload costs no more than hyper's read
//! buffer. The file is deleted when the returned handle is dropped.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::error::{ApiError, ApiResult};

/// Where uploads go while they arrive, and how large one may be.
#[derive(Debug, Clone)]
pub struct Spool {
    pub max_bytes: usize,
    pub dir: Arc<Path>,
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("request body too large (an upload is at most {max} bytes)"),
    )
}

impl Spool {
    /// Writes `body` to a new temporary file. 413 as soon as it declares (Content-Length)
    /// or reaches more than `max_bytes`; the partial file is deleted.
    pub async fn receive(
        &self,
        headers: &HeaderMap,
        body: Body,
    ) -> ApiResult<tempfile::NamedTempFile> {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.max_bytes as u64) {
            return Err(too_large(self.max_bytes));
        }
        let file = tempfile::Builder::new()
            .prefix("shuangsui-upload-")
            .tempfile_in(&self.dir)
            .map_err(|e| ApiError::internal(&format!("{}: {e}", self.dir.display())))?;
        let handle = file
            .as_file()
            .try_clone()
            .map_err(|e| ApiError::internal(&e))?;
        let mut out = tokio::fs::File::from_std(handle);
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("request body: {e}"),
                )
            })?;
            total = total.saturating_add(chunk.len());
            if total > self.max_bytes {
                return Err(too_large(self.max_bytes));
            }
            out.write_all(&chunk)
                .await
                .map_err(|e| ApiError::internal(&e))?;
        }
        out.flush().await.map_err(|e| ApiError::internal(&e))?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spool(dir: &Path, max_bytes: usize) -> Spool {
        Spool {
            max_bytes,
            dir: Arc::from(dir),
        }
    }

    #[tokio::test]
    async fn a_body_under_the_limit_is_written_whole_and_deleted_after() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let file = spool(dir.path(), bytes.len())
            .receive(&HeaderMap::new(), Body::from(bytes.clone()))
            .await
            .unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), bytes);
        let path = file.path().to_path_buf();
        drop(file);
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_413_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = spool(dir.path(), 10)
            .receive(&HeaderMap::new(), Body::from(vec![0u8; 11]))
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        let mut declared = HeaderMap::new();
        declared.insert(header::CONTENT_LENGTH, "11".parse().unwrap());
        let e = spool(dir.path(), 10)
            .receive(&declared, Body::empty())
            .await
            .unwrap_err();
        assert_eq!(e.code, "payload_too_large");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
