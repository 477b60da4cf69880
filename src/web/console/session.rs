//! The console's side of signing in: the session cookie, the person it opens, and the
//! checks every form that changes anything passes (`check_form`).
//!
//! - The session cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` (named
//!   with the `__Host-` prefix) when the site is served over TLS (`AppState::secure_cookies`).
//!   It carries the session's 32 random bytes; the server keeps only their hash
//!   (`app::sign_in`).
//! - Before sign-in there is no session, so the sign-in form is protected by a second
//!   cookie of its own random token, which the form repeats (double submit).
//! - A form is accepted only if the request comes from this site (`Origin`, or
//!   `Sec-Fetch-Site`, when the browser sends them, name this site) and carries the
//!   session's token: anything else is 403, before the form is read for anything else.

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use crate::app::sign_in::{self, Session};
use crate::pages::model::Lang;
use crate::web::state::AppState;

/// The session cookie's name, plain over HTTP.
const SESSION: &str = "ss_session";
/// The sign-in form's token cookie.
const SIGN_IN: &str = "ss_signin";
/// The remembered language.
pub const LANG: &str = "ss_lang";

/// A cookie's name as sent: with the `__Host-` prefix (Secure, Path=/, no Domain) over TLS.
fn name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure over TLS; `max_age`
/// None for a cookie that lasts the browser session, Some(0) to delete.
fn set_cookie(name: String, value: String, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure);
    if let Some(age) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(age));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// The cookie that holds a new session.
pub fn session_cookie(state: &AppState, secret: &[u8; 32]) -> HeaderValue {
    let secure = state.secure_cookies();
    set_cookie(
        name(SESSION, secure),
        URL_SAFE_NO_PAD.encode(secret),
        secure,
        None,
    )
}

/// The cookie that deletes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> HeaderValue {
    let secure = state.secure_cookies();
    set_cookie(name(SESSION, secure), String::new(), secure, Some(0))
}

/// Whether the request carries a session cookie at all (open or ended).
pub fn has_session_cookie(state: &AppState, headers: &HeaderMap) -> bool {
    cookie_value(headers, &name(SESSION, state.secure_cookies())).is_some()
}

/// The sign-in form's token cookie, holding `token`; it lasts an hour.
pub fn sign_in_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = state.secure_cookies();
    set_cookie(name(SIGN_IN, secure), token.to_string(), secure, Some(3600))
}

/// The sign-in form's token from its cookie, if the request carries one.
pub fn sign_in_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, &name(SIGN_IN, state.secure_cookies()))
}

/// The cookie remembering the language chosen on the toggle (a year; not secret, but
/// HttpOnly like the others).
pub fn lang_cookie(state: &AppState, lang: Lang) -> HeaderValue {
    let value = if lang == Lang::En { "en" } else { "zh" };
    set_cookie(
        LANG.into(),
        value.into(),
        state.secure_cookies(),
        Some(365 * 86400),
    )
}

/// The person signed in by the request's session cookie, if the session is open; with
/// the cookie's secret (to sign out).
#[derive(Debug, Clone)]
pub struct Person(pub Option<(Session, [u8; 32])>);

impl FromRequestParts<AppState> for Person {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(secret) = cookie_value(&parts.headers, &name(SESSION, state.secure_cookies()))
            .and_then(|v| sign_in::parse_secret(&v))
        else {
            return Ok(Person(None));
        };
        let now = chrono::Utc::now().timestamp();
        match sign_in::session(&state.app, &secret, now, state.sessions).await {
            Ok(session) => Ok(Person(session.map(|s| (s, secret)))),
            Err(e) => Err(super::internal_error(&e)),
        }
    }
}

/// Whether the request says it comes from this site: its `Sec-Fetch-Site`, if sent, is
/// `same-origin`; its `Origin`, if sent, is this site's (the `Host` it was sent to, or the
/// configured public address). Browsers send both on every form post; a program that
/// sends neither still needs the token.
pub fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    let by_host = authority.is_some_and(|a| !host.is_empty() && a.eq_ignore_ascii_case(host));
    let by_public_url =
        !state.public_url.is_empty() && origin.eq_ignore_ascii_case(&state.public_url);
    by_host || by_public_url
}

/// Whether `presented` is `expected`, compared in constant time (empty never matches).
pub fn token_matches(presented: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// A fresh random token for the sign-in form.
pub fn fresh_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}
