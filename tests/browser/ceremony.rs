//! The corps' draw ceremony in Chromium: signed in by the form, each witness types their
//! digits into a field that hides them, the batch is drawn and its 摇号记录 shows the seed
//! and each witness's digits; then a target's 检查通知书 is printed to PDF by WebDriver's
//! print command, and the PDF's text holds the title and the entity's name. Screenshots in
//! `target/browser/ceremony-record.png` and `target/browser/notice.png`, the PDF beside
//! them. The batch is the one the corps made and committed by the form just before.

use super::*;

async fn wait_for(c: &Client, css: &str, what: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what} ({css}): {e}"))
}

pub(super) fn shot(name: &str, png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is no PNG");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// The corps, signed in, runs the ceremony of committed batch `batch` and prints a
/// target's notice.
pub async fn corps_runs_the_ceremony_and_prints(c: &Client, base: &str, batch: &str) {
    c.goto(&format!("{base}/console/batches/{batch}/ceremony"))
        .await
        .unwrap();
    wait_for(c, "input#w0", "the ceremony form").await;
    let fields = c
        .find_all(Locator::Css("form input[id^='w']"))
        .await
        .unwrap();
    assert!(fields.len() >= 2, "a field per witness");
    let mut typed = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        assert_eq!(
            field.attr("type").await.unwrap().as_deref(),
            Some("password")
        );
        assert_eq!(
            field.attr("inputmode").await.unwrap().as_deref(),
            Some("numeric")
        );
        assert_eq!(
            field.attr("autocomplete").await.unwrap().as_deref(),
            Some("off")
        );
        // As many digits as the plan declares (no maxlength: a digit too many must be told,
        // never dropped unseen).
        let wanted: usize = field
            .attr("data-digits")
            .await
            .unwrap()
            .and_then(|n| n.parse().ok())
            .expect("the field says how many digits");
        let digits: String = format!("{:020}", 12_345_678_910_111_213u64 * (i as u64 + 3))
            .chars()
            .rev()
            .take(wanted)
            .collect();
        field.send_keys(&digits).await.unwrap();
        typed.push(digits);
    }
    // Hidden while typed: nothing of the digits is on the page's text.
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(typed.iter().all(|d| !body.contains(d.as_str())), "{body}");
    c.find(Locator::Css("input#confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let seed = wait_for(c, "#seed", "the draw record's seed")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        seed.len() == 64 && seed.bytes().all(|b| b.is_ascii_hexdigit()),
        "seed {seed}"
    );
    let witnesses = c
        .find(Locator::Css("#witnesses"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        typed.iter().all(|d| witnesses.contains(d.as_str())),
        "{witnesses}"
    );
    shot("ceremony-record.png", &c.screenshot().await.unwrap());

    // Dispatch: the first target's notice, printed.
    c.goto(&format!("{base}/console/batches/{batch}/dispatch"))
        .await
        .unwrap();
    let entity = wait_for(c, "section.team h3", "a team's target")
        .await
        .text()
        .await
        .unwrap();
    c.find(Locator::Css("section.team a[href*='/notice/']"))
        .await
        .expect("the notice's link")
        .click()
        .await
        .unwrap();
    let heading = wait_for(c, "main h1", "the notice").await;
    assert_eq!(heading.text().await.unwrap().replace(' ', ""), "检查通知书");
    shot("notice.png", &c.screenshot().await.unwrap());
    let pdf = c
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("WebDriver's print");
    assert!(pdf.starts_with(b"%PDF"), "no PDF");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::write(dir.join("notice.pdf"), &pdf).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("the PDF's text");
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let entity: String = entity.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("检查通知书"), "{text}");
    assert!(text.contains(&entity), "{entity} in {text}");
    assert!(
        !text.contains("用浏览器"),
        "the navigation is not printed: {text}"
    );
}
