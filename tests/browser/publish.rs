//! From results to the public, in Chromium: the results of the batch the corps just drew
//! are recorded (by its teams, through the CLI) and all but one approved; the reviewer
//! signs in by the form and approves the last one; the corps signs in and publishes the
//! batch from its batches page; the public searches for the target the reviewer approved
//! and finds it on the published batch's page. Screenshots of the reviewer's page and the
//! corps' batches page at desktop size in `target/browser/`.

use super::*;

/// Runs the command line against the demo database in `dir`; its standard output.
fn cli(dir: &Path, args: &[&str]) -> String {
    let out = bounded(
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .arg("--database")
            .arg(format!("sqlite://{}", dir.join("shuangsui.db").display()))
            .arg("--key")
            .arg(dir.join("log.key"))
            .env_remove("DATABASE_URL")
            .env_remove("SHUANGSUI_LOG_KEY"),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one target left for the reviewer: its name and its result's number.
pub struct LeftToReview {
    pub name: String,
    pub result: String,
}

/// Records a result for every staffed target of drawn batch `batch`, each by the first
/// officer of its team, and approves all but the last as `reviewer`.
pub fn record_all_and_approve_but_one(dir: &Path, batch: &str, reviewer: &str) -> LeftToReview {
    let status = cli(dir, &["batch", "status", batch]);
    let today = shuangsui::app::batch::china_today().to_string();
    let mut recorded = Vec::new();
    // Lines "  N USCC NAME [STRATUM] team CARD,CARD result …".
    for line in status
        .lines()
        .filter(|l| l.contains(" team ") && !l.contains("(unstaffed)"))
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (uscc, name) = (words[1], words[2]);
        let team = words[words.iter().position(|w| *w == "team").unwrap() + 1];
        let officer = team.split(',').next().unwrap();
        let said = cli(
            dir,
            &[
                "result",
                "record",
                batch,
                uscc,
                "--officer",
                officer,
                "--codes",
                "1",
                "--date",
                &today,
            ],
        );
        // "recorded result #N for USCC in batch …"
        let number = said
            .split_whitespace()
            .find_map(|w| w.strip_prefix('#'))
            .unwrap_or_else(|| panic!("no result number in {said}"))
            .to_string();
        recorded.push((name.to_string(), number));
    }
    assert!(recorded.len() >= 2, "a batch of several targets: {status}");
    let (name, result) = recorded.pop().unwrap();
    for (_, number) in &recorded {
        cli(
            dir,
            &["result", "approve", batch, number, "--reviewer", reviewer],
        );
    }
    LeftToReview { name, result }
}

/// Signs out from the console's home (the page before may be a printed sheet, without
/// the header).
async fn sign_out_from_home(c: &Client, base: &str) {
    c.goto(&format!("{base}/console/")).await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("header form button"))
        .await
        .expect("the console's home");
    sign_out(c).await;
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// The reviewer approves the last result of `batch`, the corps publishes it, and the
/// public finds the target. The corps is signed in when this starts.
pub async fn reviewer_approves_corps_publishes_public_finds(
    c: &Client,
    base: &str,
    batch: &str,
    left: &LeftToReview,
    (reviewer, reviewer_password): &(String, String),
    (corps, corps_password): &(String, String),
) {
    sign_out_from_home(c, base).await;
    // The reviewer: the batch's one result awaiting review, approved by its button.
    sign_in_by_form(c, base, reviewer, reviewer_password).await;
    c.goto(&format!("{base}/console/review/{batch}"))
        .await
        .unwrap();
    let card = format!("section#result-{}", left.result);
    let section = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css(&card))
        .await
        .expect("the result awaiting review");
    let said = section.text().await.unwrap();
    assert!(said.contains(&left.name), "{said}");
    shot(c, "console-review.png").await;
    section
        .find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("p.notice"))
        .await
        .expect("the approval's notice");
    assert!(
        c.find(Locator::Css(&card)).await.is_err(),
        "the approved result is no longer awaiting review"
    );
    sign_out_from_home(c, base).await;
    // The corps: every result approved, the batch is published from its page.
    sign_in_by_form(c, base, corps, corps_password).await;
    c.goto(&format!("{base}/console/batches")).await.unwrap();
    let form = format!("form[action='/console/batches/{batch}/publish'] button");
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css(&form))
        .await
        .expect("the publish button, every result approved")
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("p.notice"))
        .await
        .expect("the publication's notice")
        .text()
        .await
        .unwrap();
    assert!(notice.contains("已公示"), "{notice}");
    shot(c, "console-batches.png").await;
    sign_out_from_home(c, base).await;
    // The public: the approved target is found, on the published batch's page.
    c.goto(&format!("{base}/search?q={}", url_encode(&left.name)))
        .await
        .unwrap();
    let link = format!("a[href^='/batches/{batch}']");
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css(&link))
        .await
        .unwrap_or_else(|e| panic!("{} found in the public search: {e}", left.name))
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("h1"))
        .await
        .unwrap();
    // This browser showed the batch's announcement a moment ago, and public pages may be
    // kept for a minute (`Cache-Control: max-age=60`): a reader reloads to see it now.
    c.refresh().await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("h1"))
        .await
        .unwrap();
    let page = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&left.name) && page.contains("已公示"),
        "{page}"
    );
}
