//! Refuses a request whose path or query, once percent-decoded, holds a control character
//! (U+0000–U+001F, U+007F–U+009F): 400 in the API's error shape, or as an error page.
//!
//! No id, name or search contains one, and letting one through is harmful below: SQLite's
//! `LIKE` stops reading a pattern at a NUL (so `q=%00` matched every name, escaping or not)
//! and PostgreSQL refuses a NUL in text outright (a 500). One check here, before routing,
//! covers every route and both databases.

use crate::msg;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::error::ApiError;
use crate::pages::model::Lang;

/// The first control character in `raw` once percent-decoded.
fn control_in(raw: &str) -> Option<char> {
    percent_decode_str(raw)
        .decode_utf8_lossy()
        .chars()
        .find(|c| c.is_control())
}

/// Middleware: passes the request on unless its path or query holds a control character.
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let found = control_in(uri.path()).or_else(|| uri.query().and_then(control_in));
    let Some(c) = found else {
        return next.run(request).await;
    };
    let code = format!("U+{:04X}", u32::from(c));
    let message = msg!(
        "地址中含有控制字符（{code}）；编号和搜索词应为可打印文字",
        "the address holds a control character ({code}); ids and searches are printable text"
    );
    if uri.path().starts_with("/api/") {
        return ApiError::bad_request(message).into_response();
    }
    let lang = if uri.query().is_some_and(|q| q.contains("lang=en")) {
        Lang::En
    } else {
        Lang::Zh
    };
    let html = crate::pages::render::error(400, message.in_lang(lang == Lang::En), lang);
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_after_decoding() {
        for raw in ["%00", "a%01b", "%1f", "%7F", "%C2%85", "x%0A", "\u{1}"] {
            assert!(control_in(raw).is_some(), "{raw}");
        }
        for raw in [
            "",
            "SH-MZ-2026",
            "%E5%85%BB%E8%80%81",
            "a+b",
            "%20",
            "%25",
            "%FF",
        ] {
            assert_eq!(control_in(raw), None, "{raw}");
        }
    }
}
