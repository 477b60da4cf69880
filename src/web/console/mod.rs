//! The console (`/console/`): the corps, officers, reviewers and auditors at work in a
//! browser, signed in with a password (`session`). A thin adapter like the API: each
//! handler checks the session and its role, reads a form, calls one `app` function and
//! renders a `pages::console` page; nothing here decides an outcome. Works without
//! JavaScript; every form that changes anything passes `session::same_origin` and the
//! session's CSRF token first (403 otherwise); an upload's form (`upload`) is checked for
//! its role and origin before its body is read, and for its token in it before anything else.

pub mod batch_page;
pub mod batches;
pub mod ceremony;
pub mod directories;
pub mod dispatch;
pub mod followups;
pub mod held;
pub mod new_batch;
pub mod review;
pub mod session;
pub mod tasks;
pub mod two_step;
pub mod upload;
pub mod users;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use std::time::Instant;

use crate::app::AppError;
use crate::app::sign_in::{self, Session, SetBy};
use crate::pages::console::{self as pages, Console, FieldError};
use crate::pages::model::Lang;
use crate::web::auth::ClientIp;
use crate::web::state::AppState;
use session::Person;

/// The console's routes, under `/console`; `upload` bounds a directory upload as the API's.
pub fn routes(upload: crate::web::upload::Spool) -> Router<AppState> {
    let uploads = upload::Uploads {
        spool: upload,
        held: Default::default(),
    };
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .route("/console/", get(home))
        .route("/console/sign-in", get(sign_in_form).post(sign_in))
        .route("/console/sign-out", axum::routing::post(sign_out))
        .route(
            "/console/password",
            get(password_form).post(change_password),
        )
        .route(
            "/console/two-step",
            get(two_step::show).post(two_step::enable),
        )
        .route(
            "/console/two-step/off",
            axum::routing::post(two_step::disable),
        )
        .route("/console/tasks", get(tasks::list))
        .route(
            "/console/tasks/{batch}/{uscc}",
            get(tasks::target).post(tasks::record),
        )
        .route("/console/directories", get(directories::list))
        .route(
            "/console/directories/{kind}/preview",
            axum::routing::post(upload::preview).layer(axum::Extension(uploads.clone())),
        )
        .route(
            "/console/directories/held",
            axum::routing::post(upload::decide).layer(axum::Extension(uploads)),
        )
        .route("/console/batches", get(batches::list))
        .route(
            "/console/batches/{id}/ceremony",
            get(ceremony::form).post(ceremony::draw),
        )
        .route("/console/batches/{id}/dispatch", get(dispatch::list))
        .route("/console/batches/{id}/notice/{uscc}", get(dispatch::notice))
        .route("/console/batches/{id}/record/{uscc}", get(dispatch::record))
        .route("/console/print.css", get(dispatch::print_css))
        .route(
            "/console/batches/new",
            get(new_batch::form).post(new_batch::post),
        )
        .route(
            "/console/batches/counts",
            axum::routing::post(new_batch::counts),
        )
        .route(
            "/console/batches/upload",
            axum::routing::post(new_batch::upload),
        )
        .route("/console/batches/{id}", get(batch_page::show))
        .route(
            "/console/batches/{id}/commit",
            axum::routing::post(batch_page::commit),
        )
        .route(
            "/console/batches/{id}/publish",
            axum::routing::post(batches::publish),
        )
        .route(
            "/console/batches/{id}/withdraw",
            axum::routing::post(batches::withdraw),
        )
        .route("/console/followups", get(followups::list))
        .route("/console/followups/{batch}/{uscc}", get(followups::target))
        .route(
            "/console/followups/{batch}/{uscc}/measure",
            axum::routing::post(followups::measure),
        )
        .route(
            "/console/followups/{batch}/{uscc}/close",
            axum::routing::post(followups::close),
        )
        .route("/console/review", get(review::list))
        .route("/console/review/{batch}", get(review::batch))
        .route(
            "/console/review/{batch}/{result}/approve",
            axum::routing::post(review::approve),
        )
        .route(
            "/console/review/{batch}/{result}/return",
            axum::routing::post(review::return_result),
        )
        .route("/console/users", get(users::list).post(users::add))
        .route(
            "/console/users/{id}/password",
            axum::routing::post(users::reset_password),
        )
        .route(
            "/console/users/{id}/two-step-off",
            axum::routing::post(users::two_step_off),
        )
        .route(
            "/console/users/{id}/revoke",
            axum::routing::post(users::revoke),
        )
}

/// The language and query of a console page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub(crate) lang: Option<String>,
    next: Option<String>,
    /// Why the sign-in form is shown: `ended` (the session ended), `out` (signed out),
    /// `password` (password changed).
    why: Option<String>,
}

/// The page's language: `?lang=` if given (then remembered), else the remembered one.
pub(crate) fn lang_of(q: &PageQuery, headers: &HeaderMap) -> (Lang, bool) {
    match q.lang.as_deref() {
        Some(l) => (Lang::from_query(Some(l)), true),
        None => (
            Lang::from_query(session::cookie_value(headers, session::LANG).as_deref()),
            false,
        ),
    }
}

/// An HTML response, remembering the language if the query chose it.
pub(crate) fn page(
    state: &AppState,
    status: StatusCode,
    lang: (Lang, bool),
    html: String,
) -> Response {
    // `same-origin`, not the site's `no-referrer`: under `no-referrer` a browser sends
    // `Origin: null` with the page's forms, and the same-origin check could not tell them
    // from another site's.
    let mut r = (
        status,
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ),
        ],
        axum::response::Html(html),
    )
        .into_response();
    if lang.1 {
        r.headers_mut()
            .append(header::SET_COOKIE, session::lang_cookie(state, lang.0));
    }
    r
}

/// A 500 page: the failure is logged under an incident id, which is all the page says.
pub fn internal_error(e: &dyn std::fmt::Display) -> Response {
    let api = crate::web::error::ApiError::internal(e);
    let c = Console::new(Lang::Zh, None, String::new(), "/console/");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(pages::message(
            &c,
            "内部错误 Internal error",
            &api.message.to_string(),
            "/console/",
        )),
    )
        .into_response()
}

/// 403 for a form that does not come from this site or lacks its token.
fn forged(state: &AppState, lang: Lang) -> Response {
    let c = Console::new(lang, None, String::new(), "/console/");
    page(
        state,
        StatusCode::FORBIDDEN,
        (lang, false),
        pages::message(
            &c,
            c.t("请求被拒绝", "Request refused"),
            c.t(
                "这个表单已失效，或者来自其他网站，因此没有做任何更改。请返回，刷新页面后再提交。",
                "This form has expired or came from another site, so nothing was changed. Go back, reload the page and submit it again.",
            ),
            "/console/",
        ),
    )
}

/// 403 for a signed-in person whose role may not use the page.
pub(crate) fn forbidden_page(state: &AppState, lang: Lang, s: &Session) -> Response {
    let c = Console::new(
        lang,
        Some(s.principal.name.clone()),
        s.csrf.clone(),
        "/console/",
    );
    page(
        state,
        StatusCode::FORBIDDEN,
        (lang, false),
        pages::message(
            &c,
            c.t("无权访问", "Not allowed"),
            c.t(
                "您的角色不能使用这个页面。",
                "Your role may not use this page.",
            ),
            "/console/",
        ),
    )
}

/// Where to send a person without a session: the sign-in form, then back to `path`.
fn to_sign_in(path: &str, ended: bool) -> Response {
    let why = if ended { "&why=ended" } else { "" };
    Redirect::to(&format!(
        "/console/sign-in?next={}{why}",
        percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
    ))
    .into_response()
}

/// `next` if it is a console page of this site, else the console's home.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with("/console/")
                && !n.contains("//")
                && !n.contains('\\')
                && n.chars().all(|c| c.is_ascii_graphic()) =>
        {
            n
        }
        _ => "/console/",
    }
}

/// The open session, or the redirect to sign in (noting that a session has ended if the
/// request carried one).
pub(crate) fn require(
    person: Person,
    headers: &HeaderMap,
    state: &AppState,
    path: &str,
) -> Result<(Session, [u8; 32]), Box<Response>> {
    match person.0 {
        Some(s) => Ok(s),
        None => Err(Box::new(to_sign_in(
            path,
            session::has_session_cookie(state, headers),
        ))),
    }
}

/// The open session of a person whose role is one of `roles`, with the console of page
/// `path`; else the page to answer instead (the sign-in form, or 403 for another role).
pub(crate) fn require_role(
    person: Person,
    headers: &HeaderMap,
    state: &AppState,
    path: &str,
    lang: Lang,
    roles: &[crate::app::users::Role],
) -> Result<(Session, Console), Box<Response>> {
    let (s, _) = require(person, headers, state, path)?;
    if !roles.contains(&s.principal.role) {
        return Err(Box::new(forbidden_page(state, lang, &s)));
    }
    let c = Console::new(lang, Some(s.principal.name.clone()), s.csrf.clone(), path);
    Ok((s, c))
}

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (s, _) = match require(person, &headers, &state, "/console/") {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let p = &s.principal;
    let c = Console::new(lang.0, Some(p.name.clone()), s.csrf.clone(), "/console/");
    let html = pages::home(&c, &p.name, p.role, p.card_no.as_deref(), None);
    page(&state, StatusCode::OK, lang, html)
}

fn sign_in_notice(why: Option<&str>, c: &Console) -> Option<&'static str> {
    match why {
        Some("ended") => Some(c.t(
            "会话已结束（长时间未操作、已在别处修改密码或账号已停用），请重新登录。",
            "Your session has ended (idle too long, password changed, or account disabled). Please sign in again.",
        )),
        Some("out") => Some(c.t("已退出登录。", "You have signed out.")),
        Some("password") => Some(c.t(
            "密码已修改，所有会话均已结束。请用新密码登录。",
            "Your password has been changed and every session has ended. Sign in with the new password.",
        )),
        Some("two-step") => Some(c.t(
            "两步验证已启用，所有会话均已结束。请等验证器显示下一个动态码（刚输入的已用过），用密码和它登录。",
            "The second factor is on and every session has ended. Wait for your app's next code (the one just typed is used) and sign in with your password and it.",
        )),
        Some("two-step-off") => Some(c.t(
            "两步验证已关闭，所有会话均已结束。请用密码登录。",
            "The second factor is off and every session has ended. Sign in with your password.",
        )),
        _ => None,
    }
}

/// 429: too many failed sign-ins (or password checks) from this address.
pub(crate) fn too_many(
    state: &AppState,
    lang: (Lang, bool),
    wait: std::time::Duration,
) -> Response {
    let c = Console::new(lang.0, None, String::new(), "/console/sign-in");
    let mut r = page(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        pages::message(
            &c,
            c.t("失败次数过多", "Too many failures"),
            c.t(
                "这个地址的登录失败次数过多，请稍后再试。账号没有被锁定。",
                "Too many failed sign-ins from this address; try again later. The account is not locked.",
            ),
            "/console/sign-in",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The sign-in form with a fresh form token (in a cookie and in the form).
fn sign_in_page(
    state: &AppState,
    status: StatusCode,
    lang: (Lang, bool),
    errors: &[FieldError],
    name: &str,
    next: &str,
    why: Option<&str>,
) -> Response {
    let Some(token) = session::fresh_token() else {
        return internal_error(&"no randomness for the sign-in form's token");
    };
    let c = Console::new(lang.0, None, token.clone(), "/console/sign-in");
    let notice = sign_in_notice(why, &c);
    let html = pages::sign_in(&c, errors, name, next, notice);
    let mut r = page(state, status, lang, html);
    r.headers_mut()
        .append(header::SET_COOKIE, session::sign_in_cookie(state, &token));
    r
}

async fn sign_in_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let next = safe_next(q.next.as_deref());
    if person.0.is_some() {
        return Redirect::to(next).into_response();
    }
    sign_in_page(
        &state,
        StatusCode::OK,
        lang,
        &[],
        "",
        next,
        q.why.as_deref(),
    )
}

#[derive(Debug, Default, Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    /// The one-time code, for a user whose second factor is on (empty otherwise).
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    if !session::same_origin(&state, &headers) {
        return forged(&state, lang.0);
    }
    let form: SignInForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let expected = session::sign_in_token(&state, &headers).unwrap_or_default();
    if !session::token_matches(&form.csrf, &expected) {
        return forged(&state, lang.0);
    }
    let next = safe_next(Some(&form.next)).to_string();
    // Past the limit, this address guesses no more until the window has passed: the
    // password is not even checked (a password, unlike a token, can be guessed). The block
    // is of the address, never of the account: the right password from elsewhere signs in.
    if let Some(wait) = state.limiter.is_blocked(ip, Instant::now()) {
        tracing::warn!(%ip, "sign-in refused: too many failures from this address");
        return too_many(&state, lang, wait);
    }
    let now = chrono::Utc::now().timestamp();
    let mut credentials = sign_in::Credentials::new(&form.name, &form.password);
    if !form.code.trim().is_empty() {
        credentials = credentials.with_code(&form.code);
    }
    let signed_in = match sign_in::sign_in(&state.app, credentials, now, state.sessions).await {
        Ok(s) => s,
        Err(e) => return internal_error(&e),
    };
    let Some((secret, principal)) = signed_in else {
        state.limiter.record_failure(ip, Instant::now());
        tracing::warn!(%ip, "failed sign-in");
        let c = Console::new(lang.0, None, String::new(), "/console/sign-in");
        let errors = [FieldError {
            field: "name",
            message: c
                .t(
                    "用户名、密码或动态码不正确（动态码 15 分钟内输错 5 次后暂停受理）",
                    "The user name, password or one-time code is wrong (after 5 wrong codes in 15 minutes, codes are not taken for a while)",
                )
                .into(),
        }];
        return sign_in_page(
            &state,
            StatusCode::UNAUTHORIZED,
            lang,
            &errors,
            &form.name,
            &next,
            None,
        );
    };
    tracing::info!(user = principal.user_id, role = %principal.role, "signed in");
    let mut r = Redirect::to(&next).into_response();
    let h = r.headers_mut();
    h.append(header::SET_COOKIE, session::session_cookie(&state, &secret));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// The session if the form comes from this site and carries its token; 403 otherwise.
pub(crate) fn check_form(
    state: &AppState,
    headers: &HeaderMap,
    person: &Person,
    csrf: &str,
    lang: Lang,
) -> Result<(), Box<Response>> {
    let expected = person.0.as_ref().map_or("", |(s, _)| s.csrf.as_str());
    if !session::same_origin(state, headers) || !session::token_matches(csrf, expected) {
        return Err(Box::new(forged(state, lang)));
    }
    Ok(())
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: CsrfOnly = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if person.0.is_none() && session::same_origin(&state, &headers) {
        return Redirect::to("/console/sign-in").into_response();
    }
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    if let Some((s, secret)) = &person.0 {
        if let Err(e) = sign_in::sign_out(&state.app, secret).await {
            return internal_error(&e);
        }
        tracing::info!(user = s.principal.user_id, "signed out");
    }
    let mut r = Redirect::to("/console/sign-in?why=out").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, session::clear_session_cookie(&state));
    r
}

async fn password_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (s, _) = match require(person, &headers, &state, "/console/password") {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let c = Console::new(
        lang.0,
        Some(s.principal.name.clone()),
        s.csrf.clone(),
        "/console/password",
    );
    page(&state, StatusCode::OK, lang, pages::password(&c, &[]))
}

#[derive(Debug, Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: PasswordForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if person.0.is_none() {
        if !session::same_origin(&state, &headers) {
            return forged(&state, lang.0);
        }
        return to_sign_in("/console/password", true);
    }
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let Some((s, _)) = person.0 else {
        return to_sign_in("/console/password", true);
    };
    let p = &s.principal;
    let c = Console::new(
        lang.0,
        Some(p.name.clone()),
        s.csrf.clone(),
        "/console/password",
    );
    if let Some(wait) = state.limiter.is_blocked(ip, Instant::now()) {
        return too_many(&state, lang, wait);
    }
    let mut errors = Vec::new();
    match sign_in::password_matches(&state.app, p.user_id, &form.current).await {
        Ok(true) => {}
        Ok(false) => {
            state.limiter.record_failure(ip, Instant::now());
            errors.push(FieldError {
                field: "current",
                message: c
                    .t("当前密码不正确", "The current password is wrong")
                    .into(),
            });
        }
        Err(e) => return internal_error(&e),
    }
    if form.new != form.confirm {
        errors.push(FieldError {
            field: "confirm",
            message: c
                .t("两次输入的新密码不一致", "The two new passwords differ")
                .into(),
        });
    }
    if let Err(w) = crate::domain::password::check(&form.new, &p.name) {
        let message = if c.is_en() { w.en() } else { w.zh() };
        errors.insert(
            errors.len().min(1),
            FieldError {
                field: "new",
                message,
            },
        );
    }
    if !errors.is_empty() {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            pages::password(&c, &errors),
        );
    }
    match sign_in::set_password(&state.app, p.user_id, &form.new, SetBy::User(p)).await {
        Ok(()) => {}
        Err(AppError::Invalid(m)) => {
            let errors = [FieldError::of(&m, "new", c.lang)];
            return page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                pages::password(&c, &errors),
            );
        }
        Err(e) => return internal_error(&e),
    }
    tracing::info!(user = p.user_id, "password changed");
    let mut r = Redirect::to("/console/sign-in?why=password").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, session::clear_session_cookie(&state));
    r
}
