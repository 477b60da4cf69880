//! HTTP tests: the router in process (`tower::ServiceExt::oneshot`) over a database made by
//! `shuangsui demo --no-serve`, the role × route matrix, and a real server on port 0.

mod announcement;
mod annual;
mod api;
mod connections;
mod console;
mod control_chars;
mod excel;
mod hardening;
mod how_to_verify;
mod matrix;
mod openapi;
mod public_log;
mod server;
mod stats;
mod witnessed;

use std::path::PathBuf;
use std::process::Command;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use shuangsui::app::App;
use shuangsui::web::{self, AppState, Limits, Settings, limiter::FailedAuthLimiter};
use tower::ServiceExt;

/// The published batch and the one in progress, as `demo` makes them.
pub const PUBLISHED: &str = "SH-MZ-2026-YL-01";
pub const IN_PROGRESS: &str = "SH-MZ-2026-LH-01";

/// A demo database in a temporary folder, with its tokens.
pub struct Demo {
    pub dir: tempfile::TempDir,
    pub url: String,
    pub key: PathBuf,
    pub corps: String,
    pub officer: String,
    pub auditor: String,
    pub reviewer: String,
    /// Role, user name and console password of each demo person.
    pub people: Vec<(String, String, String)>,
}

impl Demo {
    /// The user name and console password of the demo person of `role`.
    pub fn person(&self, role: &str) -> (&str, &str) {
        self.people
            .iter()
            .find(|p| p.0 == role)
            .map(|p| (p.1.as_str(), p.2.as_str()))
            .unwrap_or_else(|| panic!("no demo {role}"))
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped elderly-care plan with its inspection window moved to start today, as the
/// demo does: results are dated today, inside it.
pub fn elderly_care_plan() -> String {
    let text = std::fs::read_to_string(root().join("registries/shanghai/plans/elderly-care.toml"))
        .unwrap();
    let today = shuangsui::app::batch::china_today();
    shuangsui::plan::window::with_window(&text, today, today + chrono::Days::new(45))
}

/// Runs `shuangsui demo --no-serve` into a fresh folder and reads the tokens it prints.
pub fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(root())
        .args(["demo", "--no-serve", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "demo failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Lines of "role name password token".
    let people: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() == 4 && w[3].starts_with("ss1."))
        .collect();
    let token = |role: &str| {
        people
            .iter()
            .find(|w| w[0] == role)
            .map(|w| w[3].to_string())
            .unwrap_or_else(|| panic!("no {role} token in:\n{stdout}"))
    };
    Demo {
        url: format!("sqlite://{}", dir.path().join("shuangsui.db").display()),
        key: dir.path().join("log.key"),
        corps: token("corps"),
        officer: token("officer"),
        auditor: token("auditor"),
        reviewer: token("reviewer"),
        people: people
            .iter()
            .map(|w| (w[0].to_string(), w[1].to_string(), w[2].to_string()))
            .collect(),
        dir,
    }
}

/// The router over `demo`'s database, with a failed-authentication limit of `max_failures`.
pub async fn router(demo: &Demo, max_failures: u32) -> Router {
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let state = AppState::new(
        app,
        FailedAuthLimiter::new(max_failures, std::time::Duration::from_secs(300)),
        "",
    );
    state.refresh().await;
    web::router(state, Limits::from_settings(&Settings::default()))
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Checks the one error shape and returns its code.
    pub fn error_code(&self) -> String {
        let v = self.json();
        let e = &v["error"];
        assert_eq!(
            e["status"].as_u64(),
            Some(self.status.as_u16() as u64),
            "{v}"
        );
        assert!(!e["message"].as_str().unwrap_or_default().is_empty(), "{v}");
        e["code"].as_str().unwrap_or_default().to_string()
    }
}

/// One request in process.
pub async fn call(
    router: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let request = match body {
        Some((content_type, bytes)) => request
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes)),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A staffed target of `batch` without a result, and the first officer of its team.
pub async fn open_target(demo: &Demo, batch: &str) -> (String, String) {
    let app = App::open(&demo.url, None).await.unwrap();
    let targets = shuangsui::store::batches::assignments(&app.store, batch)
        .await
        .unwrap();
    let results = shuangsui::store::results::of_batch(&app.store, batch)
        .await
        .unwrap();
    let t = targets
        .iter()
        .find(|t| !t.team.is_empty() && !results.iter().any(|r| r.uscc == t.uscc))
        .expect("a target without a result");
    (t.uscc.clone(), t.team[0].clone())
}

/// The corps asks to publish `batch`.
pub async fn publish(router: &Router, demo: &Demo, batch: &str) -> Reply {
    call(
        router,
        Method::POST,
        &format!("/api/v1/batches/{batch}/publish"),
        Some(&demo.corps),
        None,
    )
    .await
}

/// Approves, with the demo reviewer's token, every result of `batch` awaiting review (what
/// publication needs); returns how many.
pub async fn approve_all(router: &Router, demo: &Demo, batch: &str) -> usize {
    let waiting = call(
        router,
        Method::GET,
        &format!("/api/v1/batches/{batch}/results/awaiting-review"),
        Some(&demo.reviewer),
        None,
    )
    .await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.text());
    let ids: Vec<i64> = waiting
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["result"]["id"].as_i64().unwrap())
        .collect();
    for id in &ids {
        let r = call(
            router,
            Method::POST,
            &format!("/api/v1/batches/{batch}/results/{id}/approve"),
            Some(&demo.reviewer),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    ids.len()
}
