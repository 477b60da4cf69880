//! The corps uploads a directory table in the console: a preview first (every bad row named
//! in Chinese, or the rows added, removed and changed), the import only on confirm, once,
//! by the person who uploaded, from this site; officers may not upload.

use super::*;

use crate::excel::common;

const BOUNDARY: &str = "----shuangsui-test-boundary";

/// A browser's upload form: the CSRF token (if any), the encoding and the file.
fn form(csrf: Option<&str>, encoding: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let mut out = Vec::new();
    let mut text = |name: &str, value: &str| {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    if let Some(t) = csrf {
        text("csrf", t);
    }
    text("encoding", encoding);
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), out)
}

/// Uploads `bytes` as `file_name` to the preview of `kind`.
async fn preview(
    router: &Router,
    jar: &mut Jar,
    kind: &str,
    csrf: Option<&str>,
    (encoding, file_name, bytes): (&str, &str, &[u8]),
) -> Reply {
    let path = format!("/console/directories/{kind}/preview");
    let body = Some(form(csrf, encoding, file_name, bytes));
    send_body(router, jar, Method::POST, &path, body, Some(SITE)).await
}

/// Confirms (or cancels) held upload `id`.
async fn decide(
    router: &Router,
    jar: &mut Jar,
    csrf: &str,
    id: &str,
    action: &str,
    origin: &str,
) -> Reply {
    let fields = [("csrf", csrf), ("upload", id), ("action", action)];
    let path = "/console/directories/held";
    send(router, jar, Method::POST, path, Some(&fields), Some(origin)).await
}

/// The held upload's id on a preview page.
fn held_id(page: &Reply) -> String {
    let text = page.text();
    let at = text
        .find("name=\"upload\" value=\"")
        .unwrap_or_else(|| panic!("no held upload in {text}"));
    let rest = &text[at + "name=\"upload\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// How many snapshots there are, and the current entities version.
async fn snapshots(demo: &Demo) -> (usize, i64) {
    let app = App::open(&demo.url, None).await.unwrap();
    let all = shuangsui::store::snapshots::all(&app.store).await.unwrap();
    let current = shuangsui::store::snapshots::latest(&app.store, "entities")
        .await
        .unwrap()
        .unwrap();
    (all.len(), current.version)
}

/// The shipped entities with the second row's name changed, the third row left out and one
/// entity added: one changed, one removed, one added.
fn changed_entities() -> (String, String, String) {
    let csv = std::fs::read_to_string(root().join("registries/shanghai/entities.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let old_name = lines[1].split(',').nth(1).unwrap().to_string();
    lines[1] = lines[1].replacen(&old_name, "上海新名养老服务中心", 1);
    lines.remove(2);
    let uscc = shuangsui::domain::Uscc::complete("52310101MJ0000001").unwrap();
    lines.push(format!(
        "{},上海黄浦区新增测试养老院,养老服务,养老机构,黄浦,黄浦区测试路1号,A,正常,,",
        uscc.as_str()
    ));
    (lines.join("\n") + "\n", old_name, uscc.as_str().to_string())
}

/// Signs the demo's corps in at `ip`; the directories page's CSRF token.
async fn corps(router: &Router, demo: &Demo, ip: &str) -> (Jar, String) {
    let (name, password) = demo.person("corps");
    let mut jar = Jar::at(ip);
    sign_in(router, &mut jar, name, password).await;
    let page = send(
        router,
        &mut jar,
        Method::GET,
        "/console/directories",
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    for want in [
        "enctype=\"multipart/form-data\"",
        "action=\"/console/directories/entities/preview\"",
        "type=\"file\"",
        "<option value=\"gbk\">GBK</option>",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    (jar, csrf_of(&page))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gbk_file_with_a_bad_row_is_named_in_chinese_and_nothing_is_imported() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (mut jar, csrf) = corps(&router, &demo, "192.0.2.80").await;
    let before = snapshots(&demo).await;
    let csv = std::fs::read_to_string(root().join("registries/shanghai/entities.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    // Line 3 of the file: its credit grade is not one of A–D.
    lines[2] = lines[2]
        .replacen(",A,正常,", ",E,正常,", 1)
        .replacen(",B,正常,", ",E,正常,", 1);
    assert!(lines[2].contains(",E,"), "{}", lines[2]);
    let text = lines.join("\r\n") + "\r\n";
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let r = preview(
        &router,
        &mut jar,
        "entities",
        Some(&csrf),
        ("gbk", "名录.csv", &gbk),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let page = r.text();
    for want in [
        "没有导入任何内容",
        "名录.csv:3",
        "<td>credit_grade</td>",
        "不是",
    ] {
        assert!(page.contains(want), "{want} in {page}");
    }
    assert!(!page.contains("确认导入"), "nothing to confirm: {page}");
    assert!(!page.contains("name=\"upload\""), "nothing held: {page}");
    assert_eq!(snapshots(&demo).await, before, "nothing imported");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_file_is_previewed_then_imported_once_on_its_uploaders_confirm() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (mut jar, csrf) = corps(&router, &demo, "192.0.2.81").await;
    let before = snapshots(&demo).await;
    let (csv, old_name, added) = changed_entities();
    let file = ("auto", "entities.csv", csv.as_bytes());
    let r = preview(&router, &mut jar, "entities", Some(&csrf), file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    for want in [
        "新增 1 行",
        "删除 1 行",
        "修改 1 行",
        old_name.as_str(),
        "上海新名养老服务中心",
        added.as_str(),
        "确认导入",
    ] {
        assert!(page.contains(want), "{want} in {page}");
    }
    assert_eq!(snapshots(&demo).await, before, "a preview imports nothing");
    let id = held_id(&r);

    // Forged confirms: no token, another site, another corps user. Nothing imported, and
    // the upload still waits for its own person.
    let r = decide(&router, &mut jar, "", &id, "confirm", SITE).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = decide(
        &router,
        &mut jar,
        &csrf,
        &id,
        "confirm",
        "https://evil.example",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let (row, _) =
        shuangsui::app::users::add(&app, "总队二", shuangsui::app::users::Role::Corps, None)
            .await
            .unwrap();
    let password = "Qx7!mountain-river-2026";
    shuangsui::app::sign_in::set_password(
        &app,
        row.id,
        password,
        shuangsui::app::sign_in::SetBy::Operator,
    )
    .await
    .unwrap();
    let mut other = Jar::at("192.0.2.82");
    sign_in(&router, &mut other, "总队二", password).await;
    let page = send(
        &router,
        &mut other,
        Method::GET,
        "/console/directories",
        None,
        None,
    )
    .await;
    let other_csrf = csrf_of(&page);
    let r = decide(&router, &mut other, &other_csrf, &id, "confirm", SITE).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert_eq!(snapshots(&demo).await, before, "nothing imported");

    // A second preview of the same file, then the first confirmed: one new version.
    let r = preview(&router, &mut jar, "entities", Some(&csrf), file).await;
    let stale = held_id(&r);
    let r = decide(&router, &mut jar, &csrf, &id, "confirm", SITE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let want = format!("第 {} 版", before.1 + 1);
    assert!(r.text().contains(&want), "{want} in {}", r.text());
    let after = snapshots(&demo).await;
    assert_eq!(after, (before.0 + 1, before.1 + 1));
    let listed = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/directories",
        None,
        None,
    )
    .await;
    assert!(
        listed.text().contains("上海新名")
            || listed.text().contains(&format!("<dd>{} ", before.1 + 1))
    );

    // Confirmed once only; the preview made before that import is refused.
    let r = decide(&router, &mut jar, &csrf, &id, "confirm", SITE).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = decide(&router, &mut jar, &csrf, &stale, "confirm", SITE).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("重新上传预览"), "{}", r.text());
    assert_eq!(snapshots(&demo).await, after);

    // The same file again is unchanged: nothing to confirm.
    let r = preview(&router, &mut jar, "entities", Some(&csrf), file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("内容与当前版本相同"), "{}", r.text());
    assert!(!r.text().contains("name=\"upload\""), "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_discards_a_workbook_preview_and_an_officer_cannot_upload() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (mut jar, csrf) = corps(&router, &demo, "192.0.2.83").await;
    let before = snapshots(&demo).await;
    let (csv, _, _) = changed_entities();
    let workbook = common::xlsx_from_csv(&csv, "entities", &[]);
    let file = ("auto", "entities.xlsx", workbook.as_slice());
    let r = preview(&router, &mut jar, "entities", Some(&csrf), file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for want in ["新增 1 行", "删除 1 行", "修改 1 行"] {
        assert!(r.text().contains(want), "{want} in {}", r.text());
    }
    let id = held_id(&r);
    let r = decide(&router, &mut jar, &csrf, &id, "cancel", SITE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已取消"), "{}", r.text());
    let r = decide(&router, &mut jar, &csrf, &id, "confirm", SITE).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

    // An upload without the form's token is refused before anything is read into a preview.
    let r = preview(&router, &mut jar, "entities", None, file).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

    let (name, password) = demo.person("officer");
    let mut officer = Jar::at("192.0.2.84");
    sign_in(&router, &mut officer, name, password).await;
    let home = send(&router, &mut officer, Method::GET, "/console/", None, None).await;
    let officer_csrf = csrf_of(&home);
    let r = preview(&router, &mut officer, "entities", Some(&officer_csrf), file).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(snapshots(&demo).await, before, "nothing imported");

    // Auditors read the versions but see no upload form.
    let (name, password) = demo.person("auditor");
    let mut auditor = Jar::at("192.0.2.85");
    sign_in(&router, &mut auditor, name, password).await;
    let page = send(
        &router,
        &mut auditor,
        Method::GET,
        "/console/directories",
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text().contains("multipart/form-data"),
        "{}",
        page.text()
    );
}
