//! Runs the router on a TCP listener until Ctrl-C or SIGTERM, then finishes the requests in
//! flight (graceful shutdown). Prints the bound address first (port 0 picks a free one).

use std::net::SocketAddr;
use std::time::Duration;

use super::{AppState, Limits, router};

/// Serves `state` on `listener` until a shutdown signal.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: Limits,
) -> std::io::Result<()> {
    state.refresh().await;
    let watcher = state.watch_log(Duration::from_secs(1));
    let app = router(state, limits);
    let outcome = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    watcher.abort();
    tracing::info!("stopped");
    outcome
}

async fn shutdown_signal() {
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
