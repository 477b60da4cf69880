//! One error shape for every API error: `{"error": {"status", "code", "message",
//! "message_en", "field"}}`: a stable machine code, the message in Chinese and in English,
//! and the request field it is about when there is one (`domain::Message`).
//! What the caller must fix is said plainly; what went wrong inside is logged with an id
//! and never sent (no SQL, paths or stack in a response).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::app::AppError;
use crate::domain::Message;
use crate::msg;

/// An error as the API reports it.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Message,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    pub status: u16,
    /// A stable word: `invalid`, `import_rejected`, `not_found`, `refused`, `forbidden`,
    /// `unauthenticated`, `too_many_failures`, `payload_too_large`, `method_not_allowed`,
    /// `bad_request` (a control character in the address, an unreadable body), `internal`.
    /// The CLI names the same codes.
    pub code: String,
    /// What went wrong, in Chinese.
    pub message: String,
    /// The same in English.
    pub message_en: String,
    /// The request field it is about, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: Message) -> ApiError {
        ApiError {
            status,
            code,
            message,
            retry_after: None,
        }
    }

    pub fn unauthenticated(message: Message) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    pub fn forbidden(message: Message) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: Message) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn invalid(message: Message) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    /// 400 for a request that cannot be read.
    pub fn bad_request(message: Message) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 413 for a body over its limit.
    pub fn too_large(message: Message) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }

    /// An internal failure: logged in full under a fresh id, reported by that id only.
    pub fn internal(detail: &dyn std::fmt::Display) -> ApiError {
        let id = incident_id();
        tracing::error!(incident = %id, error = %detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            msg!(
                "内部错误（事件编号 {id}，运维人员可在服务器日志中查到）",
                "internal error (incident {id}; the operator can find it in the server log)"
            ),
        )
    }
}

/// A short random id tying a response to its log line.
fn incident_id() -> String {
    let mut bytes = [0u8; 6];
    if getrandom::fill(&mut bytes).is_err() {
        return "unknown".into();
    }
    hex::encode(bytes)
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        let code = e.code();
        let (status, message) = match e {
            AppError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
            AppError::Import(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                msg!("{errors}\n未导入任何数据", "{errors}\nnothing imported"),
            ),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            AppError::Refused(m) => (StatusCode::CONFLICT, m),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            e @ (AppError::Setup(_) | AppError::Store(_)) => return ApiError::internal(&e),
        };
        ApiError::new(status, code, message)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return body_too_large();
        }
        let why = r.body_text();
        ApiError::invalid(msg!("请求体无法读取：{why}", "request body: {why}"))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        let why = r.body_text();
        ApiError::invalid(msg!("查询参数无效：{why}", "query: {why}"))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        let why = r.body_text();
        ApiError::invalid(msg!("路径参数无效：{why}", "path: {why}"))
    }
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(r: axum::extract::rejection::BytesRejection) -> ApiError {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            body_too_large()
        } else {
            let why = r.body_text();
            ApiError::invalid(msg!("请求体无法读取：{why}", "request body: {why}"))
        }
    }
}

fn body_too_large() -> ApiError {
    ApiError::too_large(Message::new("请求体过大", "request body too large"))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code.to_string(),
                message: self.message.zh,
                message_en: self.message.en,
                field: self.message.field.map(str::to_string),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"shuangsui\""),
            );
        }
        if let Some(seconds) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
