//! The public site: server-rendered pages (Chinese first, `?lang=en` for English), the
//! results as CSV and the bundle with its evidence. No token; every batch from its
//! commitment on (targets, results, CSV and bundle once published); every response made
//! once per log size (`state::PublicCache`).

use crate::msg;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::state::AppState;
use crate::app::{AppError, batch, export, public};
use crate::pages::{self, model::Lang};

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub lang: Option<String>,
    pub q: Option<String>,
}

fn lang_of(params: &PageParams) -> Lang {
    Lang::from_query(params.lang.as_deref())
}

/// A body with its content type, cacheable by browsers for a minute.
pub fn typed(bytes: Bytes, content_type: &'static str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r
}

/// A download: the body with a file name made of safe characters only.
pub fn download(bytes: Bytes, content_type: &'static str, file_name: &str) -> Response {
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut r = typed(bytes, content_type);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// An error as a page: what the reader can act on, never internal details.
pub fn error_page(e: AppError, lang: Lang) -> Response {
    // The API's mapping: the same status and message, internals logged and never shown.
    let super::error::ApiError {
        status, message, ..
    } = super::error::ApiError::from(e);
    let html = pages::render::error(status.as_u16(), message.in_lang(lang == Lang::En), lang);
    let mut r = (status, html).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

const HTML: &str = "text/html; charset=utf-8";

/// What anyone needs to verify with nothing from us but these files: the standard-library
/// Python verifier and tlog-tiles client, and the specifications they follow (their text;
/// [`DOC_PAGES`] serves them as pages too).
pub const FILES: &[(&str, &str, &str)] = &[
    (
        crate::pages::render::VERIFIER_PATH,
        "text/x-python; charset=utf-8",
        include_str!("../../tests/python/verify_bundle.py"),
    ),
    (
        "/verify/tlog_client.py",
        "text/x-python; charset=utf-8",
        include_str!("../../tests/python/tlog_client.py"),
    ),
    (
        "/console/new_batch.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/console/new_batch.js"),
    ),
    (
        "/docs/DRAW-SPEC.md",
        "text/plain; charset=utf-8",
        include_str!("../../docs/DRAW-SPEC.md"),
    ),
    (
        "/docs/LOG.md",
        "text/plain; charset=utf-8",
        include_str!("../../docs/LOG.md"),
    ),
    (
        "/docs/TRUST.md",
        "text/plain; charset=utf-8",
        include_str!("../../docs/TRUST.md"),
    ),
];

/// There is no page at this address.
pub fn not_found(uri: &axum::http::Uri) -> AppError {
    let path = uri.path();
    AppError::NotFound(msg!("没有这个页面：{path}", "no page {path}"))
}

/// One of [`FILES`], by its path.
pub async fn file(uri: axum::http::Uri) -> Response {
    match FILES.iter().find(|(path, _, _)| *path == uri.path()) {
        Some((_, content_type, text)) => typed(Bytes::from_static(text.as_bytes()), content_type),
        None => error_page(not_found(&uri), Lang::Zh),
    }
}

/// The documents also served as readable pages: the page's path and the path of its
/// Markdown text in [`FILES`].
pub const DOC_PAGES: &[(&str, &str)] = &[
    ("/docs/DRAW-SPEC", "/docs/DRAW-SPEC.md"),
    ("/docs/LOG", "/docs/LOG.md"),
    ("/docs/TRUST", "/docs/TRUST.md"),
];

/// One of [`DOC_PAGES`]: its Markdown as an HTML page, with a link to the text itself.
pub async fn doc_page(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Query(params): Query<PageParams>,
) -> Response {
    let lang = lang_of(&params);
    let found = DOC_PAGES
        .iter()
        .find(|(page, _)| *page == uri.path())
        .and_then(|(page, source)| {
            FILES
                .iter()
                .find(|(path, _, _)| path == source)
                .map(|(_, _, text)| (*page, *source, *text))
        });
    let Some((page, source, text)) = found else {
        return error_page(not_found(&uri), lang);
    };
    let made = state
        .cache
        .get_or_make(&format!("doc:{page}:{lang:?}"), || async {
            let title = pages::doc::title(text, source);
            let body = pages::doc::markdown_html(text);
            Ok(Bytes::from(pages::render::doc(
                page, title, source, &body, lang,
            )))
        })
        .await;
    match made {
        Ok(bytes) => typed(bytes, HTML),
        Err(e) => error_page(e, lang),
    }
}

/// `/`: the batches awaiting their draw, drawn, published and withdrawn.
pub async fn home(State(state): State<AppState>, Query(params): Query<PageParams>) -> Response {
    let lang = lang_of(&params);
    let today = batch::china_today();
    let key = format!("home:{lang:?}:{today}");
    let made = state
        .cache
        .get_or_make(&key, || async {
            let page = public::home(&state.app, &state.public_log, today).await?;
            Ok(Bytes::from(pages::render::home(&page, lang)))
        })
        .await;
    match made {
        Ok(bytes) => typed(bytes, HTML),
        Err(e) => error_page(e, lang),
    }
}

/// `/batches/{id}`: a batch from its commitment on (the announcement, then what its draw
/// and its publication made public).
pub async fn batch_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
) -> Response {
    let lang = lang_of(&params);
    let today = batch::china_today();
    let key = format!("batch:{id}:{lang:?}:{today}");
    let made = state
        .cache
        .get_or_make(&key, || async {
            let page = state.batch_page(&id, today).await?;
            Ok(Bytes::from(pages::render::batch(&page, lang)))
        })
        .await;
    match made {
        Ok(bytes) => typed(bytes, HTML),
        Err(e) => error_page(e, lang),
    }
}

/// `/batches/{id}/results.csv`: targets and results, for Excel (UTF-8 with BOM, formulas
/// neutralised).
pub async fn results_csv(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    results_download(&state, &id, "csv", "text/csv; charset=utf-8", |page| {
        Ok(pages::csv::results_csv(page))
    })
    .await
}

/// `/batches/{id}/results.xlsx`: the results CSV's columns as an `.xlsx` workbook, every cell
/// text (`pages::xlsx`).
pub async fn results_xlsx(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    results_download(&state, &id, "xlsx", pages::xlsx::CONTENT_TYPE, |page| {
        pages::xlsx::results(page)
            .map_err(|e| AppError::Setup(format!("the results workbook of {}: {e}", page.id)))
    })
    .await
}

/// A published batch's results as the download `{id}-results.{extension}`, made by `make`
/// once a day (the deadlines shown change with the day) and kept in the public cache; a
/// batch not published is not found.
async fn results_download(
    state: &AppState,
    id: &str,
    extension: &str,
    content_type: &'static str,
    make: fn(&pages::model::BatchPage) -> Result<Vec<u8>, AppError>,
) -> Response {
    let today = batch::china_today();
    let key = format!("{extension}:{id}:{today}");
    let made = state
        .cache
        .get_or_make(&key, || async {
            let page = state.batch_page(id, today).await?;
            if !page.is_published() {
                return Err(AppError::NotFound(msg!(
                    "没有已公示的批次 {id}",
                    "no published batch '{id}'"
                )));
            }
            make(&page).map(Bytes::from)
        })
        .await;
    match made {
        Ok(bytes) => download(bytes, content_type, &format!("{id}-results.{extension}")),
        Err(e) => error_page(e, Lang::Zh),
    }
}

/// The public export of a published batch (bundle + log evidence), made once per log size.
pub async fn public_export(state: &AppState, id: &str) -> Result<Bytes, AppError> {
    state
        .cache
        .get_or_make(&format!("bundle:{id}"), || async {
            public::published(&state.app, &state.public_log, id).await?;
            Ok(Bytes::from(
                export::export(&state.app, id, export::Audience::Public).await?,
            ))
        })
        .await
}

/// `/batches/{id}/bundle.json`: check it with `shuangsui verify FILE --log-key KEY`.
pub async fn bundle(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match public_export(&state, &id).await {
        Ok(bytes) => download(bytes, "application/json", &format!("{id}.export.json")),
        Err(e) => error_page(e, Lang::Zh),
    }
}

/// `/followups`: the open and overdue follow-ups (后续处置) of published batches.
pub async fn followups(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
) -> Response {
    let lang = lang_of(&params);
    let today = batch::china_today();
    let key = format!("followups:{lang:?}:{today}");
    let made = state
        .cache
        .get_or_make(&key, || async {
            let page =
                crate::app::followups::public_page(&state.app, &state.public_log, today).await?;
            Ok(Bytes::from(pages::followups::render(&page, lang)))
        })
        .await;
    match made {
        Ok(bytes) => typed(bytes, HTML),
        Err(e) => error_page(e, lang),
    }
}

/// `/stats/{year}`: a year's statistics (年度统计), counting published batches' targets.
pub async fn stats(
    State(state): State<AppState>,
    Path(year): Path<String>,
    Query(params): Query<PageParams>,
) -> Response {
    let lang = lang_of(&params);
    let key = format!("stats:{year}:{lang:?}:{}", batch::china_today());
    let made = state
        .cache
        .get_or_make(&key, || async {
            let s = super::api::stats::public_stats(&state, &year).await?;
            Ok(Bytes::from(pages::stats::page(&s, lang)))
        })
        .await;
    match made {
        Ok(bytes) => typed(bytes, HTML),
        Err(e) => error_page(e, lang),
    }
}

/// `/stats`: this year's statistics (China time).
pub async fn stats_now(state: State<AppState>, params: Query<PageParams>) -> Response {
    let year = chrono::Datelike::year(&batch::china_today()).to_string();
    stats(state, Path(year), params).await
}

/// `/search?q=`: organisations drawn in published batches, by name or USCC.
pub async fn search(State(state): State<AppState>, Query(params): Query<PageParams>) -> Response {
    let lang = lang_of(&params);
    let query = params.q.clone().unwrap_or_default();
    match public::search(&state.app, &state.public_log, &query).await {
        Ok(page) => {
            let mut r = typed(Bytes::from(pages::render::search(&page, lang)), HTML);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            r
        }
        Err(e) => error_page(e, lang),
    }
}
