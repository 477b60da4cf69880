//! Every route × every role (and no token, and a bad token): the status of each.

use axum::http::{Method, StatusCode};

use super::*;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    Corps,
    Officer,
    Auditor,
    Reviewer,
    BadToken,
}

const EVERYONE: [Who; 6] = [
    Who::Public,
    Who::Corps,
    Who::Officer,
    Who::Auditor,
    Who::Reviewer,
    Who::BadToken,
];

struct Case {
    method: Method,
    path: String,
    body: Option<(&'static str, Vec<u8>)>,
    /// Expected status for Public, Corps, Officer, Auditor, Reviewer, BadToken.
    expect: [u16; 6],
}

fn case(
    method: Method,
    path: &str,
    body: Option<(&'static str, Vec<u8>)>,
    expect: [u16; 6],
) -> Case {
    Case {
        method,
        path: path.to_string(),
        body,
        expect,
    }
}

fn json(v: serde_json::Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (uscc, card) = open_target(&demo, IN_PROGRESS).await;
    let entities = std::fs::read(root().join("registries/shanghai/entities.csv")).unwrap();
    let p = PUBLISHED;
    let j = IN_PROGRESS;
    // The demo's annual plan is this year's (as its batches' windows start today).
    let this_year = chrono::Datelike::year(&shuangsui::app::batch::china_today());
    // Results of the batch in progress awaiting review, and the one the demo returned.
    let (to_approve, to_return, returned) = {
        let app = App::open(&demo.url, None).await.unwrap();
        let waiting = shuangsui::app::reviews::awaiting(&app, j).await.unwrap();
        let reviews = shuangsui::store::reviews::of_batch(&app.store, j)
            .await
            .unwrap();
        let returned = reviews.iter().find(|r| r.verdict == "returned").unwrap();
        app.store.close().await;
        (waiting[0].id, waiting[1].id, returned.result_id)
    };
    // Follow-ups the demo left open and the one it closed (后续处置).
    let (open_a, open_b, closed) = {
        let app = App::open(&demo.url, None).await.unwrap();
        let today = shuangsui::app::batch::china_today();
        let all = shuangsui::app::followups::list(
            &app,
            shuangsui::app::followups::Filter::All,
            true,
            today,
        )
        .await
        .unwrap();
        app.store.close().await;
        let open: Vec<_> = all.iter().filter(|f| f.state == "open").collect();
        let closed = all.iter().find(|f| f.state == "closed").unwrap();
        (
            (open[0].batch.clone(), open[0].uscc.clone()),
            (open[1].batch.clone(), open[1].uscc.clone()),
            (closed.batch.clone(), closed.uscc.clone()),
        )
    };
    let in_a_month = (shuangsui::app::batch::china_today() + chrono::Days::new(30)).to_string();
    let yesterday = (shuangsui::app::batch::china_today() - chrono::Days::new(1)).to_string();
    let today = shuangsui::app::batch::china_today().to_string();
    // Public routes answer everyone alike: they never read the token.
    let public = [200, 200, 200, 200, 200, 200];
    let hidden = [404, 404, 404, 404, 404, 404];
    let mut cases = vec![
        case(Method::GET, "/", None, public),
        case(Method::GET, "/?lang=en", None, public),
        case(Method::GET, "/search?q=%E5%85%BB%E8%80%81", None, public),
        case(Method::GET, &format!("/batches/{p}"), None, public),
        case(
            Method::GET,
            &format!("/batches/{p}/results.csv"),
            None,
            public,
        ),
        case(
            Method::GET,
            &format!("/batches/{p}/results.xlsx"),
            None,
            public,
        ),
        case(
            Method::GET,
            &format!("/batches/{p}/bundle.json"),
            None,
            public,
        ),
        case(Method::GET, &format!("/batches/{j}"), None, public),
        case(
            Method::GET,
            &format!("/batches/{j}/results.csv"),
            None,
            hidden,
        ),
        case(
            Method::GET,
            &format!("/batches/{j}/results.xlsx"),
            None,
            hidden,
        ),
        case(
            Method::GET,
            &format!("/batches/{j}/bundle.json"),
            None,
            hidden,
        ),
        case(Method::GET, "/api/v1/public/batches", None, public),
        case(
            Method::GET,
            &format!("/api/v1/public/batches/{p}"),
            None,
            public,
        ),
        case(
            Method::GET,
            &format!("/api/v1/public/batches/{p}/bundle"),
            None,
            public,
        ),
        // A batch drawn but not published is announced (its targets stay sealed).
        case(
            Method::GET,
            &format!("/api/v1/public/batches/{j}"),
            None,
            public,
        ),
        case(
            Method::GET,
            &format!("/api/v1/public/batches/{j}/bundle"),
            None,
            hidden,
        ),
        case(
            Method::GET,
            "/api/v1/public/search?q=%E5%85%BB%E8%80%81",
            None,
            public,
        ),
        case(Method::GET, "/api/v1/result-codes", None, public),
        // The annual plan (年度抽查计划): public, its page, downloads and JSON.
        case(Method::GET, "/annual/SH-MZ-2026", None, public),
        case(Method::GET, "/annual/SH-MZ-2026?lang=en", None, public),
        case(Method::GET, &format!("/annual/{this_year}"), None, public),
        case(Method::GET, "/annual/SH-MZ-2026/coverage.csv", None, public),
        case(
            Method::GET,
            "/annual/SH-MZ-2026/coverage.xlsx",
            None,
            public,
        ),
        case(Method::GET, "/annual/nope", None, hidden),
        case(Method::GET, "/annual/nope/coverage.csv", None, hidden),
        case(Method::GET, "/api/v1/public/annual", None, public),
        case(
            Method::GET,
            "/api/v1/public/annual/SH-MZ-2026",
            None,
            public,
        ),
        case(Method::GET, "/api/v1/public/annual/nope", None, hidden),
        case(Method::GET, "/api/v1/log/checkpoint", None, public),
        case(Method::GET, "/api/v1/log/key", None, public),
        case(Method::GET, "/api/v1/openapi.json", None, public),
        case(Method::GET, "/api/v1/docs", None, public),
        // Token routes: 401 without or with a bad token, 403 for another role.
        case(
            Method::GET,
            "/api/v1/me",
            None,
            [401, 200, 200, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/me/assignments",
            None,
            [401, 403, 200, 403, 403, 401],
        ),
        case(
            Method::GET,
            "/api/v1/directories",
            None,
            [401, 200, 403, 200, 403, 401],
        ),
        case(
            Method::GET,
            "/api/v1/directories/entities",
            None,
            [401, 200, 403, 200, 403, 401],
        ),
        case(
            Method::GET,
            "/api/v1/directories/nonsense",
            None,
            [401, 404, 403, 404, 403, 401],
        ),
        // The same file again: unchanged (200), nothing written.
        case(
            Method::POST,
            "/api/v1/directories/entities?name=entities.csv",
            Some(("text/csv", entities)),
            [401, 200, 403, 403, 403, 401],
        ),
        case(
            Method::GET,
            "/api/v1/batches",
            None,
            [401, 200, 403, 200, 200, 401],
        ),
        case(
            Method::GET,
            &format!("/api/v1/batches/{j}"),
            None,
            [401, 200, 403, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/batches/NO-SUCH",
            None,
            [401, 404, 403, 404, 404, 401],
        ),
        case(
            Method::POST,
            "/api/v1/batches",
            Some(("application/toml", b"id = ".to_vec())),
            [401, 422, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{p}/commit"),
            None,
            [401, 409, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{p}/draw"),
            json(serde_json::json!({ "entropy": "x=1" })),
            [401, 409, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/withdraw"),
            json(serde_json::json!({ "reason": "test" })),
            [401, 409, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/publish"),
            None,
            [401, 422, 403, 403, 403, 401],
        ),
        case(
            Method::GET,
            &format!("/api/v1/batches/{j}/bundle"),
            None,
            [401, 200, 403, 200, 403, 401],
        ),
        case(
            Method::GET,
            &format!("/api/v1/batches/{j}/dispatch.xlsx"),
            None,
            [401, 200, 403, 200, 403, 401],
        ),
        case(
            Method::GET,
            "/api/v1/log/entries/0/proof",
            None,
            [401, 200, 403, 200, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/results"),
            json(serde_json::json!({
                "uscc": uscc, "codes": ["1"], "note": "现场检查未发现问题",
                "inspected_on": shuangsui::app::batch::china_today().to_string(),
            })),
            [401, 403, 201, 403, 403, 401],
        ),
        // The empty form (检查表单) of a batch: any user.
        case(
            Method::GET,
            &format!("/api/v1/batches/{j}/form"),
            None,
            [401, 200, 200, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/batches/NO-SUCH/form",
            None,
            [401, 404, 404, 404, 404, 401],
        ),
        // Review (审核): the reviewer's alone.
        case(
            Method::GET,
            &format!("/api/v1/batches/{j}/results/awaiting-review"),
            None,
            [401, 403, 403, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/batches/NO-SUCH/results/awaiting-review",
            None,
            [401, 403, 403, 403, 404, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/results/{to_approve}/approve"),
            None,
            [401, 403, 403, 403, 200, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/results/{to_return}/return"),
            json(serde_json::json!({ "reason": "检查记录未写明整改期限" })),
            [401, 403, 403, 403, 200, 401],
        ),
        // A returned result is corrected before anything else.
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/results/{returned}/approve"),
            None,
            [401, 403, 403, 403, 409, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/results/{to_approve}/return"),
            json(serde_json::json!({ "reason": "" })),
            [401, 403, 403, 403, 422, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/results/999999/approve"),
            None,
            [401, 403, 403, 403, 404, 401],
        ),
        // A year's statistics: public (published batches), and the department's view.
        case(Method::GET, "/stats", None, public),
        case(Method::GET, "/stats/2026?lang=en", None, public),
        case(Method::GET, "/api/v1/public/stats/2026", None, public),
        case(
            Method::GET,
            "/api/v1/public/stats/x",
            None,
            [422, 422, 422, 422, 422, 422],
        ),
        case(
            Method::GET,
            "/api/v1/stats/2026",
            None,
            [401, 200, 403, 200, 200, 401],
        ),
        // Follow-ups: the corps records, the corps, auditors and reviewers read.
        case(Method::GET, "/followups", None, public),
        case(Method::GET, "/followups?lang=en", None, public),
        case(
            Method::GET,
            &format!("/api/v1/batches/{p}/followups"),
            None,
            [401, 200, 403, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/followups?state=open",
            None,
            [401, 200, 403, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/followups?state=nonsense",
            None,
            [401, 422, 403, 422, 422, 401],
        ),
        case(
            Method::POST,
            &format!(
                "/api/v1/batches/{}/followups/{}/measures",
                open_a.0, open_a.1
            ),
            json(serde_json::json!({ "measure": "约谈", "due": in_a_month, "note": "约谈负责人" })),
            [401, 200, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!(
                "/api/v1/batches/{}/followups/{}/measures",
                open_a.0, open_a.1
            ),
            json(serde_json::json!({ "measure": "约谈", "due": yesterday })),
            [401, 422, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{}/followups/{}/close", open_b.0, open_b.1),
            json(
                serde_json::json!({ "closed_on": today, "outcome": "不予处罚", "text": "违法行为轻微并及时改正" }),
            ),
            [401, 200, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!(
                "/api/v1/batches/{}/followups/{}/measures",
                closed.0, closed.1
            ),
            json(serde_json::json!({ "measure": "约谈", "due": in_a_month })),
            [401, 409, 403, 403, 403, 401],
        ),
        case(
            Method::POST,
            &format!("/api/v1/batches/{j}/followups/91310000631696382C/close"),
            json(serde_json::json!({ "closed_on": today, "outcome": "已整改", "text": "x" })),
            [401, 422, 403, 403, 403, 401],
        ),
        // Neither a route nor a method.
        case(
            Method::GET,
            "/api/v1/nonsense",
            None,
            [404, 404, 404, 404, 404, 404],
        ),
        case(
            Method::DELETE,
            "/api/v1/batches",
            None,
            [405, 405, 405, 405, 405, 405],
        ),
    ];
    let mut failures = Vec::new();
    for c in cases.drain(..) {
        for (i, who) in EVERYONE.iter().enumerate() {
            let token = match who {
                Who::Public => None,
                Who::Corps => Some(demo.corps.as_str()),
                Who::Officer => Some(demo.officer.as_str()),
                Who::Auditor => Some(demo.auditor.as_str()),
                Who::Reviewer => Some(demo.reviewer.as_str()),
                Who::BadToken => Some("ss1.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            };
            let reply = call(&router, c.method.clone(), &c.path, token, c.body.clone()).await;
            if reply.status.as_u16() != c.expect[i] {
                failures.push(format!(
                    "{} {} as {who:?}: {} (expected {}): {}",
                    c.method,
                    c.path,
                    reply.status,
                    c.expect[i],
                    reply.text().chars().take(200).collect::<String>()
                ));
            } else if c.path.starts_with("/api/") && !reply.status.is_success() {
                reply.error_code();
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The officer's result is recorded under their own card.
    let recorded = call(
        &router,
        Method::GET,
        &format!("/api/v1/batches/{j}"),
        Some(&demo.corps),
        None,
    )
    .await;
    let v = recorded.json();
    let target = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["uscc"] == uscc.as_str())
        .unwrap();
    assert_eq!(target["result"]["codes"][0]["code"], "1", "{target}");
    assert!(
        target["team"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| *c == card.as_str()),
        "{target}"
    );
    assert_eq!(StatusCode::OK, recorded.status);
}

/// A result posted by an officer for something not theirs: whether the batch exists, is a
/// draft, committed, withdrawn, drawn or published, and whether the USCC is a target of
/// another team or no target at all, the answer is one and the same 404, byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_learns_nothing_about_batches_and_targets_not_theirs() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (mine, _) = open_target(&demo, IN_PROGRESS).await;
    let me = call(
        &router,
        Method::GET,
        "/api/v1/me",
        Some(&demo.officer),
        None,
    )
    .await;
    let card = me.json()["card_no"].as_str().unwrap().to_string();
    let app = App::open(&demo.url, None).await.unwrap();
    let in_progress = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
        .await
        .unwrap();
    let published = shuangsui::store::batches::assignments(&app.store, PUBLISHED)
        .await
        .unwrap();
    let theirs = in_progress
        .iter()
        .find(|t| !t.team.is_empty() && !t.team.contains(&card))
        .unwrap();
    let theirs_published = published
        .iter()
        .find(|t| !t.team.is_empty() && !t.team.contains(&card))
        .unwrap();
    let entities =
        std::fs::read_to_string(root().join("registries/shanghai/entities.csv")).unwrap();
    let non_target = entities
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .find(|u| !in_progress.iter().any(|t| t.uscc == *u))
        .unwrap()
        .to_string();
    // A draft, a committed and a withdrawn batch, made by the corps.
    let plan = super::elderly_care_plan();
    for (id, step) in [
        ("SH-T-DRAFT", None),
        ("SH-T-COMMITTED", Some("commit")),
        ("SH-T-WITHDRAWN", Some("withdraw")),
    ] {
        let made = call(
            &router,
            Method::POST,
            "/api/v1/batches",
            Some(&demo.corps),
            Some(("application/toml", plan.replace(PUBLISHED, id).into_bytes())),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        if let Some(step) = step {
            let r = call(
                &router,
                Method::POST,
                &format!("/api/v1/batches/{id}/commit"),
                Some(&demo.corps),
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            if step == "withdraw" {
                let r = call(
                    &router,
                    Method::POST,
                    &format!("/api/v1/batches/{id}/withdraw"),
                    Some(&demo.corps),
                    json(serde_json::json!({ "reason": "测试" })),
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            }
        }
    }
    // The form (检查表单) of a draft, which is not announced, answers to anyone but the
    // corps as a batch that does not exist; once committed it is public.
    let form = |id: &str, token: &str| {
        let (router, path, token) = (
            router.clone(),
            format!("/api/v1/batches/{id}/form"),
            token.to_string(),
        );
        async move { call(&router, Method::GET, &path, Some(&token), None).await }
    };
    for token in [&demo.officer, &demo.auditor, &demo.reviewer] {
        let draft = form("SH-T-DRAFT", token).await;
        let none = form("SH-T-NOPE1", token).await;
        assert_eq!(draft.status, StatusCode::NOT_FOUND);
        assert_eq!(
            draft.text().replace("SH-T-DRAFT", "?"),
            none.text().replace("SH-T-NOPE1", "?")
        );
    }
    assert_eq!(form("SH-T-DRAFT", &demo.corps).await.status, StatusCode::OK);
    assert_eq!(
        form("SH-T-COMMITTED", &demo.officer).await.status,
        StatusCode::OK
    );
    let today = shuangsui::app::batch::china_today().to_string();
    let before = shuangsui::store::log::entries(&app.store)
        .await
        .unwrap()
        .len();
    let attempts = [
        (IN_PROGRESS, theirs.uscc.as_str()),
        (IN_PROGRESS, non_target.as_str()),
        (PUBLISHED, theirs_published.uscc.as_str()),
        (PUBLISHED, mine.as_str()),
        ("SH-T-DRAFT", mine.as_str()),
        ("SH-T-COMMITTED", mine.as_str()),
        ("SH-T-WITHDRAWN", mine.as_str()),
        ("NO-SUCH-BATCH", mine.as_str()),
    ];
    let mut replies = Vec::new();
    for (batch, uscc) in attempts {
        for corrects in [None, Some(1)] {
            let r = call(
                &router,
                Method::POST,
                &format!("/api/v1/batches/{batch}/results"),
                Some(&demo.officer),
                json(serde_json::json!({
                    "uscc": uscc, "codes": ["1"], "inspected_on": today, "corrects": corrects,
                })),
            )
            .await;
            replies.push((format!("{batch} {uscc} corrects {corrects:?}"), r));
        }
    }
    let (first_case, first) = &replies[0];
    assert_eq!(
        first.status,
        StatusCode::NOT_FOUND,
        "{first_case}: {}",
        first.text()
    );
    assert_eq!(first.error_code(), "not_found");
    for (case, r) in &replies {
        assert_eq!(
            (r.status, r.text()),
            (first.status, first.text()),
            "{case} answers differently from {first_case}"
        );
    }
    // Routes for other roles answer an officer alike for any batch id.
    for path in ["/api/v1/batches/{}", "/api/v1/batches/{}/bundle"] {
        let bodies: Vec<(StatusCode, String)> = {
            let mut out = Vec::new();
            for (batch, _) in attempts {
                let r = call(
                    &router,
                    Method::GET,
                    &path.replace("{}", batch),
                    Some(&demo.officer),
                    None,
                )
                .await;
                out.push((r.status, r.text()));
            }
            out
        };
        assert!(bodies.iter().all(|b| *b == bodies[0]), "{path}: {bodies:?}");
        assert_eq!(bodies[0].0, StatusCode::FORBIDDEN);
    }
    // Nothing was recorded by any of it.
    let after = shuangsui::store::log::entries(&app.store)
        .await
        .unwrap()
        .len();
    assert_eq!(after, before, "no entry was written");
}
