//! The draw ceremony and dispatch in the console: the corps posts each witness's digits by
//! the form and the batch is drawn once, as `Bundle::make` draws it from the same digits;
//! wrong digits come back as Chinese errors on empty fields with nothing logged; a second
//! post draws nothing; a forged post is 403, an officer 403; the dispatch, the 检查通知书 and
//! the 检查记录表 show the entity and the checklist, and a target of another team is 404.

use super::*;

const BATCH: &str = "SH-MZ-2026-YL-77";
const ISSUER: &str = "上海市民政局执法总队";
const DIGITS: [&str; 3] = ["3918207746", "0562283019", "7710394428"];

/// The demo with a committed ceremony batch `BATCH` (three witnesses, ten digits each).
async fn demo_with_committed_batch() -> Demo {
    let demo = demo();
    let plan = elderly_care_plan().replace("SH-MZ-2026-YL-01", BATCH);
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let b = shuangsui::app::batch::create(&app, "yl-77.toml", &plan)
        .await
        .unwrap();
    shuangsui::app::batch::commit(&app, &b.id).await.unwrap();
    app.store.close().await;
    demo
}

/// How many entries of `kind` the log holds for `BATCH`.
async fn logged(demo: &Demo, kind: &str) -> usize {
    let app = App::open(&demo.url, None).await.unwrap();
    let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
    let n = entries
        .iter()
        .map(|e| shuangsui::ledger::entry::decode(&e.bytes).unwrap())
        .filter(|e| e.kind == kind && e.event["batch"] == BATCH)
        .count();
    app.store.close().await;
    n
}

fn ceremony_form<'a>(csrf: &'a str, digits: [&'a str; 3]) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("w0", digits[0]),
        ("w1", digits[1]),
        ("w2", digits[2]),
        ("confirm", "1"),
    ]
}

#[tokio::test]
async fn the_corps_runs_the_ceremony_once_and_prints_the_sheets() {
    let demo = demo_with_committed_batch().await;
    let router = router(&demo, 1_000).await;
    let path = format!("/console/batches/{BATCH}/ceremony");

    // An officer may not run a ceremony.
    let (officer, officer_password) = demo.person("officer");
    let mut officer_jar = Jar::at("192.0.2.61");
    sign_in(&router, &mut officer_jar, officer, officer_password).await;
    let r = send(&router, &mut officer_jar, Method::GET, &path, None, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let csrf = csrf_of(
        &send(
            &router,
            &mut officer_jar,
            Method::GET,
            "/console/",
            None,
            None,
        )
        .await,
    );
    let r = send(
        &router,
        &mut officer_jar,
        Method::POST,
        &path,
        Some(&ceremony_form(&csrf, DIGITS)),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

    let (name, password) = demo.person("corps");
    let mut jar = Jar::at("192.0.2.60");
    sign_in(&router, &mut jar, name, password).await;
    let form = send(&router, &mut jar, Method::GET, &path, None, None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let text = form.text();
    for witness in ["陈思远", "林晓岚", "周文博"] {
        assert!(text.contains(witness), "{witness}: {text}");
    }
    for attr in [
        "type=\"password\" id=\"w0\" name=\"w0\" inputmode=\"numeric\" autocomplete=\"off\"",
        "10 位数字",
    ] {
        assert!(text.contains(attr), "{attr}: {text}");
    }
    let csrf = csrf_of(&form);

    // Forged: no token, or another site.
    for (token, origin) in [("", SITE), (csrf.as_str(), "http://evil.test")] {
        let r = send(
            &router,
            &mut jar,
            Method::POST,
            &path,
            Some(&ceremony_form(token, DIGITS)),
            Some(origin),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }

    // A wrong digit count: a Chinese error on that field, every field empty, nothing logged.
    let short = "12345";
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &path,
        Some(&ceremony_form(&csrf, [DIGITS[0], short, "12a4567890"])),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let text = r.text();
    assert!(
        text.contains("林晓岚：应为 10 位数字，输入了 5 位"),
        "{text}"
    );
    assert!(text.contains("周文博：只能输入数字 0-9"), "{text}");
    assert!(text.contains("href=\"#w1\""), "{text}");
    assert!(!text.contains(DIGITS[0]) && !text.contains(short), "{text}");
    assert_eq!(text.matches("value=\"\"").count(), 3, "{text}");
    for kind in ["draw.started", "draw.refused", "batch.drawn"] {
        assert_eq!(logged(&demo, kind).await, 0, "{kind}");
    }

    // The draw.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &path,
        Some(&ceremony_form(&csrf, DIGITS)),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), format!("{path}?done=1"));
    assert_eq!(logged(&demo, "batch.drawn").await, 1);

    // The bundle is the one the same digits give offline.
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let row = shuangsui::app::batch::get(&app, BATCH).await.unwrap();
    let (stored, stored_bytes) = shuangsui::app::export::bundle(&app, &row).await.unwrap();
    let plan = shuangsui::app::batch::plan(&row).unwrap();
    let text = format!(
        "陈思远={},林晓岚={},周文博={}",
        DIGITS[0], DIGITS[1], DIGITS[2]
    );
    let entropy = shuangsui::entropy::parse_text(&text, &plan.entropy).unwrap();
    let commitment = shuangsui::app::batch::commitment(&app, &row).await.unwrap();
    let offline = shuangsui::bundle::Bundle::make(commitment, entropy).unwrap();
    assert_eq!(offline.to_bytes(), stored_bytes);
    let targets = shuangsui::store::batches::assignments(&app.store, BATCH)
        .await
        .unwrap();
    app.store.close().await;

    // The record: the seed, the hash, each witness's digits, the targets.
    let page = send(&router, &mut jar, Method::GET, &location(&r), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&stored.seed), "the seed: {html}");
    assert!(html.contains(&stored.commitment.hash), "{html}");
    assert!(
        html.contains("摇号记录") && html.contains("记录人"),
        "{html}"
    );
    assert!(html.contains("href=\"/console/print.css\""), "{html}");
    assert!(!html.contains("<style"), "no inline style on a print sheet");
    for (w, d) in ["陈思远", "林晓岚", "周文博"].iter().zip(DIGITS) {
        assert!(html.contains(w) && html.contains(d), "{w} {d}");
    }
    assert!(html.contains(&targets[0].entity_name), "{html}");

    // A second post draws nothing and shows the record.
    let again = send(
        &router,
        &mut jar,
        Method::POST,
        &path,
        Some(&ceremony_form(&csrf, ["1111111111"; 3])),
        Some(SITE),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert!(again.text().contains("没有再次抽取") && again.text().contains(&stored.seed));
    assert_eq!(logged(&demo, "batch.drawn").await, 1);
    assert_eq!(logged(&demo, "draw.started").await, 1);

    // The print stylesheet: A4.
    let css = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/print.css",
        None,
        None,
    )
    .await;
    assert!(css.text().contains("size: A4"), "{}", css.text());

    // Dispatch, the notice and the record form of a staffed target.
    let t = targets.iter().find(|t| !t.team.is_empty()).unwrap();
    let page = send(
        &router,
        &mut jar,
        Method::GET,
        &format!("/console/batches/{BATCH}/dispatch"),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let notice = format!("/console/batches/{BATCH}/notice/{}", t.uscc);
    assert!(
        html.contains(&t.entity_name) && html.contains(&notice),
        "{html}"
    );
    assert!(html.contains(&t.team[0]), "a card number: {html}");
    let page = send(&router, &mut jar, Method::GET, &notice, None, None).await;
    let html = page.text();
    assert_eq!(page.status, StatusCode::OK, "{html}");
    for want in [
        "检查通知书",
        t.entity_name.as_str(),
        t.team[0].as_str(),
        "MZ-YL-01",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    assert!(
        !html.contains(ISSUER),
        "no issuer without the setting: {html}"
    );
    // With the corps' name in the settings, the notice is headed by it.
    let named = {
        let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
        let limiter = FailedAuthLimiter::new(1_000, std::time::Duration::from_secs(300));
        let state = AppState::new(app, limiter, "").with_organisation(ISSUER);
        web::router(state, Limits::from_settings(&Settings::default()))
    };
    let page = send(&named, &mut jar, Method::GET, &notice, None, None).await;
    assert!(
        page.text()
            .contains(&format!("<p class=\"issuer\">{ISSUER}</p>")),
        "{}",
        page.text()
    );
    let record = format!("/console/batches/{BATCH}/record/{}", t.uscc);
    let page = send(&router, &mut jar, Method::GET, &record, None, None).await;
    let html = page.text();
    assert_eq!(page.status, StatusCode::OK, "{html}");
    let book = shuangsui::domain::checklist::Book::shipped();
    let checklist = book.get("MZ-YL-01").unwrap();
    assert!(html.contains("检查记录表") && html.contains(&t.entity_name));
    for item in &checklist.items {
        assert!(html.contains(&item.zh), "{}: {html}", item.zh);
    }
    assert!(html.contains("class=\"box\""), "boxes to tick");

    // The officer: a target of another team is 404, their own target's sheets open.
    let app = App::open(&demo.url, None).await.unwrap();
    let card = shuangsui::store::users::by_name(&app.store, officer)
        .await
        .unwrap()
        .unwrap()
        .card_no
        .unwrap();
    let in_progress = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
        .await
        .unwrap();
    app.store.close().await;
    let other = targets
        .iter()
        .find(|t| !t.team.is_empty() && !t.team.contains(&card))
        .expect("a target of another team");
    for sheet in ["notice", "record"] {
        let href = format!("/console/batches/{BATCH}/{sheet}/{}", other.uscc);
        let r = send(&router, &mut officer_jar, Method::GET, &href, None, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{href}: {}", r.text());
        assert!(!r.text().contains(&other.entity_name), "{}", r.text());
    }
    let mine = in_progress
        .iter()
        .find(|t| t.team.contains(&card))
        .expect("the demo officer has a target in the batch in progress");
    let task = format!("/console/tasks/{IN_PROGRESS}/{}", mine.uscc);
    let r = send(&router, &mut officer_jar, Method::GET, &task, None, None).await;
    let href = format!("/console/batches/{IN_PROGRESS}/notice/{}", mine.uscc);
    assert!(
        r.text().contains(&href),
        "the target's page links its notice"
    );
    let r = send(&router, &mut officer_jar, Method::GET, &href, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains(&mine.entity_name));
    let r = send(
        &router,
        &mut officer_jar,
        Method::GET,
        &format!("/console/batches/{BATCH}/dispatch"),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "dispatch is the corps'");

    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}
