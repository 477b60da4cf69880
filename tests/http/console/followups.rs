//! Follow-ups (后续处置) in the console: the corps sees the demo's open follow-ups, records
//! a measure by the form (a `followup.measure` entry; a second tap of the same form records
//! nothing more), gets a due date in the past back as a Chinese error on the due field with
//! nothing written, closes one (a second closure is
//! refused in Chinese); officers and reviewers get 403, and so does a forged post, which
//! writes nothing.

use super::*;

/// How many entries of `kind` the log holds for target `uscc` (its seal opened).
async fn logged(demo: &Demo, kind: &str, uscc: &str) -> usize {
    let app = App::open(&demo.url, None).await.unwrap();
    let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
    let n = entries
        .iter()
        .map(|e| e.open().unwrap())
        .filter(|e| e.kind == kind && e.event.get("uscc").and_then(|v| v.as_str()) == Some(uscc))
        .count();
    app.store.close().await;
    n
}

/// The links to targets' follow-up pages on a page, in order, without repeats.
fn followup_links(page: &Reply) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in page.text().split("href=\"/console/followups/").skip(1) {
        let link = format!("/console/followups/{}", &part[..part.find('"').unwrap()]);
        if !out.contains(&link) {
            out.push(link);
        }
    }
    out
}

async fn get(router: &Router, jar: &mut Jar, path: &str) -> Reply {
    send(router, jar, Method::GET, path, None, None).await
}

async fn post(router: &Router, jar: &mut Jar, path: &str, form: &[(&str, &str)]) -> Reply {
    send(router, jar, Method::POST, path, Some(form), Some(SITE)).await
}

#[tokio::test]
async fn the_corps_records_measures_and_closes_follow_ups() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("corps");
    let mut jar = Jar::at("192.0.2.70");
    sign_in(&router, &mut jar, name, password).await;
    let home = get(&router, &mut jar, "/console/").await;
    assert!(
        home.text().contains("href=\"/console/followups\""),
        "{}",
        home.text()
    );

    // The open follow-ups of the demo's published batch, with their finding and measures.
    let list = get(&router, &mut jar, "/console/followups").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let text = list.text();
    assert!(
        text.contains(PUBLISHED) && text.contains("未完结"),
        "{text}"
    );
    assert!(text.contains("责令限期整改"), "the demo's order: {text}");
    assert!(
        !text.contains("已整改"),
        "the closed one is not listed: {text}"
    );
    let links = followup_links(&list);
    assert!(!links.is_empty(), "{text}");
    // Nothing is overdue in a fresh demo; every follow-up includes the closed one.
    let overdue = get(&router, &mut jar, "/console/followups?state=overdue").await;
    assert!(
        overdue.text().contains("目前没有需要处置的后续处置。"),
        "{}",
        overdue.text()
    );
    let all = get(&router, &mut jar, "/console/followups?state=all").await;
    assert!(all.text().contains("已整改"), "{}", all.text());

    // A follow-up with no measure yet (the demo follows up three, in list order).
    let path = links.last().unwrap().clone();
    let uscc = path.rsplit('/').next().unwrap().to_string();
    let target = get(&router, &mut jar, &path).await;
    assert_eq!(target.status, StatusCode::OK, "{}", target.text());
    assert!(target.text().contains(&uscc), "{}", target.text());
    let csrf = csrf_of(&target);
    let today = shuangsui::app::batch::china_today();
    let measures = logged(&demo, "followup.measure", &uscc).await;

    // A due date in the past: the Chinese error on the due field, nothing written.
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let measure = format!("{path}/measure");
    let form = [
        ("csrf", csrf.as_str()),
        ("measure", "约谈"),
        ("due", yesterday.as_str()),
        ("note", "约谈法定代表人"),
    ];
    let r = post(&router, &mut jar, &measure, &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let text = r.text();
    assert!(text.contains("class=\"error-summary\""), "{text}");
    assert!(
        text.contains(&format!("<a href=\"#due\">整改期限 {yesterday} 早于今天")),
        "{text}"
    );
    assert!(
        text.contains("<div class=\"field-error\">\n<label for=\"due\">"),
        "{text}"
    );
    assert!(text.contains("约谈法定代表人"), "the note is kept: {text}");
    assert_eq!(logged(&demo, "followup.measure", &uscc).await, measures);

    // A good one: recorded, logged, shown after the redirect. The form carries the request
    // id of its page: a second tap of it records nothing more.
    let due = (today + chrono::Days::new(10)).to_string();
    let request = hidden(&target, "request");
    assert_eq!(request.len(), 43, "{}", target.text());
    let form = [
        ("csrf", csrf.as_str()),
        ("request", request.as_str()),
        ("measure", "约谈"),
        ("due", due.as_str()),
        ("note", "约谈法定代表人"),
    ];
    let r = post(&router, &mut jar, &measure, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), format!("{path}?done=measure"));
    let again = post(&router, &mut jar, &measure, &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
    assert_eq!(location(&again), format!("{path}?done=measure"));
    assert_eq!(logged(&demo, "followup.measure", &uscc).await, measures + 1);
    let page = get(&router, &mut jar, &location(&r)).await;
    let text = page.text();
    assert!(
        text.contains("处置措施已记录。") && text.contains(&due),
        "{text}"
    );
    assert!(text.contains("约谈法定代表人"), "{text}");
    assert_eq!(logged(&demo, "followup.measure", &uscc).await, measures + 1);

    // Forged posts (no token, another site) and other roles: 403, nothing written.
    let close = format!("{path}/close");
    let today_s = today.to_string();
    let closing = |csrf: &'_ str| {
        [
            ("csrf", csrf.to_string()),
            ("outcome", "已处罚".to_string()),
            ("closed_on", today_s.clone()),
            ("text", "罚款一千元".to_string()),
        ]
    };
    let r = post(&router, &mut jar, &close, &fields_of(&closing(""))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let good = closing(&csrf);
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &close,
        Some(&fields_of(&good)),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = post(
        &router,
        &mut jar,
        &measure,
        &[("measure", "约谈"), ("due", &due)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    for (role, ip) in [("officer", "192.0.2.71"), ("reviewer", "192.0.2.72")] {
        let (n, p) = demo.person(role);
        let mut other = Jar::at(ip);
        sign_in(&router, &mut other, n, p).await;
        let home = get(&router, &mut other, "/console/").await;
        assert!(!home.text().contains("/console/followups"), "{role}");
        assert_eq!(
            get(&router, &mut other, "/console/followups").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get(&router, &mut other, &path).await.status,
            StatusCode::FORBIDDEN
        );
        let theirs = closing(&csrf_of(&home));
        let r = post(&router, &mut other, &close, &fields_of(&theirs)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.text());
    }
    assert_eq!(logged(&demo, "followup.measure", &uscc).await, measures + 1);
    assert_eq!(logged(&demo, "followup.closed", &uscc).await, 0);

    // Closed by the corps: its state and outcome shown, the forms gone; a second closure
    // is refused in Chinese and writes nothing.
    let r = post(&router, &mut jar, &close, &fields_of(&good)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = get(&router, &mut jar, &location(&r)).await;
    let text = page.text();
    assert!(text.contains("后续处置已完结，查处结果已公示。"), "{text}");
    assert!(
        text.contains("已完结") && text.contains("罚款一千元"),
        "{text}"
    );
    assert!(!text.contains(&format!("action=\"{close}\"")), "{text}");
    let r = post(&router, &mut jar, &close, &fields_of(&good)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(
        r.text().contains("不再接受处置措施或再次完结"),
        "{}",
        r.text()
    );
    assert_eq!(logged(&demo, "followup.closed", &uscc).await, 1);
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}

fn fields_of<'a>(f: &'a [(&'static str, String); 4]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
