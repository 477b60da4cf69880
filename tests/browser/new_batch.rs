//! The corps makes a batch in the browser: signs in by the form, fills the plan form (two
//! strata, a ceremony of two witnesses), sees each stratum's counts appear as it types (the
//! form's script, under the page's CSP) and again by the count button, creates the draft,
//! commits it, and reads the commitment hash to announce.

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{STEP, sign_in_by_form};

/// The batch the walk makes.
const ID: &str = "SH-BROWSER-01";

async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css} on the form"))
        .send_keys(text)
        .await
        .unwrap();
}

/// The numbers of the counts table's last column.
async fn takes(c: &Client) -> Vec<u64> {
    let mut out = Vec::new();
    for cell in c.find_all(Locator::Css("#counts td.takes")).await.unwrap() {
        out.push(cell.text().await.unwrap().trim().parse().unwrap());
    }
    out
}

/// Signs the corps user in, fills, counts, creates and commits a batch; returns its id.
pub async fn corps_creates_and_commits_a_batch(
    c: &Client,
    base: &str,
    corps: &(String, String),
) -> String {
    sign_in_by_form(c, base, &corps.0, &corps.1).await;
    c.goto(&format!("{base}/console/batches/new"))
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("input#id"))
        .await
        .expect("the new-batch form");
    let today = shuangsui::app::batch::china_today();
    let end = today + chrono::Days::new(30);
    // Date fields take their value in the browser's own format; set it as the page holds it.
    c.execute(
        "document.getElementById('inspection_date').value = arguments[0];\
         document.getElementById('inspection_end').value = arguments[1];",
        vec![json!(today.to_string()), json!(end.to_string())],
    )
    .await
    .unwrap();
    for (css, text) in [
        ("input#id", ID),
        ("input#title", "养老机构浏览器抽查"),
        ("input#matters", "MZ-YL-01"),
        ("input#sectors", "养老服务"),
        ("input#entity_types", "养老机构"),
        ("input#s0-name", "D级"),
        ("input#s0-grades", "D"),
        ("input#s0-ratio", "30%"),
        ("input#s1-name", "其他"),
        ("input#s1-ratio", "2%"),
        ("input#s1-minimum", "1"),
        ("textarea#witnesses", "陈思远\n林晓岚"),
    ] {
        type_into(c, css, text).await;
    }
    // The script has posted the form as it changed: the counts are there unasked.
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("#counts td.takes"))
        .await
        .expect("the counts, updated by the form's script");
    let live = takes(c).await;
    assert_eq!(live.len(), 2, "two strata counted: {live:?}");
    // The count button gives the same on a whole page (and works without the script).
    c.find(Locator::Css("button#count"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("#counts td.takes"))
        .await
        .expect("the counts after the count button");
    assert_eq!(takes(c).await, live);
    assert_eq!(
        c.find(Locator::Css("input#title"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("养老机构浏览器抽查"),
        "the form keeps its values"
    );

    c.find(Locator::Css("button#create"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let commit = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("form#commit button"))
        .await
        .expect("the draft's page with its commit button");
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/console/batches/{ID}")
    );
    commit.click().await.unwrap();
    let hash = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("#hash"))
        .await
        .expect("the commitment hash to announce")
        .text()
        .await
        .unwrap();
    assert!(
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "hash {hash}"
    );
    let public = c
        .find(Locator::Css("a#public-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap();
    assert_eq!(public.as_deref(), Some(format!("/batches/{ID}").as_str()));
    // The announcement shows the same hash.
    c.goto(&format!("{base}/batches/{ID}")).await.unwrap();
    let body = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains(&hash), "the announcement page shows {hash}");
    ID.to_string()
}
