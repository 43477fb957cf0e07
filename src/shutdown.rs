//! The shutdown signal. Signals are process-wide, so the flag is too: the HTTP server stops
//! accepting when it is raised, and every WebSocket loop closes its socket with 1001.

use std::sync::LazyLock;

use tokio::sync::watch;

static SHUTDOWN: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);

/// Raises the flag (idempotent).
pub fn trigger() {
    SHUTDOWN.send_replace(true);
}

/// Whether shutdown has begun.
pub fn is_shutting_down() -> bool {
    *SHUTDOWN.borrow()
}

/// Resolves once shutdown has begun (at once if it already has).
pub async fn wait() {
    let mut rx = SHUTDOWN.subscribe();
    // The sender lives in a static, so it is never dropped and `wait_for` only ends on `true`.
    let _ = rx.wait_for(|down| *down).await;
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
pub async fn signal() {
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
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
