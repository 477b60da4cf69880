//! The corps uploads a directory table in the console: `POST /console/directories/{kind}/preview`
//! (a `multipart/form-data` form: the file, its encoding, the CSRF token) spools the file as
//! the API's upload does (`web::upload`, same limit), previews it (`app::directory::preview`:
//! every check of an import, nothing written) and, if it would make a new version, holds it
//! (`held`) for `POST /console/directories/held`, which imports exactly those bytes
//! (`app::directory::import_onto`, every check again) onto the snapshot the preview saw, or
//! discards them.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::held::{Held, HeldUpload};
use super::session::{self, Person};
use super::{PageQuery, check_form, forged, internal_error, lang_of, page, require_role};
use crate::app::AppError;
use crate::app::directory::{self, Imported, Onto, Preview};
use crate::app::users::Role;
use crate::import::{Encoding, Format, Kind};
use crate::pages::console::upload::{self as pages, Found};
use crate::pages::console::{Console, message, table_name};
use crate::web::state::AppState;
use crate::web::upload::{Spool, on_bytes};

const PATH: &str = "/console/directories";

/// What the console's uploads need: where and how large they are spooled, and those held.
#[derive(Clone)]
pub struct Uploads {
    pub spool: Spool,
    pub held: Arc<Held>,
}

const NO_PROGRESS: fn(u64) = |_| {};

/// A message page with `status`.
fn say(state: &AppState, c: &Console, status: StatusCode, title: &str, text: &str) -> Response {
    page(
        state,
        status,
        (c.lang, false),
        message(c, title, text, PATH),
    )
}

pub async fn preview(
    State(state): State<AppState>,
    Extension(uploads): Extension<Uploads>,
    Path(word): Path<String>,
    headers: HeaderMap,
    person: Person,
    body: Body,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers).0;
    // Who and from where first: nothing of the body is read for anyone else.
    let (s, c) = match require_role(person, &headers, &state, PATH, lang, &[Role::Corps]) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if !session::same_origin(&state, &headers) {
        return forged(&state, lang);
    }
    let Some(kind) = Kind::parse(&word) else {
        let text = c.t("没有这个名录表。", "There is no such directory table.");
        return say(
            &state,
            &c,
            StatusCode::NOT_FOUND,
            c.t("未找到", "Not found"),
            text,
        );
    };
    let upload = match uploads.spool.receive(&headers, body).await {
        Ok(u) => u,
        Err(e) => {
            let max = uploads.spool.max_bytes;
            let text = match (e.status == StatusCode::PAYLOAD_TOO_LARGE, c.is_en()) {
                (true, true) => format!("The file is too large: an upload is at most {max} bytes."),
                (true, false) => format!("文件太大：上传的文件至多 {max} 字节。"),
                (false, en) => e.message.in_lang(en).to_string(),
            };
            let title = c.t("上传失败", "Upload failed");
            return say(&state, &c, e.status, title, &text);
        }
    };
    if !session::token_matches(upload.field("csrf").unwrap_or_default(), &s.csrf) {
        return forged(&state, lang);
    }
    let Some(encoding) = Encoding::parse(upload.field("encoding").unwrap_or("auto")) else {
        let text = c.t(
            "编码只能是自动、GBK 或 UTF-8。",
            "The encoding is auto, GBK or UTF-8.",
        );
        return say(
            &state,
            &c,
            StatusCode::BAD_REQUEST,
            c.t("上传失败", "Upload failed"),
            text,
        );
    };
    let file_name = upload
        .file_name
        .clone()
        .unwrap_or_else(|| kind.file_name().to_string());
    let app = state.app.clone();
    let name = file_name.clone();
    let previewed = on_bytes(upload.file, move |bytes| {
        Box::pin(async move {
            directory::preview(&app, kind, &name, bytes, Format::Auto, encoding).await
        })
    })
    .await;
    let table = table_name(kind, lang);
    let (status, found_html) = match previewed {
        Err(AppError::Import(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::preview(&c, table, &file_name, Found::Problems(&errors.0)),
        ),
        Err(AppError::Invalid(m)) => {
            return say(
                &state,
                &c,
                StatusCode::UNPROCESSABLE_ENTITY,
                table,
                m.in_lang(c.is_en()),
            );
        }
        Err(e) => return internal_error(&e),
        Ok((Preview::Unchanged(current), _)) => (
            StatusCode::OK,
            pages::preview(
                &c,
                table,
                &file_name,
                Found::Unchanged {
                    version: current.version,
                },
            ),
        ),
        Ok((
            Preview::Changed {
                current,
                rows,
                diff,
            },
            file,
        )) => {
            let held = uploads.held.hold(HeldUpload {
                file,
                user: s.principal.user_id,
                kind,
                file_name: file_name.clone(),
                encoding,
                seen: current.as_ref().map(|s| s.id),
                at: Instant::now(),
            });
            let Some(held) = held else {
                return internal_error(&"no randomness for the upload's id");
            };
            let found = Found::Changed {
                rows,
                current: current.map(|s| s.version),
                diff: &diff,
                held: &held,
            };
            (StatusCode::OK, pages::preview(&c, table, &file_name, found))
        }
    };
    page(&state, status, (lang, false), found_html)
}

#[derive(Debug, Default, Deserialize)]
struct HeldForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    upload: String,
    #[serde(default)]
    action: String,
}

/// Confirms (imports) or cancels (discards) an upload held since its preview.
pub async fn decide(
    State(state): State<AppState>,
    Extension(uploads): Extension<Uploads>,
    headers: HeaderMap,
    person: Person,
    body: Bytes,
) -> Response {
    let lang = lang_of(&PageQuery::default(), &headers).0;
    let form: HeldForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(r) = check_form(&state, &headers, &person, &form.csrf, lang) {
        return *r;
    }
    let (s, c) = match require_role(person, &headers, &state, PATH, lang, &[Role::Corps]) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(held) = uploads
        .held
        .take(&form.upload, s.principal.user_id, Instant::now())
    else {
        let text = c.t(
            "这份上传已确认、已取消、已过期（30 分钟）或不存在，没有导入任何内容。请重新上传预览。",
            "This upload was confirmed, cancelled, has expired (30 minutes) or does not exist; nothing was imported. Upload it again to preview.",
        );
        return say(
            &state,
            &c,
            StatusCode::NOT_FOUND,
            c.t("上传已失效", "Upload gone"),
            text,
        );
    };
    let table = table_name(held.kind, lang);
    if form.action != "confirm" {
        drop(held);
        let text = c.t(
            "已取消，上传的文件已删除，没有导入任何内容。",
            "Cancelled: the upload is deleted and nothing was imported.",
        );
        return say(&state, &c, StatusCode::OK, table, text);
    }
    let app = state.app.clone();
    let HeldUpload {
        file,
        kind,
        file_name: name,
        encoding,
        seen,
        ..
    } = held;
    let imported = on_bytes(file, move |bytes| {
        Box::pin(async move {
            let how = (Format::Auto, encoding);
            directory::import_onto(
                &app,
                kind,
                &name,
                bytes,
                how,
                Onto::Seen(seen),
                &NO_PROGRESS,
            )
            .await
        })
    })
    .await
    .map(|(imported, _)| imported);
    state.refresh().await;
    match imported {
        Ok(Imported::Created(snapshot)) => {
            let text = if c.is_en() {
                format!(
                    "Imported: version {} of {table}, {} rows.",
                    snapshot.version, snapshot.row_count
                )
            } else {
                format!(
                    "已导入：{table}第 {} 版，{} 行。",
                    snapshot.version, snapshot.row_count
                )
            };
            say(&state, &c, StatusCode::OK, c.t("已导入", "Imported"), &text)
        }
        Ok(Imported::Unchanged(snapshot)) => {
            let text = if c.is_en() {
                format!(
                    "Unchanged: the content equals version {}; no new version.",
                    snapshot.version
                )
            } else {
                format!("内容与第 {} 版相同，没有生成新版本。", snapshot.version)
            };
            say(
                &state,
                &c,
                StatusCode::OK,
                c.t("内容未变", "Unchanged"),
                &text,
            )
        }
        Err(AppError::Refused(_)) => {
            let text = c.t(
                "预览之后这个名录又导入了新版本，因此没有导入。请重新上传预览。",
                "Another import of this table landed after the preview, so nothing was imported. Upload the file again to preview it.",
            );
            say(&state, &c, StatusCode::CONFLICT, table, text)
        }
        Err(AppError::Import(errors)) => page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            (lang, false),
            pages::preview(&c, table, &name_of(&errors), Found::Problems(&errors.0)),
        ),
        Err(e) => internal_error(&e),
    }
}

/// The file the problems are in, as the page's heading names it.
fn name_of(errors: &crate::import::ImportErrors) -> String {
    errors.0.first().map(|e| e.file.clone()).unwrap_or_default()
}
