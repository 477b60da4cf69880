//! The corps follows up on the phone: the follow-ups needing action as cards, a target's
//! page, a measure recorded through its form (the notice after the redirect), every control
//! at least 44 px and nothing scrolling sideways; then signs out.

use fantoccini::{Client, Locator};

use super::{STEP, check_console, sign_in_by_form, sign_out};

pub(super) async fn corps_records_a_measure(
    c: &Client,
    base: &str,
    (name, password): &(String, String),
) {
    sign_in_by_form(c, base, name, password).await;
    c.find(Locator::Css("nav.menu a[href='/console/followups']"))
        .await
        .expect("the corps' menu links the follow-ups")
        .click()
        .await
        .unwrap();
    let card = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("section.card h3 a"))
        .await
        .expect("an open follow-up");
    check_console(c, "the follow-ups").await;
    card.click().await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("form select#measure"))
        .await
        .expect("the measure form");
    check_console(c, "a follow-up").await;
    // A date input's typing depends on the locale: the value is set as a picker would.
    let due = (shuangsui::app::batch::china_today() + chrono::Days::new(7)).to_string();
    c.execute(
        "document.querySelector('#due').value = arguments[0]",
        vec![serde_json::json!(due)],
    )
    .await
    .unwrap();
    c.find(Locator::Css("#note"))
        .await
        .unwrap()
        .send_keys("电话督促整改")
        .await
        .unwrap();
    c.find(Locator::Css("form[action$='/measure'] button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("p.notice"))
        .await
        .expect("the measure recorded");
    assert!(notice.text().await.unwrap().contains("处置措施已记录"));
    let main = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        main.contains(&due) && main.contains("电话督促整改"),
        "{main}"
    );
    check_console(c, "a follow-up with its measure").await;
    sign_out(c).await;
}
