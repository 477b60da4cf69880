//! A corps user's own second factor (`/console/two-step`): the page offering a secret (or,
//! when on, the form to turn it off), turning it on with a code (`POST /console/two-step`)
//! and off with one (`POST /console/two-step/off`). Both end every session of the user, so
//! both answer with the sign-in form. A wrong code counts as a failed sign-in of the
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
async fn two_step_page(
    state: &AppState,
    lang: (Lang, bool),
    c: &Console,
    who: &Principal,
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
    page(
        state,
        status,
        lang,
        pages::two_step(c, errors, offer.as_ref()),
    )
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    match require_role(person, &headers, &state, PATH, lang.0, &[Role::Corps]) {
        Ok((s, c)) => {
            two_step_page(&state, lang, &c, &s.principal, StatusCode::OK, &[], None).await
        }
        Err(r) => *r,
    }
}

#[derive(Debug, Default, Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    secret: String,
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
    let (s, c) = match require_role(person, &headers, &state, PATH, lang.0, &[Role::Corps]) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Some(wait) = state.limiter.is_blocked(ip, Instant::now()) {
        return too_many(&state, lang, wait);
    }
    let who = &s.principal;
    let now = chrono::Utc::now().timestamp();
    let done = match turn {
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
        Err(e) => return internal_error(&e),
    };
    let errors = [FieldError::of(&m, "code", lang.0)];
    let again = Some(form.secret.as_str()).filter(|_| turn == Turn::On);
    two_step_page(&state, lang, &c, who, status, &errors, again).await
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
