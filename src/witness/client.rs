//! The log's side of `add-checkpoint`: [`WitnessClient::submit`] posts a checkpoint with its
//! consistency proof to a witness and returns the cosignature lines, or the size the witness
//! last cosigned (409) so the caller can resend with the proof from there.
//!
//! HTTP/1 over hyper-util's pooled client (keep-alive, as the spec recommends), plain
//! `http://` only: a cosignature proves itself (it is checked against the witness's key,
//! [`super::cosign`]), so TLS would add privacy, not trust. Every call has a time limit,
//! and an answer is read up to [`MAX_RESPONSE_BYTES`].

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::ledger::Hash;
use crate::ledger::note::split_note;

use super::request::{AddCheckpoint, SIZE_CONTENT_TYPE, parse_size_body};

/// The longest answer read: cosignature lines are about 120 bytes each.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Why a submission gave no cosignature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// 409: the witness last cosigned `size`; resend with `old = size` and the proof from
    /// there.
    #[error("见证人最近副署的大小为 {size}：请以此为旧大小重发")]
    Conflict {
        /// The size the witness last cosigned.
        size: u64,
    },
    /// Any other refusal, with the witness's status and message.
    #[error("见证人拒绝（HTTP {status}）：{message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The answer's text (cut to 500 characters).
        message: String,
    },
    /// The witness's address is not usable.
    #[error("见证人地址 {0:?} 无效：应为 http://主机:端口[/前缀]")]
    Url(String),
    /// No answer in time.
    #[error("见证人在 {0:?} 内未应答")]
    Timeout(Duration),
    /// The connection failed.
    #[error("无法连接见证人：{0}")]
    Network(String),
    /// An answer not in the protocol's form.
    #[error("见证人的应答格式错误：{0}")]
    BadAnswer(String),
}

/// A client for witnesses, reusing connections; cheap to clone.
#[derive(Debug, Clone)]
pub struct WitnessClient {
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

impl WitnessClient {
    /// A client whose every submission (connecting, sending, reading the answer) ends within
    /// `timeout`.
    pub fn new(timeout: Duration) -> WitnessClient {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        connector.set_nodelay(true);
        WitnessClient {
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout,
        }
    }

    /// Submits the signed checkpoint `note` with the consistency `proof` from `old_size` to
    /// the witness whose submission prefix is `prefix` (`http://host:port` or with a path);
    /// returns its cosignature lines (each ending in a newline). They are in the note's
    /// signature-line form but not verified here: check them with the witness's key
    /// ([`super::cosign::cosigned_by`] over the note followed by them).
    pub async fn submit(
        &self,
        prefix: &str,
        old_size: u64,
        proof: &[Hash],
        note: &str,
    ) -> Result<String, SubmitError> {
        let uri = add_checkpoint_uri(prefix)?;
        let body = AddCheckpoint {
            old_size,
            proof: proof.to_vec(),
            note,
        }
        .body();
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SubmitError::Url(e.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| SubmitError::Network(error_chain(&e)))?;
            let status = response.status();
            let content_type = response.headers().get(CONTENT_TYPE).cloned();
            let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|e| SubmitError::BadAnswer(format!("读取应答失败：{e}")))?
                .to_bytes();
            Ok::<_, SubmitError>((status, content_type, body))
        };
        let (status, content_type, body) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| SubmitError::Timeout(self.timeout))??;
        answer(note, status, content_type.as_ref(), &body)
    }
}

/// `<prefix>/add-checkpoint` as a URI; only `http`.
fn add_checkpoint_uri(prefix: &str) -> Result<Uri, SubmitError> {
    let bad = || SubmitError::Url(prefix.to_string());
    let url = format!("{}/add-checkpoint", prefix.trim_end_matches('/'));
    let uri: Uri = url.parse().map_err(|_| bad())?;
    if uri.scheme_str() != Some("http") || uri.host().is_none() || uri.query().is_some() {
        return Err(bad());
    }
    Ok(uri)
}

/// Reads an answer: 200 with cosignature lines, 409 with a size, or a refusal.
fn answer(
    note: &str,
    status: StatusCode,
    content_type: Option<&HeaderValue>,
    body: &[u8],
) -> Result<String, SubmitError> {
    let text = String::from_utf8_lossy(body);
    if status == StatusCode::CONFLICT {
        let size_typed = content_type
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().unwrap_or("").trim() == SIZE_CONTENT_TYPE);
        return match parse_size_body(&text) {
            Some(size) if size_typed => Err(SubmitError::Conflict { size }),
            _ => Err(SubmitError::BadAnswer(format!(
                "409 应为 {SIZE_CONTENT_TYPE} 类型的 “<大小>\\n”"
            ))),
        };
    }
    if status != StatusCode::OK {
        return Err(SubmitError::Refused {
            status: status.as_u16(),
            message: text.trim().chars().take(500).collect(),
        });
    }
    let lines = std::str::from_utf8(body)
        .map_err(|_| SubmitError::BadAnswer("应答不是 UTF-8 文本".into()))?;
    if lines.is_empty()
        || !lines.ends_with('\n')
        || lines.starts_with('\n')
        || lines.contains("\n\n")
    {
        return Err(SubmitError::BadAnswer("应答应为一行或多行副署".into()));
    }
    // Well-formed signature lines, read as the note's own are.
    split_note(&format!("{note}{lines}")).map_err(|e| SubmitError::BadAnswer(e.to_string()))?;
    Ok(lines.to_string())
}

/// An error with its sources, which hyper's errors keep the useful part in.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str =
        "log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} log AAAAAQE=\n";

    #[test]
    fn only_http_prefixes_are_addresses() {
        assert_eq!(
            add_checkpoint_uri("http://127.0.0.1:7380/")
                .unwrap()
                .to_string(),
            "http://127.0.0.1:7380/add-checkpoint"
        );
        assert_eq!(
            add_checkpoint_uri("http://w.example/witness")
                .unwrap()
                .path(),
            "/witness/add-checkpoint"
        );
        for bad in [
            "https://w.example",
            "w.example:80",
            "http://",
            "http://w.example/?a=1",
            "",
        ] {
            assert!(add_checkpoint_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_are_read_strictly() {
        let size = HeaderValue::from_static("text/x.tlog.size");
        let line = "\u{2014} w.example AAAAAQE=\n";
        assert_eq!(
            answer(NOTE, StatusCode::OK, None, line.as_bytes()),
            Ok(line.to_string())
        );
        assert_eq!(
            answer(NOTE, StatusCode::CONFLICT, Some(&size), b"12\n"),
            Err(SubmitError::Conflict { size: 12 })
        );
        let plain = HeaderValue::from_static("text/plain");
        for (status, content_type, body) in [
            (StatusCode::CONFLICT, Some(&plain), b"12\n".as_slice()),
            (StatusCode::CONFLICT, Some(&size), b"twelve\n"),
            (StatusCode::OK, None, b""),
            (StatusCode::OK, None, b"\xe2\x80\x94 w.example AAAAAQE="),
            (StatusCode::OK, None, b"- w.example AAAAAQE=\n"),
            (StatusCode::OK, None, b"\n\xe2\x80\x94 w.example AAAAAQE=\n"),
        ] {
            assert!(
                matches!(
                    answer(NOTE, status, content_type, body),
                    Err(SubmitError::BadAnswer(_))
                ),
                "{body:?}"
            );
        }
        assert_eq!(
            answer(
                NOTE,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                "证明不成立\n".as_bytes()
            ),
            Err(SubmitError::Refused {
                status: 422,
                message: "证明不成立".into()
            })
        );
    }
}
