//! The corps' page of people (`/console/users`): add a person (their first password and API
//! token made at random and shown once), reset a password (a new one made and shown once;
//! every session of the person ends), turn off someone's second factor (a lost phone; their
//! sessions end), disable a person for good (their token and sessions stop at once). Corps
//! only; `app::users`, `app::sign_in` and `app::totp` decide everything.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::sign_in::{self, SetBy};
use crate::app::totp;
use crate::app::users::{self, Principal, Role};
use crate::app::{AppError, Result};
use crate::pages::console::{self as pages, Console, FieldError, NewPersonForm, UserLine};
use crate::pages::model::Lang;
use crate::web::state::AppState;

const PATH: &str = "/console/users";

async fn lines(state: &AppState, lang: Lang) -> Result<Vec<UserLine>> {
    let two_step = totp::users_on(&state.app).await?;
    Ok(users::list(&state.app)
        .await?
        .into_iter()
        .map(|u| UserLine {
            id: u.id,
            role: Role::parse(&u.role).map_or("?", |r| pages::role_label(r, lang)),
            name: u.name,
            card_no: u.card_no,
            created_at: u.created_at,
            revoked_at: u.revoked_at,
            two_step: two_step.contains(&u.id),
        })
        .collect())
}

/// The corps user of the session, or the page to answer instead (sign in, or 403).
async fn corps(
    state: &AppState,
    headers: &HeaderMap,
    person: &Person,
    lang: Lang,
) -> std::result::Result<(Principal, String), Box<Response>> {
    let (s, _) = require_role(person.clone(), headers, state, PATH, lang, &[Role::Corps])?;
    Ok((s.principal, s.csrf))
}

async fn users_page(
    state: &AppState,
    lang: (Lang, bool),
    who: &Principal,
    csrf: &str,
    status: StatusCode,
    errors: &[FieldError],
    form: &NewPersonForm,
) -> Response {
    let c = Console::new(lang.0, Some(who.name.clone()), csrf.to_string(), PATH);
    match lines(state, lang.0).await {
        Ok(list) => page(
            state,
            status,
            lang,
            pages::users(&c, errors, &list, who.user_id, form),
        ),
        Err(e) => internal_error(&e),
    }
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    match corps(&state, &headers, &person, lang.0).await {
        Ok((who, csrf)) => {
            users_page(
                &state,
                lang,
                &who,
                &csrf,
                StatusCode::OK,
                &[],
                &NewPersonForm::default(),
            )
            .await
        }
        Err(r) => *r,
    }
}

#[derive(Debug, Default, Deserialize)]
struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    card: String,
}

pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: AddForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let (who, csrf) = match corps(&state, &headers, &person, lang.0).await {
        Ok(w) => w,
        Err(r) => return *r,
    };
    let shown = NewPersonForm {
        name: form.name.clone(),
        role: form.role.clone(),
        card: form.card.clone(),
    };
    let Ok(role) = Role::parse(&form.role) else {
        let e = FieldError::of(
            &crate::domain::Message::new("请选择角色", "Choose a role"),
            "role",
            lang.0,
        );
        return users_page(
            &state,
            lang,
            &who,
            &csrf,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[e],
            &shown,
        )
        .await;
    };
    let card = Some(form.card.trim()).filter(|c| !c.is_empty());
    let password = match sign_in::generated_password_for(form.name.trim()) {
        Ok(p) => p,
        Err(e) => return internal_error(&e),
    };
    let added = async {
        let (row, token) = users::add(&state.app, &form.name, role, card).await?;
        sign_in::set_password(&state.app, row.id, &password, SetBy::User(&who)).await?;
        Ok::<_, AppError>((row, token))
    }
    .await;
    match added {
        Ok((row, token)) => {
            tracing::info!(by = who.user_id, user = row.id, role = %row.role, "person added in the console");
            let c = Console::new(lang.0, Some(who.name.clone()), csrf, PATH);
            let html = pages::issued(
                &c,
                c.t("已新增人员", "Person added"),
                &row.name,
                Some(&password),
                Some(&token),
            );
            page(&state, StatusCode::CREATED, lang, html)
        }
        Err(AppError::Invalid(m)) => {
            let e = FieldError::of(&m, "name", lang.0);
            users_page(
                &state,
                lang,
                &who,
                &csrf,
                StatusCode::UNPROCESSABLE_ENTITY,
                &[e],
                &shown,
            )
            .await
        }
        Err(e) => internal_error(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// The user `id` by id, or a 404 page.
async fn user_named(state: &AppState, id: i64) -> std::result::Result<String, Box<Response>> {
    match crate::store::users::get(&state.app.store, id).await {
        Ok(Some(u)) => Ok(u.name),
        Ok(None) => Err(Box::new(
            (StatusCode::NOT_FOUND, "没有这个用户（no such user）").into_response(),
        )),
        Err(e) => Err(Box::new(internal_error(&e))),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: ActionForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let (who, csrf) = match corps(&state, &headers, &person, lang.0).await {
        Ok(w) => w,
        Err(r) => return *r,
    };
    let name = match user_named(&state, id).await {
        Ok(n) => n,
        Err(r) => return *r,
    };
    if id == who.user_id {
        let e = FieldError {
            field: "add",
            message: "您自己的密码请在“修改密码”页面修改（change your own password on the Change password page）".into(),
        };
        return users_page(
            &state,
            lang,
            &who,
            &csrf,
            StatusCode::CONFLICT,
            &[e],
            &NewPersonForm::default(),
        )
        .await;
    }
    let password = match sign_in::generated_password_for(&name) {
        Ok(p) => p,
        Err(e) => return internal_error(&e),
    };
    match sign_in::set_password(&state.app, id, &password, SetBy::User(&who)).await {
        Ok(()) => {}
        Err(AppError::Refused(m) | AppError::Invalid(m)) => {
            let e = FieldError {
                field: "add",
                message: m.in_lang(lang.0 == Lang::En).into(),
            };
            return users_page(
                &state,
                lang,
                &who,
                &csrf,
                StatusCode::CONFLICT,
                &[e],
                &NewPersonForm::default(),
            )
            .await;
        }
        Err(e) => return internal_error(&e),
    }
    tracing::info!(by = who.user_id, user = id, "password reset in the console");
    let c = Console::new(lang.0, Some(who.name.clone()), csrf, PATH);
    let html = pages::issued(
        &c,
        c.t("密码已重置", "Password reset"),
        &name,
        Some(&password),
        None,
    );
    page(&state, StatusCode::OK, lang, html)
}

pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: ActionForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let (who, csrf) = match corps(&state, &headers, &person, lang.0).await {
        Ok(w) => w,
        Err(r) => return *r,
    };
    let name = match user_named(&state, id).await {
        Ok(n) => n,
        Err(r) => return *r,
    };
    if form.confirm != "yes" {
        let e = FieldError {
            field: "add",
            message: format!(
                "停用 {name} 须勾选“确认停用”（tick the confirmation to disable {name}）"
            ),
        };
        return users_page(
            &state,
            lang,
            &who,
            &csrf,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[e],
            &NewPersonForm::default(),
        )
        .await;
    }
    match users::revoke(&state.app, &name).await {
        Ok(_) => {}
        Err(AppError::Refused(m)) => {
            let e = FieldError {
                field: "add",
                message: m.in_lang(lang.0 == Lang::En).into(),
            };
            return users_page(
                &state,
                lang,
                &who,
                &csrf,
                StatusCode::CONFLICT,
                &[e],
                &NewPersonForm::default(),
            )
            .await;
        }
        Err(e) => return internal_error(&e),
    }
    tracing::info!(
        by = who.user_id,
        user = id,
        "person disabled in the console"
    );
    Redirect::to(&format!("{PATH}#user-{id}")).into_response()
}

/// Turns off the second factor of user `id`, who lost their phone: they sign in with their
/// password alone until they turn it on again.
pub async fn two_step_off(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    let form: ActionForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang.0) {
        return *r;
    }
    let (who, csrf) = match corps(&state, &headers, &person, lang.0).await {
        Ok(w) => w,
        Err(r) => return *r,
    };
    if let Err(r) = user_named(&state, id).await {
        return *r;
    }
    if id == who.user_id {
        let e = FieldError {
            field: "add",
            message: "您自己的两步验证请在“两步验证”页面用动态码关闭（turn off your own second factor with a code on the Second factor page）".into(),
        };
        let form = NewPersonForm::default();
        return users_page(&state, lang, &who, &csrf, StatusCode::CONFLICT, &[e], &form).await;
    }
    let now = chrono::Utc::now().timestamp();
    let by = totp::RemovedBy::User(&who);
    let (status, m) = match totp::remove(&state.app, id, by, None, now).await {
        Ok(()) => {
            tracing::info!(
                by = who.user_id,
                user = id,
                "second factor turned off in the console"
            );
            return Redirect::to(&format!("{PATH}#user-{id}")).into_response();
        }
        Err(AppError::Refused(m)) => (StatusCode::CONFLICT, m),
        Err(e) => return internal_error(&e),
    };
    let e = FieldError {
        field: "add",
        message: m.in_lang(lang.0 == Lang::En).into(),
    };
    users_page(
        &state,
        lang,
        &who,
        &csrf,
        status,
        &[e],
        &NewPersonForm::default(),
    )
    .await
}
