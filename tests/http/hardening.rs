//! Hardening in process: uploads refused before their body is read, the upload limit, and
//! the failed-token limit (a valid token always passes; client addresses from the socket
//! or, behind a trusted proxy, from `X-Forwarded-For`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};

use super::*;

const CHUNK: usize = 64 * 1024;

/// A body of `total` bytes that counts how many bytes the server pulled from it.
fn counting_body(total: usize) -> (Body, Arc<AtomicUsize>) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let chunk = Bytes::from(vec![b'x'; CHUNK]);
    let counter = pulled.clone();
    let stream = futures_util::stream::unfold(0usize, move |sent| {
        let chunk = chunk.clone();
        let counter = counter.clone();
        async move {
            if sent >= total {
                return None;
            }
            counter.fetch_add(CHUNK, Ordering::SeqCst);
            Some((Ok::<_, std::io::Error>(chunk), sent + CHUNK))
        }
    });
    (Body::from_stream(stream), pulled)
}

/// Sends `body` to `path` as `token`, optionally with a declared length.
async fn send(
    router: &Router,
    path: &str,
    token: Option<&str>,
    body: Body,
    declared: Option<usize>,
) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "text/csv");
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(n) = declared {
        request = request.header(header::CONTENT_LENGTH, n);
    }
    let response = router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_without_the_corps_role_is_refused_before_its_body_is_read() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let cases = [
        (None, StatusCode::UNAUTHORIZED, "unauthenticated"),
        (
            Some("ss1.1.nope"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            Some(demo.officer.as_str()),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            Some(demo.auditor.as_str()),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ];
    for (token, status, code) in cases {
        let (body, pulled) = counting_body(64 << 20);
        let r = send(&router, "/api/v1/directories/entities", token, body, None).await;
        assert_eq!(r.status, status, "{token:?}: {}", r.text());
        assert_eq!(r.error_code(), code);
        let pulled = pulled.load(Ordering::SeqCst);
        assert!(
            pulled <= 1 << 20,
            "{token:?}: the server pulled {pulled} bytes of a refused upload"
        );
    }
}

/// A router whose uploads may be at most `upload_bytes`.
async fn router_with(demo: &Demo, settings: Settings) -> Router {
    let app = App::open(&demo.url, Some(&demo.key)).await.unwrap();
    let state = AppState::new(
        app,
        FailedAuthLimiter::new(
            settings.auth_max_failures,
            std::time::Duration::from_secs(settings.auth_window_secs),
        ),
        "",
    );
    state.refresh().await;
    web::router(state, Limits::from_settings(&settings))
}

async fn entity_versions(router: &Router, demo: &Demo) -> usize {
    let r = call(
        router,
        Method::GET,
        "/api/v1/directories/entities",
        Some(&demo.corps),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json().as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corps_upload_over_the_limit_is_413_and_imports_nothing() {
    let demo = demo();
    let entities = std::fs::read(root().join("registries/shanghai/entities.csv")).unwrap();
    let limit = entities.len() + 1024;
    let router = router_with(
        &demo,
        Settings {
            upload_limit_bytes: limit,
            ..Settings::default()
        },
    )
    .await;
    let before = entity_versions(&router, &demo).await;
    // Streamed without a declared length: cut off at the limit.
    let (body, pulled) = counting_body(16 * limit);
    let r = send(
        &router,
        "/api/v1/directories/entities",
        Some(&demo.corps),
        body,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.error_code(), "payload_too_large");
    let pulled = pulled.load(Ordering::SeqCst);
    assert!(
        pulled <= limit + 2 * CHUNK,
        "pulled {pulled} of a {limit} limit"
    );
    // A declared length over the limit: refused before any of it is read.
    let (body, pulled) = counting_body(16 * limit);
    let r = send(
        &router,
        "/api/v1/directories/entities",
        Some(&demo.corps),
        body,
        Some(16 * limit),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.error_code(), "payload_too_large");
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert_eq!(
        entity_versions(&router, &demo).await,
        before,
        "nothing imported"
    );
    // Under the limit the upload (spooled to a file) imports as before: the demo's own
    // entities file is the current version, so it is unchanged.
    let r = call(
        &router,
        Method::POST,
        "/api/v1/directories/entities?name=entities.csv",
        Some(&demo.corps),
        Some(("text/csv", entities)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["outcome"], "unchanged");
}

/// A request from `peer`, with `forwarded` as X-Forwarded-For.
async fn me_from(router: &Router, peer: &str, forwarded: Option<&str>, token: &str) -> StatusCode {
    let mut request = Request::builder()
        .uri("/api/v1/me")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(f) = forwarded {
        request = request.header("x-forwarded-for", f);
    }
    let mut request = request.body(Body::empty()).unwrap();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    router.clone().oneshot(request).await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_token_authenticates_after_failures_from_its_address() {
    let demo = demo();
    let router = router(&demo, 10).await;
    for _ in 0..10 {
        let s = me_from(&router, "192.0.2.7", None, "ss1.1.nope").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let s = me_from(&router, "192.0.2.7", None, "ss1.1.nope").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "failures are limited");
    for token in [&demo.corps, &demo.officer, &demo.auditor] {
        let s = me_from(&router, "192.0.2.7", None, token).await;
        assert_eq!(s, StatusCode::OK, "a valid token is never locked out");
    }
    let s = me_from(&router, "192.0.2.7", None, "ss1.1.nope").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "still limited after");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let demo = demo();
    let router = router(&demo, 3).await;
    for n in 0..3 {
        let forged = format!("198.51.100.{n}");
        let s = me_from(&router, "192.0.2.9", Some(&forged), "ss1.1.nope").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // Counted by the socket's address, whatever the header says.
    let s = me_from(&router, "192.0.2.9", Some("198.51.100.99"), "ss1.1.nope").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let s = me_from(&router, "192.0.2.10", Some("192.0.2.9"), "ss1.1.nope").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "another socket address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_forwarded_clients_are_limited_separately() {
    let demo = demo();
    let router = router_with(
        &demo,
        Settings {
            auth_max_failures: 3,
            trusted_proxies: vec!["10.0.0.1".into(), "172.16.0.0/12".into()],
            ..Settings::default()
        },
    )
    .await;
    let proxy = "10.0.0.1";
    for _ in 0..3 {
        // A client may prepend anything; the right-most untrusted address is the client.
        let s = me_from(
            &router,
            proxy,
            Some("203.0.113.50, 198.51.100.1, 172.16.5.5"),
            "ss1.1.nope",
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let s = me_from(&router, proxy, Some("198.51.100.1"), "ss1.1.nope").await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "the first client is limited"
    );
    let s = me_from(&router, proxy, Some("198.51.100.2"), "ss1.1.nope").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the second client is not");
    let s = me_from(&router, proxy, Some("203.0.113.50"), "ss1.1.nope").await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the prepended address was not counted"
    );
    // The proxy itself is not blocked: a request without the header counts as the proxy.
    let s = me_from(&router, proxy, None, "ss1.1.nope").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let s = me_from(&router, proxy, Some("198.51.100.1"), &demo.corps).await;
    assert_eq!(s, StatusCode::OK);
}
