//! People signing in (the console), on each database: a password passes the strength rule
//! and is kept as an argon2id hash; a session opens with the right password only, ends when
//! idle or old, at sign-out, when the password changes and when its user is revoked; who may
//! set whose password; nothing secret reaches the log, and `log verify` passes after.

use super::*;

use app::sign_in::{self, Rules, SetBy};
use app::users::{self, Role};

const GOOD: &str = "river-lantern-copper-9";
const NEWER: &str = "harbour-violet-anchor-7";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_open_with_the_password_and_end_as_the_rules_say() {
    for (app, db) in each_backend().await {
        let name = db.name;
        let (corps, corps_token) = users::add(&app, "王芳", Role::Corps, None).await.unwrap();
        let (auditor, _) = users::add(&app, "审计一", Role::Auditor, None)
            .await
            .unwrap();
        let rules = Rules {
            idle_secs: 600,
            max_secs: 3600,
        };
        let t0 = 1_800_000_000;

        // No password yet: nobody signs in as 王芳.
        assert!(
            sign_in::sign_in(&app, sign_in::Credentials::new("王芳", GOOD), t0, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        // A weak password is refused, with the reason in Chinese first; nothing written.
        let size = shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len();
        let e = sign_in::set_password(&app, corps.id, "password1234", SetBy::Operator)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.zh.starts_with("密码太容易被猜中") && m.field == Some("new")),
            "{name}: {e:?}"
        );
        assert_eq!(
            shuangsui::store::log::entries(&app.store)
                .await
                .unwrap()
                .len(),
            size,
            "{name}"
        );
        sign_in::set_password(&app, corps.id, GOOD, SetBy::Operator)
            .await
            .unwrap();

        // The wrong password, an unknown name: one answer, None.
        for (who, pw) in [
            ("王芳", "river-lantern-copper-8"),
            ("无此人", GOOD),
            ("王芳", ""),
        ] {
            assert!(
                sign_in::sign_in(&app, sign_in::Credentials::new(who, pw), t0, rules)
                    .await
                    .unwrap()
                    .is_none(),
                "{name}: {who}"
            );
        }
        let (secret, p) =
            sign_in::sign_in(&app, sign_in::Credentials::new(" 王芳 ", GOOD), t0, rules)
                .await
                .unwrap()
                .unwrap();
        assert_eq!((p.user_id, p.role), (corps.id, Role::Corps), "{name}");
        // A session row written by hand, with a secret of the writer's choosing, opens
        // nothing: it has no signed sign-in naming it, not even when it points at another's.
        let real = shuangsui::store::sessions::get(&app.store, &sha256(&secret))
            .await
            .unwrap()
            .unwrap();
        let forged_secret = [9u8; 32];
        // Pointing at the real sign-in (which names another session), or at the log's first
        // entry (not a sign-in).
        for seq in [real.signed_in_seq, 0] {
            let mut tx = app.store.write().await.unwrap();
            let id_sha256 = sha256(&forged_secret).to_vec();
            shuangsui::store::sessions::delete(&mut tx, &id_sha256)
                .await
                .unwrap();
            shuangsui::store::sessions::insert(
                &mut tx,
                &shuangsui::store::sessions::SessionRow {
                    id_sha256,
                    signed_in_seq: seq,
                    ..real.clone()
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert!(
                sign_in::session(&app, &forged_secret, t0 + 1, rules)
                    .await
                    .unwrap()
                    .is_none(),
                "{name}: a forged session row opened a session"
            );
        }
        {
            let mut tx = app.store.write().await.unwrap();
            shuangsui::store::sessions::delete(&mut tx, &sha256(&forged_secret))
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let open = |now| sign_in::session(&app, &secret, now, rules);
        let s = open(t0 + 300).await.unwrap().unwrap();
        assert_eq!(s.csrf, sign_in::csrf_token(&secret), "{name}");
        // Used at t0 + 300, so idle from then: still open at t0 + 850, ended past t0 + 1450.
        assert!(open(t0 + 850).await.unwrap().is_some(), "{name}");
        assert!(open(t0 + 1451).await.unwrap().is_none(), "{name}: idle");
        // However busy, a session ends after max_secs.
        let (busy, _) = sign_in::sign_in(&app, sign_in::Credentials::new("王芳", GOOD), t0, rules)
            .await
            .unwrap()
            .unwrap();
        let mut now = t0;
        while now < t0 + 3600 {
            now += 500;
            let alive = sign_in::session(&app, &busy, now, rules)
                .await
                .unwrap()
                .is_some();
            assert_eq!(alive, now - t0 <= 3600, "{name}: at +{}", now - t0);
        }

        // Sign-out ends the session, and only it.
        let (a, _) = sign_in::sign_in(&app, sign_in::Credentials::new("王芳", GOOD), t0, rules)
            .await
            .unwrap()
            .unwrap();
        let (b, _) = sign_in::sign_in(&app, sign_in::Credentials::new("王芳", GOOD), t0, rules)
            .await
            .unwrap()
            .unwrap();
        sign_in::sign_out(&app, &a).await.unwrap();
        assert!(
            sign_in::session(&app, &a, t0 + 1, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        assert!(
            sign_in::session(&app, &b, t0 + 1, rules)
                .await
                .unwrap()
                .is_some(),
            "{name}"
        );

        // Another role may not set someone else's password; the user and the corps may.
        let corps_p = users::authenticate(&app, &corps_token)
            .await
            .unwrap()
            .unwrap();
        let outsider = app::users::Principal {
            user_id: auditor.id,
            name: auditor.name.clone(),
            role: Role::Auditor,
            card_no: None,
        };
        let e = sign_in::set_password(&app, corps.id, NEWER, SetBy::User(&outsider))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{name}: {e:?}");
        sign_in::set_password(&app, auditor.id, NEWER, SetBy::User(&corps_p))
            .await
            .unwrap();
        assert!(
            sign_in::sign_in(&app, sign_in::Credentials::new("审计一", NEWER), t0, rules)
                .await
                .unwrap()
                .is_some(),
            "{name}: reset by the corps"
        );

        // A new password ends every session of the user, and the old one no longer opens.
        sign_in::set_password(&app, corps.id, NEWER, SetBy::User(&corps_p))
            .await
            .unwrap();
        assert!(
            sign_in::session(&app, &b, t0 + 2, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        assert!(
            sign_in::sign_in(&app, sign_in::Credentials::new("王芳", GOOD), t0, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}: the old password"
        );
        let (c, _) = sign_in::sign_in(&app, sign_in::Credentials::new("王芳", NEWER), t0, rules)
            .await
            .unwrap()
            .unwrap();

        // Revocation ends the sessions and refuses the password.
        users::revoke(&app, "王芳").await.unwrap();
        assert!(
            sign_in::session(&app, &c, t0 + 3, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        assert!(
            sign_in::sign_in(&app, sign_in::Credentials::new("王芳", NEWER), t0, rules)
                .await
                .unwrap()
                .is_none(),
            "{name}: revoked"
        );
        let e = sign_in::set_password(&app, corps.id, "another-quiet-meadow-4", SetBy::Operator)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Refused(_)), "{name}: {e:?}");

        // Nothing secret in the log: no password, no PHC string, no session secret.
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        let mut secrets = vec![GOOD.to_string(), NEWER.to_string()];
        for id in [corps.id, auditor.id] {
            let phc = shuangsui::store::passwords::current(&app.store, id)
                .await
                .unwrap();
            secrets.push(phc.unwrap().phc);
        }
        secrets.push(base64_of(&secret));
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
        for secret_text in &secrets {
            assert!(
                !all.contains(secret_text.as_str()),
                "{name}: {secret_text} in the log"
            );
        }
        assert!(!all.contains("$argon2id$"), "{name}");
        let kinds = |k: &str| all.matches(&format!("\"kind\":\"{k}\"")).count();
        assert_eq!(kinds("user.password_set"), 3, "{name}");
        assert!(kinds("user.signed_in") >= 6, "{name}");
        assert_eq!(kinds("user.signed_out"), 1, "{name}");
        app::log::verify(&app, None).await.unwrap();
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// A session secret as its cookie carries it.
fn base64_of(secret: &[u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
}
