//! The corps' optional second factor: a one-time code from an authenticator app (TOTP,
//! RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of clock drift either way, as
//! every common app makes them; `totp-rs` computes them).
//!
//! - **Turning it on**: a corps user is shown a fresh secret (as a QR code and as text, from
//!   [`enrolment`]; nothing is stored yet), adds it to their app and types the code it
//!   shows; only a right code turns it on ([`enable`]), so nobody is locked out by a secret
//!   their app never took. Only the user themself can: the code proves they hold the app.
//! - **Signing in** then needs the password and a code (`sign_in::sign_in`); a missing or
//!   wrong code gets the same answer as a wrong password. A code is taken once: the same
//!   code (or an older one) cannot sign the same user in again, in any process
//!   ([`take_code`]); after [`MAX_WRONG_CODES`] wrong codes no code is taken for a while,
//!   whatever the address (the per-address limit alone would let many addresses try the
//!   million codes once the password is known).
//! - **Turning it off** ([`remove`]): the user themself with a right code; a corps user for
//!   someone who lost their phone; or the server's operator at the command line (when the
//!   only corps user did).
//!
//! Both are log entries (`user.totp_set`, `user.totp_removed`), kept as rows of
//! `totp_secrets` (`store::totp`); the entry carries only the SHA-256 of the secret, so
//! `log verify` finds a rewritten secret and the log never holds it. Turning it on or off
//! ends every session of the user, like a new password: whoever signed in without the
//! factor, or with the lost phone, is out.

use serde_json::json;
use totp_rs::{Builder, Secret, Totp};

use super::users::{Principal, Role};
use super::{App, AppError, Result, journal};
use crate::msg;
use crate::store::{self, totp::TotpRow};

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds a code stands for.
pub const STEP_SECS: u64 = 30;
/// Steps either side of now whose code is still taken (clock drift, a slow typist).
const SKEW: u16 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;
/// The name the authenticator app shows beside the account.
const ISSUER: &str = "shuangsui";

/// A secret offered to a user turning the second factor on: for their app, not yet stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The secret in base32 (RFC 4648, no padding), for typing into an app by hand.
    pub secret: String,
    /// The `otpauth://totp/…` URI an app reads from the QR code.
    pub uri: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment { .. }")
    }
}

/// The generator of `secret` (raw bytes) for the account `name`.
fn generator(secret: Vec<u8>, name: &str) -> Result<Totp> {
    // The URI's label is "issuer:account": a colon in a name would split it.
    let account = name.replace(':', "-");
    Builder::new()
        .with_digits(DIGITS as u8)
        .with_step_duration(STEP_SECS)
        .with_skew(SKEW)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(if account.is_empty() {
            "-".to_string()
        } else {
            account
        })
        .build()
        .map_err(|e| AppError::Setup(format!("TOTP: {e}")))
}

/// The raw bytes of a base32 secret, or None if it is not one of at least 128 bits.
fn secret_bytes(secret: &str) -> Option<Vec<u8>> {
    let bytes = Secret::try_from_base32(secret.trim()).ok()?.to_vec();
    (bytes.len() >= 16).then_some(bytes)
}

/// A fresh secret for user `name` to add to their app.
pub fn enrolment(name: &str) -> Result<Enrolment> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Setup(format!("randomness: {e}")))?;
    offer(bytes.to_vec(), name)
}

/// The enrolment of `secret` (base32) offered before, shown again after a wrong code; a
/// fresh one if it is not a secret.
pub fn enrolment_again(secret: &str, name: &str) -> Result<Enrolment> {
    match secret_bytes(secret) {
        Some(bytes) => offer(bytes, name),
        None => enrolment(name),
    }
}

fn offer(secret: Vec<u8>, name: &str) -> Result<Enrolment> {
    let totp = generator(secret, name)?;
    Ok(Enrolment {
        secret: totp.secret().to_base32(),
        uri: totp
            .to_url()
            .map_err(|e| AppError::Setup(format!("TOTP URI: {e}")))?,
    })
}

/// The tag that binds a secret offered on a page to the session it was offered to:
/// HMAC-SHA256 keyed by the session's cookie secret (which only the server and that
/// browser know), in unpadded base64url. The page posts the secret back with its tag, so
/// the server takes only a secret it made, for that session ([`offer_tag_matches`]).
pub fn offer_tag(session: &[u8; 32], secret: &str) -> String {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(session)
        .expect("HMAC takes a key of any length");
    mac.update(b"shuangsui totp offer\0");
    mac.update(secret.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether `tag` is [`offer_tag`] of `secret` for `session` (compared in constant time).
pub fn offer_tag_matches(session: &[u8; 32], secret: &str, tag: &str) -> bool {
    use subtle::ConstantTimeEq;
    offer_tag(session, secret)
        .as_bytes()
        .ct_eq(tag.as_bytes())
        .into()
}

/// The step (Unix time / 30 s) whose code `code` is for `secret` at `now` (Unix seconds),
/// within one step either side; None for a wrong code, one not of 6 digits (spaces are
/// ignored: apps show "123 456"), or a secret that is not base32.
pub fn step_of(secret: &str, code: &str, now: i64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = generator(secret_bytes(secret)?, "-").ok()?;
    totp.check(&code, u64::try_from(now).ok()?)
}

/// The code `secret` gives at `now`: what the user's app shows (tests and the demo type it).
pub fn code_at(secret: &str, now: i64) -> Option<String> {
    let totp = generator(secret_bytes(secret)?, "-").ok()?;
    Some(totp.generate(u64::try_from(now).ok()?).to_string())
}

/// Wrong codes (given with the right password) a user may give in [`WRONG_CODES_SECS`]:
/// past them no code is taken until the window has passed, whatever the address, so that
/// someone who has the password cannot try the million codes from many addresses.
pub const MAX_WRONG_CODES: i64 = 5;
/// The window of [`MAX_WRONG_CODES`], from the first wrong code in it.
pub const WRONG_CODES_SECS: i64 = 15 * 60;

/// Takes `code` for `user`, whose secret is `secret`, at `now`, inside the write: true if
/// it is right and newer than every code of theirs taken before (in any process: the step
/// is kept in `totp_uses`); else the wrong code is counted, and false. False too, without
/// counting, once [`MAX_WRONG_CODES`] were given in the window. The caller commits either
/// way, so that a wrong code counts.
pub(crate) async fn take_code(
    tx: &mut store::Tx,
    user: i64,
    secret: &str,
    code: Option<&str>,
    now: i64,
) -> Result<bool> {
    let window_from = now - WRONG_CODES_SECS;
    if store::totp::failures_since(tx, user, window_from).await? >= MAX_WRONG_CODES {
        return Ok(false);
    }
    let taken = match code.and_then(|c| step_of(secret, c, now)) {
        Some(step) => store::totp::take_step(tx, user, step_number(step)).await?,
        None => false,
    };
    if !taken {
        store::totp::record_failure(tx, user, now, window_from).await?;
    }
    Ok(taken)
}

/// A step as the database keeps it (steps of any real time fit).
fn step_number(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// The wrong-code message, on the form's `code` field.
fn wrong_code() -> AppError {
    AppError::Invalid(
        msg!(
            "动态码不正确或已用过：请输入验证器当前显示的 6 位数字",
            "The code is wrong or was used already: type the 6 digits your app shows now"
        )
        .on("code"),
    )
}

/// Whether user `user_id` signs in with a code.
pub async fn is_on(app: &App, user_id: i64) -> Result<bool> {
    Ok(store::totp::current(&app.store, user_id).await?.is_some())
}

/// The users whose second factor is on.
pub async fn users_on(app: &App) -> Result<Vec<i64>> {
    Ok(store::totp::users_on(&app.store).await?)
}

/// The hex SHA-256 of a stored secret: what its entry carries.
fn commitment(secret: &str) -> String {
    crate::canonical::sha256_hex(secret.as_bytes())
}

/// Turns the second factor on for `who` (a corps user) with `secret` from [`enrolment`],
/// once `code` shows their app holds it. Every session of theirs ends.
pub async fn enable(app: &App, who: &Principal, secret: &str, code: &str, now: i64) -> Result<()> {
    if who.role != Role::Corps {
        return Err(AppError::Forbidden(msg!(
            "两步验证只对执法总队用户开放",
            "the second factor is for corps users only"
        )));
    }
    let secret = secret.trim().to_string();
    if secret_bytes(&secret).is_none() {
        return Err(AppError::Invalid(
            msg!(
                "密钥不是有效的 base32 字符串（至少 128 位）：请重新打开本页",
                "the secret is not base32 of at least 128 bits: open the page again"
            )
            .on("secret"),
        ));
    }
    if is_on(app, who.user_id).await? {
        return Err(AppError::Refused(msg!(
            "两步验证已经启用：要换手机，请先关闭再重新启用",
            "the second factor is on already: to change phones, turn it off and on again"
        )));
    }
    let Some(step) = step_of(&secret, code, now) else {
        return Err(wrong_code());
    };
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    active(&mut tx, who.user_id).await?;
    if store::totp::current_in(&mut tx, who.user_id)
        .await?
        .is_some()
    {
        return Err(AppError::Refused(msg!(
            "两步验证刚被启用",
            "the second factor was turned on meanwhile"
        )));
    }
    // The code that turns it on signs nobody in after (a wrong one here guesses nothing:
    // the secret is on the user's screen, so it is not counted).
    if !store::totp::take_step(&mut tx, who.user_id, step_number(step)).await? {
        return Err(wrong_code());
    }
    let event = json!({
        "user": who.user_id,
        "by": who.user_id,
        "secret_commitment": commitment(&secret),
    });
    let logged = journal::append(&mut tx, key, &app.origin, "user.totp_set", &event).await?;
    store::totp::insert(
        &mut tx,
        &TotpRow {
            log_seq: logged.seq as i64,
            user_id: who.user_id,
            secret,
            set_by: Some(who.user_id),
            set_at: logged.time.clone(),
        },
    )
    .await?;
    store::sessions::delete_of_user(&mut tx, who.user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Who turns a second factor off.
#[derive(Debug, Clone, Copy)]
pub enum RemovedBy<'a> {
    /// The server's operator, at the command line.
    Operator,
    /// The user themself (who must give a code), or a corps user for someone else.
    User(&'a Principal),
}

/// Turns the second factor of user `user_id` off; every session of theirs ends. The user
/// themself gives a right `code`; a corps user removing someone else's (a lost phone) and
/// the operator need none.
pub async fn remove(
    app: &App,
    user_id: i64,
    by: RemovedBy<'_>,
    code: Option<&str>,
    now: i64,
) -> Result<()> {
    let by_id = match by {
        RemovedBy::Operator => None,
        RemovedBy::User(p) if p.user_id == user_id || p.role == Role::Corps => Some(p.user_id),
        RemovedBy::User(_) => {
            return Err(AppError::Forbidden(msg!(
                "只有本人或执法总队用户可以关闭两步验证",
                "only the user or a corps user may turn the second factor off"
            )));
        }
    };
    let Some(current) = store::totp::current(&app.store, user_id).await? else {
        return Err(AppError::Refused(msg!(
            "用户 #{user_id} 没有启用两步验证",
            "user {user_id} has no second factor"
        )));
    };
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    for id in std::iter::once(user_id).chain(by_id) {
        active(&mut tx, id).await?;
    }
    if store::totp::current_in(&mut tx, user_id)
        .await?
        .is_none_or(|t| t.log_seq != current.log_seq)
    {
        return Err(AppError::Refused(msg!(
            "两步验证刚被修改，请刷新后再试",
            "the second factor changed meanwhile: reload and try again"
        )));
    }
    if by_id == Some(user_id) && !take_code(&mut tx, user_id, &current.secret, code, now).await? {
        // The wrong code counts.
        tx.commit().await?;
        return Err(wrong_code());
    }
    let event = json!({ "user": user_id, "by": by_id });
    let logged = journal::append(&mut tx, key, &app.origin, "user.totp_removed", &event).await?;
    store::totp::insert(
        &mut tx,
        &TotpRow {
            log_seq: logged.seq as i64,
            user_id,
            secret: String::new(),
            set_by: by_id,
            set_at: logged.time.clone(),
        },
    )
    .await?;
    store::sessions::delete_of_user(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses a user revoked (or never added), read inside the write.
async fn active(tx: &mut store::Tx, id: i64) -> Result<()> {
    let revoked = store::users::get_in(tx, id)
        .await?
        .is_none_or(|u| u.revoked_at.is_some());
    if revoked {
        return Err(AppError::Refused(msg!(
            "用户 #{id} 已撤销",
            "user {id} is revoked"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 vectors (8 digits, the 20-byte ASCII secret
    /// "12345678901234567890").
    #[test]
    fn rfc_6238_vectors() {
        let totp = Builder::new()
            .with_digits(8)
            .with_step_duration(30)
            .with_skew(0)
            .with_secret(b"12345678901234567890".to_vec())
            .build()
            .unwrap();
        for (time, code) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(totp.generate(time).to_string(), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_right_within_a_step_either_side_only() {
        // base32 of "12345678901234567890".
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let now = 1_234_567_890;
        let code = code_at(secret, now).unwrap();
        assert_eq!(code.len(), 6);
        // RFC 6238's 8-digit code at this time is 89005924: the 6-digit one is its tail.
        assert_eq!(code, "005924");
        assert_eq!(step_of(secret, &code, now), Some(now as u64 / 30));
        assert_eq!(step_of(secret, "005 924", now), Some(now as u64 / 30));
        assert!(step_of(secret, &code, now + 30).is_some());
        assert!(step_of(secret, &code, now - 30).is_some());
        assert_eq!(step_of(secret, &code, now + 60), None);
        assert_eq!(step_of(secret, &code, now - 60), None);
        assert_eq!(step_of(secret, "123456", now), None);
        assert_eq!(step_of(secret, "00592", now), None);
        assert_eq!(step_of(secret, "0059240", now), None);
        assert_eq!(step_of(secret, "OO5924", now), None);
        assert_eq!(step_of("not base32!", &code, now), None);
        // Too short a secret (80 bits) is refused.
        assert_eq!(step_of("GEZDGNBVGY3TQOJQ", &code, now), None);
    }

    #[test]
    fn an_enrolment_is_a_fresh_160_bit_secret_and_its_uri() {
        let a = enrolment("王芳").unwrap();
        let b = enrolment("a:b").unwrap();
        assert_ne!(a.secret, b.secret);
        assert_eq!(secret_bytes(&a.secret).map(|s| s.len()), Some(20));
        assert!(
            a.uri
                .starts_with("otpauth://totp/shuangsui:%E7%8E%8B%E8%8A%B3?secret="),
            "{}",
            a.uri
        );
        assert!(a.uri.contains(&a.secret), "{}", a.uri);
        assert!(a.uri.contains("issuer=shuangsui"), "{}", a.uri);
        assert!(
            b.uri.starts_with("otpauth://totp/shuangsui:a-b?"),
            "{}",
            b.uri
        );
        assert_eq!(format!("{a:?}"), "Enrolment { .. }");
    }

    #[test]
    fn an_offer_is_tagged_for_its_session_and_secret_only() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let tag = offer_tag(&a, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(tag.len(), 43);
        assert!(offer_tag_matches(
            &a,
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            &tag
        ));
        assert!(!offer_tag_matches(
            &b,
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            &tag
        ));
        assert!(!offer_tag_matches(
            &a,
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            &tag
        ));
        assert!(!offer_tag_matches(
            &a,
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ""
        ));
    }
}
