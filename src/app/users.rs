//! Users of the HTTP API: roles, tokens shown once and stored as hashes, authentication.
//!
//! A token reads `ss1.{id}.{secret}`: the user's id and 32 random bytes in unpadded
//! base64url. Only the SHA-256 of the secret's bytes is stored; the log records who was
//! added or revoked, with which role and card, never the token or its hash.

use crate::domain::Message;
use crate::msg;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{App, AppError, Result, journal};
use crate::store::{
    self, StoreError, rows,
    users::{NewUser, UserRow},
};

/// Longest user name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The token's version prefix.
const TOKEN_PREFIX: &str = "ss1";

/// Bytes of randomness in a token's secret.
const SECRET_BYTES: usize = 32;

/// Compared against when a token names no user, so the answer takes as long either way.
const DUMMY_SHA256: [u8; 32] = [0x5a; 32];

/// What a user may do through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The inspection corps (执法总队): imports, batches, draws, publication.
    Corps,
    /// An officer: records the results of the targets in their team.
    Officer,
    /// An auditor: reads everything, the log included, changes nothing.
    Auditor,
    /// A reviewer (审核人员): reads the results of drawn batches and approves or returns
    /// each (`app::reviews`); records, imports, creates, commits, draws and publishes
    /// nothing. Review is this role's alone: the corps publishes, officers record.
    Reviewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Corps, Role::Officer, Role::Auditor, Role::Reviewer];

    /// The word stored and logged: `corps`, `officer`, `auditor` or `reviewer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Corps => "corps",
            Role::Officer => "officer",
            Role::Auditor => "auditor",
            Role::Reviewer => "reviewer",
        }
    }

    /// One of the four words (surrounding white space ignored).
    pub fn parse(value: &str) -> Result<Role, String> {
        let v = value.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == v)
            .ok_or_else(|| format!("role '{v}' is not one of corps, officer, auditor, reviewer"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// The officer's card number (officers only).
    pub card_no: Option<String>,
}

/// A user name as stored: trimmed, NFC, no control characters, 1 to 64 characters.
fn user_name(name: &str) -> Result<String> {
    let name = crate::domain::text::required(name).map_err(|e| {
        let name = name.trim();
        AppError::Invalid(
            msg!(
                "用户名无效：不能为空，不能含控制字符",
                "user name '{name}': {e}"
            )
            .on("name"),
        )
    })?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::Invalid(
            msg!(
                "用户名至多 {MAX_NAME_CHARS} 个字符",
                "user name '{name}': is longer than {MAX_NAME_CHARS} characters"
            )
            .on("name"),
        ));
    }
    Ok(name)
}

/// The card an added user carries: an officer's must be in the current officers snapshot;
/// other roles carry none.
async fn card_for(app: &App, role: Role, card: Option<&str>) -> Result<Option<String>> {
    let card = card.map(str::trim).filter(|c| !c.is_empty());
    match (role, card) {
        (Role::Officer, None) => Err(AppError::Invalid(
            Message::new(
                "执法人员须填写执法证号",
                "role officer needs --card: the officer's card number (执法证号) in the current officers snapshot",
            )
            .on("card"),
        )),
        (Role::Officer, Some(card)) => {
            let snapshot = store::snapshots::latest(&app.store, "officers")
                .await?
                .ok_or_else(|| {
                    AppError::Invalid(
                        msg!(
                            "尚未导入执法人员名录，无法核对执法证号 {card}",
                            "card '{card}': no officers snapshot yet: import officers first (`shuangsui import officers FILE`)"
                        )
                        .on("card"),
                    )
                })?;
            let cards = rows::keys(&app.store, &rows::OFFICERS, snapshot.id).await?;
            if !cards.contains(card) {
                let version = snapshot.version;
                return Err(AppError::Invalid(
                    msg!(
                        "执法证号 {card} 不在当前执法人员名录（第 {version} 版）中",
                        "card '{card}' is not an officer's card number in the current officers snapshot (version {version})"
                    )
                    .on("card"),
                ));
            }
            Ok(Some(card.to_string()))
        }
        (role, Some(card)) => Err(AppError::Invalid(
            msg!(
                "只有执法人员填写执法证号",
                "card '{card}': --card is for officers only, role {role} takes none"
            )
            .on("card"),
        )),
        (_, None) => Ok(None),
    }
}

fn secret_sha256(secret: &[u8]) -> [u8; 32] {
    Sha256::digest(secret).into()
}

/// Adds a user; returns the stored row and its token, which exists nowhere else: it is
/// shown once, and only the SHA-256 of its secret is kept.
pub async fn add(
    app: &App,
    name: &str,
    role: Role,
    card: Option<&str>,
) -> Result<(UserRow, String)> {
    let name = user_name(name)?;
    let card = card_for(app, role, card).await?;
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut secret)
        .map_err(|e| AppError::Setup(format!("random token secret: {e}")))?;
    let hash = secret_sha256(&secret);

    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if let Some(existing) = store::users::by_name_in(&mut tx, &name).await? {
        let (user, role) = (existing.id, existing.role);
        let revoked = match &existing.revoked_at {
            Some(t) => format!(", revoked {t}"),
            None => String::new(),
        };
        return Err(AppError::Invalid(
            msg!(
                "用户名 {name} 已被使用，用户名不能重复使用",
                "user name '{name}' is taken (user {user}, {role}{revoked}): names are never reused"
            )
            .on("name"),
        ));
    }
    let id = store::users::reserve_id(&mut tx).await?;
    let event = json!({
        "user": id,
        "name": name,
        "role": role.as_str(),
        "card_no": card,
        // The token hash itself stays out of the log; its own SHA-256 lets `log verify`
        // find a rewritten hash (a way to sign in as this user) and tells nothing of the
        // token, whose secret is 32 random bytes.
        "token_commitment": crate::canonical::sha256_hex(&hash),
    });
    let logged = journal::append(&mut tx, key, &app.origin, "user.added", &event).await?;
    let stored = store::users::insert(
        &mut tx,
        id,
        &NewUser {
            name: &name,
            role: role.as_str(),
            card_no: card.as_deref(),
            token_sha256: &hash,
            created_at: &logged.time,
            log_seq: logged.seq as i64,
        },
    )
    .await?;
    if stored != id {
        return Err(AppError::Store(StoreError::Corrupt(format!(
            "user id {stored}, expected {id}"
        ))));
    }
    tx.commit().await?;
    let token = format!("{TOKEN_PREFIX}.{id}.{}", URL_SAFE_NO_PAD.encode(secret));
    let row = store::users::get(&app.store, id)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("没有用户 {id}", "user {id}")))?;
    Ok((row, token))
}

/// Revokes the user `name`: its token stops working at once. The user stays listed.
pub async fn revoke(app: &App, name: &str) -> Result<UserRow> {
    let name = user_name(name)?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let user = store::users::by_name_in(&mut tx, &name)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(msg!("没有名为 {name} 的用户", "no user named '{name}'"))
        })?;
    if let Some(t) = &user.revoked_at {
        return Err(AppError::Refused(msg!(
            "用户 {name} 已于 {t} 停用",
            "user '{name}' was revoked already ({t})"
        )));
    }
    let event = json!({ "user": user.id, "name": name });
    let logged = journal::append(&mut tx, key, &app.origin, "user.revoked", &event).await?;
    if !store::users::revoke(&mut tx, &name, &logged.time).await? {
        return Err(AppError::Refused(msg!(
            "用户 {name} 刚刚已被停用",
            "user '{name}' was revoked meanwhile"
        )));
    }
    store::sessions::delete_of_user(&mut tx, user.id).await?;
    tx.commit().await?;
    store::users::get(&app.store, user.id)
        .await?
        .ok_or_else(|| {
            let id = user.id;
            AppError::NotFound(msg!("没有用户 {id}", "user {id}"))
        })
}

/// Every user, in the order added (revoked ones included).
pub async fn list(app: &App) -> Result<Vec<UserRow>> {
    Ok(store::users::all(&app.store).await?)
}

/// A token's user id and secret bytes, or None if it is not of the form
/// `ss1.{id}.{secret}` (decimal id without leading zeros, 32 bytes in unpadded base64url).
fn parse_token(token: &str) -> Option<(i64, [u8; SECRET_BYTES])> {
    // The longest well-formed token: prefix, 18-digit id, 43 secret characters, two dots.
    if token.len() > 3 + 18 + 43 + 2 {
        return None;
    }
    let mut parts = token.split('.');
    let (prefix, id, secret) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || prefix != TOKEN_PREFIX {
        return None;
    }
    if id.is_empty()
        || id.len() > 18
        || id.starts_with('0')
        || !id.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let id: i64 = id.parse().ok()?;
    let secret: [u8; SECRET_BYTES] = URL_SAFE_NO_PAD.decode(secret).ok()?.try_into().ok()?;
    Some((id, secret))
}

/// The user a token belongs to, or None for a malformed, unknown, wrong or revoked token.
/// The secret's hash is compared in constant time, and against a fixed dummy when the id
/// names no user, so the time taken does not tell which ids exist.
pub async fn authenticate(app: &App, token: &str) -> Result<Option<Principal>> {
    let Some((id, secret)) = parse_token(token) else {
        return Ok(None);
    };
    let user = store::users::get(&app.store, id).await?;
    let presented = secret_sha256(&secret);
    let stored: &[u8] = user.as_ref().map_or(&DUMMY_SHA256, |u| &u.token_sha256);
    let matches: bool = presented.ct_eq(stored).into();
    let Some(user) = user else {
        return Ok(None);
    };
    if !matches || user.revoked_at.is_some() {
        return Ok(None);
    }
    let role = Role::parse(&user.role)
        .map_err(|e| AppError::Store(StoreError::Corrupt(format!("user {}: {e}", user.id))))?;
    Ok(Some(Principal {
        user_id: user.id,
        name: user.name,
        role,
        card_no: user.card_no,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str, secret: &[u8]) -> String {
        format!("ss1.{id}.{}", URL_SAFE_NO_PAD.encode(secret))
    }

    #[test]
    fn well_formed_token_parses() {
        let secret = [7u8; 32];
        assert_eq!(parse_token(&token("42", &secret)), Some((42, secret)));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let secret = [7u8; 32];
        let good = token("42", &secret);
        for bad in [
            String::new(),
            "ss1".into(),
            "ss1..".into(),
            good.replacen("ss1", "ss2", 1),
            token("042", &secret),
            token("+42", &secret),
            token("-42", &secret),
            token("0", &secret),
            token("4 2", &secret),
            token("9999999999999999999", &secret),
            token("42", &[7u8; 31]),
            token("42", &[7u8; 33]),
            format!("{good}="),
            format!("{good}.x"),
            good.replace('B', "+"),
        ] {
            assert_eq!(parse_token(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn roles_are_the_four_words() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert_eq!(serde_json::to_value(role).ok(), Some(json!(role.as_str())));
        }
        let e = Role::parse("admin").unwrap_err();
        assert!(
            e.contains("'admin'") && e.contains("corps, officer, auditor, reviewer"),
            "{e}"
        );
    }
}
