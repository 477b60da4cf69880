//! The corps makes a batch in the console: the plan form creates the batch its TOML would,
//! a bad form is shown again with Chinese errors on its fields and creates nothing, a plan
//! file upload creates one, the counts are the draw's own and draw nothing, the commit
//! shows the hash the log holds; officers get 403, and so do forged posts.

use shuangsui::app::App;
use shuangsui::plan::Plan;

use super::*;

/// Signs the demo's corps user in.
async fn corps(router: &Router, demo: &Demo) -> Jar {
    let (name, password) = demo.person("corps");
    let mut jar = Jar::default();
    let r = sign_in(router, &mut jar, name, password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    jar
}

fn window() -> (String, String) {
    let today = shuangsui::app::batch::china_today();
    (
        today.to_string(),
        (today + chrono::Days::new(30)).to_string(),
    )
}

/// A filled form of batch `id`: two strata (D grade 30%, then the rest 2% at least 1),
/// a ceremony of two witnesses.
fn form(id: &str) -> Vec<(String, String)> {
    let (start, end) = window();
    [
        ("id", id),
        ("title", "养老机构表单抽查"),
        ("inspection_date", start.as_str()),
        ("inspection_end", end.as_str()),
        ("matters", "MZ-YL-01"),
        ("sectors", "养老服务"),
        ("entity_types", "养老机构"),
        ("statuses", "正常"),
        ("s0-name", "D级"),
        ("s0-grades", "D"),
        ("s0-ratio", "30%"),
        ("s1-name", "其他"),
        ("s1-ratio", "2%"),
        ("s1-minimum", "1"),
        ("team_size", "2"),
        ("entropy", "ceremony"),
        ("witnesses", "陈思远\n林晓岚"),
        ("digits", "6"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

/// The same plan as a file would write it.
fn same_toml(id: &str) -> String {
    let (start, end) = window();
    format!(
        r#"id = "{id}"
title = "养老机构表单抽查"
inspection_date = "{start}"
inspection_end = "{end}"
matters = ["MZ-YL-01"]
[population]
sectors = ["养老服务"]
entity_types = ["养老机构"]
[[strata]]
name = "D级"
grades = ["D"]
ratio = "30%"
[[strata]]
name = "其他"
ratio = "2%"
minimum = 1
[team]
size = 2
[entropy]
source = "ceremony"
witnesses = ["陈思远", "林晓岚"]
digits = 6
"#
    )
}

/// Posts `fields` with the page's token to `path`.
async fn post(
    router: &Router,
    jar: &mut Jar,
    path: &str,
    csrf: &str,
    fields: &[(String, String)],
) -> Reply {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf)];
    all.extend(fields.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    send(router, jar, Method::POST, path, Some(&all), Some(SITE)).await
}

/// Posts the plan form with its token, pressing `button` (`create` or `count`).
async fn submit(
    router: &Router,
    jar: &mut Jar,
    csrf: &str,
    fields: &[(String, String)],
    button: &str,
) -> Reply {
    let fields = with(fields, "action", button);
    post(router, jar, "/console/batches/new", csrf, &fields).await
}

async fn new_form_csrf(router: &Router, jar: &mut Jar) -> String {
    let page = send(router, jar, Method::GET, "/console/batches/new", None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    csrf_of(&page)
}

async fn log_size(app: &App) -> usize {
    shuangsui::store::log::entries(&app.store)
        .await
        .unwrap()
        .len()
}

fn with(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = fields.iter().filter(|(n, _)| n != name).cloned().collect();
    f.push((name.into(), value.into()));
    f
}

/// The numbers of the counts table's "will draw" column, in order.
fn takes(page: &str) -> Vec<u64> {
    page.split("class=\"takes\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_creates_the_batch_its_toml_would_and_the_commit_shows_the_logged_hash() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let mut jar = corps(&router, &demo).await;

    let page = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches/new",
        None,
        None,
    )
    .await;
    let text = page.text();
    assert!(text.contains("<label for=\"id\">批次编号"), "{text}");
    assert!(text.contains("<label for=\"s0-ratio\">抽取比例"), "{text}");
    assert!(text.contains("<script src=\"/console/new_batch.js\" defer></script>"));
    let csp = page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap();
    let csp = csp.to_str().unwrap();
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe-inline'; script"),
        "{csp}"
    );
    let csrf = csrf_of(&page);
    // The script is this site's own file; every other console page still allows none.
    let js = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/new_batch.js",
        None,
        None,
    )
    .await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text().contains("/console/batches/counts"));
    let list = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches",
        None,
        None,
    )
    .await;
    let csp = list.headers.get(header::CONTENT_SECURITY_POLICY).unwrap();
    assert!(!csp.to_str().unwrap().contains("script-src"), "{csp:?}");
    // English on the toggle.
    let en = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches/new?lang=en",
        None,
        None,
    )
    .await;
    assert!(
        en.text().contains("<label for=\"id\">Batch id"),
        "{}",
        en.text()
    );
    send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches/new?lang=zh",
        None,
        None,
    )
    .await;

    let r = submit(&router, &mut jar, &csrf, &form("SH-FORM-01"), "create").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/console/batches/SH-FORM-01?done=created");

    // The same plan as a file, through the application function the CLI calls.
    shuangsui::app::batch::create(&app, "same.toml", &same_toml("SH-FILE-01"))
        .await
        .unwrap();
    let plan = |id: &str| {
        let app = &app;
        let id = id.to_string();
        async move {
            let row = shuangsui::app::batch::get(app, &id).await.unwrap();
            let mut p = Plan::from_toml("stored", &row.plan_toml).unwrap();
            p.id = String::new();
            p
        }
    };
    assert_eq!(plan("SH-FORM-01").await, plan("SH-FILE-01").await);

    // The draft's page: the plan in words, the commit button; listed on the batches page.
    let page = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches/SH-FORM-01",
        None,
        None,
    )
    .await;
    let text = page.text();
    assert!(text.contains("草稿") && text.contains("提交承诺"), "{text}");
    assert!(text.contains("陈思远、林晓岚"), "the plan in words: {text}");
    let list = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches",
        None,
        None,
    )
    .await;
    assert!(
        list.text().contains("href=\"/console/batches/SH-FORM-01\""),
        "{}",
        list.text()
    );

    let r = post(
        &router,
        &mut jar,
        "/console/batches/SH-FORM-01/commit",
        &csrf_of(&page),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = send(&router, &mut jar, Method::GET, &location(&r), None, None).await;
    let text = page.text();
    let logged = shuangsui::store::log::entries(&app.store)
        .await
        .unwrap()
        .iter()
        .map(|e| shuangsui::ledger::entry::decode(&e.bytes).unwrap())
        .find(|e| e.kind == "batch.committed" && e.event["batch"] == "SH-FORM-01")
        .map(|e| e.event["commitment_hash"].as_str().unwrap().to_string())
        .expect("a batch.committed entry");
    assert!(
        text.contains(&format!("<p class=\"hash\" id=\"hash\">{logged}</p>")),
        "{text}"
    );
    assert!(text.contains("href=\"/batches/SH-FORM-01\""), "{text}");
    assert!(
        text.contains("公开摇号仪式：见证人 陈思远、林晓岚 各报 6 位数字"),
        "{text}"
    );
    assert!(!text.contains("action=\"/console/batches/SH-FORM-01/commit\""));
    // Committed once: a second commit is refused on the page.
    let again = post(
        &router,
        &mut jar,
        "/console/batches/SH-FORM-01/commit",
        &csrf_of(&page),
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_form_is_shown_again_with_chinese_errors_and_creates_nothing() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let mut jar = corps(&router, &demo).await;
    let csrf = new_form_csrf(&router, &mut jar).await;
    let batches = shuangsui::store::batches::all(&app.store)
        .await
        .unwrap()
        .len();
    let entries = log_size(&app).await;

    // Values that are not a plan's: not a number, not a grade.
    let bad = with(
        &with(&form("SH-BAD-01"), "s0-count", "三"),
        "s1-grades",
        "E",
    );
    let r = submit(&router, &mut jar, &csrf, &bad, "create").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("class=\"error-summary\""), "{text}");
    assert!(
        text.contains("<a href=\"#s0-count\">「三」不是整数</a>"),
        "{text}"
    );
    assert!(
        text.contains("<a href=\"#s1-grades\">信用等级须为 A、B、C 或 D"),
        "{text}"
    );
    assert!(
        text.contains("value=\"养老机构表单抽查\""),
        "values kept: {text}"
    );

    // The plan's own rules, Chinese first, each on its field.
    let bad = with(
        &with(&form("SH-BAD-01"), "team_size", "1"),
        "witnesses",
        "陈思远",
    );
    let r = submit(&router, &mut jar, &csrf, &bad, "create").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(
        text.contains("<a href=\"#team_size\">team.size 每组人数为 1：执法人员不得少于两人"),
        "{text}"
    );
    assert!(
        text.contains("<a href=\"#witnesses\">entropy.witnesses 摇号仪式至少需要 2 名见证人"),
        "{text}"
    );
    assert!(text.contains(">陈思远</textarea>"), "{text}");

    // An id used before.
    let r = submit(&router, &mut jar, &csrf, &form(PUBLISHED), "create").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("已被使用"), "{}", r.text());

    assert_eq!(
        shuangsui::store::batches::all(&app.store)
            .await
            .unwrap()
            .len(),
        batches
    );
    assert_eq!(log_size(&app).await, entries, "nothing logged");
}

/// A `multipart/form-data` post of the upload form.
async fn upload(router: &Router, jar: &mut Jar, csrf: &str, name: &str, text: &str) -> Reply {
    let boundary = "----shuangsui-test";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"plan\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/console/batches/upload")
        .header(header::HOST, "shuangsui.test")
        .header(header::ORIGIN, SITE)
        .header(header::COOKIE, jar.header())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    answer(router, jar, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_plan_file_creates_a_batch_and_a_bad_one_is_named() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let mut jar = corps(&router, &demo).await;
    let csrf = new_form_csrf(&router, &mut jar).await;

    let r = upload(
        &router,
        &mut jar,
        &csrf,
        "plan.toml",
        &same_toml("SH-UP-01"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/console/batches/SH-UP-01?done=created");
    assert_eq!(
        shuangsui::app::batch::get(&app, "SH-UP-01")
            .await
            .unwrap()
            .state,
        "draft"
    );

    let bad = same_toml("SH-UP-02").replace("size = 2", "size = 1");
    let r = upload(&router, &mut jar, &csrf, "bad.toml", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("bad.toml: team.size 每组人数为 1"),
        "{}",
        r.text()
    );
    assert!(shuangsui::app::batch::get(&app, "SH-UP-02").await.is_err());

    // Forged: without the token, nothing is read into a batch.
    let r = upload(
        &router,
        &mut jar,
        "forged",
        "plan.toml",
        &same_toml("SH-UP-03"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(shuangsui::app::batch::get(&app, "SH-UP-03").await.is_err());

    // Too large to read: said so (not "expired"), and nothing made.
    let big = format!("{}\n# {}", same_toml("SH-UP-04"), "x".repeat(300 * 1024));
    let r = upload(&router, &mut jar, &csrf, "big.toml", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(r.text().contains("计划文件至多 256 KiB"), "{}", r.text());
    assert!(shuangsui::app::batch::get(&app, "SH-UP-04").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counts_are_what_the_draw_then_takes_and_counting_draws_nothing() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let mut jar = corps(&router, &demo).await;
    let csrf = new_form_csrf(&router, &mut jar).await;
    let entries = log_size(&app).await;
    let batches = shuangsui::store::batches::all(&app.store)
        .await
        .unwrap()
        .len();

    let fields = form("SH-COUNT-01");
    let r = submit(&router, &mut jar, &csrf, &fields, "count").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let text = r.text();
    assert!(text.contains("<h2>各层数量</h2>"), "{text}");
    let counted = takes(&text);
    assert_eq!(counted.len(), 2, "{text}");
    assert!(counted.iter().all(|&n| n > 0), "{text}");
    // The script's endpoint gives the same table alone.
    let r = post(&router, &mut jar, "/console/batches/counts", &csrf, &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text().starts_with("<section id=\"counts\""),
        "{}",
        r.text()
    );
    assert_eq!(takes(&r.text()), counted);
    // A form that is not a plan yet says why instead.
    let r = post(
        &router,
        &mut jar,
        "/console/batches/counts",
        &csrf,
        &with(&fields, "team_size", "1"),
    )
    .await;
    assert!(r.text().contains("执法人员不得少于两人"), "{}", r.text());

    assert_eq!(log_size(&app).await, entries, "counting logs nothing");
    assert_eq!(
        shuangsui::store::batches::all(&app.store)
            .await
            .unwrap()
            .len(),
        batches
    );

    // Created, committed and drawn: each stratum takes what was counted.
    let r = submit(&router, &mut jar, &csrf, &fields, "create").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    shuangsui::app::batch::commit(&app, "SH-COUNT-01")
        .await
        .unwrap();
    let bundle = shuangsui::app::draw::draw(&app, "SH-COUNT-01", "陈思远=123456,林晓岚=654321")
        .await
        .unwrap();
    let drawn: Vec<u64> = bundle
        .draw
        .strata
        .iter()
        .map(|s| s.targets.len() as u64)
        .collect();
    assert_eq!(drawn, counted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_get_403_and_forged_posts_change_nothing() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let (name, password) = demo.person("officer");
    let mut officer = Jar::default();
    sign_in(&router, &mut officer, name, password).await;
    for path in [
        "/console/batches/new",
        &format!("/console/batches/{PUBLISHED}"),
    ] {
        let r = send(&router, &mut officer, Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    // The officer's own token, on the corps' forms: 403, nothing made.
    let home = send(&router, &mut officer, Method::GET, "/console/", None, None).await;
    let token = csrf_of(&home);
    let fields = with(&form("SH-OFFICER-01"), "action", "create");
    let r = post(
        &router,
        &mut officer,
        "/console/batches/new",
        &token,
        &fields,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &router,
        &mut officer,
        "/console/batches/counts",
        &token,
        &fields,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let mut jar = corps(&router, &demo).await;
    let csrf = new_form_csrf(&router, &mut jar).await;
    // Another site's post, and one without the token.
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    all.extend(fields.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/batches/new",
        Some(&all),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(&router, &mut jar, "/console/batches/new", "wrong", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        shuangsui::app::batch::get(&app, "SH-OFFICER-01")
            .await
            .is_err()
    );

    post(&router, &mut jar, "/console/batches/new", &csrf, &fields).await;
    let r = post(
        &router,
        &mut jar,
        "/console/batches/SH-OFFICER-01/commit",
        "wrong",
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &router,
        &mut officer,
        "/console/batches/SH-OFFICER-01/commit",
        &token,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let row = shuangsui::app::batch::get(&app, "SH-OFFICER-01")
        .await
        .unwrap();
    assert_eq!(row.state, "draft", "not committed by a forged post");
}
