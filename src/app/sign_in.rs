//! People signing in (the console): passwords and sessions. Programs keep bearer tokens
//! (`users`); a person signs in with their user name and password and holds a session.
//!
//! - **Passwords** pass the strength rule (`domain::password`) and are kept as argon2id PHC
//!   strings (`store::passwords`, one row per `user.password_set` entry; the entry carries
//!   only the SHA-256 of the PHC string, so nothing secret is logged and `log verify` still
//!   finds a rewritten hash). A user sets their own, or a corps user resets it, or the
//!   server's operator sets it at the command line.
//! - **Sessions** are kept on the server (`store::sessions`): the cookie holds 32 random
//!   bytes, the table their SHA-256. A session ends at sign-out, after [`Rules::idle_secs`]
//!   without use or [`Rules::max_secs`] in all, when its user's password changes and when
//!   the user is revoked. Sign-in and sign-out are log entries (`user.signed_in`,
//!   `user.signed_out`), their user sealed for ever.
//! - **CSRF**: every form of a session carries [`csrf_token`], derived from the session's
//!   secret (which scripts cannot read: the cookie is HttpOnly), so no page of another site
//!   can know it.
//!
//! - **A second factor** (`totp`), which corps users may turn on: their sign-in needs a
//!   one-time code too.
//!
//! An unknown user name costs the same argon2 verification as a wrong password, so the time
//! taken does not tell which names exist.

use crate::msg;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::users::{Principal, Role};
use super::{App, AppError, Result, journal};
use crate::domain::password;
use crate::store::{self, StoreError, passwords::PasswordRow, sessions::SessionRow};

/// Bytes of randomness in a session's secret.
const SECRET_BYTES: usize = 32;

/// How long a session lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Seconds without a request after which a session has ended.
    pub idle_secs: i64,
    /// Seconds after sign-in after which a session has ended, however busy.
    pub max_secs: i64,
}

impl Default for Rules {
    /// 30 minutes idle, 12 hours in all (a working day).
    fn default() -> Rules {
        Rules {
            idle_secs: 30 * 60,
            max_secs: 12 * 3600,
        }
    }
}

/// A session's last use is written at most this often (seconds): a page view need not be
/// a write.
const TOUCH_EVERY_SECS: i64 = 60;

/// A signed-in person, as a request of their session sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub principal: Principal,
    /// The token every form of this session carries.
    pub csrf: String,
}

/// Who sets a password.
#[derive(Debug, Clone, Copy)]
pub enum SetBy<'a> {
    /// The server's operator, at the command line.
    Operator,
    /// A signed-in user: the user themself, or a corps user resetting it.
    User(&'a Principal),
}

fn argon2() -> Argon2<'static> {
    // argon2id, version 0x13, m = 19 MiB, t = 2, p = 1: OWASP's first recommendation.
    Argon2::default()
}

/// A PHC string verified against when a name has no password, so that the time taken
/// does not tell.
static DUMMY_PHC: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::encode_b64(&[0x5a; 16]).expect("16 bytes encode as a salt");
    argon2()
        .hash_password(b"no such user: this hash only takes time", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Setup(format!("randomness: {e}")))?;
    Ok(bytes)
}

/// The argon2id PHC string of `password` under a fresh salt.
fn hash(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random::<16>()?)
        .map_err(|e| AppError::Setup(format!("password salt: {e}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Setup(format!("password hash: {e}")))
}

/// Whether `password` is the one `phc` was made from (false for a malformed PHC string).
fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Password hashes computed at once: each takes 19 MiB and a core for tens of
/// milliseconds, so a flood of sign-ins waits its turn instead of exhausting the machine.
static HASHING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Runs the slow hash off the async workers, a few at a time.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::Setup(format!("password hashing: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Setup(format!("password hashing task: {e}")))
}

/// A password made of 20 random characters (lower-case letters and digits without the
/// look-alikes 0, 1, l, o, in groups of five: about 100 bits), for a new person or a reset,
/// shown once to be changed at the first sign-in.
pub fn generated_password() -> Result<String> {
    generated_password_for("")
}

/// As [`generated_password`], one that passes the strength rule for the user `name` (a
/// short name could appear in a random password by chance: another is made).
pub fn generated_password_for(name: &str) -> Result<String> {
    loop {
        let p = random_password()?;
        if password::check(&p, name).is_ok() {
            return Ok(p);
        }
    }
}

fn random_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let bytes = random::<20>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The token every form of the session whose secret is `secret` carries.
pub fn csrf_token(secret: &[u8; SECRET_BYTES]) -> String {
    let mut h = Sha256::new();
    h.update(b"shuangsui csrf\0");
    h.update(secret);
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// A cookie's session secret, or None if it is not 32 bytes in unpadded base64url.
pub fn parse_secret(cookie: &str) -> Option<[u8; SECRET_BYTES]> {
    if cookie.len() != 43 {
        return None;
    }
    URL_SAFE_NO_PAD.decode(cookie).ok()?.try_into().ok()
}

fn principal_of(user: store::users::UserRow) -> Result<Principal> {
    let role = Role::parse(&user.role)
        .map_err(|e| AppError::Store(StoreError::Corrupt(format!("user {}: {e}", user.id))))?;
    Ok(Principal {
        user_id: user.id,
        name: user.name,
        role,
        card_no: user.card_no,
    })
}

/// Sets the password of user `user_id`. The user themself and corps users may; the
/// operator at the command line may. The password must pass `domain::password::check`.
/// Every session of the user ends (a reset locks out whoever knew the old password).
pub async fn set_password(app: &App, user_id: i64, new: &str, by: SetBy<'_>) -> Result<()> {
    let by_id = match by {
        SetBy::Operator => None,
        SetBy::User(p) if p.user_id == user_id || p.role == Role::Corps => Some(p.user_id),
        SetBy::User(p) => {
            let id = p.user_id;
            return Err(AppError::Forbidden(msg!(
                "只有本人或执法总队用户可以设置密码",
                "user {id} may set only their own password"
            )));
        }
    };
    let user = store::users::get(&app.store, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("没有用户 #{user_id}", "no user {user_id}")))?;
    if user.revoked_at.is_some() {
        let name = &user.name;
        return Err(AppError::Refused(msg!(
            "用户 {name} 已停用",
            "user '{name}' is revoked"
        )));
    }
    password::check(new, &user.name).map_err(|w| AppError::Invalid(w.message().on("new")))?;
    let new = new.to_string();
    let phc = blocking(move || hash(&new)).await??;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    // Revoked meanwhile (while the hash was made)? Then no password is set: the log never
    // holds a password set for, or by, a revoked user.
    for id in std::iter::once(user_id).chain(by_id) {
        let revoked = store::users::get_in(&mut tx, id)
            .await?
            .is_none_or(|u| u.revoked_at.is_some());
        if revoked {
            return Err(AppError::Refused(msg!(
                "用户 #{id} 已撤销",
                "user {id} is revoked"
            )));
        }
    }
    let event = json!({
        "user": user_id,
        "by": by_id,
        "phc_commitment": crate::canonical::sha256_hex(phc.as_bytes()),
    });
    let logged = journal::append(&mut tx, key, &app.origin, "user.password_set", &event).await?;
    store::passwords::insert(
        &mut tx,
        &PasswordRow {
            log_seq: logged.seq as i64,
            user_id,
            phc,
            set_by: by_id,
            set_at: logged.time.clone(),
        },
    )
    .await?;
    store::sessions::delete_of_user(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `password` is the current password of `user`.
pub async fn password_matches(app: &App, user_id: i64, password: &str) -> Result<bool> {
    let phc = store::passwords::current(&app.store, user_id)
        .await?
        .map(|p| p.phc);
    let password = password.to_string();
    let (matches, known) = blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| DUMMY_PHC.clone());
        (verify(&password, &phc), known)
    })
    .await?;
    Ok(matches && known)
}

/// What a person signs in with.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub name: &'a str,
    pub password: &'a str,
    /// The one-time code of their app, for a user whose second factor is on (`totp`).
    pub code: Option<&'a str>,
}

impl<'a> Credentials<'a> {
    /// A name and password, without a code.
    pub fn new(name: &'a str, password: &'a str) -> Credentials<'a> {
        Credentials {
            name,
            password,
            code: None,
        }
    }

    /// With the one-time code `code`.
    pub fn with_code(self, code: &'a str) -> Credentials<'a> {
        Credentials {
            code: Some(code),
            ..self
        }
    }
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Signs a person in at `now` (Unix seconds): the new session's cookie secret and its
/// user, or None for an unknown or revoked name, a user without a password, a wrong
/// password, or a missing, wrong or used code of a user whose second factor is on (one
/// answer for all). The code is checked (and taken) only after a right password.
pub async fn sign_in(
    app: &App,
    credentials: Credentials<'_>,
    now: i64,
    rules: Rules,
) -> Result<Option<([u8; SECRET_BYTES], Principal)>> {
    let Credentials {
        name,
        password,
        code,
    } = credentials;
    let name = crate::domain::text::required(name).unwrap_or_default();
    let user = store::users::by_name(&app.store, &name).await?;
    // Both read for every known name, before the hash: a user with a second factor takes
    // no longer to refuse a wrong password than one without.
    let (current, second) = match &user {
        Some(u) => (
            store::passwords::current(&app.store, u.id).await?,
            store::totp::current(&app.store, u.id).await?,
        ),
        None => (None, None),
    };
    let phc = current
        .as_ref()
        .map_or_else(|| DUMMY_PHC.clone(), |p| p.phc.clone());
    let presented = password.to_string();
    let matches = blocking(move || verify(&presented, &phc)).await?;
    let (Some(user), Some(current), true) = (user, current, matches) else {
        return Ok(None);
    };
    if user.revoked_at.is_some() {
        return Ok(None);
    }
    let secret = random::<SECRET_BYTES>()?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    // The password or second factor may have changed, or the user been revoked, since they
    // were read: sign in only with the current ones of a user still active.
    if store::passwords::current_in(&mut tx, user.id)
        .await?
        .is_none_or(|p| p.log_seq != current.log_seq)
        || store::users::get_in(&mut tx, user.id)
            .await?
            .is_none_or(|u| u.revoked_at.is_some())
        || store::totp::current_in(&mut tx, user.id)
            .await?
            .map(|t| t.log_seq)
            != second.as_ref().map(|t| t.log_seq)
    {
        return Ok(None);
    }
    if let Some(t) = &second
        && !super::totp::take_code(&mut tx, user.id, &t.secret, code, now).await?
    {
        // The wrong code counts against the user's limit.
        tx.commit().await?;
        return Ok(None);
    }
    let id_sha256 = Sha256::digest(secret);
    let signed_in = journal::append(
        &mut tx,
        key,
        &app.origin,
        "user.signed_in",
        &json!({ "user": user.id, "session": session_commitment(&id_sha256) }),
    )
    .await?;
    store::sessions::delete_stale(&mut tx, now - rules.idle_secs, now - rules.max_secs).await?;
    store::sessions::insert(
        &mut tx,
        &SessionRow {
            id_sha256: id_sha256.to_vec(),
            user_id: user.id,
            created: now,
            last_seen: now,
            password_seq: current.log_seq,
            signed_in_seq: signed_in.seq as i64,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some((secret, principal_of(user)?)))
}

/// The session a cookie's secret opens at `now`, or None if it has ended (signed out,
/// idle or too old, its password changed, its user revoked) or never was.
pub async fn session(
    app: &App,
    secret: &[u8; SECRET_BYTES],
    now: i64,
    rules: Rules,
) -> Result<Option<Session>> {
    let id = Sha256::digest(secret);
    let Some(row) = store::sessions::get(&app.store, &id).await? else {
        return Ok(None);
    };
    if now - row.last_seen > rules.idle_secs || now - row.created > rules.max_secs {
        return Ok(None);
    }
    let Some(user) = store::users::get(&app.store, row.user_id).await? else {
        return Ok(None);
    };
    let current = store::passwords::current(&app.store, row.user_id).await?;
    if user.revoked_at.is_some() || current.is_none_or(|p| p.log_seq != row.password_seq) {
        return Ok(None);
    }
    // A session row is good only with the signed sign-in it names: a row written into the
    // table by hand (with a secret of the writer's choosing) has none, and opens nothing.
    if !signed_in_entry_names(app, &row).await? {
        tracing::warn!(
            user = row.user_id,
            "a session row without its sign-in entry"
        );
        return Ok(None);
    }
    if now - row.last_seen >= TOUCH_EVERY_SECS {
        store::sessions::touch(&app.store, &id, now).await?;
    }
    Ok(Some(Session {
        principal: principal_of(user)?,
        csrf: csrf_token(secret),
    }))
}

/// What the log holds of a session: the hex SHA-256 of the stored hash of its secret (so
/// the log names each session without anything that opens it).
pub fn session_commitment(id_sha256: &[u8]) -> String {
    crate::canonical::sha256_hex(id_sha256)
}

/// Whether the session row's `signed_in_seq` is a `user.signed_in` entry of its user that
/// names it.
async fn signed_in_entry_names(app: &App, row: &SessionRow) -> Result<bool> {
    let Ok(seq) = u64::try_from(row.signed_in_seq) else {
        return Ok(false);
    };
    let entries = store::log::entries_between(&app.store, seq, seq + 1).await?;
    let Some(stored) = entries.first() else {
        return Ok(false);
    };
    let Ok(mut entry) = crate::ledger::entry::decode(&stored.bytes) else {
        return Ok(false);
    };
    if entry.kind != "user.signed_in"
        || crate::ledger::seal::open(&entry.kind, &mut entry.event, stored.opening.as_deref())
            .is_err()
    {
        return Ok(false);
    }
    let commitment = session_commitment(&row.id_sha256);
    Ok(
        entry.event.get("user").and_then(|u| u.as_i64()) == Some(row.user_id)
            && entry.event.get("session").and_then(|s| s.as_str()) == Some(commitment.as_str()),
    )
}

/// Ends the session of `secret`; logs the sign-out if it was open.
pub async fn sign_out(app: &App, secret: &[u8; SECRET_BYTES]) -> Result<()> {
    let id = Sha256::digest(secret);
    let Some(row) = store::sessions::get(&app.store, &id).await? else {
        return Ok(());
    };
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if store::sessions::delete(&mut tx, &id).await? {
        journal::append(
            &mut tx,
            key,
            &app.origin,
            "user.signed_out",
            &json!({ "user": row.user_id, "session": session_commitment(&id) }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = hash("river-lantern-copper-9").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("river-lantern-copper-9", &phc));
        assert!(!verify("river-lantern-copper-8", &phc));
        assert!(!verify("river-lantern-copper-9", "not a phc string"));
        assert!(!verify("anything", &DUMMY_PHC));
    }

    #[test]
    fn generated_passwords_pass_the_rule_and_differ() {
        let a = generated_password().unwrap();
        let b = generated_password().unwrap();
        assert_eq!(a.len(), 23, "{a}");
        assert_ne!(a, b);
        assert_eq!(password::check(&a, "demo-corps"), Ok(()), "{a}");
    }

    #[test]
    fn secrets_parse_and_csrf_tokens_differ_per_session() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        assert_eq!(parse_secret(&URL_SAFE_NO_PAD.encode(a)), Some(a));
        assert_eq!(parse_secret("short"), None);
        assert_eq!(parse_secret(&"!".repeat(43)), None);
        assert_ne!(csrf_token(&a), csrf_token(&b));
        assert_eq!(csrf_token(&a), csrf_token(&a));
    }
}
