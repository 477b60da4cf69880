//! The API's flows in process: a batch run by the corps, results by officers, publication,
//! corrections showing on the cached page, and the hardening (limits, headers, rate limit).

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use shuangsui::app::{self, App, users::Role};

use super::*;

fn body(v: serde_json::Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

fn today() -> String {
    shuangsui::app::batch::china_today().to_string()
}

/// A token for an officer user with `card` (made directly, as `user add` would).
async fn officer_token(demo: &Demo, card: &str) -> String {
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let (_, token) = app::users::add(&app, &format!("officer-{card}"), Role::Officer, Some(card))
        .await
        .unwrap();
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_records_only_for_their_own_targets() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (mine, _) = open_target(&demo, IN_PROGRESS).await;
    let app = App::open(&demo.url, None).await.unwrap();
    let targets = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
        .await
        .unwrap();
    let me = call(
        &router,
        Method::GET,
        "/api/v1/me",
        Some(&demo.officer),
        None,
    )
    .await;
    let card = me.json()["card_no"].as_str().unwrap().to_string();
    let theirs = targets
        .iter()
        .find(|t| !t.team.is_empty() && !t.team.contains(&card))
        .unwrap();
    let path = format!("/api/v1/batches/{IN_PROGRESS}/results");
    let refused = call(
        &router,
        Method::POST,
        &path,
        Some(&demo.officer),
        body(json!({"uscc": theirs.uscc, "codes": ["1"], "inspected_on": today()})),
    )
    .await;
    // Another team's target is not the officer's: not found (as a batch that does not
    // exist; `matrix` holds every such case to one answer).
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text());
    assert_eq!(refused.error_code(), "not_found");
    // Only their own assignments are listed.
    let own = call(
        &router,
        Method::GET,
        "/api/v1/me/assignments",
        Some(&demo.officer),
        None,
    )
    .await;
    let own = own.json();
    let listed: Vec<&str> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["target"]["uscc"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&mine.as_str()), "{own}");
    assert!(!listed.contains(&theirs.uscc.as_str()), "{own}");
    for a in own.as_array().unwrap() {
        // The joint batch inspects 养老服务: its list is the elderly-care one.
        if a["batch_id"] == IN_PROGRESS {
            assert_eq!(
                (a["sector"].as_str(), a["result_codes"].as_str()),
                (Some("养老服务"), Some("elderly-care")),
                "{a}"
            );
        }
        assert!(
            a["target"]["team"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| *c == card.as_str()),
            "{a}"
        );
    }
    // Bad input: named, nothing written.
    for (bad, what) in [
        (
            json!({"uscc": mine, "codes": ["1", "A"], "inspected_on": today()}),
            "1",
        ),
        // Contradictory selections are refused with the rule of the 养老服务 list that
        // forbids them, Chinese first.
        (
            json!({"uscc": mine, "codes": ["A", "E"], "inspected_on": today()}),
            "「A 发现问题待后续处理」与「E 发现问题经责令已改正」只能选一",
        ),
        (
            json!({"uscc": mine, "codes": ["8", "9", "E", "F"], "inspected_on": today()}),
            "「9 已注销」须单独选择",
        ),
        (
            json!({"uscc": mine, "codes": ["YL06", "A"], "inspected_on": today()}),
            "须同时选择其上级「2 违反养老服务管理规定」",
        ),
        // A code of another sector's list (社会组织) is not this target's.
        (
            json!({"uscc": mine, "codes": ["2", "SZ01", "A"], "inspected_on": today()}),
            "'SZ01'",
        ),
        (
            json!({"uscc": mine, "codes": ["1"], "inspected_on": "2026-13-01"}),
            "inspected_on",
        ),
        (
            json!({"uscc": mine, "codes": ["1"], "inspected_on": today(), "extra": 1}),
            "extra",
        ),
    ] {
        let r = call(&router, Method::POST, &path, Some(&demo.officer), body(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains(what), "{}", r.text());
    }
    let ok = call(
        &router,
        Method::POST,
        &path,
        Some(&demo.officer),
        body(json!({"uscc": mine, "codes": ["2", "YL05", "E"], "note": "已整改", "inspected_on": today()})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
    let id = ok.json()["id"].as_i64().unwrap();
    let corrected = call(
        &router,
        Method::POST,
        &path,
        Some(&demo.officer),
        body(json!({"uscc": mine, "codes": ["1"], "inspected_on": today(), "corrects": id})),
    )
    .await;
    assert_eq!(
        corrected.status,
        StatusCode::CREATED,
        "{}",
        corrected.text()
    );
    assert_eq!(corrected.json()["corrects"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corps_runs_a_batch_and_the_public_verifies_it() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let plan = super::elderly_care_plan().replace("SH-MZ-2026-YL-01", "SH-MZ-2026-YL-API");
    let created = call(
        &router,
        Method::POST,
        "/api/v1/batches",
        Some(&demo.corps),
        Some(("application/toml", plan.clone().into_bytes())),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["state"], "draft");
    let again = call(
        &router,
        Method::POST,
        "/api/v1/batches",
        Some(&demo.corps),
        Some(("application/toml", plan.into_bytes())),
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text()
    );
    let id = "SH-MZ-2026-YL-API";
    let committed = call(
        &router,
        Method::POST,
        &format!("/api/v1/batches/{id}/commit"),
        Some(&demo.corps),
        None,
    )
    .await;
    assert_eq!(committed.status, StatusCode::OK, "{}", committed.text());
    let hash = committed.json()["commitment_hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(hash.len(), 64);
    // Announced from its commitment on, with its hash; nothing to verify yet.
    let announced = call(&router, Method::GET, &format!("/batches/{id}"), None, None).await;
    assert_eq!(announced.status, StatusCode::OK);
    assert!(announced.text().contains(&hash), "{}", announced.text());
    let hidden = call(
        &router,
        Method::GET,
        &format!("/batches/{id}/bundle.json"),
        None,
        None,
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let entropy = "陈思远=1234567890,林晓岚=0987654321,周文博=5555555555";
    let drawn = call(
        &router,
        Method::POST,
        &format!("/api/v1/batches/{id}/draw"),
        Some(&demo.corps),
        body(json!({"entropy": entropy})),
    )
    .await;
    assert_eq!(drawn.status, StatusCode::OK, "{}", drawn.text());
    assert_eq!(drawn.json()["state"], "drawn");
    let redraw = call(
        &router,
        Method::POST,
        &format!("/api/v1/batches/{id}/draw"),
        Some(&demo.corps),
        body(json!({"entropy": entropy.replace('1', "2")})),
    )
    .await;
    assert_eq!(redraw.status, StatusCode::CONFLICT, "{}", redraw.text());
    assert_eq!(redraw.error_code(), "refused");
    // The refusal is in the auditor's export.
    let audit = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{id}/bundle"),
        Some(&demo.auditor),
        None,
    )
    .await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(
        audit.text().contains("draw.refused"),
        "the auditor sees the refused attempt"
    );
    // Every staffed target gets its result from an officer of its team; then publish.
    let detail = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{id}"),
        Some(&demo.corps),
        None,
    )
    .await
    .json();
    let early = publish(&router, &demo, id).await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.text()
    );
    let mut tokens: std::collections::HashMap<String, String> = Default::default();
    for t in detail["targets"].as_array().unwrap() {
        let Some(card) = t["team"][0].as_str() else {
            continue;
        };
        if !tokens.contains_key(card) {
            tokens.insert(card.to_string(), officer_token(&demo, card).await);
        }
        let r = call(
            &router,
            Method::POST,
            &format!("/api/v1/batches/{id}/results"),
            Some(&tokens[card]),
            body(json!({"uscc": t["uscc"], "codes": ["1"], "inspected_on": today()})),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    // Every result recorded, none approved: still refused, naming what awaits review.
    let early = publish(&router, &demo, id).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text().contains("awaiting review"), "{}", early.text());
    assert!(approve_all(&router, &demo, id).await > 0);
    let published = publish(&router, &demo, id).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text());
    // Now public: the page, and a bundle that `shuangsui verify` passes with the log key.
    let page = call(&router, Method::GET, &format!("/batches/{id}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains(&hash),
        "the page shows the commitment hash"
    );
    let key = call(&router, Method::GET, "/api/v1/log/key", None, None)
        .await
        .json()["verifier_key"]
        .as_str()
        .unwrap()
        .to_string();
    let bundle = call(
        &router,
        Method::GET,
        &format!("/batches/{id}/bundle.json"),
        None,
        None,
    )
    .await;
    assert_eq!(bundle.status, StatusCode::OK);
    let file = demo.dir.path().join("downloaded.export.json");
    std::fs::write(&file, &bundle.body).unwrap();
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .arg("verify")
        .arg(&file)
        .args(["--log-key", &key])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success() && said.contains("PASS"),
        "{said}{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    // The public export carries no draw attempts, only the lifecycle.
    assert!(!bundle.text().contains("draw.refused"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_shows_on_the_cached_page() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let before = call(
        &router,
        Method::GET,
        &format!("/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await;
    assert_eq!(before.status, StatusCode::OK);
    let app = App::open(&demo.url, None).await.unwrap();
    let results = shuangsui::store::results::of_batch(&app.store, PUBLISHED)
        .await
        .unwrap();
    let first = &results[0];
    let token = officer_token(&demo, &first.recorded_by).await;
    // Published: a new result is refused, a correction is taken.
    let path = format!("/api/v1/batches/{PUBLISHED}/results");
    let late = call(
        &router,
        Method::POST,
        &path,
        Some(&token),
        body(json!({"uscc": first.uscc, "codes": ["1"], "inspected_on": today()})),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text());
    let note = "复查更正：补充检查记录";
    let fixed = call(
        &router,
        Method::POST,
        &path,
        Some(&token),
        body(json!({"uscc": first.uscc, "codes": ["2", "YL03", "A"], "note": note, "inspected_on": today(), "corrects": first.id})),
    )
    .await;
    assert_eq!(fixed.status, StatusCode::CREATED, "{}", fixed.text());
    let after = call(
        &router,
        Method::GET,
        &format!("/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await;
    assert!(!before.text().contains(note));
    assert!(
        after.text().contains(note),
        "the page was made anew after the log grew"
    );
    let json = call(
        &router,
        Method::GET,
        &format!("/api/v1/public/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await
    .json();
    let shown = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["uscc"] == first.uscc.as_str())
        .unwrap();
    assert_eq!(shown["result"]["corrects"], first.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_chinese_first_safe_and_downloadable() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let zh = call(&router, Method::GET, "/", None, None).await;
    assert!(zh.text().contains("lang=\"zh-CN\""), "{}", zh.text());
    assert!(zh.text().contains(PUBLISHED));
    assert!(
        zh.text().contains(IN_PROGRESS),
        "a batch drawn and not yet published is announced"
    );
    let en = call(&router, Method::GET, "/?lang=en", None, None).await;
    assert!(en.text().contains("lang=\"en\""));
    for reply in [&zh, &en] {
        let h = &reply.headers;
        assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert!(!reply.text().contains("<script"));
    }
    let csv = call(
        &router,
        Method::GET,
        &format!("/batches/{PUBLISHED}/results.csv"),
        None,
        None,
    )
    .await;
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    // Search by a USCC from the batch finds it; an unpublished batch's target is not found.
    let app = App::open(&demo.url, None).await.unwrap();
    let target = &shuangsui::store::batches::assignments(&app.store, PUBLISHED)
        .await
        .unwrap()[0];
    let hit = call(
        &router,
        Method::GET,
        &format!("/api/v1/public/search?q={}", target.uscc),
        None,
        None,
    )
    .await
    .json();
    assert_eq!(hit["hits"][0]["batch_id"], PUBLISHED, "{hit}");
    let hidden = &shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
        .await
        .unwrap()[0];
    let none = call(
        &router,
        Method::GET,
        &format!("/api/v1/public/search?q={}", hidden.uscc),
        None,
        None,
    )
    .await
    .json();
    assert!(
        none["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["batch_id"] != IN_PROGRESS),
        "{none}"
    );
    // Its page, JSON and files tell nothing of its targets before publication.
    let page = call(
        &router,
        Method::GET,
        &format!("/batches/{IN_PROGRESS}"),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let json = call(
        &router,
        Method::GET,
        &format!("/api/v1/public/batches/{IN_PROGRESS}"),
        None,
        None,
    )
    .await;
    assert_eq!(json.json()["targets"], json!([]), "{}", json.text());
    for shown in [&page, &json] {
        assert!(!shown.text().contains(hidden.uscc.as_str()));
        assert!(!shown.text().contains(&hidden.entity_name));
    }
    for file in ["results.csv", "bundle.json"] {
        let r = call(
            &router,
            Method::GET,
            &format!("/batches/{IN_PROGRESS}/{file}"),
            None,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{file}");
    }
    // A search too long is the reader's to fix: said on the page, with the API's status.
    let long = call(
        &router,
        Method::GET,
        &format!("/search?q={}", "a".repeat(101)),
        None,
        None,
    )
    .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.text().contains("100"), "{}", long.text());
    // Responses to a token are never kept by browsers or proxies.
    let me = call(&router, Method::GET, "/api/v1/me", Some(&demo.corps), None).await;
    assert_eq!(me.headers[header::CACHE_CONTROL], "no-store");
    let audit = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{PUBLISHED}/bundle"),
        Some(&demo.auditor),
        None,
    )
    .await;
    assert_eq!(audit.headers[header::CACHE_CONTROL], "no-store");
    // Public JSON may be kept for a minute, as the pages are.
    let public = call(&router, Method::GET, "/api/v1/public/batches", None, None).await;
    assert_eq!(public.headers[header::CACHE_CONTROL], "public, max-age=60");
    // Newest publication first (the pages render in this order).
    let times: Vec<String> = public.json()["published"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["published_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(times.len(), 3);
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_tokens_are_limited_per_address() {
    let demo = demo();
    let router = router(&demo, 3).await;
    for _ in 0..3 {
        let r = call(&router, Method::GET, "/api/v1/me", Some("ss1.1.nope"), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.headers.contains_key(header::WWW_AUTHENTICATE));
    }
    let blocked = call(&router, Method::GET, "/api/v1/me", Some("ss1.1.nope"), None).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(blocked.error_code(), "too_many_failures");
    assert!(blocked.headers.contains_key(header::RETRY_AFTER));
    // A good token still works: failures from an address never lock out its real users
    // (tests/http/hardening.rs has the details).
    let good = call(&router, Method::GET, "/api/v1/me", Some(&demo.corps), None).await;
    assert_eq!(good.status, StatusCode::OK);
    // The public is unaffected.
    let public = call(&router, Method::GET, "/api/v1/public/batches", None, None).await;
    assert_eq!(public.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_bad_input_get_named_errors() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let big = vec![b'#'; 200 * 1024];
    let r = call(
        &router,
        Method::POST,
        "/api/v1/batches",
        Some(&demo.corps),
        Some(("application/toml", big)),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.error_code(), "payload_too_large");
    let r = call(
        &router,
        Method::POST,
        &format!("/api/v1/batches/{IN_PROGRESS}/draw"),
        Some(&demo.corps),
        Some(("application/json", b"{not json".to_vec())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "invalid");
    // Every message in Chinese and in English; a field's error names the field.
    let e = &r.json()["error"];
    assert!(e["message"].as_str().unwrap().starts_with("请求体"), "{e}");
    assert!(
        e["message_en"]
            .as_str()
            .unwrap()
            .starts_with("request body"),
        "{e}"
    );
    let r = call(
        &router,
        Method::POST,
        &format!("/api/v1/batches/{IN_PROGRESS}/withdraw"),
        Some(&demo.corps),
        body(json!({"reason": "  "})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let e = &r.json()["error"];
    assert_eq!(e["code"], "invalid", "{e}");
    assert_eq!(e["message"], "撤回须写明原因", "{e}");
    assert_eq!(e["message_en"], "a withdrawal needs its reason", "{e}");
    assert_eq!(e["field"], "reason", "{e}");
    let r = call(
        &router,
        Method::POST,
        &format!("/api/v1/batches/{IN_PROGRESS}/commit"),
        Some(&demo.corps),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let e = &r.json()["error"];
    assert_eq!(e["code"], "refused", "{e}");
    assert!(e["message"].as_str().unwrap().contains("不是草稿"), "{e}");
    assert!(
        e["message_en"].as_str().unwrap().contains("not a draft"),
        "{e}"
    );
    assert!(e.get("field").is_none(), "{e}");
    // A bad upload lists the bad row and imports nothing.
    let bad = "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n\
               91310101MAFCBAGT1X,坏数据,养老服务,养老机构,黄浦,地址,A,正常,张三,021-1\n";
    let r = call(
        &router,
        Method::POST,
        "/api/v1/directories/entities?name=bad.csv",
        Some(&demo.corps),
        Some(("text/csv", bad.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.error_code(), "import_rejected");
    assert!(r.text().contains("bad.csv:2"), "{}", r.text());
    let versions = call(
        &router,
        Method::GET,
        "/api/v1/directories/entities",
        Some(&demo.corps),
        None,
    )
    .await
    .json();
    assert_eq!(
        versions.as_array().unwrap().len(),
        1,
        "nothing imported: {versions}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_api_route() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let doc = call(&router, Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/batches",
        "/api/v1/batches/{id}",
        "/api/v1/batches/{id}/commit",
        "/api/v1/batches/{id}/draw",
        "/api/v1/batches/{id}/withdraw",
        "/api/v1/batches/{id}/publish",
        "/api/v1/batches/{id}/bundle",
        "/api/v1/batches/{id}/dispatch.xlsx",
        "/api/v1/batches/{id}/results",
        "/api/v1/batches/{id}/form",
        "/api/v1/batches/{id}/results/awaiting-review",
        "/api/v1/batches/{id}/results/{result}/approve",
        "/api/v1/batches/{id}/results/{result}/return",
        "/api/v1/directories",
        "/api/v1/directories/{kind}",
        "/api/v1/me",
        "/api/v1/me/assignments",
        "/api/v1/log/checkpoint",
        "/api/v1/log/key",
        "/api/v1/log/entries/{seq}/proof",
        "/api/v1/public/batches",
        "/api/v1/public/batches/{id}",
        "/api/v1/public/batches/{id}/bundle",
        "/api/v1/public/search",
        "/api/v1/result-codes",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    let page = call(&router, Method::GET, "/api/v1/docs", None, None)
        .await
        .text();
    assert!(page.contains("/api/v1/batches/{id}/draw"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_result_lists_are_public_per_sector_with_sources_and_rules() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let lists = call(&router, Method::GET, "/api/v1/result-codes", None, None).await;
    assert_eq!(lists.status, StatusCode::OK, "{}", lists.text());
    let lists = lists.json();
    let ids: Vec<&str> = lists
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["market", "social-orgs", "elderly-care", "funeral"]);
    let social = &lists[1];
    assert_eq!(social["sectors"], json!(["社会组织"]));
    assert!(
        social["source"]
            .as_str()
            .unwrap()
            .contains("民政部令第60号"),
        "{social}"
    );
    let six = social["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "6")
        .unwrap();
    assert_eq!(
        (&six["parent"], &six["kind"]),
        (&json!("2"), &json!("finding"))
    );
    assert!(
        social["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"] == "exclude" && r["codes"] == json!(["A", "E"])),
        "{social}"
    );
    assert_eq!(lists[0]["fallback"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_failure_is_reported_by_incident_only() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    // Break the database behind the server's back.
    let pool = sqlx::SqlitePool::connect(&demo.url).await.unwrap();
    sqlx::query("DROP TABLE assignments")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let r = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{IN_PROGRESS}"),
        Some(&demo.corps),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.text());
    assert_eq!(r.error_code(), "internal");
    let t = r.text();
    assert!(t.contains("incident"), "{t}");
    assert!(
        !t.contains("assignments") && !t.contains("sqlite") && !t.contains("no such table"),
        "{t}"
    );
    let page = call(
        &router,
        Method::GET,
        &format!("/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!page.text().contains("no such table"), "{}", page.text());
}

/// A POST of a result with an `Idempotency-Key` header.
async fn post_result(
    router: &axum::Router,
    token: &str,
    batch: &str,
    key: Option<&str>,
    v: serde_json::Value,
) -> Reply {
    let path = format!("/api/v1/batches/{batch}/results");
    post_keyed(router, token, &path, key, v).await
}

/// A POST of JSON to `path` with an `Idempotency-Key` header.
async fn post_keyed(
    router: &axum::Router,
    token: &str,
    path: &str,
    key: Option<&str>,
    v: serde_json::Value,
) -> Reply {
    let mut request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        request = request.header("idempotency-key", k);
    }
    let response = tower::ServiceExt::oneshot(
        router.clone(),
        request.body(axum::body::Body::from(v.to_string())).unwrap(),
    )
    .await
    .unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_result_stands_per_target_and_a_retry_returns_the_first() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (mine, _) = open_target(&demo, IN_PROGRESS).await;
    let t = &demo.officer;
    let result = |codes: &[&str], corrects: Option<i64>| json!({"uscc": mine, "codes": codes, "inspected_on": today(), "corrects": corrects});
    // A retry after a lost response: the first result again, nothing added.
    let first = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("rec-0001"),
        result(&["1"], None),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let retry = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("rec-0001"),
        result(&["1"], None),
    )
    .await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.text());
    assert_eq!(
        retry.text(),
        first.text(),
        "the retry returns the first result"
    );
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert!(!first.headers.contains_key("idempotent-replayed"));
    let id = first.json()["id"].as_i64().unwrap();
    // The same key with other content is the client's mistake.
    let changed = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("rec-0001"),
        result(&["2", "YL03", "A"], None),
    )
    .await;
    assert_eq!(
        changed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        changed.text()
    );
    assert_eq!(changed.error_code(), "invalid");
    assert!(changed.text().contains("rec-0001"), "{}", changed.text());
    // Keys out of bounds are refused.
    for bad in ["", &"k".repeat(129), "has space"] {
        let r = post_result(&router, t, IN_PROGRESS, Some(bad), result(&["1"], None)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad:?}: {}",
            r.text()
        );
        assert_eq!(r.error_code(), "invalid");
    }
    // A second result that is not a correction is refused, naming the standing one.
    let second = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("rec-0002"),
        result(&["2", "YL03", "A"], None),
    )
    .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text());
    assert_eq!(second.error_code(), "refused");
    assert!(
        second.text().contains(&format!("#{id}")),
        "{}",
        second.text()
    );
    let second = post_result(
        &router,
        t,
        IN_PROGRESS,
        None,
        result(&["2", "YL03", "A"], None),
    )
    .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text());
    // A correction of the standing result is taken; a correction of the superseded one is
    // refused (it would fork the chain), naming the one that stands.
    let fix = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("fix-1"),
        result(&["2", "YL03", "A"], Some(id)),
    )
    .await;
    assert_eq!(fix.status, StatusCode::CREATED, "{}", fix.text());
    let fix_id = fix.json()["id"].as_i64().unwrap();
    let fork = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("fix-2"),
        result(&["2", "YL05", "A"], Some(id)),
    )
    .await;
    assert_eq!(fork.status, StatusCode::CONFLICT, "{}", fork.text());
    assert!(
        fork.text().contains(&format!("#{fix_id}")),
        "{}",
        fork.text()
    );
    // A retry of the first correction still returns it.
    let again = post_result(
        &router,
        t,
        IN_PROGRESS,
        Some("fix-1"),
        result(&["2", "YL03", "A"], Some(id)),
    )
    .await;
    assert_eq!(again.text(), fix.text());
    let app = App::open(&demo.url, None).await.unwrap();
    let rows: Vec<_> = shuangsui::store::results::of_batch(&app.store, IN_PROGRESS)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.uscc == mine)
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    // The key is a fact the log keeps (sealed in the entry until publication).
    let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
    for (row, key) in rows.iter().zip(["rec-0001", "fix-1"]) {
        let opening = entries[row.log_seq as usize]
            .opening
            .clone()
            .unwrap_or_default();
        assert!(
            opening.contains(&format!("\"request\":\"{key}\"")),
            "{opening}"
        );
    }
    app::log::verify(&app, None).await.unwrap();
}

/// Two results standing for one target (a database written before the rule): `batch
/// status`, the corps' API and the public page all show the same one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_api_and_pages_show_the_same_standing_result() {
    let demo = demo();
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let rows = shuangsui::store::results::of_batch(&app.store, PUBLISHED)
        .await
        .unwrap();
    let first = rows[0].clone();
    // A second, uncorrected result for the same target, as an old version allowed.
    let key = app::journal::read_key(&demo.key).unwrap();
    let mut tx = app.store.write().await.unwrap();
    let seq = app::journal::append(
        &mut tx,
        &key,
        &app.origin,
        "result.recorded",
        &json!({"batch": PUBLISHED, "uscc": first.uscc, "note": "fork"}),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let pool = sqlx::SqlitePool::connect(&demo.url).await.unwrap();
    sqlx::query(
        "INSERT INTO results (batch_id, uscc, recorded_by, codes, note, inspected_on, recorded_at, corrects, log_seq) \
         VALUES ($1, $2, $3, 'B', 'fork', $4, $5, NULL, $6)",
    )
    .bind(PUBLISHED)
    .bind(&first.uscc)
    .bind(&first.recorded_by)
    .bind(&first.inspected_on)
    .bind(&first.recorded_at)
    .bind(seq.seq as i64)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let router = router(&demo, 1_000).await;
    let by_api = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{PUBLISHED}"),
        Some(&demo.corps),
        None,
    )
    .await
    .json();
    let shown = |v: &serde_json::Value| {
        v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["uscc"] == first.uscc.as_str())
            .unwrap()["result"]["id"]
            .as_i64()
            .unwrap()
    };
    let public = call(
        &router,
        Method::GET,
        &format!("/api/v1/public/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await
    .json();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .args(["batch", "status", PUBLISHED, "--database", &demo.url])
        .arg("--key")
        .arg(&demo.key)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    let line = status
        .lines()
        .find(|l| l.contains(&first.uscc))
        .unwrap_or_else(|| panic!("{status}"));
    let by_cli: i64 = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix('#'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(shown(&by_api), shown(&public));
    assert_eq!(by_cli, shown(&by_api), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_fills_the_form_of_the_batch_and_only_a_consistent_one_is_recorded() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (uscc, _) = open_target(&demo, IN_PROGRESS).await;
    let form = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{IN_PROGRESS}/form"),
        Some(&demo.officer),
        None,
    )
    .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let form = form.json();
    let checklist = &form["checklists"][0];
    assert!(
        checklist["items"][0]["basis"]
            .as_str()
            .unwrap()
            .contains("《"),
        "{form}"
    );
    let mut filled = form["template"].clone();
    for item in filled[0]["items"].as_array_mut().unwrap() {
        item["answer"] = json!("符合");
    }
    filled[0]["items"][1]["answer"] = json!("不符合");
    filled[0]["items"][1]["finding"] = json!("消防通道堆放杂物");
    filled[0]["items"][1]["measure"] = json!("当场整改");
    let path = format!("/api/v1/batches/{IN_PROGRESS}/results");
    // 未发现问题 with a 不符合 item: 422, naming the item; nothing recorded.
    let item = filled[0]["items"][1]["item"].as_str().unwrap().to_string();
    let refused = call(
        &router,
        Method::POST,
        &path,
        Some(&demo.officer),
        body(json!({"uscc": uscc, "codes": ["1"], "inspected_on": today(), "checklist": filled})),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains(&format!("item {item}")),
        "{}",
        refused.text()
    );
    // With the finding's category: recorded; the answer shows the measure, not the finding.
    let recorded = call(
        &router,
        Method::POST,
        &path,
        Some(&demo.officer),
        body(json!({"uscc": uscc, "codes": ["2", "YL05", "E"], "inspected_on": today(), "checklist": filled})),
    )
    .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    assert_eq!(recorded.json()["measures"], json!(["当场整改"]));
    assert!(!recorded.text().contains("消防通道"), "{}", recorded.text());
}

#[tokio::test]
async fn a_retried_measure_with_its_idempotency_key_records_one() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let app = App::open(&demo.url, None).await.unwrap();
    let today = shuangsui::app::batch::china_today();
    let all =
        shuangsui::app::followups::list(&app, shuangsui::app::followups::Filter::Open, true, today)
            .await
            .unwrap();
    let open = &all[0];
    let path = format!(
        "/api/v1/batches/{}/followups/{}/measures",
        open.batch, open.uscc
    );
    let due = (today + chrono::Days::new(20)).to_string();
    let body = serde_json::json!({ "measure": "约谈", "due": due, "note": "约谈负责人" });
    let entries = || async {
        shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len()
    };
    let before = entries().await;
    let first = post_keyed(&router, &demo.corps, &path, Some("m-42"), body.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.json()["request_id"], "m-42", "{}", first.text());
    let again = post_keyed(&router, &demo.corps, &path, Some("m-42"), body.clone()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(again.json(), first.json());
    assert_eq!(
        entries().await,
        before + 1,
        "a retry recorded a second measure"
    );
    // The same key with other content: 422 (as for a result), naming the key; nothing
    // written.
    let other = serde_json::json!({ "measure": "约谈", "due": due, "note": "另一次" });
    let r = post_keyed(&router, &demo.corps, &path, Some("m-42"), other).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("请求编号 m-42")),
        "{}",
        r.text()
    );
    // Without a key, each post is a measure.
    for n in [2, 3] {
        let r = post_keyed(&router, &demo.corps, &path, None, body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["request_id"], serde_json::Value::Null);
        assert_eq!(entries().await, before + n);
    }
    // The key, which the client chose, is sealed with the measure: nothing public shows it.
    let public: String = shuangsui::store::log::entries(&app.store)
        .await
        .unwrap()
        .iter()
        .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
        .collect();
    assert!(
        !public.contains("m-42"),
        "a measure's key in a public entry"
    );
    shuangsui::app::log::verify(&app, None).await.unwrap();
}
