//! The annual plan the demo publishes (SH-MZ-2026), as the public sees it: the page in
//! Chinese and English, linked from the home page and found by its year; the JSON view;
//! the coverage report as CSV and `.xlsx` with the same cells. Only published batches
//! count: the batch in progress shows its state and none of its targets.

use axum::http::{Method, StatusCode, header};
use shuangsui::pages::annual::HEADER;

use super::*;

const PLAN: &str = "SH-MZ-2026";

fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let (name, cells) = super::excel::first_sheet(bytes);
    assert_eq!(name, "抽查覆盖情况");
    cells
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_annual_plan_page_json_and_downloads() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let get = |path: String| {
        let router = router.clone();
        async move { call(&router, Method::GET, &path, None, None).await }
    };

    let home = get("/".into()).await;
    assert!(
        home.text().contains(&format!("href=\"/annual/{PLAN}\"")),
        "the home page links the plan"
    );
    let page = get(format!("/annual/{PLAN}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for words in [
        "上海市民政局2026年度",
        "抽查覆盖情况",
        "民发〔2017〕45号",
        "达标",
        "?lang=en",
    ] {
        assert!(html.contains(words), "{words}");
    }
    let en = get(format!("/annual/{PLAN}?lang=en")).await.text();
    assert!(en.contains("Coverage") && en.contains("Floors"), "{en}");
    let year = chrono::Datelike::year(&shuangsui::app::batch::china_today());
    assert_eq!(
        get(format!("/annual/{year}")).await.text(),
        html,
        "by its year (the demo's plan is this year's)"
    );
    assert_eq!(
        get("/annual/nope".into()).await.status,
        StatusCode::NOT_FOUND
    );

    let json = get(format!("/api/v1/public/annual/{PLAN}")).await.json();
    assert_eq!(json["scope"], "published");
    assert_eq!(json["department"], "上海市民政局");
    let batches = json["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 4);
    let in_progress = batches.iter().find(|b| b["id"] == IN_PROGRESS).unwrap();
    assert_eq!(in_progress["state"], "results");
    assert_eq!(in_progress["counted"], false);
    // Its targets stay sealed: no entity is listed as drawn in it.
    let repeats = json["coverage"]["repeats"].as_array().unwrap();
    assert!(
        repeats
            .iter()
            .all(|r| !r["drawn_in"].to_string().contains(IN_PROGRESS)),
        "{repeats:?}"
    );
    // The drawn counted are exactly the published batches' targets.
    let app = App::open(&demo.url, None).await.unwrap();
    let mut published = std::collections::BTreeSet::new();
    for b in batches.iter().filter(|b| b["state"] == "published") {
        for t in shuangsui::store::batches::assignments(&app.store, b["id"].as_str().unwrap())
            .await
            .unwrap()
        {
            published.insert(t.uscc);
        }
    }
    let level_rows: Vec<&serde_json::Value> = json["coverage"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["authority"] == "")
        .collect();
    let drawn: u64 = level_rows
        .iter()
        .map(|r| r["drawn"].as_u64().unwrap())
        .sum();
    let outside = json["coverage"]["outside"].as_u64().unwrap();
    assert_eq!(drawn + outside, published.len() as u64);
    // The department's view counts the batch in progress too.
    let all = shuangsui::app::annual::report(&app, PLAN, shuangsui::app::annual::Scope::All, None)
        .await
        .unwrap();
    let all_drawn: u64 = all
        .coverage
        .rows
        .iter()
        .filter(|r| r.authority.is_empty())
        .map(|r| r.drawn)
        .sum();
    assert!(all_drawn > drawn, "{all_drawn} > {drawn}");
    app.store.close().await;
    // The demo's social-organisation batch is published with every result: each floor is
    // met, but where the plan leaves it to chance (see story::annual::UNCERTAIN).
    for r in json["coverage"]["rows"].as_array().unwrap() {
        if r["met"] == false {
            let authority = r["authority"].as_str().unwrap();
            assert!(
                authority.is_empty() || ["310115", "310117"].contains(&authority),
                "{r}"
            );
        }
    }
    let list = get("/api/v1/public/annual".into()).await.json();
    assert_eq!(list[0]["id"], PLAN);

    // The coverage report: CSV (with BOM) and .xlsx, the same cells.
    let csv = get(format!("/annual/{PLAN}/coverage.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("SH-MZ-2026-coverage.csv")
    );
    let csv_rows: Vec<Vec<String>> = csv::Reader::from_reader(&csv.body[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let xlsx = get(format!("/annual/{PLAN}/coverage.xlsx")).await;
    assert_eq!(
        xlsx.headers[header::CONTENT_TYPE],
        shuangsui::pages::xlsx::CONTENT_TYPE
    );
    let cells = sheet(&xlsx.body);
    assert_eq!(cells[0], HEADER);
    assert_eq!(cells[1..], csv_rows[..]);
    assert_eq!(
        csv_rows.len(),
        json["coverage"]["rows"].as_array().unwrap().len()
    );
    assert!(
        csv_rows
            .iter()
            .any(|r| r[0] == "社会组织" && r[1] == "县级" && r[3] == "崇明")
    );
}
