//! Who is calling: a bearer token in the `Authorization` header (no cookies, so no CSRF),
//! checked by `app::users::authenticate` (hash compared in constant time). No header means
//! the public; a bad token is refused, never downgraded to public. Failed tokens are counted
//! per client address (`web::client`: the socket's, or a trusted proxy's `X-Forwarded-For`);
//! past the limit a further failure is answered 429 instead of 401. A valid token is always
//! accepted: otherwise anyone sharing an address with a user (a proxy, an office's NAT)
//! could lock that user out with ten bad tokens. Guessing gains nothing from this: a token
//! carries 256 random bits and is compared by hash in constant time.

use crate::domain::Message;
use crate::msg;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{StatusCode, header, request::Parts};

use super::client::{ClientAddr, counted_as};
use super::error::ApiError;
use super::state::AppState;
use crate::app::users::{self, Principal, Role};

/// The caller: a user with a role, or the public (`None`).
#[derive(Debug, Clone)]
pub struct Caller(pub Option<Principal>);

impl Caller {
    /// The caller, if their role is one of `roles`: 401 for the public, 403 for other roles.
    pub fn require(&self, roles: &[Role]) -> Result<&Principal, ApiError> {
        match &self.0 {
            None => Err(ApiError::unauthenticated(Message::new(
                "这个接口需要令牌：Authorization: Bearer TOKEN",
                "this route needs a token: Authorization: Bearer TOKEN",
            ))),
            Some(p) if roles.contains(&p.role) => Ok(p),
            Some(p) => {
                let role = p.role.as_str();
                let words: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                let (zh, en) = (words.join("、"), words.join(", "));
                Err(ApiError::forbidden(msg!(
                    "角色 {role} 不能使用这个接口（仅限 {zh}）",
                    "role {role} may not use this route (it is for {en})"
                )))
            }
        }
    }
}

/// The client's address as the limiter counts it (`client::counted_as`); unspecified for
/// in-process requests without one.
fn client_ip(parts: &Parts) -> IpAddr {
    let resolved = parts
        .extensions
        .get::<ClientAddr>()
        .map(|c| c.0)
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        });
    resolved.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), counted_as)
}

/// The client's address as the limiter counts it, for handlers that count failures
/// themselves (the console's sign-in).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Caller(None));
        };
        let ip = client_ip(parts);
        let blocked = state.limiter.is_blocked(ip, Instant::now());
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let principal = match token {
            Some(t) if !t.is_empty() => users::authenticate(&state.app, t)
                .await
                .map_err(ApiError::from)?,
            _ => None,
        };
        match principal {
            Some(p) => Ok(Caller(Some(p))),
            None => {
                state.limiter.record_failure(ip, Instant::now());
                tracing::warn!(%ip, blocked = blocked.is_some(), "failed authentication");
                if let Some(wait) = blocked {
                    let mut e = ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "too_many_failures",
                        Message::new(
                            "这个地址的认证失败次数过多，请稍后再试",
                            "too many failed authentications from this address; try again later",
                        ),
                    );
                    e.retry_after = Some(wait.as_secs().max(1));
                    return Err(e);
                }
                Err(ApiError::unauthenticated(Message::new(
                    "令牌无效（格式错误、不存在或已停用）",
                    "the token is not valid (malformed, unknown or revoked)",
                )))
            }
        }
    }
}
