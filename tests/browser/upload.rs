//! The corps uploads a changed officers table in the browser: a real file input and
//! multipart form, the preview's counts, 确认导入, and the new version on the list.

use std::path::Path;

use fantoccini::{Client, Locator};

use super::{STEP, sign_in_by_form, sign_out};

/// The shipped officers with the first officer's district changed to 浦东 and one officer added:
/// one row changed, one added.
fn changed_officers(dir: &Path) -> std::path::PathBuf {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("registries/shanghai/officers.csv");
    let text = std::fs::read_to_string(shipped).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<&str> = lines[1].split(',').collect();
    assert_ne!(fields[3], "浦东");
    fields[3] = "浦东";
    lines[1] = fields.join(",");
    lines.push("SHMZ-9999-0001,测试新人员,市民政执法总队,全市,养老服务,2029-01-01,在岗".into());
    let path = dir.join("officers-changed.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// The text of the first element `css` finds, waiting for it.
async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// The current version of the officers table, as the directories page shows it.
async fn officers_version(c: &Client, base: &str) -> u32 {
    c.goto(&format!("{base}/console/directories"))
        .await
        .unwrap();
    let shown = text(c, "section#officers dl dd").await;
    assert!(shown.contains("当前"), "the newest first: {shown}");
    shown
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a version: {shown}"))
}

/// The demo's corps signs in, uploads a changed officers CSV, sees what it changes,
/// confirms, and finds the new version listed; then signs out.
pub async fn corps_uploads_a_directory(
    c: &Client,
    base: &str,
    (name, password): &(String, String),
) {
    sign_in_by_form(c, base, name, password).await;
    let before = officers_version(c, base).await;
    let dir = tempfile::tempdir().unwrap();
    let file = changed_officers(dir.path());
    c.find(Locator::Css("input#file-officers"))
        .await
        .expect("the officers' upload field")
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Css("button#preview-officers"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("button#confirm"))
        .await
        .expect("the preview's confirm button");
    let preview = text(c, "main").await;
    for want in [
        "新增 1 行",
        "删除 0 行",
        "修改 1 行",
        "浦东",
        "SHMZ-9999-0001",
    ] {
        assert!(preview.contains(want), "{want} in the preview: {preview}");
    }
    c.find(Locator::Css("button#confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::XPath("//main/h1[text()='已导入']"))
        .await
        .expect("the import done");
    let done = text(c, "main p").await;
    assert!(done.contains(&format!("第 {} 版", before + 1)), "{done}");
    assert_eq!(officers_version(c, base).await, before + 1);
    sign_out(c).await;
}
