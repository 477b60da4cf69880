//! The corps turns on the second factor on the phone: the page from the menu (a QR code and
//! the key, every control at least 44 px, nothing scrolling sideways), the code its app
//! would show typed in, the sign-in form after (the session ended) taking the password and
//! the next code; then signs out. Leaves a screenshot of the page in `target/browser`.

use fantoccini::{Client, Locator};

use super::{STEP, check_console, sign_in_by_form, sign_in_with_code, sign_out};
use shuangsui::app::totp;

pub(super) async fn corps_turns_on_the_second_factor(
    c: &Client,
    base: &str,
    (name, password): &(String, String),
) {
    sign_in_by_form(c, base, name, password).await;
    c.find(Locator::Css("nav.menu a[href='/console/two-step']"))
        .await
        .expect("the corps' menu links the second factor")
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("figure.qr svg"))
        .await
        .expect("the QR code");
    check_console(c, "the second factor's page").await;
    super::ceremony::shot("two-step.png", &c.screenshot().await.unwrap());
    let secret = c
        .find(Locator::Css("input[name=secret]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .expect("the secret offered");
    let now = chrono::Utc::now().timestamp();
    let code = totp::code_at(&secret, now).unwrap();
    c.find(Locator::Css("input#code"))
        .await
        .unwrap()
        .send_keys(&code)
        .await
        .unwrap();
    c.find(Locator::Css(
        "form[action='/console/two-step'] button.primary",
    ))
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
        .expect("the sign-in form with its notice");
    assert!(
        notice.text().await.unwrap().contains("两步验证已启用"),
        "{}",
        notice.text().await.unwrap()
    );
    // The next step's code (the one typed is taken).
    let next = totp::code_at(&secret, now + 30).unwrap();
    sign_in_with_code(c, base, name, password, Some(&next)).await;
    c.goto(&format!("{base}/console/two-step")).await.unwrap();
    let main = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(main.contains("两步验证已启用"), "{main}");
    check_console(c, "the second factor, on").await;
    sign_out(c).await;
}
