//! A NUL or other control character in a path or query: 400 in the one error shape on
//! SQLite and PostgreSQL, never a 500 and never a way around the search's `LIKE` escape.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{Method, StatusCode};

use super::*;

/// Paths with a control character where an id or a search goes.
fn bad_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for c in ["%00", "%01", "%1F", "%7F", "%C2%85", "%0A"] {
        paths.push(format!("/api/v1/public/search?q={c}"));
        paths.push(format!("/api/v1/public/search?q=%E5%85%BB{c}"));
        paths.push(format!("/search?q={c}"));
        paths.push(format!("/batches/{c}"));
        paths.push(format!("/batches/X{c}/results.csv"));
        paths.push(format!("/api/v1/public/batches/{c}"));
        paths.push(format!("/api/v1/public/batches/{PUBLISHED}{c}/bundle"));
        paths.push(format!("/api/v1/batches/{c}"));
        paths.push(format!("/?lang=en{c}"));
    }
    paths
}

async fn all_refused(router: &Router, corps: &str) {
    for path in bad_paths() {
        let r = call(router, Method::GET, &path, Some(corps), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text());
        if path.starts_with("/api/") {
            assert_eq!(r.error_code(), "bad_request", "{path}");
            assert!(
                r.text().contains("control character"),
                "{path}: {}",
                r.text()
            );
            assert!(r.text().contains("控制字符"), "{path}: {}", r.text());
        } else {
            // A page in Chinese, or English on the toggle.
            let said = if path.contains("lang=en") {
                "control character"
            } else {
                "控制字符"
            };
            assert!(r.text().contains(said), "{path}: {}", r.text());
            assert!(!r.text().contains(PUBLISHED), "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_on_sqlite() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    // The bypass as it was: `q=%00` listed every published target.
    let r = call(
        &router,
        Method::GET,
        "/api/v1/public/search?q=%00",
        None,
        None,
    )
    .await;
    assert!(
        !r.text().contains("\"uscc\""),
        "a NUL search listed targets: {}",
        r.text()
    );
    all_refused(&router, &demo.corps).await;
    // Ordinary searches still work.
    let r = call(
        &router,
        Method::GET,
        "/api/v1/public/search?q=%E5%85%BB%E8%80%81",
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.json()["hits"].as_array().unwrap().is_empty());
    // The store does not depend on the web layer for this: a NUL search finds nothing.
    let app = App::open(&demo.url, None).await.unwrap();
    let found = shuangsui::store::batches::search_published(&app.store, "\0", 100)
        .await
        .unwrap();
    assert!(found.is_empty(), "{} hits for a NUL", found.len());
}

/// A fresh, initialised PostgreSQL database, dropped at the end; None when no server
/// answers (unless SHUANGSUI_REQUIRE_POSTGRES=1, which makes that a failure).
struct Pg {
    url: String,
    name: String,
    dir: tempfile::TempDir,
}

fn admin_url() -> String {
    std::env::var("SHUANGSUI_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

async fn postgres() -> Option<Pg> {
    use sqlx::Connection;
    let admin = admin_url();
    let mut c = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("SHUANGSUI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("PostgreSQL is required but {admin} does not answer: {e}");
            }
            eprintln!("SKIPPED the PostgreSQL half: {admin} does not answer ({e})");
            return None;
        }
    };
    let name = format!(
        "shuangsui_http_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut c)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let pg = Pg {
        url: format!("{base}/{name}"),
        name,
        dir: tempfile::tempdir().unwrap(),
    };
    shuangsui::app::init(&pg.url, &pg.dir.path().join("log.key"), "test/http")
        .await
        .unwrap();
    Some(pg)
}

impl Drop for Pg {
    fn drop(&mut self) {
        let (admin, name) = (admin_url(), self.name.clone());
        let _ = std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                }
            })
        })
        .join();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_on_postgres() {
    let Some(pg) = postgres().await else {
        return;
    };
    let app = App::open(&pg.url, Some(&pg.dir.path().join("log.key")))
        .await
        .unwrap();
    let (_, token) =
        shuangsui::app::users::add(&app, "corps", shuangsui::app::users::Role::Corps, None)
            .await
            .unwrap();
    let state = AppState::new(
        app,
        FailedAuthLimiter::new(1_000, std::time::Duration::from_secs(300)),
        "",
    );
    state.refresh().await;
    let router = web::router(state, Limits::from_settings(&Settings::default()));
    all_refused(&router, &token).await;
    // Below the web layer, too: a NUL search is no match rather than a database error.
    let app = App::open(&pg.url, None).await.unwrap();
    let found = shuangsui::store::batches::search_published(&app.store, "\0", 100)
        .await
        .expect("a NUL search is no error on PostgreSQL");
    assert!(found.is_empty());
}
