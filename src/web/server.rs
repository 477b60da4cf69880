//! Runs the router on a TCP listener until Ctrl-C or SIGTERM, then finishes the requests in
//! flight (graceful shutdown). Prints the bound address first (port 0 picks a free one).
//!
//! The accept loop is ours rather than `axum::serve`'s for two limits that one lacks: a
//! request head must arrive within `header_timeout` (hyper's `header_read_timeout`, also
//! between requests on a kept-alive connection), and connections are capped in all and per
//! address (`connections`). Each connection is served by hyper's HTTP/1 server and watched
//! by hyper-util's `GracefulShutdown`.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::connections::{ConnectionLimits, fit_descriptor_limit};
use super::{AppState, Limits, router};

/// Serves `state` on `listener` until a shutdown signal.
pub async fn run(listener: TcpListener, state: AppState, limits: Limits) -> std::io::Result<()> {
    state.refresh().await;
    let watcher = state.watch_log(Duration::from_secs(1));
    let app = router(state, limits.clone());
    let outcome = serve(listener, app, &limits, shutdown_signal()).await;
    watcher.abort();
    tracing::info!("stopped");
    outcome
}

/// Serves `app` on `listener` under `limits` until `shutdown` completes, then waits for the
/// open connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let conns = ConnectionLimits::new(
        fit_descriptor_limit(limits.max_connections),
        limits.max_connections_per_address,
        limits.trusted_proxies.clone(),
    );
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // At the total cap, nothing is accepted: newcomers wait in the kernel's queue.
        let permit = tokio::select! {
            p = conns.room() => match p {
                Some(p) => p,
                None => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(admitted) = conns.admit(permit, peer.ip()) else {
            tracing::warn!(%peer, "too many connections from this address: closed");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut r: axum::extract::Request<_>| {
                r.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                r
            });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(admitted);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A failed accept: a client that gave up is nothing; anything else (such as running out of
/// file descriptors) is logged and retried after a pause rather than spun on.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Completes at Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
