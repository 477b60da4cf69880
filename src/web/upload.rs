//! A large request body (a directory upload) written to a temporary file as it arrives,
//! never held whole in memory, and cut off at its limit. The body is the file itself, or a
//! `multipart/form-data` form (as a browser's file input or `curl -F file=@entities.csv`
//! sends it) whose one file part is streamed out of it by `multer`, as axum's own multipart
//! does. The handler calls this only after the caller's role is checked, so an anonymous
//! upload costs no more than hyper's read buffer. The file is deleted when the returned
//! handle is dropped.

use crate::domain::Message;
use crate::msg;
use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use futures_util::future::LocalBoxFuture;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use super::error::{ApiError, ApiResult};
use crate::app::AppError;

/// Where uploads go while they arrive, and how large one may be.
#[derive(Debug, Clone)]
pub struct Spool {
    pub max_bytes: usize,
    pub dir: Arc<Path>,
}

/// An upload as received: its bytes in a temporary file, and for a multipart form the
/// file part's name (its last path segment), which may say the file's format, and the
/// form's other (text) parts, in order, as the console's forms send them (`csrf`, …).
#[derive(Debug)]
pub struct Upload {
    pub file: tempfile::NamedTempFile,
    pub file_name: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl Upload {
    /// The value of the form's text part `name`, if it sent one.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Room in a multipart body for its boundaries and part headers, beyond the file's limit.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// The longest file name a file part may give.
const MAX_FILE_NAME: usize = 255;

/// The most text parts a form may have, and the longest one (a token, a choice).
const MAX_FIELDS: usize = 16;
const MAX_FIELD_BYTES: usize = 1024;

fn too_large(max: usize) -> ApiError {
    ApiError::too_large(msg!(
        "请求体过大（上传文件至多 {max} 字节）",
        "request body too large (an upload is at most {max} bytes)"
    ))
}

fn bad_request(message: Message) -> ApiError {
    ApiError::bad_request(message)
}

/// The answer to a form without a file part, in Chinese and English.
pub const NO_FILE_PART: (&str, &str) = (
    "multipart/form-data 表单中没有文件部分：请把名录文件作为带文件名的部分发送（例如 curl -F file=@entities.csv）",
    "the form has no file part: send the table as a part with a filename (e.g. curl -F file=@entities.csv)",
);

/// The boundary of a `multipart/form-data` body; `None` for any other body (read as the
/// file itself). A form without a boundary is 400.
fn form_boundary(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    match multer::parse_boundary(content_type) {
        Ok(boundary) => Ok(Some(boundary)),
        Err(multer::Error::NoBoundary) => Err(bad_request(Message::new(
            "multipart/form-data 缺少 boundary：请让客户端自行设置 Content-Type",
            "multipart/form-data without a boundary: let the client set the Content-Type",
        ))),
        Err(_) => Ok(None),
    }
}

/// A multipart error as the API's: past the limit 413, anything else 400.
fn form_error(e: multer::Error, max: usize) -> ApiError {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large(max)
        }
        other => bad_request(msg!(
            "multipart/form-data 请求体无法读取：{other}",
            "multipart/form-data body: {other}"
        )),
    }
}

/// The file name a file part gives, as its last path segment (browsers may send a whole
/// path); `None` for a part without one, which is not a file part.
fn part_file_name(given: Option<&str>) -> ApiResult<Option<String>> {
    let Some(given) = given else { return Ok(None) };
    let name = given.rsplit(['/', '\\']).next().unwrap_or(given).trim();
    if name.chars().any(char::is_control) {
        return Err(bad_request(Message::new(
            "文件部分的文件名含有控制字符",
            "the file part's filename has a control character",
        )));
    }
    if name.chars().count() > MAX_FILE_NAME {
        return Err(bad_request(msg!(
            "文件部分的文件名超过 {MAX_FILE_NAME} 个字符",
            "the file part's filename is longer than {MAX_FILE_NAME} characters"
        )));
    }
    Ok((!name.is_empty()).then(|| name.to_string()))
}

impl Spool {
    /// Writes the upload in `body` to a new temporary file: the body itself, or the one
    /// file part of a `multipart/form-data` body (other parts are kept as text, at most
    /// `MAX_FIELDS` of at most `MAX_FIELD_BYTES` each, else 400; a second file
    /// part or none is 400). 413 as soon as it declares (Content-Length) or reaches more
    /// than `max_bytes` (a form: its file part, or the whole form past `max_bytes` and
    /// `MULTIPART_OVERHEAD`); the partial file is deleted.
    pub async fn receive(&self, headers: &HeaderMap, body: Body) -> ApiResult<Upload> {
        let boundary = form_boundary(headers)?;
        let allowed = match boundary {
            Some(_) => self.max_bytes.saturating_add(MULTIPART_OVERHEAD),
            None => self.max_bytes,
        };
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > allowed as u64) {
            return Err(too_large(self.max_bytes));
        }
        let stream = body.into_data_stream();
        let Some(boundary) = boundary else {
            let file = self
                .write(stream, |e| {
                    bad_request(msg!("请求体无法读取：{e}", "request body: {e}"))
                })
                .await?;
            return Ok(Upload {
                file,
                file_name: None,
                fields: Vec::new(),
            });
        };
        let limit = multer::SizeLimit::new().whole_stream(allowed as u64);
        let mut form = multer::Multipart::with_constraints(
            stream,
            boundary,
            multer::Constraints::new().size_limit(limit),
        );
        let max = self.max_bytes;
        let mut upload = None;
        let mut fields = Vec::new();
        while let Some(mut part) = form.next_field().await.map_err(|e| form_error(e, max))? {
            let Some(file_name) = part_file_name(part.file_name())? else {
                // Not a file part: kept as text, if short (the API's forms have none).
                let name = part.name().unwrap_or_default().to_string();
                let mut value = Vec::new();
                while let Some(chunk) = part.chunk().await.map_err(|e| form_error(e, max))? {
                    value.extend_from_slice(&chunk);
                    if value.len() > MAX_FIELD_BYTES {
                        return Err(bad_request(msg!(
                            "表单部分 {name} 过长",
                            "the form's part '{name}' is too long"
                        )));
                    }
                }
                if fields.len() == MAX_FIELDS {
                    return Err(bad_request(Message::new(
                        "表单部分过多",
                        "the form has too many parts",
                    )));
                }
                fields.push((name, String::from_utf8_lossy(&value).into_owned()));
                continue;
            };
            if upload.is_some() {
                return Err(bad_request(Message::new(
                    "表单中有多个文件部分：每次请求只发送一个名录表",
                    "the form has more than one file part: send one table per request",
                )));
            }
            let file = self.write(part, |e| form_error(e, max)).await?;
            upload = Some(Upload {
                file,
                file_name: Some(file_name),
                fields: Vec::new(),
            });
        }
        let mut upload =
            upload.ok_or_else(|| bad_request(Message::new(NO_FILE_PART.0, NO_FILE_PART.1)))?;
        upload.fields = fields;
        Ok(upload)
    }

    /// Writes the chunks of `stream` to a new temporary file, at most `max_bytes` of them.
    async fn write<E>(
        &self,
        stream: impl Stream<Item = Result<Bytes, E>>,
        fail: impl Fn(E) -> ApiError,
    ) -> ApiResult<tempfile::NamedTempFile> {
        let file = tempfile::Builder::new()
            .prefix("shuangsui-upload-")
            .tempfile_in(&self.dir)
            .map_err(|e| ApiError::internal(&format!("{}: {e}", self.dir.display())))?;
        let handle = file
            .as_file()
            .try_clone()
            .map_err(|e| ApiError::internal(&e))?;
        let mut out = tokio::fs::File::from_std(handle);
        let mut stream = std::pin::pin!(stream);
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(&fail)?;
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

/// Runs `work` over the bytes of spooled `file` (mapped, as the CLI reads a file) on a
/// blocking thread, off the workers that answer other requests: an import parses and hashes
/// the whole file. The thread owns the file, so a request cancelled meanwhile (a timeout, a
/// client gone) cannot delete it under the work; it is given back with the outcome.
pub async fn on_bytes<T, F>(
    file: tempfile::NamedTempFile,
    work: F,
) -> Result<(T, tempfile::NamedTempFile), AppError>
where
    T: Send + 'static,
    F: for<'a> FnOnce(&'a [u8]) -> LocalBoxFuture<'a, Result<T, AppError>> + Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let bytes = crate::mapped::read(file.path())
            .map_err(|e| AppError::Setup(format!("the spooled upload: {e}")))?;
        let done = handle.block_on(work(&bytes))?;
        drop(bytes);
        Ok((done, file))
    })
    .await
    .map_err(|e| AppError::Setup(format!("the import's thread: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

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
        let upload = spool(dir.path(), bytes.len())
            .receive(&HeaderMap::new(), Body::from(bytes.clone()))
            .await
            .unwrap();
        assert_eq!(upload.file_name, None);
        let file = upload.file;
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

    const BOUNDARY: &str = "------------------------0bcd96f4a1b2c3d4";

    fn form_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        let value = format!("multipart/form-data; boundary={BOUNDARY}");
        h.insert(header::CONTENT_TYPE, value.parse().unwrap());
        h
    }

    /// A form part: its name, filename and content.
    type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

    /// A form of `parts`.
    fn form(parts: &[Part]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, file_name, content) in parts {
            out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            let disposition = match file_name {
                Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
                None => format!("form-data; name=\"{name}\""),
            };
            out.extend_from_slice(format!("Content-Disposition: {disposition}\r\n\r\n").as_bytes());
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out
    }

    #[tokio::test]
    async fn a_form_gives_its_file_part_and_the_file_name_without_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let content: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let body = form(&[
            ("note", None, b"skipped"),
            ("file", Some("C:\\fakepath\\entities.csv"), &content),
            ("submit", None, b"skipped too"),
        ]);
        let upload = spool(dir.path(), content.len())
            .receive(&form_headers(), Body::from(body))
            .await
            .unwrap();
        assert_eq!(upload.file_name.as_deref(), Some("entities.csv"));
        assert_eq!(std::fs::read(upload.file.path()).unwrap(), content);
        assert_eq!(upload.field("note"), Some("skipped"));
        assert_eq!(upload.field("submit"), Some("skipped too"));
        assert_eq!(upload.field("csrf"), None);
    }

    #[tokio::test]
    async fn a_form_without_one_file_part_is_400_and_one_too_large_is_413() {
        let dir = tempfile::tempdir().unwrap();
        let long = [b'x'; MAX_FIELD_BYTES + 1];
        let cases: [&[Part]; 4] = [
            &[("file", None, b"uscc,name")],
            &[("csrf", None, &long), ("file", Some("e.csv"), b"x")],
            &[("file", Some(""), b"")],
            &[("a", Some("a.csv"), b"x"), ("b", Some("b.csv"), b"y")],
        ];
        for parts in cases {
            let e = spool(dir.path(), 1000)
                .receive(&form_headers(), Body::from(form(parts)))
                .await
                .unwrap_err();
            assert_eq!(
                e.status,
                StatusCode::BAD_REQUEST,
                "{parts:?}: {}",
                e.message
            );
        }
        let e = spool(dir.path(), 1000)
            .receive(&form_headers(), Body::from(form(&[])))
            .await
            .unwrap_err();
        assert_eq!((e.message.zh.as_str(), e.message.en.as_str()), NO_FILE_PART);
        let mut no_boundary = HeaderMap::new();
        no_boundary.insert(header::CONTENT_TYPE, "multipart/form-data".parse().unwrap());
        let e = spool(dir.path(), 1000)
            .receive(&no_boundary, Body::from("x"))
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let big = form(&[("file", Some("e.csv"), &[b'x'; 1001])]);
        let e = spool(dir.path(), 1000)
            .receive(&form_headers(), Body::from(big))
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
