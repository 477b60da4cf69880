//! The corps' second factor (TOTP), on each database: only a corps user turns it on, and only
//! with a right code from the secret offered; from then a sign-in needs the password and a
//! code, each code signing in once (in every process), at most 5 wrong codes in 15 minutes;
//! turning it on or off ends every session; the user turns it off with a code, another corps
//! user or the operator without one; nothing secret reaches the log, and `log verify`
//! passes after.

use super::*;

use app::sign_in::{self, Credentials, Rules, SetBy};
use app::totp::{self, RemovedBy};
use app::users::{self, Role};

const PASSWORD: &str = "river-lantern-copper-9";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corps_user_signs_in_with_a_code_once_the_second_factor_is_on() {
    for (app, db) in each_backend().await {
        let name = db.name;
        let rules = Rules::default();
        let mut people = Vec::new();
        for (who, role) in [
            ("王芳", Role::Corps),
            ("李娜", Role::Corps),
            ("审计一", Role::Auditor),
        ] {
            let (row, token) = users::add(&app, who, role, None).await.unwrap();
            sign_in::set_password(&app, row.id, PASSWORD, SetBy::Operator)
                .await
                .unwrap();
            people.push(users::authenticate(&app, &token).await.unwrap().unwrap());
        }
        let [wang, li, auditor] = [&people[0], &people[1], &people[2]];
        let t0: i64 = 1_800_000_000;
        let signed_in = |who: &'static str, code: Option<String>, now: i64| {
            let app = &app;
            async move {
                let mut c = Credentials::new(who, PASSWORD);
                if let Some(code) = &code {
                    c = c.with_code(code);
                }
                sign_in::sign_in(app, c, now, rules).await.unwrap()
            }
        };
        let (before, _) = signed_in("王芳", None, t0).await.unwrap();

        // Only a corps user, and only with a right code: nothing is written otherwise.
        let offer = totp::enrolment("王芳").unwrap();
        let size = shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len();
        let e = totp::enable(&app, auditor, &offer.secret, "000000", t0)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{name}: {e:?}");
        let wrong = wrong_code(&offer.secret, t0);
        let e = totp::enable(&app, wang, &offer.secret, &wrong, t0)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.field == Some("code") && m.zh.starts_with("动态码不正确")),
            "{name}: {e:?}"
        );
        let e = totp::enable(&app, wang, "not base32", "123456", t0)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.field == Some("secret")),
            "{name}: {e:?}"
        );
        assert_eq!(
            shuangsui::store::log::entries(&app.store)
                .await
                .unwrap()
                .len(),
            size,
            "{name}: a refused enrolment wrote"
        );
        assert!(!totp::is_on(&app, wang.user_id).await.unwrap(), "{name}");

        // On: the session opened before it has ended.
        let code = |now: i64| totp::code_at(&offer.secret, now).unwrap();
        totp::enable(&app, wang, &offer.secret, &code(t0), t0)
            .await
            .unwrap();
        assert!(totp::is_on(&app, wang.user_id).await.unwrap(), "{name}");
        assert_eq!(
            totp::users_on(&app).await.unwrap(),
            vec![wang.user_id],
            "{name}"
        );
        assert!(
            sign_in::session(&app, &before, t0 + 1, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}: a session outlived the second factor turned on"
        );
        let e = totp::enable(&app, wang, &offer.secret, &code(t0 + 30), t0 + 30)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Refused(_)), "{name}: {e:?}");

        // The password alone, or with a wrong code, signs in no more; the same answer as a
        // wrong password.
        let t1 = t0 + 60;
        assert!(signed_in("王芳", None, t1).await.is_none(), "{name}");
        assert!(
            signed_in("王芳", Some(wrong_code(&offer.secret, t1)), t1)
                .await
                .is_none(),
            "{name}"
        );
        // The code of the step used to turn it on is used: refused even within the skew.
        assert!(
            signed_in("王芳", Some(code(t0)), t0 + 30).await.is_none(),
            "{name}: a code taken once signed in"
        );
        // A right code signs in, once; an older code after it never.
        let (secret, p) = signed_in("王芳", Some(code(t1)), t1).await.unwrap();
        assert_eq!(p.user_id, wang.user_id, "{name}");
        assert!(
            signed_in("王芳", Some(code(t1)), t1).await.is_none(),
            "{name}: the same code signed in twice"
        );
        assert!(
            signed_in("王芳", Some(code(t1 - 30)), t1).await.is_none(),
            "{name}: an older code signed in after a newer"
        );
        // Others sign in with their password as before.
        assert!(signed_in("李娜", None, t1).await.is_some(), "{name}");

        // Off: the user themself needs a right code; an auditor may not; another corps user
        // may without one. Every session of the user ends.
        let t2 = t1 + 90;
        let e = totp::remove(&app, wang.user_id, RemovedBy::User(wang), None, t2)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.field == Some("code")),
            "{name}: {e:?}"
        );
        let e = totp::remove(&app, wang.user_id, RemovedBy::User(auditor), None, t2)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{name}: {e:?}");
        totp::remove(&app, wang.user_id, RemovedBy::User(li), None, t2)
            .await
            .unwrap();
        assert!(
            sign_in::session(&app, &secret, t2 + 1, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}: a session outlived the second factor turned off"
        );
        assert!(signed_in("王芳", None, t2).await.is_some(), "{name}");
        let e = totp::remove(&app, wang.user_id, RemovedBy::Operator, None, t2)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Refused(_)), "{name}: {e:?}");

        // On again with a new phone, off by the user themself with a code, on again, off by
        // the operator.
        let phone = totp::enrolment("王芳").unwrap();
        let code2 = |now: i64| totp::code_at(&phone.secret, now).unwrap();
        let t3 = t2 + 300;
        totp::enable(&app, wang, &phone.secret, &code2(t3), t3)
            .await
            .unwrap();
        totp::remove(
            &app,
            wang.user_id,
            RemovedBy::User(wang),
            Some(&code2(t3 + 30)),
            t3 + 30,
        )
        .await
        .unwrap();
        totp::enable(&app, wang, &phone.secret, &code2(t3 + 60), t3 + 60)
            .await
            .unwrap();
        totp::remove(&app, wang.user_id, RemovedBy::Operator, None, t3 + 90)
            .await
            .unwrap();
        assert!(!totp::is_on(&app, wang.user_id).await.unwrap(), "{name}");

        // At most 5 wrong codes (with the right password) in 15 minutes: then not even the
        // right code signs in, in this process or another on the same database, until the
        // window has passed.
        let t4 = t3 + 600;
        totp::enable(&app, wang, &phone.secret, &code2(t4), t4)
            .await
            .unwrap();
        for i in 0..totp::MAX_WRONG_CODES {
            let t = t4 + 30 + i;
            let wrong = wrong_code(&phone.secret, t);
            assert!(signed_in("王芳", Some(wrong), t).await.is_none(), "{name}");
        }
        assert!(
            signed_in("王芳", Some(code2(t4 + 60)), t4 + 60)
                .await
                .is_none(),
            "{name}: a right code past the limit signed in"
        );
        let other = App::open(&db.url, Some(&db.key())).await.unwrap();
        let elsewhere = |code: String, now: i64| {
            let other = &other;
            async move {
                let c = Credentials::new("王芳", PASSWORD).with_code(&code);
                sign_in::sign_in(other, c, now, rules).await.unwrap()
            }
        };
        assert!(
            elsewhere(code2(t4 + 90), t4 + 90).await.is_none(),
            "{name}: another process took a code past the limit"
        );
        let t5 = t4 + 30 + totp::WRONG_CODES_SECS + 1;
        assert!(
            signed_in("王芳", Some(code2(t5)), t5).await.is_some(),
            "{name}: the window passed"
        );
        // A code taken in one process is taken in every other.
        assert!(
            elsewhere(code2(t5), t5).await.is_none(),
            "{name}: a code signed in twice through two processes"
        );
        assert!(elsewhere(code2(t5 + 30), t5 + 30).await.is_some(), "{name}");

        // Nothing secret in the log: neither secret, in base32 or raw.
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        let all: String = entries
            .iter()
            .map(|e| {
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&e.bytes),
                    e.opening.as_deref().unwrap_or_default()
                )
            })
            .collect();
        for secret in [&offer.secret, &phone.secret] {
            assert!(
                !all.contains(secret.as_str()),
                "{name}: a secret in the log"
            );
        }
        let kinds = |k: &str| all.matches(&format!("\"kind\":\"{k}\"")).count();
        assert_eq!(kinds("user.totp_set"), 4, "{name}");
        assert_eq!(kinds("user.totp_removed"), 3, "{name}");
        app::log::verify(&app, None).await.unwrap();
    }
}

/// A 6-digit code that is not the one `secret` gives at `now` nor a step either side.
fn wrong_code(secret: &str, now: i64) -> String {
    let near: Vec<String> = [now - 30, now, now + 30]
        .iter()
        .map(|t| totp::code_at(secret, *t).unwrap())
        .collect();
    (0..)
        .map(|n: u32| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap()
}
