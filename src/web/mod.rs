//! The HTTP adapter (axum): the JSON API under `/api/v1` (`api`), the public pages
//! (`site`), roles and tokens (`auth`), one error shape (`error`), hardening (this file:
//! body limits, timeouts, security headers, panics caught; `input`: control characters;
//! `client`: the client's address; `connections` and `server`: head timeout and
//! connection caps; `upload`: uploads spooled to a file), settings and the server; and
//! `witness`, the routes of `shuangsui witness serve` (C2SP `tlog-witness`) on the same server.
//! Handlers call the same application functions as the CLI; nothing here decides an
//! outcome.

pub mod annual;
pub mod api;
pub mod auth;
pub mod client;
pub mod connections;
pub mod console;
pub mod error;
pub mod input;
pub mod limiter;
pub mod public_log;
pub mod server;
pub mod settings;
pub mod site;
pub mod state;
pub mod upload;
pub mod witness;

use crate::domain::Message;
use crate::msg;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use settings::Settings;
pub use state::AppState;

use error::ApiError;

/// A content security policy: nothing but this origin's own pages, inline styles and this
/// origin's stylesheets (the console's print sheets), and the scripts named.
macro_rules! csp {
    ($scripts:literal) => {
        concat!(
            "default-src 'none'; ",
            $scripts,
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
    };
}

/// The pages' content security policy: no scripts at all.
const CSP: &str = csp!("");

/// The policy of the one console page with a script (the new-batch form's counts): only
/// script files of this origin, which may post back to it; still no inline script.
pub const CSP_WITH_OWN_SCRIPTS: &str = csp!("script-src 'self'; connect-src 'self'; ");

/// Limits applied to every connection and request.
#[derive(Debug, Clone)]
pub struct Limits {
    pub request_timeout: Duration,
    /// How long a request head may take to arrive.
    pub header_timeout: Duration,
    /// Connections open at once, in all and from one address.
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    /// Any request body but an upload.
    pub body_bytes: usize,
    /// A directory upload's body, and where it is spooled.
    pub upload: upload::Spool,
    /// Whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<client::TrustedProxies>,
}

impl Limits {
    /// The limits of `s`; settings that passed `Settings::check` always convert (an
    /// unreadable proxy list is then empty).
    pub fn from_settings(s: &Settings) -> Limits {
        let dir = if s.upload_dir.as_os_str().is_empty() {
            std::env::temp_dir()
        } else {
            PathBuf::from(&s.upload_dir)
        };
        Limits {
            request_timeout: Duration::from_secs(s.request_timeout_secs),
            header_timeout: Duration::from_secs(s.header_timeout_secs),
            max_connections: s.max_connections,
            max_connections_per_address: s.max_connections_per_address,
            body_bytes: s.body_limit_bytes,
            upload: upload::Spool {
                max_bytes: s.upload_limit_bytes,
                dir: Arc::from(dir),
            },
            trusted_proxies: Arc::new(
                client::TrustedProxies::parse(&s.trusted_proxies).unwrap_or_default(),
            ),
        }
    }
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        let path = uri.path();
        ApiError::not_found(msg!("没有这个接口：{path}", "no route {path}")).into_response()
    } else {
        site::error_page(site::not_found(&uri), crate::pages::model::Lang::Zh)
    }
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        Message::new(
            "这个接口不接受该请求方法",
            "this route does not take that method",
        ),
    )
    .into_response()
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal(&"a handler panicked").into_response()
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// The whole application: pages, API, limits and headers.
pub fn router(state: AppState, limits: Limits) -> Router {
    let api =
        api::routes(limits.upload.clone()).layer(header_layer(header::CACHE_CONTROL, "no-store"));
    let files = site::FILES.iter().fold(Router::new(), |r, (path, _, _)| {
        r.route(path, get(site::file))
    });
    let files = site::DOC_PAGES
        .iter()
        .fold(files, |r, (path, _)| r.route(path, get(site::doc_page)));
    Router::new()
        .merge(files)
        .route("/", get(site::home))
        .route("/search", get(site::search))
        .route("/followups", get(site::followups))
        .route("/stats", get(site::stats_now))
        .route("/stats/{year}", get(site::stats))
        .route("/batches/{id}", get(site::batch_page))
        .route("/batches/{id}/results.csv", get(site::results_csv))
        .route("/batches/{id}/results.xlsx", get(site::results_xlsx))
        .route("/batches/{id}/bundle.json", get(site::bundle))
        .route("/annual/{id}", get(annual::page))
        .route("/annual/{id}/coverage.csv", get(annual::coverage_csv))
        .route("/annual/{id}/coverage.xlsx", get(annual::coverage_xlsx))
        .route("/log/checkpoint", get(public_log::checkpoint))
        .route("/log/witnesses", get(public_log::witnesses))
        .route("/log/tile/{*path}", get(public_log::tile))
        .route("/log/opening/{seq}", get(public_log::opening))
        .route("/log/content/{sha256}", get(public_log::content))
        .route("/healthz", get(|| async { "ok" }))
        .merge(console::routes(limits.upload.clone()))
        .nest("/api/v1", api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            limits.trusted_proxies.clone(),
            client::resolve,
        ))
        .layer(axum::middleware::from_fn(input::refuse_control_characters))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(header_layer(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}
