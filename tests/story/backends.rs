//! The databases the story suite runs on: a fresh SQLite file always, and a fresh
//! PostgreSQL database when a server answers (CI sets SHUANGSUI_REQUIRE_POSTGRES=1, so
//! there a missing server fails the suite instead of skipping it).

use std::sync::atomic::{AtomicU64, Ordering};

/// Where the PostgreSQL test server is (trust auth); databases are created and dropped here.
pub fn postgres_admin_url() -> String {
    std::env::var("SHUANGSUI_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database for one test, dropped (PostgreSQL) or deleted (SQLite) at the end.
pub struct TestDb {
    pub url: String,
    pub name: &'static str,
    pub dir: tempfile::TempDir,
    postgres_db: Option<String>,
}

impl TestDb {
    pub fn key(&self) -> std::path::PathBuf {
        self.dir.path().join("log.key")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(db) = self.postgres_db.take() {
            let admin = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                tokio::runtime::Runtime::new().unwrap().block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                })
            })
            .join();
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("story.db").display());
    TestDb {
        url,
        name: "sqlite",
        dir,
        postgres_db: None,
    }
}

/// A fresh PostgreSQL database, or None (with a clear message) when no server answers.
pub async fn postgres() -> Option<TestDb> {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let mut c = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("SHUANGSUI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!(
                    "PostgreSQL is required (SHUANGSUI_REQUIRE_POSTGRES=1) but {admin} does not answer: {e}"
                );
            }
            eprintln!("SKIPPED the PostgreSQL half of this story: {admin} does not answer ({e})");
            return None;
        }
    };
    let name = format!(
        "shuangsui_story_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut c)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    Some(TestDb {
        url: format!("{base}/{name}"),
        name: "postgres",
        dir: tempfile::tempdir().unwrap(),
        postgres_db: Some(name),
    })
}

/// Every backend available: SQLite, and PostgreSQL unless it is absent (and not required).
pub async fn all() -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    if let Some(pg) = postgres().await {
        dbs.push(pg);
    }
    dbs
}
