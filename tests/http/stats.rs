//! The statistics of this year (年度统计) on the demo (its batches' windows start today), as the public and the corps see them:
//! the page in Chinese and English with its two charts, `/stats` as this year's, the JSON
//! the page is made from, counted here again from the tables: the public counts the
//! published batches' targets and results only, the corps every drawn batch. A year
//! without batches says so; a year that is not one is refused.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};

use super::*;

/// Targets, standing results and category selections of `batches`, counted from the tables.
async fn counted(app: &App, batches: &[&str]) -> (u64, u64, BTreeMap<String, u64>) {
    let (mut targets, mut inspected) = (0, 0);
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    for b in batches {
        targets += shuangsui::store::batches::assignments(&app.store, b)
            .await
            .unwrap()
            .len() as u64;
        let results = shuangsui::store::results::of_batch(&app.store, b)
            .await
            .unwrap();
        // Standing: not corrected by another.
        let corrected: Vec<i64> = results.iter().filter_map(|r| r.corrects).collect();
        for r in results.iter().filter(|r| !corrected.contains(&r.id)) {
            inspected += 1;
            for c in &r.codes {
                *codes.entry(c.clone()).or_default() += 1;
            }
        }
    }
    (targets, inspected, codes)
}

fn by_code(json: &serde_json::Value) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for c in json["categories"].as_array().unwrap() {
        *out.entry(c["code"].as_str().unwrap().to_string())
            .or_default() += c["count"].as_u64().unwrap();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_year_in_numbers_for_the_public_and_the_corps() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let get = |path: String, token: Option<String>| {
        let router = router.clone();
        async move { call(&router, Method::GET, &path, token.as_deref(), None).await }
    };

    let year = chrono::Datelike::year(&shuangsui::app::batch::china_today());
    let public = get(format!("/api/v1/public/stats/{year}"), None).await;
    assert_eq!(public.status, StatusCode::OK);
    let public = public.json();
    assert_eq!(public["scope"], "published");
    assert_eq!(public["year"], year);
    let app = App::open(&demo.url, None).await.unwrap();
    let batches = shuangsui::store::batches::all(&app.store).await.unwrap();
    let published: Vec<&str> = batches
        .iter()
        .filter(|b| b.state == "published")
        .map(|b| b.id.as_str())
        .collect();
    let drawn: Vec<&str> = batches
        .iter()
        .filter(|b| matches!(b.state.as_str(), "drawn" | "results" | "published"))
        .map(|b| b.id.as_str())
        .collect();
    assert!(drawn.contains(&IN_PROGRESS) && !published.contains(&IN_PROGRESS));
    assert_eq!(public["batches"]["total"], batches.len() as u64);
    assert_eq!(public["batches"]["published"], published.len() as u64);
    assert_eq!(public["batches"]["in_progress"], 1);
    let (targets, inspected, codes) = counted(&app, &published).await;
    assert_eq!(public["targets"]["drawn"], targets);
    assert_eq!(public["targets"]["inspected"], inspected);
    assert_eq!(
        by_code(&public),
        codes,
        "categories: published results only"
    );
    // The batch in progress is listed, its targets not counted.
    let line = public["per_batch"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == IN_PROGRESS)
        .unwrap();
    assert_eq!(
        (&line["counted"], &line["targets"]),
        (&false.into(), &0.into())
    );
    // The demo closes one follow-up and leaves others open.
    let f = &public["followups"];
    assert!(
        f["closed"].as_u64().unwrap() >= 1 && f["open"].as_u64().unwrap() >= 1,
        "{f}"
    );
    assert!(!public["closure_rate"].as_str().unwrap().is_empty());

    // The corps counts the batch in progress too; an officer may not read it, nor anyone
    // without a token.
    let all = get(format!("/api/v1/stats/{year}"), Some(demo.corps.clone())).await;
    assert_eq!(all.status, StatusCode::OK);
    let all = all.json();
    assert_eq!(all["scope"], "all");
    let (targets_all, inspected_all, codes_all) = counted(&app, &drawn).await;
    assert_eq!(all["targets"]["drawn"], targets_all);
    assert_eq!(all["targets"]["inspected"], inspected_all);
    assert_eq!(by_code(&all), codes_all);
    assert!(targets_all > targets);
    assert_eq!(
        get(format!("/api/v1/stats/{year}"), Some(demo.officer.clone()))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(format!("/api/v1/stats/{year}"), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.store.close().await;

    // The page: the same numbers, two charts, both languages.
    let page = get(format!("/stats/{year}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for words in [
        &format!("年度统计 {year}"),
        "检查结果分类",
        "公示及时性",
        "完结率",
        &format!("<dd class=\"n\">{targets}</dd>"),
        IN_PROGRESS,
    ] {
        assert!(html.contains(words), "{words}");
    }
    // Two charts, each wide and narrow (for phones).
    assert_eq!(html.matches("<svg").count(), 4);
    let en = get(format!("/stats/{year}?lang=en"), None).await.text();
    assert!(
        en.contains(&format!("Statistics of the year {year}"))
            && en.contains("Publication timeliness"),
        "{en}"
    );
    assert_eq!(
        get("/stats".into(), None).await.text(),
        get(format!("/stats/{year}"), None).await.text(),
        "/stats is this year's"
    );
    // A year without batches, and what is not a year.
    let empty = get(format!("/stats/{}", year - 2), None).await.text();
    assert!(empty.contains("本年度没有已公告的抽查批次"), "{empty}");
    for bad in ["/stats/20x6", "/stats/1999"] {
        let r = get(bad.into(), None).await;
        assert!(r.status.is_client_error(), "{bad}: {}", r.status);
        assert!(r.text().contains("年份"), "{bad}");
    }
    let r = get("/api/v1/public/stats/nope".into(), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "invalid");
}
