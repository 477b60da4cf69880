//! The console's sign-in over HTTP: the cookie's flags, the CSRF token and Origin check on
//! every form (a cross-site or token-less post is 403 and changes nothing), failed sign-ins
//! limited without locking out the right password, sessions that end (sign-out, idle,
//! password change), Chinese first with the English toggle.

mod ceremony;

use super::*;

mod followups;
mod new_batch;
mod two_step;
mod upload;

/// A browser's cookie jar, kept by hand: name → value.
#[derive(Default, Clone)]
struct Jar(Vec<(String, String)>, Option<std::net::SocketAddr>);

impl Jar {
    /// A browser at address `ip`.
    fn at(ip: &str) -> Jar {
        Jar(Vec::new(), Some(format!("{ip}:40000").parse().unwrap()))
    }

    fn take(&mut self, reply: &Reply) {
        for v in reply.headers.get_all(header::SET_COOKIE) {
            let c = cookie::Cookie::parse(v.to_str().unwrap().to_string()).unwrap();
            self.0.retain(|(n, _)| n != c.name());
            if c.max_age() != Some(cookie::time::Duration::ZERO) {
                self.0.push((c.name().to_string(), c.value().to_string()));
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One request as a browser on `http://shuangsui.test` sends it: the jar's cookies, and for
/// a post the form body with an `Origin` (`origin` None leaves it out).
async fn send(
    router: &Router,
    jar: &mut Jar,
    method: Method,
    path: &str,
    form: Option<&[(&str, &str)]>,
    origin: Option<&str>,
) -> Reply {
    let body = form.map(|fields| {
        let body = serde_urlencoded::to_string(fields).unwrap();
        (
            "application/x-www-form-urlencoded".to_string(),
            body.into_bytes(),
        )
    });
    send_body(router, jar, method, path, body, origin).await
}

/// As `send`, with a body of any type: (`Content-Type`, bytes).
async fn send_body(
    router: &Router,
    jar: &mut Jar,
    method: Method,
    path: &str,
    body: Option<(String, Vec<u8>)>,
    origin: Option<&str>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "shuangsui.test");
    if !jar.0.is_empty() {
        request = request.header(header::COOKIE, jar.header());
    }
    if let Some(o) = origin {
        request = request.header(header::ORIGIN, o);
    }
    let body = match body {
        Some((content_type, bytes)) => {
            request = request.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let mut request = request.body(body).unwrap();
    if let Some(peer) = jar.1 {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
    }
    answer(router, jar, request).await
}

/// The router's answer to `request`, read whole; the jar takes its cookies.
async fn answer(router: &Router, jar: &mut Jar, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let reply = Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    };
    jar.take(&reply);
    reply
}

const SITE: &str = "http://shuangsui.test";

/// The value of the hidden `csrf` field of the page.
fn csrf_of(page: &Reply) -> String {
    hidden(page, "csrf")
}

fn location(r: &Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Signs `name` in through the form; the jar then holds the session.
async fn sign_in(router: &Router, jar: &mut Jar, name: &str, password: &str) -> Reply {
    sign_in_with(router, jar, name, password, "").await
}

/// As `sign_in`, with a one-time code in the form's code field (empty: none).
async fn sign_in_with(
    router: &Router,
    jar: &mut Jar,
    name: &str,
    password: &str,
    code: &str,
) -> Reply {
    let form = send(router, jar, Method::GET, "/console/sign-in", None, None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let csrf = csrf_of(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", name),
        ("password", password),
        ("code", code),
        ("next", "/console/"),
    ];
    send(
        router,
        jar,
        Method::POST,
        "/console/sign-in",
        Some(&fields),
        Some(SITE),
    )
    .await
}

#[tokio::test]
async fn a_person_signs_in_works_and_signs_out() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("officer");
    let mut jar = Jar::default();

    // Without a session, the console leads to the sign-in form, and back after.
    let r = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/sign-in?next=%2Fconsole%2F");
    let form = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/sign-in?next=/console/",
        None,
        None,
    )
    .await;
    let text = form.text();
    assert!(
        text.contains("<label for=\"name\">用户名</label>"),
        "{text}"
    );
    assert!(!text.contains("<script"), "no script on the form");
    // Under the site's no-referrer a browser would send `Origin: null` with the form.
    assert_eq!(
        form.headers.get(header::REFERRER_POLICY).unwrap(),
        "same-origin"
    );

    let r = sign_in(&router, &mut jar, name, password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/console/");
    let set = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(set.starts_with("ss_session="), "{set}");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(flag), "{flag} in {set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP: {set}");

    let home = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert_eq!(home.status, StatusCode::OK);
    let text = home.text();
    assert!(text.contains(name) && text.contains("执法人员"), "{text}");
    assert!(
        !text.contains("/console/users"),
        "people are the corps': {text}"
    );
    assert_eq!(home.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    // The English toggle, remembered.
    let en = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/?lang=en",
        None,
        None,
    )
    .await;
    assert!(
        en.text().contains("officer") && en.text().contains("Sign out"),
        "{}",
        en.text()
    );
    let again = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert!(again.text().contains("Sign out"), "{}", again.text());
    send(
        &router,
        &mut jar,
        Method::GET,
        "/console/?lang=zh",
        None,
        None,
    )
    .await;

    // Sign out: the session ends for good, the old cookie opens nothing.
    let csrf = csrf_of(&home);
    let old = jar.clone();
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/sign-out",
        Some(&[("csrf", &csrf)]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/sign-in?why=out");
    let mut replay = old;
    let r = send(&router, &mut replay, Method::GET, "/console/", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("&why=ended"), "{}", location(&r));
}

#[tokio::test]
async fn cross_site_and_token_less_posts_are_refused() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("corps");

    // The sign-in form itself: without its token, with another site's Origin, or marked
    // cross-site by the browser, it is 403 and signs nobody in.
    let mut jar = Jar::default();
    let form = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/sign-in",
        None,
        None,
    )
    .await;
    let csrf = csrf_of(&form);
    let good = [
        ("csrf", csrf.as_str()),
        ("name", name),
        ("password", password),
    ];
    let tokenless = [("name", name), ("password", password)];
    for (fields, origin) in [
        (&tokenless[..], Some(SITE)),
        (&good[..], Some("https://evil.example")),
        (&good[..], Some("null")),
    ] {
        let r = send(
            &router,
            &mut jar,
            Method::POST,
            "/console/sign-in",
            Some(fields),
            origin,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{origin:?}: {}", r.text());
        assert!(r.text().contains("请求被拒绝"), "{}", r.text());
        assert!(r.headers.get(header::SET_COOKIE).is_none());
    }
    // The token of another browser's form does not do either.
    let mut other = Jar::default();
    let theirs = csrf_of(
        &send(
            &router,
            &mut other,
            Method::GET,
            "/console/sign-in",
            None,
            None,
        )
        .await,
    );
    let fields = [
        ("csrf", theirs.as_str()),
        ("name", name),
        ("password", password),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/sign-in",
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A cross-site fetch (Sec-Fetch-Site), even with the right token.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/console/sign-in")
        .header(header::HOST, "shuangsui.test")
        .header(header::COOKIE, jar.header())
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(good).unwrap()))
        .unwrap();
    let r = router.clone().oneshot(request).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Signed in: sign-out and the password form need the session's token and this site.
    let r = sign_in(&router, &mut jar, name, password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let home = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    let csrf = csrf_of(&home);
    let new = "meadow-copper-lantern-5";
    let change = |token: &'static str| {
        [
            ("csrf", token),
            ("current", password),
            ("new", new),
            ("confirm", new),
        ]
    };
    for (fields, origin) in [
        (change(""), Some(SITE)),
        (change("forged-token"), Some(SITE)),
    ] {
        let r = send(
            &router,
            &mut jar,
            Method::POST,
            "/console/password",
            Some(&fields),
            origin,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }
    let fields = [
        ("csrf", csrf.as_str()),
        ("current", password),
        ("new", new),
        ("confirm", new),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/password",
        Some(&fields),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/sign-out",
        Some(&[("csrf", "x")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nothing changed: still signed in, the password still the old one.
    let r = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let app = App::open(&demo.url, None).await.unwrap();
    let user = shuangsui::store::users::by_name(&app.store, name)
        .await
        .unwrap()
        .unwrap();
    assert!(
        shuangsui::app::sign_in::password_matches(&app, user.id, password)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_address_without_locking_the_account() {
    let demo = demo();
    let router = router(&demo, 3).await;
    let (name, password) = demo.person("reviewer");
    let mut jar = Jar::at("192.0.2.7");
    for attempt in 0..5 {
        let r = sign_in(&router, &mut jar, name, "wrong-password-entirely").await;
        let expected = if attempt < 3 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status, expected, "attempt {attempt}: {}", r.text());
        if attempt < 3 {
            assert!(
                r.text().contains("用户名、密码或动态码不正确"),
                "{}",
                r.text()
            );
            assert!(r.text().contains("class=\"error-summary\""));
        } else {
            assert!(r.headers.get(header::RETRY_AFTER).is_some());
        }
    }
    // Blocked, this address guesses no more: even the right password is not checked.
    let r = sign_in(&router, &mut jar, name, password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert!(r.text().contains("账号没有被锁定"), "{}", r.text());
    // The account is not locked: from another address the right password signs in, and an
    // unknown name is answered like a wrong password.
    let r = sign_in(&router, &mut Jar::at("198.51.100.4"), "无此用户", password).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let mut elsewhere = Jar::at("198.51.100.4");
    let r = sign_in(&router, &mut elsewhere, name, password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    // Guessing the current password on the password form counts the same way.
    let home = send(
        &router,
        &mut elsewhere,
        Method::GET,
        "/console/",
        None,
        None,
    )
    .await;
    let csrf = csrf_of(&home);
    for attempt in 0..3 {
        let fields = [
            ("csrf", csrf.as_str()),
            ("current", "not-the-password"),
            ("new", "quiet-harbour-lantern-8"),
            ("confirm", "quiet-harbour-lantern-8"),
        ];
        let r = send(
            &router,
            &mut elsewhere,
            Method::POST,
            "/console/password",
            Some(&fields),
            Some(SITE),
        )
        .await;
        let expected = if attempt < 2 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status, expected, "attempt {attempt}: {}", r.text());
    }
}

#[tokio::test]
async fn an_idle_session_has_ended_and_a_changed_password_ends_every_session() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("auditor");
    let mut jar = Jar::default();
    sign_in(&router, &mut jar, name, password).await;
    let mut second = Jar::default();
    sign_in(&router, &mut second, name, password).await;
    assert_eq!(
        send(&router, &mut jar, Method::GET, "/console/", None, None)
            .await
            .status,
        StatusCode::OK
    );

    // Idle past the limit (30 minutes by default): the session has ended.
    let app = App::open(&demo.url, None).await.unwrap();
    let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
    let user = shuangsui::store::users::by_name(&app.store, name)
        .await
        .unwrap()
        .unwrap();
    match &app.store {
        shuangsui::store::Store::Sqlite(p) => {
            sqlx::query("UPDATE sessions SET last_seen = $1 WHERE user_id = $2")
                .bind(an_hour_ago)
                .bind(user.id)
                .execute(p)
                .await
                .unwrap();
        }
        shuangsui::store::Store::Postgres(_) => unreachable!("the demo is SQLite"),
    }
    for j in [&mut jar, &mut second] {
        let r = send(&router, j, Method::GET, "/console/password", None, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            location(&r),
            "/console/sign-in?next=%2Fconsole%2Fpassword&why=ended"
        );
        let page = send(&router, j, Method::GET, &location(&r), None, None).await;
        assert!(page.text().contains("会话已结束"), "{}", page.text());
    }

    // Change the password: a weak or mismatched one is refused field by field.
    let mut jar = Jar::default();
    sign_in(&router, &mut jar, name, password).await;
    let mut other = Jar::default();
    sign_in(&router, &mut other, name, password).await;
    let form = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/password",
        None,
        None,
    )
    .await;
    let csrf = csrf_of(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("current", "not-it"),
        ("new", "short"),
        ("confirm", "other"),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/password",
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    for (field, message) in [
        ("current", "当前密码不正确"),
        ("new", "密码至少 12 个字符"),
        ("confirm", "两次输入的新密码不一致"),
    ] {
        assert!(
            text.contains(&format!("<a href=\"#{field}\">{message}</a>")),
            "{field}: {text}"
        );
    }
    let new = "quiet-harbour-lantern-8";
    let fields = [
        ("csrf", csrf.as_str()),
        ("current", password),
        ("new", new),
        ("confirm", new),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/password",
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/console/sign-in?why=password");
    // Every session of the user has ended; the new password signs in, the old does not.
    let r = send(&router, &mut other, Method::GET, "/console/", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in(&router, &mut Jar::default(), name, password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&router, &mut Jar::default(), name, new)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The log holds the change and the sign-ins, nothing secret, and verifies.
    let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
    let text: String = entries
        .iter()
        .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
        .collect();
    assert!(text.contains("\"kind\":\"user.password_set\""));
    assert!(!text.contains(new) && !text.contains(password) && !text.contains("argon2"));
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}

#[tokio::test]
async fn behind_tls_the_cookie_is_secure_and_host_only() {
    let demo = demo();
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let state = AppState::new(
        app,
        FailedAuthLimiter::new(1_000, std::time::Duration::from_secs(300)),
        "https://shuangsui.example.gov.cn",
    );
    let router = web::router(state, Limits::from_settings(&Settings::default()));
    let (name, password) = demo.person("corps");
    let mut jar = Jar::default();
    let form = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/sign-in",
        None,
        None,
    )
    .await;
    let set = form
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        set.starts_with("__Host-ss_signin=") && set.contains("Secure"),
        "{set}"
    );
    let csrf = csrf_of(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", name),
        ("password", password),
    ];
    // The configured public address is this site's origin too.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        "/console/sign-in",
        Some(&fields),
        Some("https://shuangsui.example.gov.cn"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let set = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        set.starts_with("__Host-ss_session=") && set.contains("Secure") && set.contains("HttpOnly"),
        "{set}"
    );
}

/// The `<code>` values of an "issued" page: the password, then the token if any.
fn codes_of(page: &Reply) -> Vec<String> {
    page.text()
        .split("<code>")
        .skip(1)
        .map(|c| c[..c.find("</code>").unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn the_corps_adds_resets_and_disables_people() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("corps");
    let mut corps = Jar::default();
    sign_in(&router, &mut corps, name, password).await;
    let page = send(
        &router,
        &mut corps,
        Method::GET,
        "/console/users",
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("demo-reviewer"), "{}", page.text());
    let csrf = csrf_of(&page);

    // Other roles may not.
    let (officer, officer_pw) = demo.person("officer");
    let mut o = Jar::default();
    sign_in(&router, &mut o, officer, officer_pw).await;
    let r = send(&router, &mut o, Method::GET, "/console/users", None, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("无权访问"), "{}", r.text());

    // A card outside the officers directory: the card field says why, in Chinese first.
    let add = |n: &'static str, role: &'static str, card: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("name", n.into()),
            ("role", role.into()),
            ("card", card.into()),
        ]
    };
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        "/console/users",
        Some(&as_refs(&add("李强", "officer", "NO-SUCH-CARD"))),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text()
            .contains("<a href=\"#card\">执法证号 NO-SUCH-CARD 不在当前执法人员名录"),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains("value=\"李强\""),
        "the form keeps what was typed"
    );

    // Added: a password and a token, shown once; both work.
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        "/console/users",
        Some(&as_refs(&add("审计二", "auditor", ""))),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let shown = codes_of(&r);
    assert_eq!(shown.len(), 2, "{}", r.text());
    let (first_pw, token) = (shown[0].clone(), shown[1].clone());
    let me = call(&router, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.json()["role"], "auditor");
    let mut new = Jar::default();
    assert_eq!(
        sign_in(&router, &mut new, "审计二", &first_pw).await.status,
        StatusCode::SEE_OTHER
    );

    // Reset: a new password shown once, the person's session ends, the old password fails.
    let app = App::open(&demo.url, None).await.unwrap();
    let id = shuangsui::store::users::by_name(&app.store, "审计二")
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        &format!("/console/users/{id}/password"),
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let reset = codes_of(&r);
    assert_eq!(reset.len(), 1);
    assert_eq!(
        send(&router, &mut new, Method::GET, "/console/", None, None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&router, &mut Jar::default(), "审计二", &first_pw)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let mut again = Jar::default();
    assert_eq!(
        sign_in(&router, &mut again, "审计二", &reset[0])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // One's own password is changed on the password form, never reset here.
    let me = shuangsui::store::users::by_name(&app.store, name)
        .await
        .unwrap()
        .unwrap()
        .id;
    let own = format!("/console/users/{me}/password");
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        &own,
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("修改密码"), "{}", r.text());
    assert!(
        !r.text().contains(&format!("action=\"{own}\"")),
        "no reset button on one's own line"
    );
    // A one-letter name: the password made for it never contains it.
    for short in ["a", "b", "c", "d", "e", "f"] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("name", short),
            ("role", "auditor"),
            ("card", ""),
        ];
        let r = send(
            &router,
            &mut corps,
            Method::POST,
            "/console/users",
            Some(&fields),
            Some(SITE),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{short}: {}", r.text());
    }

    // Disable: only with the confirmation; then the token, the session and the password stop.
    let path = format!("/console/users/{id}/revoke");
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        &path,
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        call(&router, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        &path,
        Some(&[("csrf", csrf.as_str()), ("confirm", "yes")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        call(&router, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&router, &mut again, Method::GET, "/console/", None, None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&router, &mut Jar::default(), "审计二", &reset[0])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let page = send(
        &router,
        &mut corps,
        Method::GET,
        "/console/users",
        None,
        None,
    )
    .await;
    assert!(page.text().contains("已停用"), "{}", page.text());
    // None of it without the session's token.
    let r = send(
        &router,
        &mut corps,
        Method::POST,
        "/console/users",
        Some(&[("name", "x"), ("role", "auditor")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}

fn as_refs<'a>(fields: &'a [(&'static str, String); 4]) -> [(&'static str, &'a str); 4] {
    [
        (fields[0].0, fields[0].1.as_str()),
        (fields[1].0, fields[1].1.as_str()),
        (fields[2].0, fields[2].1.as_str()),
        (fields[3].0, fields[3].1.as_str()),
    ]
}

#[tokio::test]
async fn an_officer_sees_their_tasks_and_a_targets_page() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (uscc, _card) = open_target(&demo, IN_PROGRESS).await;
    let (name, password) = demo.person("officer");
    let mut jar = Jar::default();
    sign_in(&router, &mut jar, name, password).await;
    let home = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
    assert!(home.text().contains("/console/tasks"), "{}", home.text());

    let list = send(&router, &mut jar, Method::GET, "/console/tasks", None, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let text = list.text();
    let href = format!("/console/tasks/{IN_PROGRESS}/{uscc}");
    assert!(text.contains(IN_PROGRESS) && text.contains(&href), "{text}");
    assert!(!text.contains("其他"), "every state named: {text}");
    assert!(
        text.contains("未录入") && text.contains("检查截止"),
        "{text}"
    );

    // The target's page: address and contact from the directory, and the checklist.
    let page = send(&router, &mut jar, Method::GET, &href, None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let row = std::fs::read_to_string(root().join("registries/shanghai/entities.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(&uscc))
        .unwrap()
        .to_string();
    let fields: Vec<&str> = row.split(',').collect();
    let text = page.text();
    for (what, value) in [
        ("address", fields[5]),
        ("legal representative", fields[8]),
        ("contact", fields[9]),
    ] {
        assert!(text.contains(value), "{what} {value} in {text}");
    }
    assert!(
        text.contains("<ol class=\"checklist\">") && text.contains("依据："),
        "{text}"
    );

    // Another target, a bogus one, and other roles: not theirs.
    let (other, _) = {
        let app = App::open(&demo.url, None).await.unwrap();
        let targets = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
            .await
            .unwrap();
        let card = _card.clone();
        let t = targets.iter().find(|t| !t.team.contains(&card)).unwrap();
        (t.uscc.clone(), ())
    };
    for path in [
        format!("/console/tasks/{IN_PROGRESS}/{other}"),
        format!("/console/tasks/{IN_PROGRESS}/NOT-A-USCC"),
        format!("/console/tasks/NO-SUCH-BATCH/{uscc}"),
    ] {
        let r = send(&router, &mut jar, Method::GET, &path, None, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.text().contains("不是您的检查任务"), "{}", r.text());
        assert!(!r.text().contains(fields[9]), "nothing of the target");
    }
    let (corps, corps_pw) = demo.person("corps");
    let mut c = Jar::default();
    sign_in(&router, &mut c, corps, corps_pw).await;
    assert_eq!(
        send(&router, &mut c, Method::GET, "/console/tasks", None, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&router, &mut c, Method::GET, &href, None, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// The value of hidden field `name` of the page.
fn hidden(page: &Reply, name: &str) -> String {
    let text = page.text();
    let needle = format!("name=\"{name}\" value=\"");
    let at = text
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} field in {text}"));
    let rest = &text[at + needle.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn an_officer_records_a_result_through_the_form() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (uscc, _) = open_target(&demo, IN_PROGRESS).await;
    let (name, password) = demo.person("officer");
    let mut jar = Jar::at("192.0.2.30");
    sign_in(&router, &mut jar, name, password).await;
    let href = format!("/console/tasks/{IN_PROGRESS}/{uscc}");
    let page = send(&router, &mut jar, Method::GET, &href, None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(
        text.contains("录入检查结果") && text.contains("name=\"code\" value=\"1\""),
        "{text}"
    );
    let csrf = csrf_of(&page);
    let request = hidden(&page, "request");
    let today = shuangsui::app::batch::china_today().to_string();
    let count = || async {
        let app = App::open(&demo.url, None).await.unwrap();
        shuangsui::store::results::of_batch(&app.store, IN_PROGRESS)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.uscc == uscc)
            .count()
    };
    assert_eq!(count().await, 0);

    // Nothing ticked: refused, in Chinese first, the form as typed.
    let fields = [
        ("csrf", csrf.as_str()),
        ("request", request.as_str()),
        ("inspected_on", today.as_str()),
        ("note", "现场检查"),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &href,
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("class=\"error-summary\"") && r.text().contains(">现场检查</textarea>"),
        "{}",
        r.text()
    );
    assert_eq!(count().await, 0);
    // A bad date names its field.
    let fields = [
        ("csrf", csrf.as_str()),
        ("code", "1"),
        ("inspected_on", "昨天"),
    ];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &href,
        Some(&fields),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("<a href=\"#inspected_on\">检查日期须为年-月-日</a>"),
        "{}",
        r.text()
    );

    // Recorded; the same form sent again (a second tap) records nothing more.
    let fields = [
        ("csrf", csrf.as_str()),
        ("request", request.as_str()),
        ("inspected_on", today.as_str()),
        ("code", "1"),
        ("note", "现场检查"),
    ];
    for _ in 0..2 {
        let r = send(
            &router,
            &mut jar,
            Method::POST,
            &href,
            Some(&fields),
            Some(SITE),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(location(&r), format!("{href}?done=1"));
    }
    assert_eq!(count().await, 1);
    let page = send(
        &router,
        &mut jar,
        Method::GET,
        &format!("{href}?done=1"),
        None,
        None,
    )
    .await;
    let text = page.text();
    assert!(
        text.contains("检查结果已录入") && text.contains("已录入") && text.contains("更正检查结果"),
        "{text}"
    );
    // Without the session's token, nothing.
    let forged = [("code", "1"), ("inspected_on", today.as_str())];
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &href,
        Some(&forged),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count().await, 1);
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}

/// The `action`s of the forms of a page that end with `suffix`.
fn actions(page: &Reply, suffix: &str) -> Vec<String> {
    page.text()
        .split("action=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .filter(|a| a.ends_with(suffix))
        .collect()
}

#[tokio::test]
async fn the_reviewer_approves_and_returns_results() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("reviewer");
    let mut jar = Jar::at("192.0.2.40");
    sign_in(&router, &mut jar, name, password).await;
    let list = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/review",
        None,
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let href = format!("/console/review/{IN_PROGRESS}");
    assert!(list.text().contains(&href), "{}", list.text());
    let page = send(&router, &mut jar, Method::GET, &href, None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let csrf = csrf_of(&page);
    let approve = actions(&page, "/approve");
    let give_back = actions(&page, "/return");
    assert!(approve.len() >= 2, "{}", page.text());
    let awaiting = |p: &Reply| actions(p, "/approve").len();

    // Approve one.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &approve[0],
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), format!("{href}?done=approved"));
    let page = send(&router, &mut jar, Method::GET, &location(&r), None, None).await;
    assert!(page.text().contains("已审核通过"), "{}", page.text());
    assert_eq!(awaiting(&page), approve.len() - 1);
    // Return one: a reason is needed (Chinese first), then it goes back to the officer.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &give_back[1],
        Some(&[("csrf", csrf.as_str()), ("reason", "  ")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("class=\"error-summary\""), "{}", r.text());
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &give_back[1],
        Some(&[("csrf", csrf.as_str()), ("reason", "未写明整改期限")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = send(&router, &mut jar, Method::GET, &href, None, None).await;
    assert_eq!(awaiting(&page), approve.len() - 2);
    // Reviewed once only; nothing without the token; other roles may not.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &approve[0],
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &approve[2],
        Some(&[("csrf", "nope")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (officer, officer_pw) = demo.person("officer");
    let mut o = Jar::at("192.0.2.41");
    sign_in(&router, &mut o, officer, officer_pw).await;
    assert_eq!(
        send(&router, &mut o, Method::GET, &href, None, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let officer_csrf = csrf_of(&send(&router, &mut o, Method::GET, "/console/", None, None).await);
    let r = send(
        &router,
        &mut o,
        Method::POST,
        &approve[2],
        Some(&[("csrf", officer_csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}

#[tokio::test]
async fn the_corps_publishes_and_withdraws_batches() {
    let demo = demo();
    // A committed batch to withdraw.
    let plan = elderly_care_plan().replace("SH-MZ-2026-YL-01", "SH-MZ-2026-YL-99");
    {
        let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
        let b = shuangsui::app::batch::create(&app, "yl-99.toml", &plan)
            .await
            .unwrap();
        shuangsui::app::batch::commit(&app, &b.id).await.unwrap();
    }
    let router = router(&demo, 1_000).await;
    let (name, password) = demo.person("corps");
    let mut jar = Jar::at("192.0.2.50");
    sign_in(&router, &mut jar, name, password).await;
    let page = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/batches",
        None,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    for heading in ["检查中（已抽取）", "已公告，待摇号", "已公示"] {
        assert!(text.contains(heading), "{heading}: {text}");
    }
    assert!(
        text.contains("/console/batches/SH-MZ-2026-YL-99/withdraw"),
        "{text}"
    );
    // The batch in progress is not complete: no publish button, and a publication asked
    // for anyway is refused with the reason.
    let publish = format!("/console/batches/{IN_PROGRESS}/publish");
    assert!(!text.contains(&format!("action=\"{publish}\"")), "{text}");
    let csrf = csrf_of(&page);
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &publish,
        Some(&[("csrf", csrf.as_str())]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("class=\"error-summary\""), "{}", r.text());
    // Withdraw: a reason is needed, in Chinese first; then it is withdrawn, the reason public.
    let withdraw = "/console/batches/SH-MZ-2026-YL-99/withdraw";
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        withdraw,
        Some(&[("csrf", csrf.as_str()), ("reason", " ")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("撤回须写明原因"), "{}", r.text());
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        withdraw,
        Some(&[("csrf", csrf.as_str()), ("reason", "名录更新，撤回重做")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = send(&router, &mut jar, Method::GET, &location(&r), None, None).await;
    assert!(
        page.text().contains("已撤回。") && page.text().contains("名录更新，撤回重做"),
        "{}",
        page.text()
    );
    // Nothing without the token; not for other roles.
    let r = send(
        &router,
        &mut jar,
        Method::POST,
        &publish,
        Some(&[("csrf", "x")]),
        Some(SITE),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (reviewer, reviewer_pw) = demo.person("reviewer");
    let mut rj = Jar::at("192.0.2.51");
    sign_in(&router, &mut rj, reviewer, reviewer_pw).await;
    assert_eq!(
        send(
            &router,
            &mut rj,
            Method::GET,
            "/console/batches",
            None,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let writer = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    shuangsui::app::log::verify(&writer, None).await.unwrap();
}

#[tokio::test]
async fn the_corps_and_auditors_see_the_directories_versions() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let rows = std::fs::read_to_string(root().join("registries/shanghai/entities.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    for (role, ip) in [("corps", "192.0.2.60"), ("auditor", "192.0.2.61")] {
        let (name, password) = demo.person(role);
        let mut jar = Jar::at(ip);
        sign_in(&router, &mut jar, name, password).await;
        let home = send(&router, &mut jar, Method::GET, "/console/", None, None).await;
        assert!(home.text().contains("/console/directories"), "{role}");
        let page = send(
            &router,
            &mut jar,
            Method::GET,
            "/console/directories",
            None,
            None,
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{role}: {}", page.text());
        let text = page.text();
        for want in [
            "检查对象名录",
            "执法检查人员名录",
            "（当前）",
            "entities.csv",
            &format!("<dd>{rows}</dd>"),
        ] {
            assert!(text.contains(want), "{role}: {want} in {text}");
        }
    }
    let (name, password) = demo.person("officer");
    let mut jar = Jar::at("192.0.2.62");
    sign_in(&router, &mut jar, name, password).await;
    let r = send(
        &router,
        &mut jar,
        Method::GET,
        "/console/directories",
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
