//! Users of the HTTP API: tokens authenticate their own user only, stop at revocation,
//! exist nowhere in the database; bad additions are refused with the problem named; the
//! log still verifies. Every test runs on SQLite, and on PostgreSQL when it answers.

#[path = "story/backends.rs"]
mod backends;

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};
use shuangsui::app::users::{self, Principal, Role};
use shuangsui::app::{self, App, AppError};
use shuangsui::import::{Encoding, Format, Kind};
use shuangsui::store::{self, Store};

use backends::TestDb;

/// Card numbers of the shipped Shanghai officers.
const CARD: &str = "SHMZ-0000-0001";
const OTHER_CARD: &str = "SHMZ-0000-0002";

/// An initialised database with the five shipped Shanghai tables imported.
async fn setup(db: &TestDb) -> App {
    app::init(&db.url, &db.key(), "shuangsui.test/log")
        .await
        .unwrap();
    let app = App::open(&db.url, Some(&db.key())).await.unwrap();
    for kind in Kind::ALL {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("registries/shanghai")
            .join(kind.file_name());
        let bytes = std::fs::read(&path).unwrap();
        app::directory::import(
            &app,
            kind,
            kind.file_name(),
            &bytes,
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await
        .unwrap();
    }
    app
}

async fn each_backend() -> Vec<(App, TestDb)> {
    let mut out = Vec::new();
    for db in backends::all().await {
        out.push((setup(&db).await, db));
    }
    out
}

/// The secret part of a token, as text and as bytes.
fn secret(token: &str) -> (String, Vec<u8>) {
    let text = token.rsplit('.').next().unwrap().to_string();
    let bytes = URL_SAFE_NO_PAD.decode(&text).unwrap();
    (text, bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn invalid(e: AppError) -> String {
    match e {
        AppError::Invalid(m) => m.to_string(),
        other => panic!("expected a refusal of the input, got {other:?}"),
    }
}

/// The token with its character at `i` replaced by another one.
fn changed_at(token: &str, i: usize) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

#[tokio::test]
async fn a_token_authenticates_its_own_user_only() {
    for (app, db) in each_backend().await {
        let (corps, corps_token) = users::add(&app, "  张三 ", Role::Corps, None)
            .await
            .unwrap();
        let (officer, officer_token) = users::add(&app, "li.si", Role::Officer, Some(CARD))
            .await
            .unwrap();
        let (auditor, auditor_token) = users::add(&app, "审计员", Role::Auditor, None)
            .await
            .unwrap();
        assert_eq!(corps.name, "张三", "{}: the name is trimmed", db.name);
        assert_eq!(officer.card_no.as_deref(), Some(CARD));
        assert!(
            corps_token.starts_with(&format!("ss1.{}.", corps.id)),
            "{corps_token}"
        );
        assert_eq!(secret(&corps_token).1.len(), 32);

        for (row, token, role) in [
            (&corps, &corps_token, Role::Corps),
            (&officer, &officer_token, Role::Officer),
            (&auditor, &auditor_token, Role::Auditor),
        ] {
            let principal = users::authenticate(&app, token).await.unwrap();
            assert_eq!(
                principal,
                Some(Principal {
                    user_id: row.id,
                    name: row.name.clone(),
                    role,
                    card_no: row.card_no.clone(),
                }),
                "{}: {}",
                db.name,
                row.name
            );
        }

        // Any one character changed, anywhere, and the token is worth nothing.
        for i in 0..officer_token.chars().count() {
            let bad = changed_at(&officer_token, i);
            assert_ne!(bad, officer_token);
            assert_eq!(
                users::authenticate(&app, &bad).await.unwrap(),
                None,
                "{}: {bad}",
                db.name
            );
        }
        // Another user's secret under this user's id; an id no user has; not a token.
        let (corps_secret, _) = secret(&corps_token);
        let (_, officer_bytes) = secret(&officer_token);
        for bad in [
            format!("ss1.{}.{corps_secret}", officer.id),
            format!("ss1.{}.{corps_secret}", auditor.id + 1000),
            format!(
                "ss1.{}.{}",
                officer.id,
                URL_SAFE_NO_PAD.encode(Sha256::digest(&officer_bytes))
            ),
            String::new(),
            "Bearer x".into(),
            format!(" {officer_token}"),
            format!("{officer_token}\n"),
        ] {
            assert_eq!(
                users::authenticate(&app, &bad).await.unwrap(),
                None,
                "{}: {bad:?}",
                db.name
            );
        }
        app.store.close().await;
    }
}

#[tokio::test]
async fn a_revoked_users_token_stops_working() {
    for (app, db) in each_backend().await {
        let (user, token) = users::add(&app, "wang", Role::Officer, Some(CARD))
            .await
            .unwrap();
        let (_, other_token) = users::add(&app, "zhao", Role::Corps, None).await.unwrap();
        assert!(users::authenticate(&app, &token).await.unwrap().is_some());

        let revoked = users::revoke(&app, " wang ").await.unwrap();
        assert_eq!(revoked.id, user.id);
        assert!(revoked.revoked_at.is_some(), "{}", db.name);
        assert_eq!(
            users::authenticate(&app, &token).await.unwrap(),
            None,
            "{}",
            db.name
        );
        assert!(
            users::authenticate(&app, &other_token)
                .await
                .unwrap()
                .is_some(),
            "{}: revoking one user leaves the others",
            db.name
        );

        // Still listed, revoked once only, and the name is not given again.
        let listed = users::list(&app).await.unwrap();
        assert_eq!(
            listed.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
            ["wang", "zhao"]
        );
        assert_eq!(listed[0].revoked_at, revoked.revoked_at);
        assert_eq!(listed[1].revoked_at, None);
        match users::revoke(&app, "wang").await {
            Err(AppError::Refused(m)) => assert!(
                m.en.contains("'wang'") && m.en.contains("already") && m.zh.contains("已于")
            ),
            other => panic!("{}: {other:?}", db.name),
        }
        match users::revoke(&app, "nobody").await {
            Err(AppError::NotFound(m)) => assert!(m.en.contains("'nobody'"), "{m}"),
            other => panic!("{}: {other:?}", db.name),
        }
        let m = invalid(
            users::add(&app, "wang", Role::Officer, Some(CARD))
                .await
                .unwrap_err(),
        );
        assert!(m.contains("'wang'") && m.contains("taken"), "{m}");
        app.store.close().await;
    }
}

#[tokio::test]
async fn the_database_holds_no_token_text() {
    for (app, db) in each_backend().await {
        let mut tokens = Vec::new();
        for (name, role, card) in [
            ("a", Role::Corps, None),
            ("b", Role::Officer, Some(OTHER_CARD)),
            ("c", Role::Auditor, None),
        ] {
            tokens.push(users::add(&app, name, role, card).await.unwrap().1);
        }
        users::revoke(&app, "c").await.unwrap();

        let rows = users::list(&app).await.unwrap();
        let entries = store::log::entries(&app.store).await.unwrap();
        let notes = store::log::checkpoints(&app.store).await.unwrap();
        for (token, row) in tokens.iter().zip(&rows) {
            let (text, bytes) = secret(token);
            let hash: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(
                row.token_sha256, hash,
                "{}: the hash of the secret is kept",
                db.name
            );
            assert_ne!(row.token_sha256, bytes);
            // The users table: every column.
            for u in &rows {
                let text_columns = [
                    u.name.as_str(),
                    u.role.as_str(),
                    u.card_no.as_deref().unwrap_or(""),
                    u.created_at.as_str(),
                    u.revoked_at.as_deref().unwrap_or(""),
                ];
                for column in text_columns {
                    assert!(!column.contains(&text), "{}: {column}", db.name);
                }
                assert!(!contains(&u.token_sha256, &bytes), "{}", db.name);
            }
            // The log: neither the token, its secret nor the secret's hash.
            let hash_hex = hex::encode(hash);
            let hash_b64 = base64::engine::general_purpose::STANDARD.encode(hash);
            for e in &entries {
                for needle in [
                    text.as_bytes(),
                    &bytes,
                    &hash,
                    hash_hex.as_bytes(),
                    hash_b64.as_bytes(),
                    URL_SAFE_NO_PAD.encode(hash).as_bytes(),
                ] {
                    assert!(
                        !contains(&e.bytes, needle),
                        "{}: log entry {} holds token material",
                        db.name,
                        e.seq
                    );
                }
            }
            for c in &notes {
                assert!(!c.note.contains(&text));
            }
            // The database file itself (SQLite): not the secret in any form.
            if db.name == "sqlite" {
                for file in std::fs::read_dir(db.dir.path()).unwrap() {
                    let file = file.unwrap().path();
                    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                        continue;
                    };
                    if name.starts_with("story.db") {
                        let raw = std::fs::read(&file).unwrap();
                        assert!(!contains(&raw, text.as_bytes()), "{name}");
                        assert!(!contains(&raw, &bytes), "{name}");
                    }
                }
            }
        }
        app.store.close().await;
    }
}

#[tokio::test]
async fn bad_additions_are_refused_naming_the_problem() {
    for (app, db) in each_backend().await {
        users::add(&app, "alice", Role::Corps, None).await.unwrap();
        let size = store::log::entries(&app.store).await.unwrap().len();

        let cases: Vec<(&str, Role, Option<&str>, &[&str])> = vec![
            ("bob", Role::Officer, None, &["officer", "--card"]),
            ("bob", Role::Officer, Some("  "), &["officer", "--card"]),
            (
                "bob",
                Role::Officer,
                Some("SHMZ-9999-9999"),
                &["'SHMZ-9999-9999'", "officers snapshot"],
            ),
            ("bob", Role::Corps, Some(CARD), &[CARD, "officers only"]),
            ("bob", Role::Auditor, Some(CARD), &[CARD, "officers only"]),
            ("alice", Role::Auditor, None, &["'alice'", "taken"]),
            (" alice\t", Role::Corps, None, &["'alice'", "taken"]),
            ("   ", Role::Corps, None, &["user name", "empty"]),
            ("a\u{7}b", Role::Corps, None, &["user name", "control"]),
        ];
        for (name, role, card, words) in cases {
            let m = invalid(users::add(&app, name, role, card).await.unwrap_err());
            for w in words {
                assert!(
                    m.contains(w),
                    "{}: {name:?} {role} {card:?}: '{m}' does not say {w}",
                    db.name
                );
            }
        }
        let long = "名".repeat(65);
        let m = invalid(
            users::add(&app, &long, Role::Corps, None)
                .await
                .unwrap_err(),
        );
        assert!(m.contains("user name") && m.contains("64"), "{m}");
        users::add(&app, &"名".repeat(64), Role::Corps, None)
            .await
            .unwrap();

        // Nothing refused left a trace: one more user, one more entry.
        assert_eq!(users::list(&app).await.unwrap().len(), 2, "{}", db.name);
        assert_eq!(
            store::log::entries(&app.store).await.unwrap().len(),
            size + 1,
            "{}",
            db.name
        );
        app.store.close().await;
    }
}

#[tokio::test]
async fn an_officer_needs_an_officers_snapshot() {
    let db = backends::sqlite();
    app::init(&db.url, &db.key(), "shuangsui.test/log")
        .await
        .unwrap();
    let app = App::open(&db.url, Some(&db.key())).await.unwrap();
    let m = invalid(
        users::add(&app, "li", Role::Officer, Some(CARD))
            .await
            .unwrap_err(),
    );
    assert!(
        m.contains(CARD) && m.contains("no officers snapshot"),
        "{m}"
    );
    // Other roles need no directory.
    users::add(&app, "corps", Role::Corps, None).await.unwrap();
    app.store.close().await;
}

#[tokio::test]
async fn additions_and_revocations_are_logged_and_the_log_verifies() {
    for (app, db) in each_backend().await {
        let before = app::log::verify(&app, None).await.unwrap();
        let (a, _) = users::add(&app, "a", Role::Corps, None).await.unwrap();
        let (b, _) = users::add(&app, "b", Role::Officer, Some(CARD))
            .await
            .unwrap();
        users::revoke(&app, "a").await.unwrap();
        let after = app::log::verify(&app, None).await.unwrap();
        assert_eq!(after.entries, before.entries + 3, "{}", db.name);

        let entries = store::log::entries(&app.store).await.unwrap();
        let events: Vec<(String, serde_json::Value)> = entries
            .iter()
            .map(|e| {
                // Names and token commitments are sealed, never in the public entry.
                let public = String::from_utf8_lossy(&e.bytes);
                assert!(
                    !public.contains("\"kind\":\"user.")
                        || !public.contains("\"name\"") && !public.contains("token_commitment"),
                    "{public}"
                );
                let mut env = e.open().unwrap();
                if env.kind == "user.added" {
                    // The SHA-256 of the stored token hash: 64 hex digits, never the hash.
                    let commitment = env.event.remove("token_commitment").unwrap();
                    let hex = commitment.as_str().unwrap();
                    assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
                }
                (env.kind, serde_json::Value::Object(env.event))
            })
            .filter(|(kind, _)| kind.starts_with("user."))
            .collect();
        assert_eq!(
            events,
            [
                (
                    "user.added".to_string(),
                    json!({"user": a.id, "name": "a", "role": "corps", "card_no": null})
                ),
                (
                    "user.added".to_string(),
                    json!({"user": b.id, "name": "b", "role": "officer", "card_no": CARD})
                ),
                (
                    "user.revoked".to_string(),
                    json!({"user": a.id, "name": "a"})
                ),
            ],
            "{}",
            db.name
        );
        for seq in [a.log_seq, b.log_seq] {
            let env = shuangsui::ledger::entry::decode(&entries[seq as usize].bytes).unwrap();
            assert_eq!(env.kind, "user.added");
        }
        app.store.close().await;
    }
}

/// Runs one statement on either backend; the error's text if it was refused.
async fn execute(store: &Store, sql: &str) -> Result<u64, String> {
    shuangsui::on_pool!(store, p => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        .map_err(|e| e.to_string()))
}

#[tokio::test]
async fn the_database_only_lets_a_user_be_revoked() {
    for (app, db) in each_backend().await {
        let (user, token) = users::add(&app, "kept", Role::Officer, Some(CARD))
            .await
            .unwrap();
        let id = user.id;
        let zeros = if db.name == "sqlite" {
            "zeroblob(32)"
        } else {
            "decode(repeat('00', 32), 'hex')"
        };
        for sql in [
            format!("DELETE FROM users WHERE id = {id}"),
            format!("UPDATE users SET name = 'other' WHERE id = {id}"),
            format!("UPDATE users SET role = 'corps', card_no = NULL WHERE id = {id}"),
            format!("UPDATE users SET card_no = '{OTHER_CARD}' WHERE id = {id}"),
            format!("UPDATE users SET token_sha256 = token_sha256 WHERE id = {id}"),
            // With revoked_at set, so only the rule on the other column refuses it.
            format!("UPDATE users SET id = id + 100, revoked_at = 't' WHERE id = {id}"),
            format!("UPDATE users SET name = 'other', revoked_at = 't' WHERE id = {id}"),
            format!("UPDATE users SET card_no = '{OTHER_CARD}', revoked_at = 't' WHERE id = {id}"),
            format!("UPDATE users SET token_sha256 = {zeros}, revoked_at = 't' WHERE id = {id}"),
            format!("UPDATE users SET created_at = 'x', revoked_at = 't' WHERE id = {id}"),
            format!("UPDATE users SET log_seq = 0, revoked_at = 't' WHERE id = {id}"),
        ] {
            let e = execute(&app.store, &sql).await.unwrap_err();
            assert!(e.contains("users"), "{}: {sql}: {e}", db.name);
        }
        // A row that breaks the column rules is refused too.
        let seq = user.log_seq;
        for sql in [
            format!(
                "INSERT INTO users (name, role, card_no, token_sha256, created_at, log_seq) VALUES ('x', 'officer', NULL, {zeros}, 't', {seq})"
            ),
            format!(
                "INSERT INTO users (name, role, card_no, token_sha256, created_at, log_seq) VALUES ('x', 'corps', 'C', {zeros}, 't', {seq})"
            ),
            format!(
                "INSERT INTO users (name, role, card_no, token_sha256, created_at, log_seq) VALUES ('x', 'admin', NULL, {zeros}, 't', {seq})"
            ),
        ] {
            assert!(
                execute(&app.store, &sql).await.is_err(),
                "{}: {sql}",
                db.name
            );
        }
        assert!(users::authenticate(&app, &token).await.unwrap().is_some());
        // Setting revoked_at once is the one change allowed.
        assert_eq!(
            execute(
                &app.store,
                &format!("UPDATE users SET revoked_at = 'now' WHERE id = {id}")
            )
            .await,
            Ok(1),
            "{}",
            db.name
        );
        let e = execute(
            &app.store,
            &format!("UPDATE users SET revoked_at = 'later' WHERE id = {id}"),
        )
        .await
        .unwrap_err();
        assert!(e.contains("users"), "{e}");
        let e = execute(
            &app.store,
            &format!("UPDATE users SET revoked_at = NULL WHERE id = {id}"),
        )
        .await
        .unwrap_err();
        assert!(e.contains("users"), "{e}");
        assert_eq!(users::authenticate(&app, &token).await.unwrap(), None);
        app.store.close().await;
    }
}
