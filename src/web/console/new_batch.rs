//! The corps makes a batch (`/console/batches/new`): the plan form, or an uploaded plan
//! file, made into a draft by `app::batch::create` (the form first becomes plan TOML,
//! `pages::console::plan_form`); each stratum's counts while filling it
//! (`app::batch::counts`: numbers only, nothing drawn or logged), by the form's count button
//! or by its script (`/console/batches/counts`, the one script of the console, under a CSP
//! that allows only this origin's scripts). The batch's page is `batch_page`. Corps only;
//! every post passes `check_form`.

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::session::Person;
use super::{PageQuery, check_form, internal_error, lang_of, page, require_role};
use crate::app::users::Role;
use crate::app::{AppError, batch};
use crate::pages::console::new_batch::{self as pages, CountsView};
use crate::pages::console::plan_form::{self, PlanForm};
use crate::pages::console::{Console, FieldError};
use crate::pages::model::Lang;
use crate::web::state::AppState;

const NEW: &str = "/console/batches/new";
/// The most a plan file upload may be.
const PLAN_LIMIT: usize = 256 * 1024;
/// What the plan's text is called in errors when it comes from the form.
const FORM_FILE: &str = "表单 form";

/// The corps user's console of page `path`, or the page to answer instead.
pub(super) fn corps(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    lang: Lang,
    path: &str,
) -> Result<Console, Box<Response>> {
    require_role(person, headers, state, path, lang, &[Role::Corps]).map(|(_, c)| c)
}

/// The form page, under the CSP that lets it load its own script.
fn form_page(
    state: &AppState,
    status: StatusCode,
    lang: (Lang, bool),
    c: &Console,
    f: &PlanForm,
    errors: &[FieldError],
    counts: Option<&CountsView>,
) -> Response {
    let mut r = page(state, status, lang, pages::form(c, f, errors, counts));
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::web::CSP_WITH_OWN_SCRIPTS),
    );
    r
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    person: Person,
) -> Response {
    let lang = lang_of(&q, &headers);
    match corps(&state, &headers, person, lang.0, NEW) {
        Ok(c) => form_page(
            &state,
            StatusCode::OK,
            lang,
            &c,
            &PlanForm::default(),
            &[],
            None,
        ),
        Err(r) => *r,
    }
}

/// The posted form's fields, its CSRF token and its button.
fn read_form(body: &[u8]) -> (PlanForm, String, String) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    (PlanForm::from_pairs(&pairs), value("csrf"), value("action"))
}

/// A posted form that passed `check_form`, from a corps user.
struct Posted {
    lang: (Lang, bool),
    f: PlanForm,
    action: String,
    c: Console,
}

/// The posted form, or the answer instead (403 for a forged post or another role).
fn posted(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    body: &[u8],
) -> Result<Posted, Box<Response>> {
    let lang = lang_of(&PageQuery::default(), headers);
    let (f, csrf, action) = read_form(body);
    check_form(state, headers, &person, &csrf, lang.0)?;
    let c = corps(state, headers, person, lang.0, NEW)?;
    Ok(Posted { lang, f, action, c })
}

/// The form's plan TOML, or the problems to show on its fields.
fn plan_of(f: &PlanForm, lang: Lang) -> Result<String, Vec<FieldError>> {
    let toml = f.to_toml(lang)?;
    let problems = plan_form::problems(&toml, &f.rows(), lang);
    if problems.is_empty() {
        Ok(toml)
    } else {
        Err(problems)
    }
}

/// Taken while a count runs (`counts_of`).
static COUNTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// The counts of the form's plan over the current snapshots, or why there are none.
async fn counts_of(state: &AppState, f: &PlanForm, lang: Lang) -> Result<CountsView, Response> {
    let toml = match plan_of(f, lang) {
        Ok(t) => t,
        Err(errors) => {
            let text: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            return Ok(CountsView::failed(text.join("；")));
        }
    };
    // Counting reads the whole current directory: one count at a time, whoever asks, so
    // a form typed into quickly never loads it several times at once.
    let _turn = COUNTING.acquire().await;
    match batch::counts(&state.app, FORM_FILE, &toml).await {
        Ok(sizes) => Ok(CountsView::of(&sizes)),
        Err(AppError::Invalid(m) | AppError::Refused(m) | AppError::NotFound(m)) => {
            Ok(CountsView::failed(m.in_lang(lang == Lang::En).into()))
        }
        Err(e) => Err(internal_error(&e)),
    }
}

/// The form posted: counted (`action=count`) or made into a draft batch.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: Person,
    body: Bytes,
) -> Response {
    let Posted { lang, f, action, c } = match posted(&state, &headers, person, &body) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let unprocessable = |errors: &[FieldError]| {
        form_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &c,
            &f,
            errors,
            None,
        )
    };
    if action == "count" {
        if let Err(errors) = plan_of(&f, lang.0) {
            return unprocessable(&errors);
        }
        return match counts_of(&state, &f, lang.0).await {
            Ok(k) => form_page(&state, StatusCode::OK, lang, &c, &f, &[], Some(&k)),
            Err(r) => r,
        };
    }
    let toml = match plan_of(&f, lang.0) {
        Ok(t) => t,
        Err(errors) => return unprocessable(&errors),
    };
    match batch::create(&state.app, FORM_FILE, &toml).await {
        Ok(b) => created(&b.id),
        Err(AppError::Invalid(m) | AppError::Refused(m)) => {
            unprocessable(&[FieldError::of(&m, "id", lang.0)])
        }
        Err(e) => internal_error(&e),
    }
}

fn created(id: &str) -> Response {
    Redirect::to(&format!(
        "/console/batches/{}?done=created",
        crate::pages::render::encode(id)
    ))
    .into_response()
}

/// The counts table alone, for the form's script.
pub async fn counts(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: Person,
    body: Bytes,
) -> Response {
    let Posted { lang, f, c, .. } = match posted(&state, &headers, person, &body) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match counts_of(&state, &f, lang.0).await {
        Ok(k) => page(
            &state,
            StatusCode::OK,
            (lang.0, false),
            pages::counts(&c, &k),
        ),
        Err(r) => r,
    }
}

/// The upload form's token and plan file (name and bytes).
async fn read_upload(
    headers: &HeaderMap,
    body: Body,
) -> Result<(String, Option<(String, Vec<u8>)>), String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|e| e.to_string())?;
    let limit = multer::SizeLimit::new().whole_stream(PLAN_LIMIT as u64);
    let mut form = multer::Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(limit),
    );
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(part) = form.next_field().await.map_err(|e| e.to_string())? {
        match part.name() {
            Some("csrf") => csrf = part.text().await.map_err(|e| e.to_string())?,
            Some("plan") => {
                let name = part.file_name().unwrap_or("plan.toml").to_string();
                let bytes = part.bytes().await.map_err(|e| e.to_string())?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok((csrf, file))
}

/// A plan file uploaded: a draft batch, or the form page with the file's problems.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: Person,
    body: Body,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers);
    // The role first: nothing of the body is read for anyone else.
    let c = match corps(&state, &headers, person.clone(), lang.0, NEW) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    // The origin before the body is read (a cross-site post gets 403 whatever it holds).
    if !super::session::same_origin(&state, &headers) {
        return check_form(&state, &headers, &person, "", lang.0)
            .err()
            .map_or_else(|| internal_error(&"same-origin check"), |r| *r);
    }
    let refuse = |message: String| FieldError {
        field: "plan",
        message,
    };
    let (csrf, file) = match read_upload(&headers, body).await {
        Ok(read) => read,
        // Nothing is done with a form that cannot be read: it is said why, not "expired".
        Err(_) => {
            let limit = PLAN_LIMIT / 1024;
            let errors = [refuse(if c.is_en() {
                format!("The plan file could not be read: a plan file is at most {limit} KiB.")
            } else {
                format!("无法读取计划文件：计划文件至多 {limit} KiB。")
            })];
            return form_page(
                &state,
                StatusCode::PAYLOAD_TOO_LARGE,
                lang,
                &c,
                &PlanForm::default(),
                &errors,
                None,
            );
        }
    };
    if let Err(r) = check_form(&state, &headers, &person, &csrf, lang.0) {
        return *r;
    }
    let errors = match file {
        None => vec![refuse(
            c.t("请选择计划文件（TOML）。", "Choose a plan file (TOML).")
                .into(),
        )],
        Some((name, bytes)) => match String::from_utf8(bytes) {
            Err(_) => vec![refuse(format!(
                "{name}: {}",
                c.t("计划文件须为 UTF-8 文本", "a plan file is UTF-8 text")
            ))],
            Ok(text) => match batch::create(&state.app, &name, &text).await {
                Ok(b) => return created(&b.id),
                Err(AppError::Invalid(m) | AppError::Refused(m)) => {
                    let mut found: Vec<FieldError> = plan_form::problems(&text, &[], lang.0)
                        .into_iter()
                        .map(|e| refuse(format!("{name}: {}", e.message)))
                        .collect();
                    if found.is_empty() {
                        found.push(refuse(m.in_lang(lang.0 == Lang::En).into()));
                    }
                    found
                }
                Err(e) => return internal_error(&e),
            },
        },
    };
    form_page(
        &state,
        StatusCode::UNPROCESSABLE_ENTITY,
        lang,
        &c,
        &PlanForm::default(),
        &errors,
        None,
    )
}
