//! The announcement (抽查任务公告): a batch is public from its commitment on. Its page and
//! the public JSON show the plan, its entropy source and the logged commitment; the home
//! page lists it by where it stands (withdrawn ones with their reason). What the pages say
//! is what the log says: a table changed behind the log's back shows nothing it should not.

use axum::http::{Method, StatusCode};
use serde_json::json;
use shuangsui::app::App;

use super::{IN_PROGRESS, PUBLISHED, call, demo, router};

fn plan(id: &str) -> Vec<u8> {
    super::elderly_care_plan()
        .replace(PUBLISHED, id)
        .into_bytes()
}

/// The `commitment_hash` of batch `id`'s `batch.committed` entry, read from the log.
async fn logged_commitment(app: &App, id: &str) -> String {
    let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
    entries
        .iter()
        .map(|e| shuangsui::ledger::entry::decode(&e.bytes).unwrap())
        .find(|e| e.kind == "batch.committed" && e.event["batch"] == id)
        .map(|e| e.event["commitment_hash"].as_str().unwrap().to_string())
        .expect("a batch.committed entry")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committed_batch_is_announced_with_its_plan_and_logged_commitment() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    for (id, withdraw) in [("SH-T-ANNOUNCED", false), ("SH-T-WITHDRAWN", true)] {
        let made = call(
            &router,
            Method::POST,
            "/api/v1/batches",
            Some(&demo.corps),
            Some(("application/toml", plan(id))),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        // A draft is not announced yet.
        let draft = call(&router, Method::GET, &format!("/batches/{id}"), None, None).await;
        assert_eq!(draft.status, StatusCode::NOT_FOUND);
        let r = call(
            &router,
            Method::POST,
            &format!("/api/v1/batches/{id}/commit"),
            Some(&demo.corps),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        if withdraw {
            let r = call(
                &router,
                Method::POST,
                &format!("/api/v1/batches/{id}/withdraw"),
                Some(&demo.corps),
                Some((
                    "application/json",
                    serde_json::to_vec(&json!({ "reason": "名录快照有误，重新导入" })).unwrap(),
                )),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
    }
    let app = App::open(&demo.url, None).await.unwrap();
    let hash = logged_commitment(&app, "SH-T-ANNOUNCED").await;

    let home = call(&router, Method::GET, "/", None, None).await.text();
    let section = |id: &str| {
        let start = home.find(&format!("<section id=\"{id}\">")).unwrap();
        let end = start + home[start..].find("</section>").unwrap();
        home[start..end].to_string()
    };
    assert!(section("announced").contains("SH-T-ANNOUNCED"), "{home}");
    assert!(section("announced").contains(&hash));
    assert!(section("drawn").contains(IN_PROGRESS));
    assert!(section("published").contains(PUBLISHED));
    assert!(section("withdrawn").contains("SH-T-WITHDRAWN"));
    assert!(section("withdrawn").contains("名录快照有误，重新导入"));
    assert!(section("log").contains("公开日志"));

    let page = call(&router, Method::GET, "/batches/SH-T-ANNOUNCED", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for words in [
        "抽查任务公告",
        "已承诺",
        &hash,
        "行业领域：养老服务",
        "投诉举报：列入以下任一名录 投诉举报；按比例 50% 抽取",
        "D级（高风险）：信用风险分类 D（已归入前面分层的除外）；按比例 30% 抽取",
        "每组 2 名执法人员",
        "公开摇号：见证人 陈思远、林晓岚、周文博 各自现场掷出 10 位数字",
        "<code>batch.committed</code>",
    ] {
        assert!(html.contains(words), "{words} in {html}");
    }
    assert!(
        !html.contains("results.csv"),
        "nothing to download before publication"
    );

    let api = call(
        &router,
        Method::GET,
        "/api/v1/public/batches/SH-T-ANNOUNCED",
        None,
        None,
    )
    .await
    .json();
    assert_eq!(api["state"], "committed");
    assert_eq!(api["commitment_hash"], hash.as_str());
    assert_eq!(api["plan"]["entropy"]["source"], "ceremony");
    assert_eq!(api["plan"]["strata"][0]["ratio"], "50/100");
    assert_eq!(api["plan"]["strata"][0]["lists"], json!(["投诉举报"]));
    assert_eq!(api["plan"]["strata"][1]["ratio"], "30/100");
    assert_eq!(api["log_entries"][1]["kind"], "batch.committed");
    assert_eq!(api["targets"], json!([]));
    let listed = call(&router, Method::GET, "/api/v1/public/batches", None, None)
        .await
        .json();
    assert_eq!(listed["announced"][0]["id"], "SH-T-ANNOUNCED", "{listed}");
    assert_eq!(
        listed["withdrawn"][0]["withdraw_reason"],
        "名录快照有误，重新导入"
    );
    let withdrawn = call(&router, Method::GET, "/batches/SH-T-WITHDRAWN", None, None)
        .await
        .text();
    assert!(withdrawn.contains("已撤回"));
    assert!(withdrawn.contains("名录快照有误，重新导入"));
}

/// The page's plan is the stored header only if it hashes to the logged commitment; a
/// batch marked published in the table alone shows no target, serves no bundle and is not
/// searched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_follow_the_log_not_a_changed_table() {
    let demo = demo();
    let app = App::open(&demo.url, None).await.unwrap();
    let hidden = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
        .await
        .unwrap()[0]
        .clone();
    let pool = sqlx::SqlitePool::connect(&demo.url).await.unwrap();
    sqlx::query("UPDATE batches SET state = 'published', published_at = drawn_at WHERE id = $1")
        .bind(IN_PROGRESS)
        .execute(&pool)
        .await
        .unwrap();
    let header: Vec<u8> = sqlx::query_scalar("SELECT commitment_header FROM batches WHERE id = $1")
        .bind(PUBLISHED)
        .fetch_one(&pool)
        .await
        .unwrap();
    let header = String::from_utf8(header).unwrap();
    let forged = header.replace(
        "养老机构服务质量和运营管理情况检查",
        "养老机构服务质量和运营管理情况检查（改）",
    );
    assert_ne!(forged, header);
    sqlx::query("UPDATE batches SET commitment_header = $1 WHERE id = $2")
        .bind(forged.into_bytes())
        .bind(PUBLISHED)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let router = router(&demo, 1_000).await;

    let page = call(
        &router,
        Method::GET,
        &format!("/batches/{IN_PROGRESS}"),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("已抽取") || page.text().contains("结果录入中"));
    assert!(
        !page.text().contains(hidden.uscc.as_str()),
        "no target shown"
    );
    for file in ["bundle.json", "results.csv"] {
        let r = call(
            &router,
            Method::GET,
            &format!("/batches/{IN_PROGRESS}/{file}"),
            None,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{file}: {}", r.text());
    }
    let found = call(
        &router,
        Method::GET,
        &format!("/api/v1/public/search?q={}", hidden.uscc),
        None,
        None,
    )
    .await
    .json();
    assert!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["batch_id"] != IN_PROGRESS),
        "{found}"
    );

    let forged = call(
        &router,
        Method::GET,
        &format!("/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        forged.text()
    );
    assert!(!forged.text().contains("（改）"), "{}", forged.text());
}
