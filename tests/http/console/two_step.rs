//! The corps' second factor over HTTP: the page offers a secret as a QR code and as text; a
//! wrong code is told on its field with the same secret offered again; a cross-site post
//! changes nothing, and so does a secret the server did not offer to the session; a right
//! code turns it on and ends the session; then the password alone fails like a wrong one and
//! the password with a code signs in; an officer may not open the page nor turn anyone's
//! off; one's own is not turned off on the people page; another corps user turns it off for
//! someone who lost their phone (not from another site).

use super::*;
use shuangsui::app::totp;

const PATH: &str = "/console/two-step";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_corps_user_turns_the_second_factor_on_and_another_turns_it_off() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("corps");
    let mut jar = Jar::default();
    sign_in(&router, &mut jar, name, password).await;
    let home = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert!(
        home.text().contains("href=\"/console/two-step\""),
        "{}",
        home.text()
    );

    // The offer: a QR code inline (no script, no image request) and the secret as text.
    let page = send(&router, &mut jar, Method::GET, PATH, None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(text.contains("<svg xmlns"), "{text}");
    assert!(!text.contains("<script"), "{text}");
    let secret = hidden(&page, "secret");
    assert_eq!(secret.len(), 32, "160 bits in base32: {secret}");
    let csrf = csrf_of(&page);
    let offer = hidden(&page, "offer");

    // A secret of the poster's choosing (here, all zero bits) is refused even with its right
    // code: only a secret offered to this session is taken.
    let chosen = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let code = totp::code_at(chosen, now()).unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("secret", chosen),
        ("offer", offer.as_str()),
        ("code", code.as_str()),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        PATH,
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("这个密钥不是本页面生成的"),
        "{}",
        r.text()
    );
    assert_ne!(
        hidden(&r, "secret"),
        chosen,
        "a fresh secret is offered instead"
    );

    // A wrong code: 422 on its field, the same secret offered again, nothing turned on.
    let right = totp::code_at(&secret, now()).unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let fields = [
        ("csrf", csrf.as_str()),
        ("secret", secret.as_str()),
        ("offer", offer.as_str()),
        ("code", wrong),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        PATH,
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("<a href=\"#code\">动态码不正确"),
        "{}",
        r.text()
    );
    assert_eq!(hidden(&r, "secret"), secret);
    let app = App::open(&demo.url, None).await.unwrap();
    let me = shuangsui::store::users::by_name(&app.store, name)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(!totp::is_on(&app, me).await.unwrap());

    // A right code from another site: 403, nothing turned on.
    let right = totp::code_at(&secret, now()).unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("secret", secret.as_str()),
        ("offer", offer.as_str()),
        ("code", right.as_str()),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        PATH,
        Some(&fields),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(!totp::is_on(&app, me).await.unwrap());

    // The right code: on, the session ended, the sign-in form says why.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        PATH,
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/console/sign-in?why=two-step");
    assert!(totp::is_on(&app, me).await.unwrap());
    let r = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the session ended");
    let form = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/sign-in?why=two-step",
        None,
        None,
    )
    .await;
    assert!(form.text().contains("两步验证已启用"), "{}", form.text());
    assert!(form.text().contains("name=\"code\""), "{}", form.text());

    // The password alone fails as a wrong password does; with the next step's code it
    // signs in (the code that turned it on is taken).
    let r = sign_in(&router, &mut jar, name, password).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    assert!(
        r.text().contains("用户名、密码或动态码不正确"),
        "{}",
        r.text()
    );
    let r = sign_in_with(&router, &mut jar, name, password, &right).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a code taken twice");
    let next = totp::code_at(&secret, now() + 30).unwrap();
    let r = sign_in_with(&router, &mut jar, name, password, &next).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = send(&router, &mut jar, Method::GET, PATH, None, None).await;
    assert!(page.text().contains("两步验证已启用"), "{}", page.text());
    assert!(!page.text().contains("<svg"), "no secret offered while on");

    // An officer may not open the page.
    let (officer, officer_pw) = demo.person("officer");
    let mut o = Jar::at("192.0.2.90");
    sign_in(&router, &mut o, officer, officer_pw).await;
    let r = send(&router, &mut o, Method::GET, PATH, None, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // Nor turn off anyone's: their post is refused and changes nothing.
    let home = send(&router, &mut o, Method::GET, "/console/", None, None).await;
    let officer_csrf = csrf_of(&home);
    let r = send(
        &router,
        &mut o,
        Method::POST,
        &format!("/console/users/{me}/two-step-off"),
        Some(&[("csrf", officer_csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(totp::is_on(&app, me).await.unwrap());
    // On the people page, one's own second factor has no turn-off button, and a post to
    // turn it off points to the second factor's page.
    let people = send(&router, &mut jar, Method::GET, "/console/users", None, None).await;
    let own = format!("/console/users/{me}/two-step-off");
    assert!(!people.text().contains(&own), "{}", people.text());
    let my_csrf = csrf_of(&people);
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &own,
        Some(&[("csrf", my_csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(
        r.text().contains("两步验证”页面用动态码关闭"),
        "{}",
        r.text()
    );
    assert!(totp::is_on(&app, me).await.unwrap());

    // Another corps user sees it on and turns it off (a lost phone): the session ends, and
    // the password alone signs in again.
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let (row, _) =
        shuangsui::app::users::add(&writer, "总队二", shuangsui::app::users::Role::Corps, None)
            .await
            .unwrap();
    let other_pw = "Qx7!mountain-river-2026";
    shuangsui::app::sign_in::set_password(
        &writer,
        row.id,
        other_pw,
        shuangsui::app::sign_in::SetBy::Operator,
    )
    .await
    .unwrap();
    let mut other = Jar::at("192.0.2.91");
    sign_in(&router, &mut other, "总队二", other_pw).await;
    let people = send(
        &router,
        &mut other,
        Method::GET,
        "/console/users",
        None,
        None,
    )
    .await;
    let off = format!("/console/users/{me}/two-step-off");
    assert!(people.text().contains(&off), "{}", people.text());
    let csrf = csrf_of(&people);
    // From another site: 403, still on.
    let r = send(
        &router,
        &mut other,
        Method::POST,
        &off,
        Some(&[("csrf", csrf.as_str())]),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(totp::is_on(&app, me).await.unwrap());
    let r = send(
        &router,
        &mut other,
        Method::POST,
        &off,
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(!totp::is_on(&app, me).await.unwrap());
    let r = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the session ended");
    let r = sign_in(&router, &mut jar, name, password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    shuangsui::app::log::verify(&app, None).await.unwrap();
}
