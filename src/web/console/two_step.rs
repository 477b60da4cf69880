//! A corps user's own second factor (`/console/two-step`): the page offering a secret (or,
//! when on, the form to turn it off), turning it on with a code (`POST /console/two-step`)
//! and off with one (`POST /console/two-step/off`). Both end every session of the user, so
//! both answer with the sign-in form. The secret offered comes back with its tag
//! (`app::totp::offer_tag`, keyed by the session's secret): only a secret this server
//! offered to this session is taken. A wrong code counts as a failed sign-in of the
//! address (the same limiter). `app::totp` decides everything; a corps user turning off
//! someone else's is on the people page (`users`).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::time::Instant;

use super::session::{self, Person};
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role, too_many};
use crate::app::AppError;
use crate::app::totp;
use crate::app::users::{Principal, Role};
use crate::pages::console::two_step as pages;
use crate::pages::console::{Console, FieldError};
use crate::pages::model::Lang;
use crate::web::auth::ClientIp;
use crate::web::state::AppState;

const PATH: &str = "/console/two-step";

/// The page for `who`: off, a secret offered (`again`, the one posted with a wrong code, or
/// a fresh one); on, the form to turn it off.
#[allow(clippy::too_many_arguments)]
async fn two_step_page(
    state: &AppState,
    lang: (Lang, bool),
    c: &Console,
    who: &Principal,
    session: &[u8; 32],
    status: StatusCode,
    errors: &[FieldError],
    again: Option<&str>,
) -> Response {
    let on = match totp::is_on(&state.app, who.user_id).await {
        Ok(on) => on,
        Err(e) => return internal_error(&e),
    };
    let offer = if on {
        None
    } else {
        let offered = match again {
            Some(secret) => totp::enrolment_again(secret, &who.name),
            None => totp::enrolment(&who.name),
        };
        match offered {
            Ok(e) => Some(e),
            Err(e) => return internal_error(&e),
        }
    };
    let tag = offer
        .as_ref()
        .map(|e| totp::offer_tag(session, &e.secret))
        .unwrap_or_default();
    let html = pages::two_step(c, errors, offer.as_ref().map(|e| (e, tag.as_str())));
    page(state, status, lang, html)
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let session = person.0.as_ref().map(|(_, secret)| *secret);
    match (
        require_role(person, &headers, &state, PATH, lang.0, &[Role::Corps]),
        session,
    ) {
        (Ok((s, c)), Some(session)) => {
            let who = &s.principal;
            two_step_page(&state, lang, &c, who, &session, StatusCode::OK, &[], None).await
        }
        (Err(r), _) => *r,
        (Ok(_), None) => internal_error(&"a session without its secret"),
    }
}

/// The form (no `Debug`: it holds a secret and a code).
#[derive(Default, Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    secret: String,
    /// The secret's tag, `app::totp::offer_tag`.
    #[serde(default)]
    offer: String,
    #[serde(default)]
    code: String,
}

/// Which way a post turns the factor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    On,
    Off,
}

async fn post(
    state: AppState,
    headers: HeaderMap,
    ip: std::net::IpAddr,
    person: Person,
    body: Bytes,
    turn: Turn,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: CodeForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let session = person.0.as_ref().map(|(_, secret)| *secret);
    let ((s, c), session) = match (
        require_role(person, &headers, &state, PATH, lang.0, &[Role::Corps]),
        session,
    ) {
        (Ok(s), Some(session)) => (s, session),
        (Err(r), _) => return *r,
        (Ok(_), None) => return internal_error(&"a session without its secret"),
    };
    if let Some(wait) = state.limiter.is_blocked(ip, Instant::now()) {
        return too_many(&state, lang, wait);
    }
    let who = &s.principal;
    let now = chrono::Utc::now().timestamp();
    let done = match turn {
        // A secret this server did not offer to this session is refused unread.
        Turn::On if !totp::offer_tag_matches(&session, &form.secret, &form.offer) => {
            Err(AppError::Invalid(crate::msg!(
                "这个密钥不是本页面生成的：请重新打开本页，用新的二维码",
                "this key was not made for this page: open the page again and use the new QR code"
            )))
        }
        Turn::On => totp::enable(&state.app, who, &form.secret, &form.code, now).await,
        Turn::Off => {
            let by = totp::RemovedBy::User(who);
            totp::remove(&state.app, who.user_id, by, Some(&form.code), now).await
        }
    };
    let (status, m) = match done {
        Ok(()) => {
            tracing::info!(
                user = who.user_id,
                on = turn == Turn::On,
                "second factor turned"
            );
            let why = if turn == Turn::On {
                "two-step"
            } else {
                "two-step-off"
            };
            let mut r = Redirect::to(&format!("/console/sign-in?why={why}")).into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, session::clear_session_cookie(&state));
            return r;
        }
        Err(AppError::Invalid(m)) => {
            state.limiter.record_failure(ip, Instant::now());
            (StatusCode::UNPROCESSABLE_ENTITY, m)
        }
        Err(AppError::Refused(m)) => (StatusCode::CONFLICT, m),
        Err(AppError::Forbidden(m)) => (StatusCode::FORBIDDEN, m),
        Err(e) => return internal_error(&e),
    };
    // Every message lands on the code field, the page's only one.
    let errors = [FieldError {
        field: "code",
        message: m.in_lang(lang.0 == Lang::En).into(),
    }];
    // The same secret offered again after a wrong code (one with a bad tag is not).
    let again = Some(form.secret.as_str()).filter(|secret| {
        turn == Turn::On && totp::offer_tag_matches(&session, secret, &form.offer)
    });
    two_step_page(&state, lang, &c, who, &session, status, &errors, again).await
}

pub async fn enable(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    person: Person,
    body: Bytes,
) -> Response {
    post(state, headers, ip, person, body, Turn::On).await
}

pub async fn disable(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    person: Person,
    body: Bytes,
) -> Response {
    post(state, headers, ip, person, body, Turn::Off).await
}
